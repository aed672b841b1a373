import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { StackValidationPolicy } from "@pulumi/policy";
import { Obj, defaultDenyPolicy, egressPolicy, namespace, podSpecOf, workload } from "./fixtures";
import { PolicyConfigError, loadPolicyConfigFile, parsePolicyConfig, validateAgainstSchema } from "./lib/config";
import { PACK, POLICIES, initialConfigFor } from "./policies";
import { effectiveConfig, formatViolations, hasMandatory, runPack, summarize } from "./run";
import { k8s } from "./testing";

const STACKS = path.join(__dirname, "..", "stacks");

describe("pack runner", () => {
    describe("config", () => {
        it("defaults: pod-security mandatory everywhere, prod-dependent policies by stack name, hardening advisory", () => {
            const dev = effectiveConfig({ stack: "dev" }).levels;
            const prod = effectiveConfig({ stack: "prod-eu" }).levels;
            assert.deepEqual(dev, {
                "pod-security": "mandatory",
                "networkpolicy-valid": "mandatory",
                "prod-egress": "advisory",
                "namespace-labels": "advisory",
                "default-deny": "advisory",
                "sa-token-automount": "advisory",
                "image-pinned": "advisory",
                "resource-limits": "advisory",
                "read-only-root-filesystem": "advisory",
            });
            assert.deepEqual(prod, { ...dev, "prod-egress": "mandatory", "namespace-labels": "mandatory", "default-deny": "mandatory" });
            assert.deepEqual(initialConfigFor("production"), {});
        });

        it("fills getConfig() with schema defaults and the stack name as environment", () => {
            const c = effectiveConfig({ stack: "staging" });
            assert.deepEqual(c.properties["pod-security"], { level: "restricted", version: "latest", useNamespaceLabels: true, environment: "staging" });
            assert.deepEqual(c.properties["prod-egress"], { allowedCidrs: [], environment: "staging" });
        });

        it("applies a config file like the CLI: all first, then each policy; environment forced by the option", () => {
            const layer = parsePolicyConfig(
                { all: "disabled", "pod-security": { enforcementLevel: "mandatory", level: "baseline" }, "image-pinned": "remediate" },
                "test",
            );
            const c = effectiveConfig({ config: layer, stack: "dev", environment: "prod" });
            assert.equal(c.levels["pod-security"], "mandatory");
            assert.equal(c.levels["image-pinned"], "remediate");
            assert.equal(c.levels["prod-egress"], "disabled");
            assert.equal(c.properties["pod-security"].level, "baseline");
            assert.equal(c.properties["pod-security"].environment, "prod");
        });

        it("the shipped stacks/policy-config.{dev,prod}.json are valid and set their environment and levels", () => {
            for (const [stack, mandatory] of [
                ["dev", ["pod-security", "networkpolicy-valid"]],
                ["prod", ["pod-security", "networkpolicy-valid", "prod-egress", "namespace-labels", "default-deny"]],
            ] as const) {
                const file = path.join(STACKS, `policy-config.${stack}.json`);
                const c = effectiveConfig({ config: loadPolicyConfigFile(file), configSource: file, stack });
                assert.deepEqual(
                    Object.keys(c.levels).filter((n) => c.levels[n] === "mandatory"),
                    mandatory,
                    stack,
                );
                for (const p of POLICIES) assert.equal(c.properties[p.name].environment, stack, `${stack} ${p.name}`);
            }
        });

        const invalid: [string, unknown, RegExp][] = [
            ["an unknown policy", { "pod-securty": "mandatory" }, /unknown policy "pod-securty"/],
            ["a bad level", { "pod-security": "blocking" }, /"blocking" is not a valid enforcement level/],
            ["a value outside the enum", { "pod-security": { level: "strict" } }, /pod-security\.level: "strict" is not one of "baseline", "restricted"/],
            ["a bad version pattern", { "pod-security": { version: "1.33" } }, /pod-security\.version: "1\.33" does not match/],
            ["a wrong type", { "prod-egress": { allowedCidrs: "10.0.0.0/8" } }, /prod-egress\.allowedCidrs: expected array, got string/],
            ["an undeclared property", { "image-pinned": { requireDigests: true } }, /image-pinned\.requireDigests: not a config property of this policy/],
            ["properties under all", { all: { environment: "prod" } }, /"all" only takes an enforcement level/],
            ["a non-object file", ["pod-security"], /the top level must be an object/],
        ];
        for (const [what, doc, expected] of invalid) {
            it(`rejects ${what}`, () => {
                assert.throws(
                    () => effectiveConfig({ config: parsePolicyConfig(doc, "test.json"), configSource: "test.json" }),
                    (e: unknown) => e instanceof PolicyConfigError && expected.test(e.message),
                );
            });
        }

        it("validates nested schemas (items, uniqueItems, minLength)", () => {
            const schema = { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true } as const;
            assert.deepEqual(validateAgainstSchema(schema, ["a", "a", ""], "x"), ["x: items must be unique", "x[2]: must be at least 1 characters"]);
        });
    });

    describe("runPack", () => {
        const openStack = (): Obj[] => [namespace("shop"), defaultDenyPolicy(), egressPolicy("open", [{}]), workload("Deployment", { name: "web" })];

        it("runs resource policies per resource and stack policies once, at their effective levels", async () => {
            const resources = openStack().map((m) => k8s(m));
            const dev = await runPack(resources, { stack: "dev" });
            assert.deepEqual(
                dev.diagnostics.map((d) => `${d.policy}:${d.enforcementLevel}`),
                ["prod-egress:advisory"],
            );
            assert.equal(hasMandatory(dev.diagnostics), false);
            const prod = await runPack(resources, { stack: "prod" });
            assert.deepEqual(
                prod.diagnostics.map((d) => `${d.policy}:${d.enforcementLevel}`),
                ["prod-egress:mandatory"],
            );
            assert.equal(prod.diagnostics[0].urn, resources[2].urn);
            assert.equal(hasMandatory(prod.diagnostics), true);
        });

        it("skips disabled policies and reports remediate as mandatory", async () => {
            const m = workload("Pod");
            podSpecOf(m).containers[0].image = "app:latest";
            const config = parsePolicyConfig({ "pod-security": "disabled", "image-pinned": "remediate" }, "test");
            const run = await runPack([k8s(m)], { config, stack: "dev" });
            assert.deepEqual(
                run.diagnostics.map((d) => `${d.policy}:${d.enforcementLevel}`),
                ["image-pinned:mandatory"],
            );
        });

        it("turns an UnknownValueError into an advisory, like the policy server", async () => {
            const m = workload("Deployment");
            podSpecOf(m).securityContext.runAsNonRoot = pulumi.runtime.unknownValue;
            const dev = await runPack([k8s(m)], { stack: "dev" });
            assert.equal(dev.diagnostics.length, 1);
            assert.equal(dev.diagnostics[0].enforcementLevel, "advisory");
            assert.match(
                dev.diagnostics[0].message,
                new RegExp(
                    `^can't run policy 'pod-security' from policy pack 'vmafx@v${PACK.version}' during preview: Pod Security not verified for 1 field\\(s\\)`,
                ),
            );
            const prod = await runPack([k8s(m)], {
                stack: "prod",
                config: parsePolicyConfig({ "namespace-labels": "disabled", "prod-egress": "disabled" }, "t"),
            });
            assert.deepEqual(
                prod.diagnostics.map((d) => `${d.policy}:${d.enforcementLevel}`),
                ["pod-security:mandatory"],
            );
            assert.match(prod.diagnostics[0].message, /spec\.template\.spec\.securityContext\.runAsNonRoot is unknown during preview/);
        });

        it("a policy that reads an unknown through the proxy gets the server's advisory too", async () => {
            const naive: StackValidationPolicy = {
                name: "naive",
                description: "reads props directly",
                enforcementLevel: "mandatory",
                validateStack: (args) => {
                    for (const r of args.resources) void r.props.spec.replicas;
                },
            };
            const d = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: pulumi.runtime.unknownValue } };
            const run = await runPack([k8s(d)], { policies: [naive] });
            assert.deepEqual(
                run.diagnostics.map((x) => [x.enforcementLevel, x.message]),
                [
                    [
                        "advisory",
                        `can't run policy 'naive' from policy pack 'vmafx@v${PACK.version}' during preview: string value at .spec.replicas can't be known during preview`,
                    ],
                ],
            );
        });

        it("prints violations the way pulumi preview does", async () => {
            const resources = openStack().map((m) => k8s(m));
            const run = await runPack(resources, { stack: "prod" });
            const text = formatViolations(run.diagnostics, resources);
            const lines = text.split("\n");
            assert.equal(lines[0], "Policy Violations:");
            assert.equal(lines[1], `    [mandatory]  vmafx v${PACK.version}  prod-egress (networkpolicy-open: kubernetes:networking.k8s.io/v1:NetworkPolicy)`);
            assert.match(lines[2], /^ {4}In prod no workload may egress/);
            assert.match(lines[3], /^ {4}NetworkPolicy shop\/open \(Pulumi name: networkpolicy-open\) lets Deployment shop\/web/);
            assert.equal(summarize(run.diagnostics), "policy violations: 1 mandatory, 0 advisory");
        });
    });
});

