// VmafxStack as users depend on it: which objects each configuration registers, that every
// pod is hardened and passes Pod Security "restricted", that selectors never overlap.
import { strict as assert } from "assert";
import { VmafxStackArgs } from "@vmafx-k8s/vmafx";
import { evaluatePod } from "@vmafx-k8s/core";
import { CONFIGURATIONS, FULL } from "./configurations";
import { ManifestView, byKind, containersOf, inventory, matches, planFor, podTemplates, registerComponent } from "./helpers";

const EXPECTED_POD_SC = {
    runAsNonRoot: true,
    runAsUser: 65532,
    runAsGroup: 65532,
    fsGroup: 65532,
    seccompProfile: { type: "RuntimeDefault" },
};
const EXPECTED_CONTAINER_SC = {
    runAsNonRoot: true,
    runAsUser: 65532,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

describe("VmafxStack", () => {
    describe("resource inventory per configuration", () => {
        for (const c of CONFIGURATIONS) {
            it(`${c.name}: registers exactly ${c.inventory.length} Kubernetes objects as children`, async () => {
                const name = c.component ?? "vmafx";
                const { registered } = await registerComponent(c.args, name);
                const component = registered.filter((r) => !r.custom);
                assert.deepEqual(
                    component.map((r) => [r.type, r.name]),
                    [["vmafx:index:VmafxStack", name]],
                );
                const children = registered.filter((r) => r.custom);
                assert.deepEqual(children.map((r) => `${r.inputs.kind}/${r.inputs.metadata.name}`).sort(), c.inventory);
                for (const child of children) {
                    assert.ok(child.name.startsWith(`${name}-`), `child ${child.name} is not prefixed by the component name`);
                    assert.equal(
                        child.type,
                        `kubernetes:${child.inputs.apiVersion.includes("/") ? child.inputs.apiVersion : `core/${child.inputs.apiVersion}`}:${child.inputs.kind}`,
                    );
                }
                assert.deepEqual(inventory(planFor(c.args, name)), c.inventory);
            });
        }
    });

    describe("hardening reaches every container of every workload", () => {
        for (const c of CONFIGURATIONS) {
            it(`${c.name}: pod and container securityContext, /tmp emptyDir, PSA restricted at latest and the pinned version`, () => {
                const manifests = planFor(c.args, c.component);
                const pods = podTemplates(manifests);
                assert.ok(pods.length > 0);
                for (const pod of pods) {
                    assert.deepEqual(pod.spec.securityContext, EXPECTED_POD_SC, pod.owner);
                    const tmp = pod.spec.volumes.find((v: any) => v.name === "tmp");
                    assert.deepEqual(tmp, { name: "tmp", emptyDir: {} }, pod.owner);
                    for (const { container } of containersOf(pod.spec)) {
                        assert.deepEqual(container.securityContext, EXPECTED_CONTAINER_SC, `${pod.owner} container ${container.name}`);
                        assert.ok(
                            container.volumeMounts.some((m: any) => m.name === "tmp" && m.mountPath === "/tmp"),
                            `${pod.owner}: /tmp not writable`,
                        );
                    }
                    for (const version of ["latest", "v1.33", "v1.25"]) {
                        const result = evaluatePod(pod, "restricted", version);
                        assert.deepEqual(
                            result.violations.map((v) => `${v.check}: ${v.reason}`),
                            [],
                            `${pod.owner} at ${version}`,
                        );
                    }
                }
            });
        }

        it("one args field changes the hardening of every container, smoke test included", () => {
            const manifests = planFor({ ...FULL, security: { pod: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 }, container: { runAsUser: 10001 } } });
            const pods = podTemplates(manifests);
            assert.equal(pods.length, 4);
            for (const pod of pods) {
                assert.equal(pod.spec.securityContext.runAsUser, 10001);
                for (const { container } of containersOf(pod.spec)) assert.equal(container.securityContext.runAsUser, 10001);
            }
        });

        it("a Localhost seccomp profile reaches pod and containers with its path", () => {
            const pods = podTemplates(
                planFor({
                    security: {
                        pod: { seccompProfileType: "Localhost", seccompLocalhostProfile: "profiles/vmafx.json" },
                        container: { seccompProfileType: "Localhost" },
                    },
                }),
            );
            for (const pod of pods) {
                assert.deepEqual(pod.spec.securityContext.seccompProfile, { type: "Localhost", localhostProfile: "profiles/vmafx.json" });
                for (const { container } of containersOf(pod.spec)) {
                    assert.deepEqual(container.securityContext.seccompProfile, { type: "Localhost", localhostProfile: "profiles/vmafx.json" });
                }
                assert.equal(evaluatePod(pod, "restricted", "latest").allowed, true);
            }
        });

        it("no two containers share one securityContext object", () => {
            const pods = podTemplates(planFor(FULL));
            const contexts = pods.flatMap((p) => containersOf(p.spec).map(({ container }) => container.securityContext));
            assert.equal(new Set(contexts).size, contexts.length);
        });
    });

    describe("selectors", () => {
        for (const c of CONFIGURATIONS) {
            it(`${c.name}: every workload, Service and PDB selector matches the pods of exactly one component`, () => {
                const manifests = planFor(c.args, c.component);
                const pods = podTemplates(manifests);
                const selectors: { owner: string; selector: Record<string, string> }[] = [];
                for (const m of manifests) {
                    if (m.kind === "Service") selectors.push({ owner: `Service/${m.metadata.name}`, selector: m.spec.selector });
                    if (["Deployment", "StatefulSet", "PodDisruptionBudget"].includes(m.kind)) {
                        selectors.push({ owner: `${m.kind}/${m.metadata.name}`, selector: m.spec.selector.matchLabels });
                    }
                }
                for (const s of selectors) {
                    const component = s.selector["app.kubernetes.io/component"];
                    assert.ok(component, `${s.owner} selects without a component label`);
                    const selected = pods.filter((p) => matches(s.selector, p.metadata.labels));
                    assert.ok(selected.length >= 1, `${s.owner} selects no pod`);
                    for (const p of selected) {
                        assert.equal(p.metadata.labels["app.kubernetes.io/component"], component, `${s.owner} also selects ${p.owner}`);
                    }
                    assert.ok(!("app.kubernetes.io/version" in s.selector), `${s.owner} selects on the version label`);
                }
                for (const m of manifests.filter((x) => ["Deployment", "StatefulSet"].includes(x.kind))) {
                    assert.ok(
                        matches(m.spec.selector.matchLabels, m.spec.template.metadata.labels),
                        `${m.kind}/${m.metadata.name} does not select its own pods`,
                    );
                }
            });
        }
    });

    describe("GPU vendor mapping", () => {
        const cases: { gpu: VmafxStackArgs["gpu"]; backend: string; resource?: string }[] = [
            { gpu: {}, backend: "cuda", resource: "nvidia.com/gpu" },
            { gpu: { vendor: "amd", count: 2 }, backend: "hip", resource: "amd.com/gpu" },
            { gpu: { vendor: "intel" }, backend: "sycl", resource: "gpu.intel.com/i915" },
            { gpu: { vendor: "intel", intelDriver: "xe" }, backend: "sycl", resource: "gpu.intel.com/xe" },
            { gpu: { vendor: "nvidia", resourceName: "nvidia.com/mig-1g.5gb" }, backend: "cuda", resource: "nvidia.com/mig-1g.5gb" },
            { gpu: { vendor: "cpu" }, backend: "cpu" },
            { gpu: { enabled: false }, backend: "cpu" },
            { gpu: { enabled: false, vendor: "amd" }, backend: "cpu" },
        ];
        for (const c of cases) {
            it(`${JSON.stringify(c.gpu)} -> VMAFX_BACKEND=${c.backend}, ${c.resource ?? "no GPU"} limit on server and node`, () => {
                const manifests = planFor({ gpu: c.gpu, node: { enabled: true } });
                for (const pod of podTemplates(manifests)) {
                    const container = pod.spec.containers[0];
                    assert.equal(container.env.find((e: any) => e.name === "VMAFX_BACKEND").value, c.backend, pod.owner);
                    const gpuKeys = Object.keys(container.resources.limits ?? {}).filter((k) => k.includes("/"));
                    assert.deepEqual(gpuKeys, c.resource ? [c.resource] : [], pod.owner);
                    if (c.resource) assert.equal(container.resources.limits[c.resource], String(c.gpu?.count ?? 1));
                    assert.ok(!Object.keys(container.resources.requests ?? {}).some((k) => k.includes("/")), "GPU must not be requested");
                }
            });
        }
    });

    describe("outputs", () => {
        it("Deployment: namespace, service URL, kubectl commands; no NetworkPolicy hint while policies are off", async () => {
            const { component } = await registerComponent({ node: { enabled: true } });
            const value = <T>(o: import("@pulumi/pulumi").Output<T>) => new Promise<T>((r) => o.apply(r));
            assert.equal(await value(component.namespace), "vmafx");
            assert.equal(await value(component.workloadKind), "Deployment");
            assert.equal(await value(component.serviceUrl), "http://vmafx.vmafx.svc:8080");
            const commands = await value(component.kubectlCommands);
            assert.ok(commands.includes("kubectl -n vmafx rollout status deployment/vmafx"));
            assert.ok(commands.some((c) => c.includes("app.kubernetes.io/component=node")));
            assert.equal(await value(component.networkPolicyHint), undefined);
        });

        it("Job: no service URL, log and wait commands; NetworkPolicy hint when policies are on", async () => {
            const { component } = await registerComponent({ workload: "Job", job: { command: ["score"] }, networkPolicy: { enabled: true } });
            const value = <T>(o: import("@pulumi/pulumi").Output<T>) => new Promise<T>((r) => o.apply(r));
            assert.equal(await value(component.serviceUrl), "");
            const commands = await value(component.kubectlCommands);
            assert.ok(commands.includes("kubectl -n vmafx logs -f job/vmafx"));
            assert.ok(commands.includes("kubectl -n vmafx wait --for=condition=complete job/vmafx --timeout=30m"));
            assert.match((await value(component.networkPolicyHint)) ?? "", /kubectl -n vmafx get networkpolicy -l app.kubernetes.io\/instance=vmafx/);
        });
    });

    describe("workload forms", () => {
        it("StatefulSet mounts its state volume and points serviceName at the headless Service", () => {
            const m = planFor({ workload: "StatefulSet", statefulSet: { replicas: 2, statePvcSize: "5Gi" } });
            const sts = byKind(m, "StatefulSet")[0];
            assert.equal(sts.spec.serviceName, "vmafx-headless");
            assert.equal(sts.spec.replicas, 2);
            assert.equal(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "5Gi");
            assert.ok(sts.spec.template.spec.containers[0].volumeMounts.some((v: any) => v.name === "state" && v.mountPath === "/var/lib/vmafx"));
            const headless = m.find((x) => x.metadata.name === "vmafx-headless") as ManifestView;
            assert.equal(headless.spec.clusterIP, "None");
        });

        it("Job runs its command once with restartPolicy Never and no probes or ports", () => {
            const job = byKind(planFor({ workload: "Job", job: { command: ["vmafx-score"], args: ["--all"], backoffLimit: 0 } }), "Job")[0];
            const pod = job.spec.template.spec;
            assert.equal(pod.restartPolicy, "Never");
            assert.deepEqual(pod.containers[0].command, ["vmafx-score"]);
            assert.deepEqual(pod.containers[0].args, ["--all"]);
            assert.equal(job.spec.backoffLimit, 0);
            assert.equal(pod.containers[0].livenessProbe, undefined);
            assert.equal(pod.containers[0].ports, undefined);
        });

        it("the operator's RBAC grants its CRDs cluster-wide and pods, events, leases in its namespace", () => {
            const m = planFor({ operator: { enabled: true } });
            const cr = byKind(m, "ClusterRole")[0];
            const resources = cr.rules.flatMap((r: any) => r.resources);
            assert.deepEqual(
                resources.filter((r: string) => !r.includes("/")),
                ["vmafxjobs", "vmafxnodes", "vmafxmodeltrainings"],
            );
            assert.ok(!resources.includes("vmafxtenants"), "tenants are read by the controller only (ADR-1592)");
            const role = byKind(m, "Role")[0];
            assert.deepEqual(
                role.rules.map((r: any) => r.resources[0]),
                ["pods", "events", "leases"],
            );
            const crb = byKind(m, "ClusterRoleBinding")[0];
            assert.deepEqual(crb.subjects, [{ kind: "ServiceAccount", name: "vmafx-operator", namespace: "vmafx" }]);
            const op = byKind(m, "Deployment").find((d) => d.metadata.name === "vmafx-operator") as ManifestView;
            assert.equal(op.spec.template.spec.serviceAccountName, "vmafx-operator");
            assert.equal(op.spec.template.spec.automountServiceAccountToken, true);
        });

        it("the Namespace carries enforce/audit/warn restricted with the pinned version", () => {
            const ns = byKind(planFor({ namespace: { name: "media", podSecurityVersion: "v1.31" } }), "Namespace")[0];
            for (const mode of ["enforce", "audit", "warn"]) {
                assert.equal(ns.metadata.labels![`pod-security.kubernetes.io/${mode}`], "restricted");
                assert.equal(ns.metadata.labels![`pod-security.kubernetes.io/${mode}-version`], "v1.31");
            }
        });

        it("ingress routes every host path to the server Service's http port", () => {
            const ing = byKind(
                planFor({
                    ingress: {
                        enabled: true,
                        hosts: [{ host: "vmafx.example.com", paths: [{ path: "/v1" }] }],
                        tls: [{ hosts: ["vmafx.example.com"], secretName: "vmafx-tls" }],
                    },
                }),
                "Ingress",
            )[0];
            assert.deepEqual(ing.spec.rules[0].http.paths[0], {
                path: "/v1",
                pathType: "Prefix",
                backend: { service: { name: "vmafx", port: { name: "http" } } },
            });
            assert.deepEqual(ing.spec.tls, [{ hosts: ["vmafx.example.com"], secretName: "vmafx-tls" }]);
        });
    });
});
