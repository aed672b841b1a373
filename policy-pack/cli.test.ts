import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { Io, main } from "./cli";
import { Obj, defaultDenyPolicy, egressPolicy, namespace, podSpecOf, workload } from "./fixtures";
import { parseManifests } from "@vmafx-k8s/core";

const ROOT = path.join(__dirname, "..");
const SHIM = path.join(__dirname, "bin", "vmafx-policy.js");

function io(stdin = ""): Io & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), readStdin: () => stdin };
}

const dump = (...docs: Obj[]) => docs.map((d) => yaml.dump(d)).join("---\n");

function badCronJob(): Obj {
    const m = workload("CronJob", { name: "nightly" });
    podSpecOf(m).initContainers[0].securityContext.privileged = true;
    return m;
}

describe("vmafx-policy", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-policy-"));
        fs.mkdirSync(path.join(dir, "sub"));
        fs.writeFileSync(
            path.join(dir, "a.yaml"),
            dump(workload("Deployment", { name: "web" }), badCronJob(), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" } }),
        );
        fs.writeFileSync(
            path.join(dir, "sub", "b.yml"),
            dump({ apiVersion: "v1", kind: "List", items: [workload("Pod", { name: "p" }), workload("Job", { name: "j" })] }),
        );
        fs.writeFileSync(path.join(dir, "notes.txt"), "not yaml: [");
        fs.mkdirSync(path.join(dir, "good"));
        fs.writeFileSync(path.join(dir, "good", "ok.yaml"), dump(workload("StatefulSet", { name: "db" })));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("manifests", () => {
        it("reads multi-document YAML, expands Lists and skips empty documents", () => {
            const text = `---\n${dump({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } }] })}---\n---\n${dump({ apiVersion: "v1", kind: "Secret", metadata: { name: "b" } })}`;
            const r = parseManifests(text, "f.yaml");
            assert.deepEqual(r.errors, []);
            assert.deepEqual(
                r.objects.map((o) => [o.index, o.object.kind]),
                [
                    [0, "ConfigMap"],
                    [1, "Secret"],
                ],
            );
        });

        it("reports documents that are not Kubernetes objects and invalid YAML", () => {
            assert.match(parseManifests("- a\n- b\n", "x.yaml").errors[0], /x\.yaml: document 1 is not a Kubernetes object/);
            assert.match(parseManifests("a: [", "y.yaml").errors[0], /y\.yaml: not valid YAML/);
        });
    });

    describe("psa", () => {
        it("prints one JSON line per object and exits 1 when one is not allowed", async () => {
            const t = io();
            assert.equal(await main(["psa", "--level", "restricted", "--version", "latest", "--json", path.join(dir, "a.yaml"), path.join(dir, "sub")], t), 1);
            const lines = t.out.map((l) => JSON.parse(l));
            assert.deepEqual(
                lines.map((l) => [path.relative(dir, l.file), l.index, l.kind, l.name, l.allowed, l.podBearing, l.violations.map((v: Obj) => v.check)]),
                [
                    ["a.yaml", 0, "Deployment", "web", true, true, []],
                    ["a.yaml", 1, "CronJob", "nightly", false, true, ["privileged"]],
                    ["a.yaml", 2, "ConfigMap", "cfg", true, false, []],
                    [path.join("sub", "b.yml"), 0, "Pod", "p", true, true, []],
                    [path.join("sub", "b.yml"), 1, "Job", "j", true, true, []],
                ],
            );
            assert.deepEqual(Object.keys(lines[1]), ["file", "index", "kind", "name", "allowed", "violations", "podBearing"]);
            assert.equal(
                lines[1].violations[0].message,
                'privileged (container "init" must not set securityContext.privileged=true): container "init": spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.privileged = true. Fix: remove securityContext.privileged (or set it to false) on every container.',
            );
        });

        it("exits 0 when every object is allowed, at the level and version given", async () => {
            const t = io();
            assert.equal(await main(["psa", path.join(dir, "good")], t), 0);
            assert.deepEqual(t.out, ['1 objects, 1 pod-bearing, 0 not allowed by Pod Security "restricted:latest"']);
            const m = workload("Pod");
            podSpecOf(m).securityContext.runAsUser = 0;
            assert.equal(await main(["psa", "--version", "v1.22", "-"], io(dump(m))), 0);
            assert.equal(await main(["psa", "--version", "v1.23", "-"], io(dump(m))), 1);
            assert.equal(await main(["psa", "--level", "baseline", path.join(dir, "a.yaml")], io()), 1);
        });

        it("reads stdin for -", async () => {
            const t = io(dump(badCronJob()));
            assert.equal(await main(["psa", "-"], t), 1);
            assert.match(t.out[0], /^-#0 CronJob shop\/nightly: violates PodSecurity "restricted:latest"$/);
            assert.match(t.out[1], /^ {2}- privileged: privileged/);
        });

        it("exits 2 on unreadable input but still evaluates the rest", async () => {
            const t = io();
            assert.equal(await main(["psa", "--json", path.join(dir, "missing.yaml"), path.join(dir, "good")], t), 2);
            assert.equal(t.out.length, 1);
            assert.match(t.err[0], /missing\.yaml: cannot read: ENOENT/);
            const bad = io();
            assert.equal(await main(["psa", path.join(dir, "notes.txt")], bad), 2);
            assert.match(bad.err[0], /notes\.txt: not valid YAML/);
        });

        for (const [what, args, expected] of [
            ["a bad level", ["psa", "--level", "strict", "x.yaml"], /--level must be baseline or restricted/],
            ["a bad version", ["psa", "--version", "1.33", "x.yaml"], /--version must be latest or v1\.N/],
            ["an unknown flag", ["psa", "--strict", "x.yaml"], /Unknown option '--strict'/],
            ["no input", ["psa"], /give at least one file/],
            ["an unknown command", ["lint", "x"], /unknown command "lint"/],
        ] as const) {
            it(`exits 2 on ${what}`, async () => {
                const t = io();
                assert.equal(await main([...args], t), 2);
                assert.match(t.err.join("\n"), expected);
                assert.match(t.err.join("\n"), /usage:/);
            });
        }
    });

    describe("check", () => {
        const good = () => [namespace("shop"), defaultDenyPolicy(), workload("Deployment", { name: "web" })];

        it("runs every policy as one stack: a closed prod stack passes", async () => {
            const t = io(dump(...good()));
            assert.equal(await main(["check", "--environment", "prod", "-"], t), 0);
            assert.equal(t.out[t.out.length - 1], "policy violations: 0 mandatory, 0 advisory");
        });

        it("exits 1 on a mandatory violation and prints JSON lines naming policy, object and field", async () => {
            const t = io(dump(...good(), egressPolicy("open", [{ to: [{ ipBlock: { cidr: "::/0" } }] }])));
            assert.equal(await main(["check", "--environment", "prod", "--json", "-"], t), 1);
            const lines = t.out.map((l) => JSON.parse(l));
            assert.deepEqual(
                lines.map((l) => [l.policy, l.enforcementLevel, l.file, l.index, l.kind, l.namespace, l.name]),
                [["prod-egress", "mandatory", "-", 3, "NetworkPolicy", "shop", "open"]],
            );
            assert.match(lines[0].message, /spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr = "::\/0"/);
        });

        it("the same objects are only advisory in dev", async () => {
            const t = io(dump(...good(), egressPolicy("open", [{}])));
            assert.equal(await main(["check", "--environment", "dev", "-"], t), 0);
            assert.match(t.out.join("\n"), /\[advisory\] {2}vmafx v[\d.]+ {2}prod-egress \(-#3: kubernetes:networking\.k8s\.io\/v1:NetworkPolicy\)/);
        });

        it("takes levels, settings and the environment from --config", async () => {
            const m = workload("Deployment", { name: "op" });
            podSpecOf(m).automountServiceAccountToken = true;
            podSpecOf(m).serviceAccountName = "vmafx-operator";
            const objects = [namespace("vmafx"), defaultDenyPolicy("vmafx"), { ...m, metadata: { ...m.metadata, namespace: "vmafx" } }];
            const t = io(dump(...objects));
            assert.equal(await main(["check", "--config", path.join(ROOT, "stacks", "policy-config.prod.json"), "-"], t), 0);
            assert.match(t.out[0], /environment prod, config .*policy-config\.prod\.json/);
            assert.equal(t.out[t.out.length - 1], "policy violations: 0 mandatory, 0 advisory");
            const cfg = path.join(dir, "bad-config.json");
            fs.writeFileSync(cfg, JSON.stringify({ "pod-security": { level: "strict" } }));
            const bad = io(dump(...objects));
            assert.equal(await main(["check", "--config", cfg, "-"], bad), 2);
            assert.match(bad.err[0], /pod-security\.level: "strict" is not one of/);
        });
    });

    describe("bin/vmafx-policy.js, the package bin running dist/ (spawned)", () => {
        const run = (args: string[], input?: string) => spawnSync(process.execPath, [SHIM, ...args], { cwd: ROOT, encoding: "utf8", input, timeout: 60000 });

        it("psa --json: JSON lines and exit 1", () => {
            const r = run(["psa", "--json", path.join(dir, "a.yaml")]);
            assert.equal(r.status, 1, r.stderr);
            assert.deepEqual(
                r.stdout
                    .trim()
                    .split("\n")
                    .map((l) => JSON.parse(l).allowed),
                [true, false, true],
            );
        });

        it("check --environment prod over stdin: exit 1", () => {
            const r = run(["check", "--environment", "prod", "-"], dump(workload("Pod")));
            assert.equal(r.status, 1, r.stderr);
            assert.match(r.stdout, /\[mandatory\] {2}vmafx v[\d.]+ {2}prod-egress/);
        });
    });
});