describe("pack runner: exemptions (as in the pack)", () => {
    const exempt = (manifest: Obj, checks: string, reason = "reviewed in OPS-1") => {
        manifest.metadata.annotations = { ...manifest.metadata.annotations, "policy.vmafx.dev/exempt": checks, "policy.vmafx.dev/exempt-reason": reason };
        return manifest;
    };
    const privileged = () => {
        const w = workload("Deployment", { name: "gpu" });
        podSpecOf(w).containers[0].securityContext.privileged = true;
        return w;
    };

    it("an annotation drops the violations of the checks it names, and the run reports them as suppressed", async () => {
        const w = exempt(privileged(), "privileged,image-pinned");
        podSpecOf(w).containers[0].image = "nginx";
        const run = await runPack([k8s(w)], { stack: "dev" });
        assert.deepEqual(
            run.diagnostics.filter((d) => d.policy === "pod-security" || d.policy === "image-pinned"),
            [],
        );
        assert.deepEqual(
            run.suppressed.map((s) => [s.policy, s.check, s.exemption.reason]),
            [
                ["pod-security", "privileged", "reviewed in OPS-1"],
                ["image-pinned", "image-pinned", "reviewed in OPS-1"],
            ],
        );
        assert.deepEqual(run.exemptionProblems, []);
    });

    it("Pod Security is not bypassed for the level a declared Namespace enforces: the message says why the exemption does not apply", async () => {
        const run = await runPack([k8s(namespace("shop", "baseline", "v1.33")), k8s(exempt(privileged(), "privileged"))], { stack: "dev" });
        const ps = run.diagnostics.filter((d) => d.policy === "pod-security");
        assert.equal(ps.length, 1);
        assert.match(
            ps[0].message,
            /check privileged: .*The exemption in annotation policy\.vmafx\.dev\/exempt does not apply: Namespace shop .* enforces Pod Security "baseline:v1\.33", so admission would reject the pod anyway/,
        );
        // A Namespace that enforces nothing the check is part of leaves the exemption in force.
        const free = await runPack([k8s(namespace("shop", "privileged", "v1.33")), k8s(exempt(privileged(), "privileged"))], { stack: "dev" });
        assert.deepEqual(
            free.diagnostics.filter((d) => d.policy === "pod-security"),
            [],
        );
    });

    it("an annotation without a reason does not apply, and says so in the violation and among the problems", async () => {
        const w = privileged();
        w.metadata.annotations = { "policy.vmafx.dev/exempt": "privileged" };
        const run = await runPack([k8s(w)], { stack: "dev" });
        const ps = run.diagnostics.filter((d) => d.policy === "pod-security");
        assert.equal(ps.length, 1);
        assert.match(ps[0].message, /The exemption on this object does not apply: annotation policy\.vmafx\.dev\/exempt needs a reason/);
        assert.equal(run.exemptionProblems.length, 1);
    });

    it("the policy server reads VMAFX_POLICY_EXEMPTIONS; an expired entry fails the policies with every problem", async () => {
        const { EXEMPTIONS_ENV } = await import("./policies/exempt");
        const { stackValidationArgs } = await import("./args");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-pack-ex-"));
        const file = path.join(dir, "ex.yaml");
        const saved = process.env[EXEMPTIONS_ENV];
        try {
            process.env[EXEMPTIONS_ENV] = file;
            const podSecurity = POLICIES.find((p) => p.name === "pod-security") as StackValidationPolicy;
            const reports = (args: ReturnType<typeof stackValidationArgs>) => {
                const out: string[] = [];
                podSecurity.validateStack(args, (m) => out.push(m));
                return out;
            };
            const config = effectiveConfig({ stack: "dev" }).properties["pod-security"];
            const args = stackValidationArgs([k8s(privileged())], config);
            fs.writeFileSync(file, "exemptions:\n  - checks: [privileged]\n    match: {name: gpu}\n    reason: vendor driver\n    expires: 2999-01-01\n");
            assert.deepEqual(reports(args), []);
            fs.writeFileSync(file, "exemptions:\n  - checks: [privileged]\n    match: {name: gpu}\n    reason: vendor driver\n    expires: 2001-01-01\n");
            // The pack reads the file once per name and day: an expired copy under another name.
            const expired = path.join(dir, "expired.yaml");
            fs.copyFileSync(file, expired);
            process.env[EXEMPTIONS_ENV] = expired;
            assert.throws(
                () => reports(args),
                /the exemptions file .*expired\.yaml \(VMAFX_POLICY_EXEMPTIONS\) has problems; fix them:\n {2}.*exemptions\[0\] \(privileged for \*\/gpu\) expired on 2001-01-01/,
            );
        } finally {
            if (saved === undefined) delete process.env[EXEMPTIONS_ENV];
            else process.env[EXEMPTIONS_ENV] = saved;
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
