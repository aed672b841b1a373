// The output formats as CI systems read them: SARIF validated against the official 2.1.0 schema (the one the SARIF
// SDK ships, read from its npm package, compiled by ajv), JUnit XML parsed back with fast-xml-parser, --summary.
import { strict as assert } from "assert";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { XMLParser } from "fast-xml-parser";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import { Io, main } from "./cli";
import { Obj, namespace, podSpecOf, workload } from "./fixtures";

/** The official schema, as the Microsoft SARIF SDK's multitool package ships it for this platform. */
function sarifValidator() {
    const pkg = `@microsoft/sarif-multitool-${process.platform}`;
    const schema = JSON.parse(fs.readFileSync(require.resolve(`${pkg}/sarif-2.1.0.json`), "utf8"));
    assert.equal(schema.title, "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
    // strict: false because the schema uses annotation keywords ajv does not know; formats (uri, date-time) are checked.
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    return ajv.compile<Obj>(schema);
}

function io(stdin = ""): Io & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), readStdin: () => stdin, today: () => "2026-06-15" };
}

const dump = (...docs: Obj[]) => docs.map((d) => yaml.dump(d)).join("---\n");

/** A Deployment that restricted refuses (privileged) and read-only-root-filesystem flags (advisory). */
function privileged(name: string, annotations?: Record<string, string>): Obj {
    const w = workload("Deployment", { name });
    podSpecOf(w).containers[0].securityContext.privileged = true;
    delete podSpecOf(w).containers[0].securityContext.readOnlyRootFilesystem;
    if (annotations) w.metadata.annotations = annotations;
    return w;
}

