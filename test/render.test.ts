// The offline render: deterministic files per object, every pod template restricted-clean,
// Secret data never written, bad config writes nothing.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { evaluatePod, podTemplateOf } from "@vmafx-k8s/core";
import { render } from "../tools/render";

const ROOT = path.resolve(__dirname, "..");

function tmp(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-render-"));
}

/** The compiled command, as `npm run render` runs it. */
function renderCli(args: string[]) {
    return spawnSync(process.execPath, [path.join(ROOT, "dist", "tools", "render.js"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60000 });
}

function readAll(dir: string): Record<string, string> {
    return Object.fromEntries(
        fs
            .readdirSync(dir)
            .filter((f) => f.endsWith(".yaml"))
            .sort()
            .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]),
    );
}

describe("offline render", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: writes one YAML file per object, identical on a second run, every pod template restricted at the namespace's pinned version`, async () => {
            const a = path.join(tmp(), "out");
            const b = path.join(tmp(), "out");
            const files = render(stack, a);
            render(stack, b);
            assert.deepEqual(readAll(a), readAll(b));
            assert.equal(Object.keys(readAll(a)).length, files.length);
            const objects = files.map((f) => yaml.load(fs.readFileSync(path.join(a, f), "utf8")) as any);
            // Install order: the CRDs (cluster-scoped, before any object of their kinds), then the Namespace.
            const first = objects.findIndex((o) => o.kind !== "CustomResourceDefinition");
            assert.equal(objects[first].kind, "Namespace");
            assert.ok(
                objects.slice(first).every((o) => o.kind !== "CustomResourceDefinition"),
                "a CRD after the Namespace",
            );
            const version = objects[first].metadata.labels["pod-security.kubernetes.io/enforce-version"];
            let pods = 0;
            for (const obj of objects) {
                const pod = podTemplateOf(obj);
                if (!pod) continue;
                pods++;
                for (const v of [version, "latest"]) {
                    const result = evaluatePod(pod, "restricted", v);
                    assert.equal(result.allowed, true, `${obj.kind}/${obj.metadata.name} at ${v}: ${result.violations.map((x) => x.reason).join(", ")}`);
                }
            }
            assert.ok(pods >= (stack === "prod" ? 3 : 3), `${pods} pod templates`);
        });
    }

    it("a re-render replaces its own output, and refuses a non-empty directory it did not write", async () => {
        const dir = path.join(tmp(), "out");
        render("dev", dir);
        fs.writeFileSync(path.join(dir, "stale.yaml"), "kind: Stale\n");
        render("dev", dir);
        assert.ok(!fs.existsSync(path.join(dir, "stale.yaml")));
        const foreign = tmp();
        fs.writeFileSync(path.join(foreign, "mine.txt"), "keep me");
        assert.throws(() => render("dev", foreign), /refusing to write into .*not written by this tool/);
        assert.equal(fs.readFileSync(path.join(foreign, "mine.txt"), "utf8"), "keep me");
    });

    it("bad config: `npm run render` exits 1 with the message and writes nothing", () => {
        const dir = tmp();
        const config = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(config, "config:\n  vmafx:workload: Daemon\n  vmafx:gpu:\n    vendor: apple\n");
        const out = path.join(dir, "out");
        const r = renderCli(["--stack", "bad", "--config-file", config, "--out", out]);
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /vmafx:gpu\.vendor = "apple": must be one of "nvidia", "amd", "intel", "cpu"\n/);
        assert.match(r.stderr, /vmafx:workload = "Daemon": must be one of "Deployment", "StatefulSet", "Job"\n/);
        assert.equal(fs.existsSync(out), false);
    });

    it("--out - writes the same objects as one YAML stream on stdout, like helm template", () => {
        const dir = path.join(tmp(), "out");
        const files = render("prod", dir);
        const r = renderCli(["--stack", "prod", "--out", "-"]);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "");
        const docs = yaml.loadAll(r.stdout);
        assert.deepEqual(
            docs,
            files.map((f) => yaml.load(fs.readFileSync(path.join(dir, f), "utf8"))),
        );
        assert.ok(r.stdout.startsWith("---\n"));
    });

    it("--out on a non-empty directory it did not write: a clear error and exit 2, no stack trace, nothing touched", () => {
        const foreign = tmp();
        fs.writeFileSync(path.join(foreign, "mine.txt"), "keep me");
        const r = renderCli(["--stack", "dev", "--out", foreign]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /^error: refusing to write into .*: it is not empty and was not written by this tool/);
        assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
        assert.deepEqual(fs.readdirSync(foreign), ["mine.txt"]);
    });

    it("missing flags: usage and exit 2", () => {
        const r = renderCli(["--stack", "dev"]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /--out is required\nusage: npm run render/);
    });
});
