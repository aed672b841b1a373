import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { KINDS, Obj, goodEphemeralContainer, namespace, podSpecOf, podSpecPath, workload } from "../fixtures";
import { k8s, messages, runPolicy } from "../testing";
import { podSecurity, psaTarget } from "./pod-security";

const bad = (kind: (typeof KINDS)[number], tweak: (spec: Obj) => void) => {
    const m = workload(kind, { name: "web" });
    tweak(podSpecOf(m));
    return m;
};

describe("pod-security", () => {
    for (const kind of KINDS) {
        describe(kind, () => {
            it("passes a restricted pod (init container included)", async () => {
                const out = await runPolicy(podSecurity, k8s(workload(kind)));
                assert.deepEqual(messages(out), []);
            });

            it("rejects allowPrivilegeEscalation: true, naming resource, container, field path, value and fix", async () => {
                const r = k8s(
                    bad(kind, (s) => (s.containers[0].securityContext.allowPrivilegeEscalation = true)),
                    { name: "web-pulumi" },
                );
                const out = await runPolicy(podSecurity, r);
                assert.equal(out.violations.length, 1, messages(out).join("\n"));
                const [v] = out.violations;
                assert.equal(v.urn, r.urn);
                assert.match(v.message, new RegExp(`${kind} shop/web \\(Pulumi name: web-pulumi\\)`));
                assert.ok(v.message.includes(`container "app": ${podSpecPath(kind)}.containers[0].securityContext.allowPrivilegeEscalation = true`), v.message);
                assert.ok(v.message.includes('Pod Security "restricted:latest"'), v.message);
                assert.ok(v.message.includes("check allowPrivilegeEscalation"), v.message);
                assert.ok(v.message.includes("Fix: set securityContext.allowPrivilegeEscalation: false"), v.message);
            });

            it("rejects a privileged init container", async () => {
                const out = await runPolicy(podSecurity, k8s(bad(kind, (s) => (s.initContainers[0].securityContext.privileged = true))));
                assert.equal(out.violations.length, 1);
                assert.ok(
                    messages(out)[0].includes(`container "init": ${podSpecPath(kind)}.initContainers[0].securityContext.privileged = true`),
                    messages(out)[0],
                );
            });

            it("checks ephemeral containers", async () => {
                const good = bad(kind, (s) => (s.ephemeralContainers = [goodEphemeralContainer()]));
                assert.deepEqual(messages(await runPolicy(podSecurity, k8s(good))), []);
                const m = bad(kind, (s) => {
                    s.ephemeralContainers = [goodEphemeralContainer()];
                    s.ephemeralContainers[0].securityContext.capabilities = { add: ["SYS_ADMIN"], drop: ["ALL"] };
                });
                const out = await runPolicy(podSecurity, k8s(m));
                // capabilities_restricted (it overrides capabilities_baseline at the restricted level)
                assert.equal(out.violations.length, 1, messages(out).join("\n"));
                assert.match(messages(out)[0], /check capabilities_restricted/);
                for (const msg of messages(out))
                    assert.ok(msg.includes(`container "debug": ${podSpecPath(kind)}.ephemeralContainers[0].securityContext.capabilities.add`), msg);
            });

            it("reports a missing pod-level field with its full path", async () => {
                const m = bad(kind, (s) => {
                    delete s.securityContext.seccompProfile;
                    for (const c of [...s.initContainers, ...s.containers]) delete c.securityContext.seccompProfile;
                });
                const out = await runPolicy(podSecurity, k8s(m));
                assert.equal(out.violations.length, 1);
                assert.ok(messages(out)[0].includes(`${podSpecPath(kind)}.containers[0].securityContext.seccompProfile.type is not set`), messages(out)[0]);
            });
        });
    }

    it("follows CronJob nesting down to spec.jobTemplate.spec.template.spec", async () => {
        const out = await runPolicy(podSecurity, k8s(bad("CronJob", (s) => (s.hostNetwork = true))));
        assert.equal(out.violations.length, 1);
        assert.ok(messages(out)[0].includes("spec.jobTemplate.spec.template.spec.hostNetwork = true"), messages(out)[0]);
    });

    describe("level and version", () => {
        const probeHost = (m: Obj) => {
            podSpecOf(m).containers[0].livenessProbe = { httpGet: { host: "10.0.0.1", port: 8080 } };
            return m;
        };

        it("uses the enforce-version of a declared target Namespace instead of the configured latest", async () => {
            const m = probeHost(workload("Deployment"));
            // hostProbesAndHostLifecycle exists from v1.34: a namespace pinned at v1.33 admits the pod.
            assert.deepEqual(messages(await runPolicy(podSecurity, [k8s(namespace("shop", "restricted", "v1.33")), k8s(m)])), []);
            const latest = await runPolicy(podSecurity, k8s(m));
            assert.equal(latest.violations.length, 1);
            assert.match(latest.violations[0].message, /check hostProbesAndHostLifecycle/);
            const v134 = await runPolicy(podSecurity, [k8s(namespace("shop", "restricted", "v1.34")), k8s(m)]);
            assert.equal(v134.violations.length, 1);
            assert.ok(v134.violations[0].message.includes('"restricted:v1.34" (enforced by Namespace shop'), v134.violations[0].message);
        });

        it("ignores Namespace labels when useNamespaceLabels is false", async () => {
            const m = probeHost(workload("Deployment"));
            const out = await runPolicy(podSecurity, [k8s(namespace("shop", "restricted", "v1.33")), k8s(m)], { useNamespaceLabels: false });
            assert.equal(out.violations.length, 1);
        });

        it("never lets a namespace lower the configured level", () => {
            const ns = {
                resource: k8s(namespace("shop")),
                props: {},
                name: "shop",
                label: "Namespace shop",
                labels: namespace("shop", "baseline", "v1.30").metadata.labels,
            };
            assert.deepEqual(
                { ...psaTarget({ level: "restricted", version: "latest", useNamespaceLabels: true }, ns), source: "" },
                { level: "restricted", version: "v1.30", source: "" },
            );
            const stricter = { ...ns, labels: namespace("shop", "restricted", null).metadata.labels };
            assert.deepEqual(
                { ...psaTarget({ level: "baseline", version: "v1.25", useNamespaceLabels: true }, stricter), source: "" },
                { level: "restricted", version: "latest", source: "" },
            );
            // Invalid labels: PSA enforces restricted for an invalid level and latest for an invalid version.
            const invalid = { ...ns, labels: namespace("shop", "strict", "v1.033").metadata.labels };
            assert.deepEqual(
                { ...psaTarget({ level: "baseline", version: "v1.25", useNamespaceLabels: true }, invalid), source: "" },
                { level: "restricted", version: "latest", source: "" },
            );
        });

        it("judges a namespace enforcing baseline at the configured restricted level", async () => {
            const m = workload("Deployment");
            delete podSpecOf(m).securityContext.runAsNonRoot;
            for (const c of [...podSpecOf(m).initContainers, ...podSpecOf(m).containers]) delete c.securityContext.runAsNonRoot;
            const out = await runPolicy(podSecurity, [k8s(namespace("shop", "baseline", "v1.33")), k8s(m)]);
            assert.equal(out.violations.length, 1);
            assert.match(out.violations[0].message, /"restricted:v1.33" \(configured level restricted \(Namespace shop enforces only baseline\)/);
            assert.deepEqual(messages(await runPolicy(podSecurity, k8s(m), { level: "baseline" })), []);
        });

        it("uses the configured version", async () => {
            const m = workload("Pod");
            podSpecOf(m).securityContext.runAsUser = 0;
            // runAsUser must not be 0 from v1.23.
            assert.deepEqual(messages(await runPolicy(podSecurity, k8s(m), { version: "v1.22" })), []);
            assert.equal((await runPolicy(podSecurity, k8s(m), { version: "v1.23" })).violations.length, 1);
        });
    });

    describe("Patch resources", () => {
        it("judges only the values a DeploymentPatch sets", async () => {
            const partial = {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "web", namespace: "shop" },
                spec: { template: { spec: { containers: [{ name: "app", image: "x:1" }] } } },
            };
            assert.deepEqual(messages(await runPolicy(podSecurity, k8s(partial, { patch: true }))), []);
            partial.spec.template.spec.containers[0] = { name: "app", image: "x:1", securityContext: { privileged: true } } as any;
            const out = await runPolicy(podSecurity, k8s(partial, { patch: true }));
            assert.equal(out.violations.length, 1);
            assert.match(
                out.violations[0].message,
                /^DeploymentPatch shop\/web \(Pulumi name: deployment-web\) sets values that Pod Security "restricted:latest"/,
            );
            assert.ok(out.violations[0].message.includes("spec.template.spec.containers[0].securityContext.privileged = true"));
        });

        for (const kind of KINDS) {
            it(`${kind}Patch: missing fields pass, a privileged container set by the patch fails`, async () => {
                const m = workload(kind, { name: "web" });
                const spec = podSpecOf(m);
                delete spec.securityContext;
                delete spec.initContainers;
                spec.containers = [{ name: "app", image: "x:1" }];
                assert.deepEqual(messages(await runPolicy(podSecurity, k8s(m, { patch: true }))), []);
                spec.containers[0].securityContext = { privileged: true };
                const out = await runPolicy(podSecurity, k8s(m, { patch: true }));
                assert.equal(out.violations.length, 1, messages(out).join("\n"));
                assert.ok(out.violations[0].message.startsWith(`${kind}Patch shop/web`), out.violations[0].message);
                assert.ok(
                    out.violations[0].message.includes(`${podSpecPath(kind)}.containers[0].securityContext.privileged = true`),
                    out.violations[0].message,
                );
            });
        }

        it("ignores a Patch that does not touch the pod template", async () => {
            const partial = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 3 } };
            assert.deepEqual(messages(await runPolicy(podSecurity, k8s(partial, { patch: true }))), []);
        });
    });

    describe("unknown values", () => {
        const withUnknown = () => {
            const m = workload("Deployment");
            podSpecOf(m).containers[0].securityContext.allowPrivilegeEscalation = pulumi.runtime.unknownValue;
            return m;
        };

        it("fails closed in prod, naming the unknown field", async () => {
            const out = await runPolicy(podSecurity, k8s(withUnknown()), { environment: "prod" });
            assert.equal(out.unknown, undefined);
            assert.equal(out.violations.length, 1);
            assert.ok(
                out.violations[0].message.includes("spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation is unknown during preview"),
                out.violations[0].message,
            );
            assert.ok(out.violations[0].message.includes("fails closed"));
        });

        it("is reported as an advisory UnknownValueError outside prod", async () => {
            const out = await runPolicy(podSecurity, k8s(withUnknown()), { environment: "dev" });
            assert.deepEqual(messages(out), []);
            assert.ok(
                out.unknown?.includes(
                    "Deployment shop/deployment (Pulumi name: deployment-deployment): spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
                ),
                out.unknown,
            );
        });

        it("still judges the other workloads outside prod", async () => {
            const other = workload("Pod", { name: "p" });
            podSpecOf(other).hostPID = true;
            const out = await runPolicy(podSecurity, [k8s(withUnknown()), k8s(other)], { environment: "staging" });
            assert.equal(out.violations.length, 1);
            assert.ok(out.unknown);
        });

        it("does not block on unknown fields Pod Security does not read (e.g. the image)", async () => {
            const m = workload("Deployment");
            podSpecOf(m).containers[0].image = pulumi.runtime.unknownValue;
            const out = await runPolicy(podSecurity, k8s(m), { environment: "prod" });
            assert.deepEqual(messages(out), []);
            assert.equal(out.unknown, undefined);
        });

        it("fails closed in prod when the target namespace's enforce labels are unknown", async () => {
            const ns = namespace("shop");
            ns.metadata.labels["pod-security.kubernetes.io/enforce-version"] = pulumi.runtime.unknownValue;
            const out = await runPolicy(podSecurity, [k8s(ns), k8s(workload("Job"))], { environment: "prod" });
            assert.equal(out.violations.length, 1);
            assert.ok(out.violations[0].message.includes("metadata.labels.pod-security.kubernetes.io/enforce-version is unknown"), out.violations[0].message);
        });
    });
});
