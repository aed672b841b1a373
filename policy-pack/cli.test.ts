import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { EXIT_CODES, Io, main } from "./cli";
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

    describe("exit codes: 1 violation, 2 input error without violation, 3 both (a violation is never hidden)", () => {
        const bad = () => dump(badCronJob());
        const good = () => dump(workload("Deployment", { name: "web" }));
        const missing = () => path.join(dir, "missing.yaml");
        for (const [command, extra] of [
            ["psa", []],
            ["check", ["--environment", "prod"]],
        ] as const) {
            it(`${command}: 0, 1, 2 and 3`, async () => {
                const okInput = command === "psa" ? good() : dump(namespace("shop"), defaultDenyPolicy(), workload("Deployment", { name: "web" }));
                assert.equal(await main([command, ...extra, "-"], io(okInput)), 0);
                assert.equal(await main([command, ...extra, "-"], io(bad())), 1);
                const two = io(okInput);
                assert.equal(await main([command, ...extra, "-", missing()], two), 2);
                assert.match(two.err.join("\n"), /missing\.yaml: cannot read: ENOENT/);
                const three = io(bad());
                assert.equal(await main([command, ...extra, "-", missing()], three), 3);
                assert.match(three.err.join("\n"), /missing\.yaml: cannot read: ENOENT/);
            });
        }

        it("the kubernetes/examples case: a tree with rejected pods and one unreadable file exits 3, not 2", async () => {
            const t = io();
            assert.equal(await main(["psa", path.join(dir, "a.yaml"), path.join(dir, "notes.txt")], t), 3);
            assert.match(t.out[t.out.length - 1], /1 not allowed/);
        });

        it("an expired exemption is an input error: 2 when the object is fixed, 3 when the violation is back", async () => {
            const file = path.join(dir, "expired.yaml");
            fs.writeFileSync(file, "exemptions:\n  - checks: [privileged]\n    match: {name: nightly}\n    reason: batch tool\n    expires: 2026-01-31\n");
            const before = io(dump(badCronJob()));
            before.today = () => "2026-01-31";
            assert.equal(await main(["psa", "--exemptions", file, "-"], before), 0);
            assert.match(
                before.out.join("\n"),
                /allowed by exemptions\n {2}- privileged: exempted: batch tool \[.*expired\.yaml exemptions\[0\], until 2026-01-31\]/,
            );
            const after = io(dump(badCronJob()));
            after.today = () => "2026-02-01";
            assert.equal(await main(["psa", "--exemptions", file, "-"], after), 3);
            assert.match(after.err.join("\n"), /expired\.yaml: exemptions\[0\] \(privileged for \*\/nightly\) expired on 2026-01-31/);
            const fixed = io(dump(workload("CronJob", { name: "nightly" })));
            fixed.today = () => "2026-02-01";
            assert.equal(await main(["psa", "--exemptions", file, "-"], fixed), 2);
            // check applies the same exemptions (and VMAFX_POLICY_EXEMPTIONS when --exemptions is not given)
            const viaEnv = io(dump(badCronJob()));
            viaEnv.today = () => "2026-01-31";
            viaEnv.env = { VMAFX_POLICY_EXEMPTIONS: file };
            assert.equal(await main(["check", "-"], viaEnv), 0);
            assert.match(viaEnv.out.join("\n"), /Exempted:\n {4}\[pod-security\/privileged\] CronJob shop\/nightly \(-#0\): batch tool/);
            assert.match(viaEnv.out[viaEnv.out.length - 1], /policy violations: 0 mandatory, \d+ advisory, 1 exempted/);
        });

        it("the README's table is EXIT_CODES", () => {
            const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
            for (const [code, meaning] of EXIT_CODES) assert.ok(readme.includes(`| ${code} | ${meaning} |`), `README lacks exit code ${code}`);
        });

        it("every usage problem at once, then the usage; exit 2", async () => {
            const t = io();
            assert.equal(await main(["psa", "--level", "strict", "--format", "xml", "--namespace", "Bad_NS", "x.yaml"], t), 2);
            const err = t.err.join("\n");
            assert.match(err, /--level must be baseline or restricted, got "strict"/);
            assert.match(err, /--format must be one of text, json, sarif, junit, got "xml"/);
            assert.match(err, /--namespace must be a Kubernetes namespace name .* got "Bad_NS"/);
            const s = io();
            assert.equal(await main(["check", "--format", "sarif", "--summary", "x.yaml"], s), 2);
            assert.match(s.err.join("\n"), /--summary works with --format text or json, not sarif/);
        });
    });

    describe("input", () => {
        it("directories include .json files, as kubectl apply -f does", async () => {
            const d = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-json-"));
            try {
                fs.writeFileSync(
                    path.join(d, "list.json"),
                    JSON.stringify({ apiVersion: "v1", kind: "List", items: [badCronJob(), workload("Pod", { name: "p" })] }),
                );
                const t = io();
                assert.equal(await main(["psa", "--format", "json", d], t), 1);
                assert.deepEqual(
                    t.out.map((l) => [path.basename(JSON.parse(l).file), JSON.parse(l).kind, JSON.parse(l).allowed]),
                    [
                        ["list.json", "CronJob", false],
                        ["list.json", "Pod", true],
                    ],
                );
            } finally {
                fs.rmSync(d, { recursive: true, force: true });
            }
        });

        it("empty input is an error unless --allow-empty: an empty directory, empty stdin", async () => {
            const d = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-empty-"));
            try {
                for (const [args, input, expected] of [
                    [["psa", d], "", /no Kubernetes objects \(it holds no \.yaml, \.yml or \.json file\)/],
                    [["psa", "-"], "", /-: no Kubernetes objects \(stdin is empty/],
                    [["check", "-"], "---\n", /-: no Kubernetes objects/],
                ] as const) {
                    const t = io(input);
                    assert.equal(await main([...args], t), 2, args.join(" "));
                    assert.match(t.err.join("\n"), expected);
                    const ok = io(input);
                    assert.equal(await main([args[0], "--allow-empty", ...args.slice(1)], ok), 0);
                    assert.deepEqual(ok.err, []);
                }
            } finally {
                fs.rmSync(d, { recursive: true, force: true });
            }
        });

        it("a Helm chart or an un-rendered template gets the hint to run helm template first", async () => {
            const d = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-chart-"));
            try {
                fs.mkdirSync(path.join(d, "chart", "templates"), { recursive: true });
                fs.writeFileSync(path.join(d, "chart", "Chart.yaml"), "apiVersion: v2\nname: web\nversion: 0.1.0\n");
                fs.writeFileSync(
                    path.join(d, "chart", "templates", "deploy.yaml"),
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n",
                );
                fs.writeFileSync(path.join(d, "ok.yaml"), dump(workload("Deployment", { name: "web" })));
                const t = io();
                assert.equal(await main(["psa", d], t), 2);
                assert.match(t.err.join("\n"), /chart: a Helm chart \(it holds Chart\.yaml\), not rendered manifests: render it first, e\.g\. `helm template/);
                assert.match(t.out[t.out.length - 1], /^1 objects/);
                const file = io();
                assert.equal(await main(["psa", path.join(d, "chart", "templates", "deploy.yaml")], file), 2);
                assert.match(file.err.join("\n"), /deploy\.yaml: not valid YAML: .*template actions: an un-rendered Helm template\? render it first/);
                const chartFile = io();
                assert.equal(await main(["check", path.join(d, "chart", "Chart.yaml")], chartFile), 2);
                assert.match(chartFile.err.join("\n"), /Chart\.yaml: the Chart\.yaml of a Helm chart/);
            } finally {
                fs.rmSync(d, { recursive: true, force: true });
            }
        });

        it("--namespace sets the namespace of namespace-less objects (not of cluster-scoped ones)", async () => {
            const pod = workload("Pod", { name: "p" });
            delete pod.metadata.namespace;
            const objects = [pod, { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } }];
            const t = io(dump(...objects));
            assert.equal(await main(["check", "--namespace", "team", "--format", "json", "--environment", "prod", "-"], t), 1);
            const lines = t.out.map((l) => JSON.parse(l));
            assert.ok(lines.some((l) => l.kind === "Pod" && l.namespace === "team"));
            assert.ok(!lines.some((l) => l.kind === "Namespace" && l.namespace !== null));
            const without = io(dump(...objects));
            await main(["check", "--format", "json", "--environment", "prod", "-"], without);
            assert.ok(without.out.map((l) => JSON.parse(l)).some((l) => l.kind === "Pod" && l.message.includes("namespace default")));
        });

        it("flows is dispatched to flows.ts", async () => {
            const t = io();
            const code = await main(["flows", "--no-such-flag"], t);
            assert.equal(code, 2);
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

        it("psa --format sarif with an unreadable input: a SARIF log on stdout, the error on stderr, exit 3", () => {
            const r = run(["psa", "--format", "sarif", path.join(dir, "a.yaml"), path.join(dir, "missing.yaml")]);
            assert.equal(r.status, 3, r.stderr);
            const log = JSON.parse(r.stdout);
            assert.equal(log.version, "2.1.0");
            assert.deepEqual(
                log.runs[0].results.map((x: Obj) => x.ruleId),
                ["privileged"],
            );
            assert.match(r.stderr, /missing\.yaml: cannot read: ENOENT/);
        });

        it("explain privileged prints the page", () => {
            const r = run(["explain", "privileged"]);
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /^<!-- Generated[^\n]*\n# privileged\n/);
        });

        it("check --environment prod over stdin: exit 1", () => {
            const r = run(["check", "--environment", "prod", "-"], dump(workload("Pod")));
            assert.equal(r.status, 1, r.stderr);
            assert.match(r.stdout, /\[mandatory\] {2}vmafx v[\d.]+ {2}prod-egress/);
        });
    });
});
