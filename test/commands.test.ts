// Every user-facing command runs compiled JavaScript: each is spawned with ts-node made
// unresolvable (test/fixtures/module-guard.js) and must still work, and the npm scripts that
// start them name compiled files. The fast paths (render, vmafx-policy psa) must not even load
// the Pulumi SDK.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const GUARD = path.join(__dirname, "fixtures", "module-guard.js");
const BIN = path.join(ROOT, "policy-pack", "bin", "vmafx-policy.js");

function run(args: string[]) {
    const loaded = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-cmd-")), "loaded.txt");
    const r = spawnSync(process.execPath, ["--require", GUARD, ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 120000,
        env: { ...process.env, VMAFX_LOADED_MODULES: loaded, TS_NODE_PROJECT: "", NODE_OPTIONS: "" },
    });
    const modules = fs.existsSync(loaded) ? fs.readFileSync(loaded, "utf8").split("\n") : [];
    return { ...r, modules };
}

const noTsNode = (modules: string[]) =>
    assert.deepEqual(
        modules.filter((m) => /[/\\](ts-node|typescript)[/\\]/.test(m) && /ts-node/.test(m)),
        [],
    );
const noPulumi = (modules: string[]) =>
    assert.deepEqual(
        modules.filter((m) => /[/\\]@pulumi[/\\]/.test(m)),
        [],
    );

describe("user-facing commands run compiled JavaScript, never ts-node", function () {
    this.timeout(180000);
    let out: string;
    let manifest: string;
    before(() => {
        out = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-cmd-render-"));
        manifest = path.join(out, "pod.yaml");
    });

    it("the npm scripts render, preview:offline, schema, docs and bench start compiled files", () => {
        const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
        for (const name of ["render", "preview:offline", "schema", "docs", "bench"]) {
            assert.match(scripts[name], /^node dist\/tools\/[a-z-]+\.js$/, `${name}: ${scripts[name]}`);
            assert.ok(fs.existsSync(path.join(ROOT, scripts[name].split(" ")[1])), `${scripts[name]} is built`);
        }
        const pack = JSON.parse(fs.readFileSync(path.join(ROOT, "policy-pack", "package.json"), "utf8"));
        assert.equal(pack.bin["vmafx-policy"], "bin/vmafx-policy.js");
        assert.match(fs.readFileSync(BIN, "utf8"), /require\("\.\.\/dist\/cli"\)/);
    });

    it("render --stack prod: works without ts-node and loads no @pulumi module", () => {
        const r = run([path.join(ROOT, "dist", "tools", "render.js"), "--stack", "prod", "--out", path.join(out, "prod")]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^rendered \d+ objects of stack prod/);
        noTsNode(r.modules);
        noPulumi(r.modules);
        fs.copyFileSync(
            path.join(
                out,
                "prod",
                fs.readdirSync(path.join(out, "prod")).find((f) => f.includes("deployment-"))!,
            ),
            manifest,
        );
    });

    it("vmafx-policy psa: works without ts-node and loads no @pulumi module", () => {
        const r = run([BIN, "psa", manifest]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /1 objects, 1 pod-bearing, 0 not allowed/);
        noTsNode(r.modules);
        noPulumi(r.modules);
    });

    it("vmafx-policy check: works without ts-node", () => {
        const r = run([BIN, "check", "--environment", "dev", manifest]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /policy violations: 0 mandatory/);
        noTsNode(r.modules);
    });

    it("preview:offline --stack prod: works without ts-node (the program runs compiled)", () => {
        const r = run([path.join(ROOT, "dist", "tools", "preview-offline.js"), "--stack", "prod"]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /policy violations: 0 mandatory/);
        noTsNode(r.modules);
    });

    it("schema: works without ts-node and prints only JSON on stdout", () => {
        const r = run([path.join(ROOT, "dist", "tools", "schema.js")]);
        assert.equal(r.status, 0, r.stderr);
        const schema = JSON.parse(r.stdout);
        assert.equal(schema.resources["vmafx:index:VmafxStack"].isComponent, true);
        noTsNode(r.modules);
    });

    it("docs --check: works without ts-node, writes nothing, and the committed docs are current", () => {
        const before = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const r = run([path.join(ROOT, "dist", "tools", "docs.js"), "--check"]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^up to date: docs\/k8s-deployment\.md, README\.md, Pulumi\.yaml/);
        assert.equal(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"), before);
        noTsNode(r.modules);
    });
});
