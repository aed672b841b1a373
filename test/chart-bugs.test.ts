// One test per chart bug of chart.md §9 in this scope, named after the bug.
import { strict as assert } from "assert";
import { Manifest } from "@vmafx-k8s/vmafx/plan";
import { byKind, containersOf, find, matches, planFor, podTemplates } from "./helpers";

function env(container: any, name: string) {
    return container.env?.find((e: any) => e.name === name);
}

describe("chart bugs (chart.md §9) are fixed", () => {
    it("§9.1 server selector overlap: server Service, workload and PDB select server pods only", () => {
        const m = planFor({ node: { enabled: true }, operator: { enabled: true }, podDisruptionBudget: { enabled: true }, smokeTest: { enabled: true } });
        const pods = podTemplates(m);
        for (const sel of [
            find(m, "Service", "vmafx").spec.selector,
            find(m, "Deployment", "vmafx").spec.selector.matchLabels,
            find(m, "PodDisruptionBudget", "vmafx").spec.selector.matchLabels,
        ]) {
            assert.deepEqual(
                pods.filter((p) => matches(sel, p.metadata.labels)).map((p) => p.owner),
                ["Deployment/vmafx"],
            );
        }
    });

    it("§9.2 test pod matched the release selector: the smoke test has its own component, its own egress, and no hard-coded cluster domain", () => {
        const m = planFor({ smokeTest: { enabled: true }, networkPolicy: { enabled: true } });
        const job = find(m, "Job", "vmafx-smoke-test");
        const labels = job.spec.template.metadata.labels;
        assert.equal(labels["app.kubernetes.io/component"], "smoke-test");
        assert.ok(!matches(find(m, "Service", "vmafx").spec.selector, labels));
        const cmd: string[] = job.spec.template.spec.containers[0].command;
        assert.ok(cmd.includes("http://vmafx.vmafx.svc:8080/healthz"), cmd.join(" "));
        assert.ok(!cmd.join(" ").includes("cluster.local"));
        const egress = find(m, "NetworkPolicy", "vmafx-smoke-test-to-server-egress");
        assert.ok(matches(egress.spec.podSelector.matchLabels, labels));
        assert.equal(job.spec.template.spec.automountServiceAccountToken, false);
    });

    it("§9.3 StatefulSet volumeClaimTemplates carry version labels: only labels that survive upgrades", () => {
        const a = find(planFor({ workload: "StatefulSet", appVersion: "3.2.1" }), "StatefulSet", "vmafx");
        const b = find(planFor({ workload: "StatefulSet", appVersion: "3.3.0" }), "StatefulSet", "vmafx");
        const labels = a.spec.volumeClaimTemplates[0].metadata.labels;
        assert.ok(!("app.kubernetes.io/version" in labels) && !("helm.sh/chart" in labels));
        assert.deepEqual(a.spec.volumeClaimTemplates, b.spec.volumeClaimTemplates, "an appVersion bump must not change the immutable VCTs");
        assert.deepEqual(a.spec.selector, b.spec.selector);
    });

    it("§9.4 cluster-scoped names not namespace-qualified: two namespaces, two ClusterRoles", () => {
        const a = planFor({ operator: { enabled: true }, namespace: { name: "team-a" } });
        const b = planFor({ operator: { enabled: true }, namespace: { name: "team-b" } });
        const names = (m: Manifest[]) => [...byKind(m, "ClusterRole"), ...byKind(m, "ClusterRoleBinding")].map((x) => x.metadata.name);
        assert.deepEqual(names(a), ["vmafx-team-a-operator-crds", "vmafx-team-a-operator-crds-binding"]);
        assert.equal(names(a).filter((n) => names(b).includes(n)).length, 0);
        assert.equal(byKind(a, "ClusterRoleBinding")[0].roleRef.name, "vmafx-team-a-operator-crds");
    });

    it("§9.11 PVC gating mismatch and ignored existingClaim: a volume mounts the claim that exists or is given", () => {
        const created = planFor({ persistence: { enabled: true, corpus: { enabled: true } } });
        assert.ok(find(created, "PersistentVolumeClaim", "vmafx-corpus"));
        const vol = find(created, "Deployment", "vmafx").spec.template.spec.volumes.find((v: any) => v.name === "corpus");
        assert.deepEqual(vol.persistentVolumeClaim, { claimName: "vmafx-corpus", readOnly: true });

        const existing = planFor({ persistence: { corpus: { enabled: true, existingClaim: "media-corpus" } }, node: { enabled: true } });
        assert.equal(byKind(existing, "PersistentVolumeClaim").length, 0);
        const vol2 = find(existing, "Deployment", "vmafx").spec.template.spec.volumes.find((v: any) => v.name === "corpus");
        assert.equal(vol2.persistentVolumeClaim.claimName, "media-corpus");

        assert.throws(() => planFor({ persistence: { corpus: { enabled: true } } }), /args\.persistence\.corpus\.enabled = true: no claim would exist/);
    });

    it("§9.12 read-only root vs default paths: output is writable, model dir only when mounted", () => {
        const m = planFor({ node: { enabled: true } });
        const cm = find(m, "ConfigMap", "vmafx-config");
        assert.deepEqual(cm.data, { VMAFX_OUTPUT_DIR: "/output" });
        const server = find(m, "Deployment", "vmafx").spec.template.spec;
        assert.ok(server.containers[0].volumeMounts.some((v: any) => v.mountPath === "/output"));
        assert.ok(server.volumes.some((v: any) => v.name === "output" && v.emptyDir));
        assert.equal(env(find(m, "Deployment", "vmafx-node").spec.template.spec.containers[0], "VMAFX_MODEL_DIR"), undefined);

        const withModels = planFor({ node: { enabled: true }, persistence: { enabled: true, models: { enabled: true, mountPath: "/weights" } } });
        assert.equal(find(withModels, "ConfigMap", "vmafx-config").data.VMAFX_MODEL_DIR, "/weights");
        assert.equal(env(find(withModels, "Deployment", "vmafx-node").spec.template.spec.containers[0], "VMAFX_MODEL_DIR").value, "/weights");
    });

    it("§9.13 VMAFX_BACKEND ignores gpu.enabled: disabled GPU means cpu and no GPU limit", () => {
        for (const pod of podTemplates(planFor({ gpu: { enabled: false, vendor: "nvidia" }, node: { enabled: true } }))) {
            const c = pod.spec.containers[0];
            assert.equal(env(c, "VMAFX_BACKEND").value, "cpu");
            assert.ok(!("nvidia.com/gpu" in (c.resources.limits ?? {})));
        }
    });

    it("§9.14 default swallows legal zeros: 0 replicas, 0 grace, 0 ttl and maxUnavailable 0 are kept", () => {
        const m = planFor({
            node: { enabled: true, replicas: 0 },
            operator: { enabled: true, replicas: 0 },
            terminationGracePeriodSeconds: 0,
            podDisruptionBudget: { enabled: true, maxUnavailable: "0" },
        });
        assert.equal(find(m, "Deployment", "vmafx-node").spec.replicas, 0);
        assert.equal(find(m, "Deployment", "vmafx-operator").spec.replicas, 0);
        assert.equal(find(m, "Deployment", "vmafx").spec.template.spec.terminationGracePeriodSeconds, 0);
        assert.equal(find(m, "PodDisruptionBudget", "vmafx").spec.maxUnavailable, 0);
        assert.equal(find(planFor({ workload: "Job", job: { command: ["x"], ttlSecondsAfterFinished: 0 } }), "Job", "vmafx").spec.ttlSecondsAfterFinished, 0);
    });

    it("§9.15 resources keys dropped and node pull policy: every resource key survives, node has its own pull policy", () => {
        const m = planFor({
            resources: { limits: { cpu: "2", memory: "4Gi", "ephemeral-storage": "10Gi" }, requests: { cpu: "1", "ephemeral-storage": "1Gi" } },
            node: { enabled: true, image: { pullPolicy: "Always" } },
            gpu: { count: 2 },
        });
        const server = find(m, "Deployment", "vmafx").spec.template.spec.containers[0];
        assert.deepEqual(server.resources.limits, { cpu: "2", memory: "4Gi", "ephemeral-storage": "10Gi", "nvidia.com/gpu": "2" });
        assert.deepEqual(server.resources.requests, { cpu: "1", "ephemeral-storage": "1Gi" });
        const node = find(m, "Deployment", "vmafx-node").spec.template.spec.containers[0];
        assert.equal(node.imagePullPolicy, "Always");
        assert.equal(server.imagePullPolicy, "IfNotPresent");
        assert.equal(node.resources.limits["nvidia.com/gpu"], "2", "GPU count is a string like everywhere else");
    });

    it("§9.19 controller address pointed at a Service that does not exist: set only when given", () => {
        const none = find(planFor({ node: { enabled: true } }), "Deployment", "vmafx-node").spec.template.spec.containers[0];
        assert.equal(env(none, "VMAFX_CONTROLLER_ADDR"), undefined);
        const given = find(planFor({ node: { enabled: true, controllerAddr: "vmafx-controller.ctl.svc:9090" } }), "Deployment", "vmafx-node").spec.template.spec
            .containers[0];
        assert.equal(env(given, "VMAFX_CONTROLLER_ADDR").value, "vmafx-controller.ctl.svc:9090");
        assert.equal(env(given, "VMAFX_GRPC_LISTEN").value, ":50052");
    });

    it("§9.23 Job with defaults never completes: a command is required and the grace period is set", () => {
        assert.throws(() => planFor({ workload: "Job" }), /args\.job\.command = \[\]: the Job workload needs a command/);
        const job = find(planFor({ workload: "Job", job: { command: ["score"] } }), "Job", "vmafx");
        assert.equal(job.spec.template.spec.terminationGracePeriodSeconds, 60);
    });

    it("§9.24 operator gaps: pull secrets and its own scheduling reach the operator, >1 replica needs leader election", () => {
        const m = planFor({
            operator: {
                enabled: true,
                replicas: 2,
                leaderElect: true,
                nodeSelector: { pool: "system" },
                tolerations: [{ key: "dedicated", operator: "Equal", value: "system", effect: "NoSchedule" }],
            },
            imagePullSecrets: ["regcred"],
            scheduling: { nodeSelector: { "nvidia.com/gpu.present": "true" }, tolerations: [{ key: "nvidia.com/gpu", operator: "Exists" }] },
        });
        const pod = find(m, "Deployment", "vmafx-operator").spec.template.spec;
        assert.deepEqual(pod.imagePullSecrets, [{ name: "regcred" }]);
        assert.deepEqual(pod.nodeSelector, { pool: "system" });
        assert.deepEqual(pod.tolerations, [{ key: "dedicated", operator: "Equal", value: "system", effect: "NoSchedule" }]);
        assert.equal(env(pod.containers[0], "VMAFX_OPERATOR_LEADER_ELECTION").value, "true");
        assert.throws(() => planFor({ operator: { enabled: true, replicas: 2 } }), /leader election/);
    });

    it("the operator never inherits the server's GPU scheduling (prod-like values)", () => {
        const m = planFor({
            operator: { enabled: true },
            scheduling: {
                nodeSelector: { "nvidia.com/gpu.present": "true" },
                tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
                affinity: { nodeAffinity: {} },
            },
        });
        const pod = find(m, "Deployment", "vmafx-operator").spec.template.spec;
        assert.equal(pod.nodeSelector, undefined);
        assert.equal(pod.tolerations, undefined);
        assert.equal(pod.affinity, undefined);
        assert.deepEqual(find(m, "Deployment", "vmafx").spec.template.spec.nodeSelector, { "nvidia.com/gpu.present": "true" });
    });

    it("§9.25 service accounts: no token for RBAC-less pods, operator account independent of serviceAccount.create", () => {
        const m = planFor({ node: { enabled: true }, operator: { enabled: true }, serviceAccount: { create: false } });
        assert.deepEqual(
            byKind(m, "ServiceAccount").map((s) => s.metadata.name),
            ["vmafx-operator"],
        );
        for (const pod of podTemplates(m)) {
            const isOperator = pod.owner === "Deployment/vmafx-operator";
            assert.equal(pod.spec.automountServiceAccountToken, isOperator, pod.owner);
            assert.equal(pod.spec.serviceAccountName, isOperator ? "vmafx-operator" : "default", pod.owner);
        }
        const sa = find(planFor({}), "ServiceAccount", "vmafx");
        assert.equal(sa.automountServiceAccountToken, false);
    });

    it("§9.28 Service rendered for the Job workload: none, and no HTTP policy either", () => {
        const m = planFor({ workload: "Job", job: { command: ["score"] }, networkPolicy: { enabled: true } });
        assert.equal(byKind(m, "Service").length, 0);
        assert.ok(!byKind(m, "NetworkPolicy").some((p) => p.metadata.name.includes("http-to-server")));
    });

    it("every container keeps the hardening when workloads add their own mounts", () => {
        for (const pod of podTemplates(planFor({ workload: "StatefulSet", persistence: { enabled: true, models: { enabled: true } } }))) {
            for (const { container } of containersOf(pod.spec)) {
                assert.deepEqual(container.volumeMounts[0], { name: "tmp", mountPath: "/tmp" });
                assert.equal(container.securityContext.readOnlyRootFilesystem, true);
            }
        }
    });
});
