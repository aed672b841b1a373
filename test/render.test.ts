// The offline render: deterministic files per object, every pod template restricted-clean,
// Secret data never written, bad config writes nothing.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { evaluatePod } from "@vmafx-k8s/core";
import { podTemplateOf } from "@vmafx-k8s/core";
import { render } from "../tools/render";

const ROOT = path.resolve(__dirname, "..");

function tmp(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-render-"));
}

function readAll(dir: string): Record<string, string> {
    return Object.fromEntries(fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
}

describe("offline render", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: writes one YAML file per object, identical on a second run, every pod template restricted at the namespace's pinned version`, async () => {
            const a = path.join(tmp(), "out");
            const b = path.join(tmp(), "out");
            const files = await render(stack, a);
            await render(stack, b);
            assert.deepEqual(readAll(a), readAll(b));
            assert.equal(Object.keys(readAll(a)).length, files.length);
            const objects = files.map((f) => yaml.load(fs.readFileSync(path.join(a, f), "utf8")) as any);
            assert.equal(objects[0].kind, "Namespace");
            const version = objects[0].metadata.labels["pod-security.kubernetes.io/enforce-version"];
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
        await render("dev", dir);
        fs.writeFileSync(path.join(dir, "stale.yaml"), "kind: Stale\n");
        await render("dev", dir);
        assert.ok(!fs.existsSync(path.join(dir, "stale.yaml")));
        const foreign = tmp();
        fs.writeFileSync(path.join(foreign, "mine.txt"), "keep me");
        await assert.rejects(render("dev", foreign), /refusing to write into .*not written by this tool/);
        assert.equal(fs.readFileSync(path.join(foreign, "mine.txt"), "utf8"), "keep me");
    });

    it("bad config: `npm run render` exits 1 with the message and writes nothing", () => {
        const dir = tmp();
        const config = path.join(dir, "Pulumi.bad.yaml");
        fs.writeFileSync(config, "config:\n  vmafx:workload: Daemon\n  vmafx:gpu:\n    vendor: apple\n");
        const out = path.join(dir, "out");
        const r = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "tools/render.ts", "--stack", "bad", "--config-file", config, "--out", out], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /vmafx:gpu\.vendor = "apple": Invalid option/);
        assert.match(r.stderr, /vmafx:workload = "Daemon": Invalid option: expected one of "Deployment"\|"StatefulSet"\|"Job"/);
        assert.equal(fs.existsSync(out), false);
    });
});