describe("vmafx-policy output formats", () => {
    const validate = sarifValidator();
    let dir: string;
    let manifests: string;
    let exemptions: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-formats-"));
        manifests = path.join(dir, "app.yaml");
        fs.writeFileSync(
            manifests,
            dump(
                workload("Deployment", { name: "ok" }),
                privileged("bad"),
                privileged("annotated", { "policy.vmafx.dev/exempt": "privileged", "policy.vmafx.dev/exempt-reason": 'GPU <driver> & "tools"' }),
                privileged("listed"),
                { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg\u0001" } },
            ),
        );
        exemptions = path.join(dir, "exemptions.yaml");
        fs.writeFileSync(
            exemptions,
            "exemptions:\n  - checks: [privileged]\n    match: {name: listed}\n    reason: vendor agent\n    expires: 2026-12-31\n  - checks: [hostPorts]\n    match: {name: nobody}\n    reason: stale\n    expires: 2026-12-31\n",
        );
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("SARIF", () => {
        it("psa: valid SARIF 2.1.0 with rules, help, locations (file, line, column), suppressions and input errors; exit 3", async () => {
            const t = io();
            t.cwd = () => dir;
            assert.equal(
                await main(
                    [
                        "psa",
                        "--format",
                        "sarif",
                        "--exemptions",
                        exemptions,
                        "--docs-url",
                        "https://example.com/docs/policies/",
                        manifests,
                        path.join(dir, "missing.yaml"),
                    ],
                    t,
                ),
                3,
            );
            const log = JSON.parse(t.out.join("\n"));
            assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
            const run = log.runs[0];
            const rule = run.tool.driver.rules.find((r: Obj) => r.id === "privileged");
            assert.equal(rule.helpUri, "https://example.com/docs/policies/privileged.md");
            assert.match(
                rule.help.markdown,
                /Fix: remove securityContext\.privileged .*\n\nDocumentation: \[docs\/policies\/privileged\.md\]\(https:\/\/example\.com/s,
            );
            const byName = (n: string) => run.results.filter((r: Obj) => r.locations[0].logicalLocations[0].name === n);
            const bad = byName("bad");
            assert.deepEqual(
                bad.map((r: Obj) => [r.ruleId, r.level, r.suppressions]),
                [["privileged", "error", undefined]],
            );
            assert.equal(run.tool.driver.rules[bad[0].ruleIndex].id, "privileged");
            const where = bad[0].locations[0].physicalLocation;
            // Inside the working directory (Io.cwd here): relative to SRCROOT, as code scanning wants it.
            assert.deepEqual(where.artifactLocation, { uri: "app.yaml", uriBaseId: "SRCROOT" });
            assert.equal(run.originalUriBaseIds.SRCROOT.uri, pathToFileURL(dir + path.sep).href);
            const text = fs.readFileSync(manifests, "utf8").split("\n");
            assert.equal(text[where.region.startLine - 1].slice(where.region.startColumn - 1), "apiVersion: apps/v1");
            assert.equal(text[where.region.startLine + 2], "  name: bad");
            assert.deepEqual(byName("annotated")[0].suppressions, [
                {
                    kind: "inSource",
                    status: "accepted",
                    justification: 'GPU <driver> & "tools"',
                    location: { message: { text: "annotation policy.vmafx.dev/exempt" } },
                    properties: {},
                },
            ]);
            assert.deepEqual(
                byName("listed")[0].suppressions.map((s: Obj) => [s.kind, s.justification, s.properties.expires]),
                [["external", "vendor agent", "2026-12-31"]],
            );
            const inv = run.invocations[0];
            assert.equal(inv.executionSuccessful, false);
            assert.equal(inv.exitCode, 3);
            assert.deepEqual(
                inv.toolExecutionNotifications.map((n: Obj) => n.level),
                ["error", "warning"],
            );
            assert.match(inv.toolExecutionNotifications[0].message.text, /missing\.yaml: cannot read: ENOENT/);
            assert.match(inv.toolExecutionNotifications[1].message.text, /exemptions\[1\] \(hostPorts for \*\/nobody\) matched no finding/);
        });

        it("check: valid SARIF, PSA findings under their check's rule, advisory ones as warnings", async () => {
            const t = io(dump(namespace("shop"), privileged("bad")));
            assert.equal(await main(["check", "--format", "sarif", "-"], t), 1);
            const log = JSON.parse(t.out.join("\n"));
            assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
            const results = log.runs[0].results as Obj[];
            assert.deepEqual(
                [...new Set(results.map((r) => `${r.ruleId}:${r.level}`))].sort(),
                [
                    "image-pinned:warning",
                    "privileged:error",
                    "read-only-root-filesystem:warning",
                    "resource-limits:warning",
                    "sa-token-automount:warning",
                ].filter((x) => results.some((r) => `${r.ruleId}:${r.level}` === x)),
            );
            assert.ok(results.some((r) => r.ruleId === "privileged" && r.level === "error" && r.properties.policy === "pod-security"));
            assert.equal(results.find((r) => r.ruleId === "privileged")!.locations[0].physicalLocation.artifactLocation.uri, "stdin");
        });

        it("a run without findings or errors is valid SARIF too", async () => {
            const t = io(dump(workload("Deployment", { name: "ok" })));
            assert.equal(await main(["psa", "--format", "sarif", "-"], t), 0);
            const log = JSON.parse(t.out.join("\n"));
            assert.ok(validate(log), JSON.stringify(validate.errors));
            assert.deepEqual(log.runs[0].results, []);
            assert.equal(log.runs[0].invocations[0].executionSuccessful, true);
        });
    });

    describe("JUnit", () => {
        const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase"].includes(name) });

        it("psa: one case per object; failures, skipped for exempted and not pod-bearing objects, errors for input; escaping", async () => {
            const t = io();
            assert.equal(await main(["psa", "--format", "junit", "--exemptions", exemptions, manifests, path.join(dir, "missing.yaml")], t), 3);
            const xml = t.out.join("\n");
            assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
            assert.ok(!xml.includes("\u0001"), "a control character reached the XML");
            const doc = parser.parse(xml);
            const root = doc.testsuites;
            assert.deepEqual([root.tests, root.failures, root.errors, root.skipped], ["6", "1", "1", "3"]);
            const [ps, input] = root.testsuite;
            assert.equal(ps.name, "pod-security");
            const cases = Object.fromEntries(ps.testcase.map((c: Obj) => [c.name.split(" ")[1], c]));
            assert.deepEqual(Object.keys(cases), ["shop/ok", "shop/bad", "shop/annotated", "shop/listed", "cfg\uFFFD"]);
            assert.equal(cases["shop/ok"].failure, undefined);
            assert.match(cases["shop/bad"].failure["#text"], /^\[privileged\] privileged \(container "app" must not set securityContext\.privileged=true\)/);
            const lines = fs.readFileSync(manifests, "utf8").split("\n");
            assert.equal(lines[Number(cases["shop/bad"].line) + 2], "  name: bad");
            assert.equal(cases["shop/annotated"].skipped.message, 'exempted: privileged: GPU <driver> & "tools" [annotation policy.vmafx.dev/exempt]');
            assert.match(cases["shop/listed"].skipped.message, /vendor agent \[.*exemptions\.yaml exemptions\[0\], until 2026-12-31\]/);
            assert.match(cases["cfg\uFFFD"].skipped.message, /not pod-bearing/);
            assert.equal(input.name, "input");
            assert.match(input.testcase[0].error.message, /missing\.yaml: cannot read: ENOENT/);
        });

        it("check: a suite per policy, a case per object in each; advisory findings pass with system-out", async () => {
            const t = io(dump(namespace("shop"), privileged("bad")));
            assert.equal(await main(["check", "--format", "junit", "-"], t), 1);
            const root = parser.parse(t.out.join("\n")).testsuites;
            const suites = Object.fromEntries(root.testsuite.map((s: Obj) => [s.name, s]));
            assert.deepEqual(Object.keys(suites), [
                "pod-security",
                "networkpolicy-valid",
                "prod-egress",
                "namespace-labels",
                "default-deny",
                "sa-token-automount",
                "image-pinned",
                "resource-limits",
                "read-only-root-filesystem",
            ]);
            for (const s of root.testsuite) assert.equal(s.testcase.length, 2, s.name);
            assert.equal(suites["pod-security"].failures, "1");
            const advisory = suites["read-only-root-filesystem"].testcase[1];
            assert.equal(advisory.failure, undefined);
            assert.match(advisory["system-out"], /^\[advisory\] \[read-only-root-filesystem\]/);
        });
    });

    describe("--summary", () => {
        it("psa: counts per check, the total line last", async () => {
            const t = io();
            assert.equal(await main(["psa", "--summary", "--exemptions", exemptions, manifests], t), 1);
            assert.deepEqual(t.out, [
                'Pod Security "restricted:latest": 5 objects, 4 pod-bearing',
                "policy / check  findings  objects  exempted",
                "pod-security           1        1         2",
                "  privileged           1        1         2",
                '5 objects, 4 pod-bearing, 1 not allowed by Pod Security "restricted:latest", 2 exempted',
            ]);
        });

        it("check: counts per policy with its level and per Pod Security check; --format json gives one object", async () => {
            const t = io(dump(namespace("shop"), privileged("bad")));
            assert.equal(await main(["check", "--summary", "-"], t), 1);
            assert.match(t.out.join("\n"), /^pod-security +mandatory +1 +1 +0\n {2}privileged +1 +1 +0\n/m);
            assert.equal(t.out[t.out.length - 1], "policy violations: 1 mandatory, 1 advisory");
            const j = io(dump(namespace("shop"), privileged("bad")));
            assert.equal(await main(["check", "--summary", "--format", "json", "-"], j), 1);
            assert.equal(j.out.length, 1);
            const s = JSON.parse(j.out[0]).summary;
            assert.deepEqual(s.policies["pod-security"], {
                level: "mandatory",
                findings: 1,
                objects: 1,
                exempted: 0,
                checks: { privileged: { findings: 1, objects: 1, exempted: 0 } },
            });
            assert.equal(s.objects, 2);
            assert.equal(s.exitCode, 1);
        });
    });

    it("check text: each policy's description once, then its violations", async () => {
        const t = io(dump(namespace("shop"), privileged("a"), privileged("b")));
        assert.equal(await main(["check", "-"], t), 1);
        const text = t.out.join("\n");
        assert.equal(text.split("Every container must set securityContext.readOnlyRootFilesystem: true.").length - 1, 1);
        assert.equal((text.match(/\[advisory\] {2}vmafx v[\d.]+ {2}read-only-root-filesystem /g) ?? []).length, 2);
        assert.match(text, /^pod-security: Every pod-bearing resource/m);
    });
});
