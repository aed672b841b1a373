// The migration planner (tools/migrate-plan.ts) and the migration's order of operations (tools/migrate.ts) without a
// cluster: the chart's install comes from the e2e fixture (test/e2e/suite/fixtures/helm-install.ts) with the
// managedFields and UIDs the API server would have given it, the stack's objects from its stack file's plan.
import * as assert from "assert";
import { buildPlan } from "@vmafx-k8s/vmafx/plan";
import { PROJECT_NAME, readStackConfig } from "../tools/offline/config";
import { asRegistered, stackBuildContext } from "../tools/offline/objects";
import {
    FieldsV1,
    K8sObject,
    MigrationPlan,
    PlanInput,
    commonChartChanges,
    fieldsRemovedByTakeover,
    formatPlan,
    objectKey,
    planMigration,
    transferredManagedFields,
} from "../tools/migrate-plan";
import { Kube, MIGRATION_CONFIG_KEY, StackDriver, UPSERT_ENV, factsOf, main, migrate, parseCli, resourceOf } from "../tools/migrate";
import { CHART_POLICY_SUFFIXES, HelmInstallOptions, helmInstall } from "./e2e/suite/fixtures/helm-install";
import { PROD_VALUES, STATEFULSET_VALUES } from "./e2e/suite/fixtures/values";

const FM = "pulumi-kubernetes-vmafx";
const NS = "vmafx";

// --- what the API server makes of the fixture --------------------------------------------------------------------

function listKey(field: string, item: any): string | undefined {
    if (field === "volumeMounts") return JSON.stringify({ mountPath: item.mountPath });
    if (field === "ports" && item.containerPort !== undefined) return JSON.stringify({ containerPort: item.containerPort, protocol: item.protocol ?? "TCP" });
    if (field === "ports" && item.port !== undefined && item.name !== undefined) return JSON.stringify({ port: item.port, protocol: item.protocol ?? "TCP" });
    if (["containers", "env", "volumes", "imagePullSecrets"].includes(field) && item.name) return JSON.stringify({ name: item.name });
    return undefined;
}

/** The FieldsV1 an apply of `value` records (list maps keyed as the API server keys them, other lists atomic). */
function fieldsOf(value: any, field = ""): FieldsV1 {
    if (Array.isArray(value)) {
        if (value.length > 0 && value.every((i) => i && typeof i === "object" && listKey(field, i))) {
            return Object.fromEntries(value.map((i) => [`k:${listKey(field, i)}`, { ".": {}, ...fieldsOf(i) }]));
        }
        return {};
    }
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [`f:${k}`, fieldsOf(v, k)]));
    }
    return {};
}

let uidCounter = 0;

/** The object as stored after an apply by `manager`: a UID, a resourceVersion and its managedFields entry. */
function stored(o: any, manager: string, operation: "Apply" | "Update" = "Apply"): K8sObject {
    const { apiVersion, kind, metadata, ...rest } = structuredClone(o);
    // Name and namespace identify the object; an apply's field set lists the rest.
    const { name: _name, namespace: _namespace, ...metaRest } = metadata;
    void _name;
    void _namespace;
    return {
        apiVersion,
        kind,
        ...rest,
        metadata: {
            ...metadata,
            uid: `uid-${++uidCounter}`,
            resourceVersion: String(uidCounter),
            managedFields: [{ manager, operation, apiVersion, fieldsType: "FieldsV1", fieldsV1: fieldsOf({ metadata: metaRest, ...rest }) }],
        },
    };
}

function liveInstall(form: "deployment" | "statefulset", values: HelmInstallOptions, ns = NS): K8sObject[] {
    const i = helmInstall("vmafx", ns, form, values);
    return [
        stored(i.namespace, "helm"),
        ...i.crds.map((c) => stored(c, "helm")),
        ...i.controllerObjects.map((o) => stored(o, "kube-controller-manager", "Update")),
        ...i.objects.map((o) => stored(o, "helm")),
        ...i.claims.map((o) => stored(o, "kube-controller-manager", "Update")),
        ...i.hooks.map((o) => stored(o, "helm")),
        stored(i.releaseSecret, "helm"),
    ];
}

/** A stack's plan with top-level keys replaced as `pulumi config set vmafx:<key>` would (strings as they are). */
function stackPlan(stack: string, overrides: Record<string, unknown> = {}) {
    const config = readStackConfig(stack);
    const values = { ...config.values };
    for (const [k, v] of Object.entries(overrides)) values[`vmafx:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    const ctx = stackBuildContext({ ...config, values }, PROJECT_NAME);
    return { ctx, facts: factsOf(stack, ctx), planned: buildPlan(ctx).map((p) => asRegistered(p.manifest) as unknown as K8sObject) };
}

const STS_STACK = {
    workload: "StatefulSet",
    statefulSet: { replicas: 2, statePvcSize: "2Gi" },
    persistence: { enabled: true, models: { enabled: true, size: "1Gi" } },
    networkPolicy: { enabled: true },
    node: { enabled: false },
    smokeTest: { enabled: false },
};

function plan(live: K8sObject[], stack: ReturnType<typeof stackPlan>, extra: Partial<PlanInput> = {}): MigrationPlan {
    return planMigration({ release: "vmafx", namespace: NS, stack: stack.facts, planned: stack.planned, live, fieldManager: FM, ...extra });
}

const entry = (p: MigrationPlan, kind: string, name: string) => p.entries.find((e) => e.ref.kind === kind && e.ref.name === name);

describe("migration from a Helm install: the plan", function () {
    describe("Deployment form with prod values (the prod stack)", function () {
        const live = liveInstall("deployment", PROD_VALUES);
        const stack = stackPlan("prod");
        const p = plan(live, stack);

        it("has no problems, and replaces nothing", function () {
            assert.deepStrictEqual(p.problems, []);
            assert.deepStrictEqual(
                p.entries.filter((e) => e.disposition === "replaced").map((e) => e.ref.name),
                [],
            );
        });

        it("adopts or updates in place every Deployment, Service, PVC, ServiceAccount, PDB, Role and RoleBinding, with its UID", function () {
            const kinds = ["Deployment", "Service", "PersistentVolumeClaim", "ServiceAccount", "PodDisruptionBudget", "Role", "RoleBinding"];
            for (const o of live.filter((x) => kinds.includes(x.kind) && x.metadata.annotations?.["meta.helm.sh/release-name"])) {
                const e = entry(p, o.kind, o.metadata.name);
                assert.ok(e, `${o.kind} ${o.metadata.name} is in the plan`);
                assert.ok(["adopted", "updated"].includes(e.disposition), `${o.kind} ${o.metadata.name}: ${e.disposition} (${e.reason})`);
                assert.strictEqual(e.uid, o.metadata.uid);
                assert.strictEqual(e.transfer, true, "Helm's fields are handed over");
            }
        });

        it("removes the chart's other NetworkPolicies after the stack's successors, which the stack plans", function () {
            const planned = new Set(stack.planned.filter((o) => o.kind === "NetworkPolicy").map((o) => o.metadata.name));
            assert.strictEqual(entry(p, "NetworkPolicy", "vmafx-default-deny")?.disposition, "updated", "the same-named default-deny is kept and updated");
            for (const suffix of CHART_POLICY_SUFFIXES.filter((s) => s !== "default-deny")) {
                const e = entry(p, "NetworkPolicy", `vmafx-${suffix}`)!;
                assert.strictEqual(e.disposition, "removed", suffix);
                assert.ok(e.successors!.length > 0, `${suffix} has successors`);
                for (const s of e.successors!) assert.ok(planned.has(s.name), `${s.name} is planned`);
            }
            assert.deepStrictEqual(
                entry(p, "NetworkPolicy", "vmafx-allow-dns-egress")!.successors!.map((s) => s.name),
                ["vmafx-dns-egress"],
            );
            assert.deepStrictEqual(
                entry(p, "NetworkPolicy", "vmafx-allow-controller-to-node")!
                    .successors!.map((s) => s.name)
                    .sort(),
                ["vmafx-controller-to-node-egress", "vmafx-controller-to-node-ingress"],
            );
        });

        it("removes the ClusterRole and ClusterRoleBinding after their namespace-qualified successors", function () {
            assert.deepStrictEqual(
                entry(p, "ClusterRole", "vmafx-operator-crds")!.successors!.map((s) => s.name),
                ["vmafx-vmafx-operator-crds"],
            );
            assert.deepStrictEqual(
                entry(p, "ClusterRoleBinding", "vmafx-operator-crds-binding")!.successors!.map((s) => s.name),
                ["vmafx-vmafx-operator-crds-binding"],
            );
        });

        it("removes the helm test Pod, keeps Helm's record unless --forget-helm", function () {
            assert.strictEqual(entry(p, "Pod", "vmafx-test-connection")?.disposition, "removed");
            assert.strictEqual(entry(p, "Secret", "sh.helm.release.v1.vmafx.v1")?.disposition, "kept");
            assert.strictEqual(entry(plan(live, stack, { forgetHelm: true }), "Secret", "sh.helm.release.v1.vmafx.v1")?.disposition, "removed");
        });

        it("adopts the Namespace and the chart's CRDs, and creates what the chart lacks (the controller)", function () {
            const ns = entry(p, "Namespace", NS)!;
            assert.strictEqual(ns.disposition, "updated");
            assert.match(ns.reason, /pulumi destroy` would delete it/);
            assert.strictEqual(entry(p, "CustomResourceDefinition", "vmafxjobs.vmafx.dev")?.disposition, "updated");
            assert.strictEqual(entry(p, "Deployment", "vmafx-controller")?.disposition, "created");
            assert.strictEqual(entry(p, "NetworkPolicy", "vmafx-dns-egress")?.disposition, "created");
        });

        it("lists the field changes, the ones only the chart set included, and which pods roll", function () {
            const node = entry(p, "Deployment", "vmafx-node")!;
            assert.strictEqual(node.rollsPods, true);
            const paths = node.changes.map((c) => `${c.change} ${c.path}`);
            assert.ok(paths.includes("removed spec.template.spec.containers[vmafx-node].env[VMAFX_RCLONE_CONFIG]"), paths.join("\n"));
            assert.ok(paths.includes("changed spec.template.spec.containers[vmafx-node].env[VMAFX_CONTROLLER_ADDR].value"), paths.join("\n"));
            assert.ok(paths.includes("added spec.template.spec.automountServiceAccountToken"), paths.join("\n"));
            assert.ok(paths.includes("removed metadata.labels[helm.sh/chart]"), paths.join("\n"));
            assert.ok(paths.includes("removed metadata.annotations[meta.helm.sh/release-name]"), paths.join("\n"));
            const svc = entry(p, "Service", "vmafx")!;
            assert.deepStrictEqual(
                svc.changes.filter((c) => c.path.startsWith("spec.")).map((c) => `${c.path}: ${c.from} -> ${c.to}`),
                ["spec.ports[8080/TCP].targetPort: 8080 -> http"],
            );
            assert.strictEqual(svc.rollsPods, false);
        });

        it("prints every chart object once, the shared metadata changes once", function () {
            const text = formatPlan(p).join("\n");
            for (const o of live.filter((x) => x.metadata.annotations?.["meta.helm.sh/release-name"] || x.metadata.annotations?.["helm.sh/hook"])) {
                assert.ok(
                    text.includes(`${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}:`),
                    `${o.kind} ${o.metadata.name} printed`,
                );
            }
            const common = commonChartChanges(p).map((c) => `${c.change} ${c.path}`);
            assert.ok(
                common.includes("removed metadata.labels[helm.sh/chart]") && common.includes("changed metadata.labels[app.kubernetes.io/managed-by]"),
                common.join("\n"),
            );
            assert.match(text, /updated in place \(\d+\):/);
            assert.match(text, /removed after the up, each after its successors exist \(11\):/);
        });
    });

    describe("StatefulSet form with persistence", function () {
        const live = liveInstall("statefulset", STATEFULSET_VALUES);
        const stack = stackPlan("dev", { ...STS_STACK, namespace: { name: NS } });
        const p = plan(live, stack);

        it("replaces the StatefulSet because the claim template's labels differ, and says how", function () {
            assert.deepStrictEqual(p.problems, []);
            const sts = entry(p, "StatefulSet", "vmafx")!;
            assert.strictEqual(sts.disposition, "replaced");
            assert.match(sts.reason, /spec\.volumeClaimTemplates\[state\]/);
            assert.match(sts.reason, /--cascade=orphan/);
            const paths = sts.changes.map((c) => `${c.change} ${c.path}`);
            assert.ok(paths.includes("removed spec.volumeClaimTemplates[state].metadata.labels[helm.sh/chart]"), paths.join("\n"));
            assert.ok(paths.includes("added spec.volumeClaimTemplates[state].metadata.labels[app.kubernetes.io/component]"), paths.join("\n"));
        });

        it("keeps the claims state-vmafx-0 and -1 with their UIDs, bound again by the template state", function () {
            for (const i of [0, 1]) {
                const e = entry(p, "PersistentVolumeClaim", `state-vmafx-${i}`)!;
                assert.strictEqual(e.disposition, "kept");
                assert.deepStrictEqual(e.claimOf, { statefulSet: "vmafx", template: "state" });
                assert.strictEqual(e.uid, live.find((o) => o.metadata.name === `state-vmafx-${i}`)!.metadata.uid);
            }
            const headless = entry(p, "Service", "vmafx-headless")!;
            assert.ok(["adopted", "updated"].includes(headless.disposition), headless.reason);
        });

        it("refuses a StatefulSet whose claims its deletion would delete (retention policy Delete)", function () {
            const changed = live.map((o) =>
                o.kind === "StatefulSet"
                    ? { ...o, spec: { ...o.spec, persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" } } }
                    : o,
            );
            assert.ok(plan(changed, stack).problems.some((x) => x.includes("whenDeleted Delete") && x.includes("kubectl patch statefulset vmafx")));
        });

        it("refuses a stack whose StatefulSet lacks the template that names the claims", function () {
            const s = stackPlan("dev", { ...STS_STACK, namespace: { name: NS } });
            const planned = s.planned.map((o) =>
                o.kind === "StatefulSet"
                    ? {
                          ...o,
                          spec: {
                              ...o.spec,
                              volumeClaimTemplates: o.spec.volumeClaimTemplates.map((t: any) => ({ ...t, metadata: { ...t.metadata, name: "data" } })),
                          },
                      }
                    : o,
            );
            const problems = plan(live, { ...s, planned }).problems;
            assert.ok(
                problems.some((x) => x.includes("state-vmafx-0") && x.includes("template state")),
                problems.join("\n"),
            );
        });
    });

    describe("problems: every one at once, before anything changes", function () {
        it("names a wrong namespace, a wrong release name, a foreign object, policies turned off, a claim that cannot match", function () {
            const live = liveInstall("deployment", {
                ...PROD_VALUES,
                persistence: { enabled: true, storageClass: "standard", models: { enabled: true, size: "5Gi" } },
            });
            // Something of another tool in the way of a name the stack plans.
            live.push(stored({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "vmafx-controller", namespace: NS } }, "kubectl-create", "Update"));
            const stack = stackPlan("prod", { releaseName: "prod", namespace: { name: "vmafx-prod" }, networkPolicy: { enabled: false } });
            const problems = plan(live, stack).problems;
            const has = (re: RegExp) =>
                assert.ok(
                    problems.some((x) => re.test(x)),
                    `${re} in:\n${problems.join("\n")}`,
                );
            has(/deploys into namespace vmafx-prod, the Helm release vmafx is in vmafx/);
            has(/release name is prod .* set vmafx:releaseName to vmafx/);
            has(/none of the chart's workloads/);

            const stack2 = stackPlan("prod", { networkPolicy: { enabled: false } });
            const problems2 = plan(live, stack2).problems;
            const has2 = (re: RegExp) =>
                assert.ok(
                    problems2.some((x) => re.test(x)),
                    `${re} in:\n${problems2.join("\n")}`,
                );
            has2(
                /ServiceAccount vmafx\/vmafx-controller exists but is neither an object of Helm release vmafx nor taken over by this stack; its field managers: kubectl-create/,
            );
            has2(/the stack's are off \(vmafx:networkPolicy\.enabled false\)/);
            has2(/PersistentVolumeClaim vmafx\/vmafx-models holds data and cannot be replaced, .*spec\.storageClassName \("standard" → "gp3"\)/);
        });

        it("an empty namespace: no release to take over", function () {
            const problems = plan([stored({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }, "kubectl")], stackPlan("prod")).problems;
            assert.ok(
                problems.some((x) => x.includes("no object of Helm release vmafx in namespace vmafx")),
                problems.join("\n"),
            );
        });

        it("a re-run recognises what an earlier run took over (the stack's field manager), and is not blocked by it", function () {
            const live = liveInstall("deployment", PROD_VALUES).map((o) => {
                if (o.kind !== "ServiceAccount" || o.metadata.name !== "vmafx") return o;
                // After the takeover apply: Helm's annotations are gone, the stack's manager owns it.
                const { annotations: _gone, ...meta } = o.metadata;
                void _gone;
                return {
                    ...o,
                    metadata: {
                        ...meta,
                        labels: { ...meta.labels, "app.kubernetes.io/managed-by": "pulumi" },
                        managedFields: [{ manager: FM, operation: "Apply" as const, fieldsV1: {} }],
                    },
                };
            });
            const p = plan(live, stackPlan("prod"));
            assert.deepStrictEqual(p.problems, []);
            assert.match(entry(p, "ServiceAccount", "vmafx")!.reason, /taken over by an earlier run/);
        });
    });

    describe("handing Helm's field ownership over", function () {
        const svc: K8sObject = {
            apiVersion: "v1",
            kind: "Service",
            metadata: {
                name: "vmafx",
                namespace: NS,
                uid: "u",
                resourceVersion: "7",
                labels: { a: "1", b: "2" },
                annotations: { x: "3" },
                managedFields: [
                    {
                        manager: "helm",
                        operation: "Update" as const,
                        apiVersion: "v1",
                        time: "2026-01-01T00:00:00Z",
                        fieldsType: "FieldsV1",
                        fieldsV1: { "f:metadata": { "f:labels": { "f:a": {} } }, "f:spec": { "f:clusterIP": {}, "f:selector": {}, "f:sessionAffinity": {} } },
                    },
                    { manager: "helm", operation: "Apply" as const, apiVersion: "v1", fieldsV1: { "f:metadata": { "f:annotations": { "f:x": {} } } } },
                    { manager: "kubectl-edit", operation: "Update" as const, apiVersion: "v1", fieldsV1: { "f:metadata": { "f:labels": { "f:b": {} } } } },
                ],
            },
            spec: { clusterIP: "10.0.0.1", selector: { a: "b" }, sessionAffinity: "None" },
        };

        it("folds every entry of helm into one Apply entry of the stack's manager; other managers keep theirs", function () {
            const fields = transferredManagedFields(svc, FM)!;
            assert.deepStrictEqual(
                fields.map((f) => `${f.manager} ${f.operation}`),
                ["kubectl-edit Update", `${FM} Apply`],
            );
            const mine = fields[1].fieldsV1!;
            assert.deepStrictEqual(mine["f:metadata"], { "f:labels": { "f:a": {} }, "f:annotations": { "f:x": {} } });
            assert.deepStrictEqual(
                mine["f:spec"],
                { "f:selector": {}, "f:sessionAffinity": {} },
                "the cluster IP is never handed over, so the apply never drops it",
            );
        });

        it("leaves an object without Helm's entries alone", function () {
            assert.strictEqual(
                transferredManagedFields({ ...svc, metadata: { ...svc.metadata, managedFields: [svc.metadata.managedFields![2]] } }, FM),
                undefined,
            );
        });

        it("a claim's spec stays unowned except its size (immutable fields are never dropped by the apply)", function () {
            const pvc = stored(
                {
                    apiVersion: "v1",
                    kind: "PersistentVolumeClaim",
                    metadata: { name: "c", namespace: NS },
                    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
                },
                "helm",
            );
            assert.deepStrictEqual(transferredManagedFields(pvc, FM)!.at(-1)!.fieldsV1!["f:spec"], { "f:resources": { "f:requests": { "f:storage": {} } } });
        });

        it("what the takeover removes: Helm's own fields, not defaults of an Update, not fields another manager owns", function () {
            const ours = { apiVersion: "v1", kind: "Service", metadata: { name: "vmafx", namespace: NS }, spec: { selector: { a: "b" } } };
            const removed = fieldsRemovedByTakeover(svc, ours, ["helm"]).map((c) => c.path);
            // sessionAffinity comes back as the API server's default after an Update; clusterIP is never handed over;
            // label b is kubectl-edit's too.
            assert.deepStrictEqual(removed.sort(), ["metadata.annotations[x]", "metadata.labels[a]"]);
        });
    });
});

// --- the order of operations, against an in-memory cluster --------------------------------------------------------

/** Enough of an API server for migrate(): objects by resource, namespace and name; label selectors `a=b,c=d`. */
class FakeCluster implements Kube {
    readonly objects = new Map<string, K8sObject>();
    readonly log: string[] = [];
    constructor(objects: K8sObject[]) {
        for (const o of objects) this.objects.set(this.key(resourceOf(o.kind), o.metadata.name, o.metadata.namespace), structuredClone(o));
    }
    key(resource: string, name: string, namespace?: string) {
        const kind = Object.entries({ ...RESOURCE_KINDS }).find(([, r]) => r === resource)?.[0] ?? resource;
        const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"].includes(kind);
        return `${resource}/${clusterScoped ? "" : (namespace ?? "")}/${name}`;
    }
    async list(resources: string[], opts: { namespace?: string; selector?: string } = {}) {
        const want = Object.fromEntries(
            (opts.selector ?? "")
                .split(",")
                .filter(Boolean)
                .map((kv) => kv.split("=")),
        );
        return [...this.objects.entries()]
            .filter(([k]) => resources.some((r) => k.startsWith(`${r}/`)))
            .map(([, o]) => o)
            .filter((o) => !opts.namespace || o.metadata.namespace === opts.namespace)
            .filter((o) => Object.entries(want).every(([k, v]) => o.metadata.labels?.[k] === v))
            .map((o) => structuredClone(o));
    }
    async get(resource: string, name: string, namespace?: string) {
        const o = this.objects.get(this.key(resource, name, namespace));
        return o && structuredClone(o);
    }
    async remove(resource: string, name: string, namespace: string | undefined, cascade: string) {
        this.log.push(`delete ${resource} ${name} ${cascade}`);
        this.objects.delete(this.key(resource, name, namespace));
    }
    async jsonPatch(resource: string, name: string, namespace: string | undefined, ops: any[]) {
        const o = this.objects.get(this.key(resource, name, namespace))!;
        for (const op of ops) {
            if (op.op === "test") assert.strictEqual(o.metadata.resourceVersion, op.value);
            else if (op.path === "/metadata/managedFields") o.metadata.managedFields = op.value;
        }
        this.log.push(`patch managedFields ${resource} ${name}`);
    }
}
const RESOURCE_KINDS: Record<string, string> = Object.fromEntries(
    [
        "Namespace",
        "ServiceAccount",
        "ConfigMap",
        "Secret",
        "Service",
        "PersistentVolumeClaim",
        "Pod",
        "Deployment",
        "StatefulSet",
        "Job",
        "Ingress",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "ClusterRole",
        "ClusterRoleBinding",
        "Role",
        "RoleBinding",
        "CustomResourceDefinition",
        "ServiceMonitor",
        "PodMonitor",
        "VmafxTenant",
    ].map((k) => [k, resourceOf(k)]),
);

/** The stack: `up` applies the planned objects as the provider would (existing ones keep their UID). */
function fakeDriver(cluster: FakeCluster, planned: K8sObject[], opts: { failUp?: boolean } = {}): StackDriver & { calls: string[]; config?: string } {
    const d = {
        calls: [] as string[],
        config: undefined as string | undefined,
        async getMigrationConfig() {
            return d.config;
        },
        async setMigrationConfig(value: string | undefined) {
            d.calls.push(`config ${value ?? "(removed)"}`);
            d.config = value;
        },
        async up(env: Record<string, string>) {
            d.calls.push(`up ${JSON.stringify(env)}`);
            cluster.log.push("up");
            if (opts.failUp) throw new Error("pulumi up failed: conflict");
            for (const o of planned) {
                const k = cluster.key(resourceOf(o.kind), o.metadata.name, o.metadata.namespace);
                const old = cluster.objects.get(k);
                cluster.objects.set(k, {
                    ...structuredClone(o),
                    metadata: { ...structuredClone(o.metadata), uid: old?.metadata.uid ?? `new-${k}`, managedFields: [{ manager: FM, operation: "Apply" }] },
                });
            }
            return { create: 1 };
        },
    };
    return d;
}

describe("migration from a Helm install: the order of operations (migrate --execute)", function () {
    async function execute(form: "deployment" | "statefulset", opts: { failUp?: boolean; forgetHelm?: boolean } = {}) {
        const stack = form === "deployment" ? stackPlan("prod") : stackPlan("dev", { ...STS_STACK, namespace: { name: NS } });
        const live = liveInstall(form, form === "deployment" ? PROD_VALUES : STATEFULSET_VALUES);
        const cluster = new FakeCluster(live);
        const driver = fakeDriver(cluster, stack.planned, opts);
        const lines: string[] = [];
        const denyChecks: boolean[] = [];
        const result = await migrate(
            { release: "vmafx", namespace: NS, fieldManager: FM, execute: true, forgetHelm: opts.forgetHelm },
            {
                kube: cluster,
                driver,
                facts: stack.facts,
                planned: stack.planned,
                log: (l) => lines.push(l),
                afterStep: async () => {
                    denyChecks.push(!!(await cluster.get(resourceOf("NetworkPolicy"), "vmafx-default-deny", NS)));
                },
            },
        );
        return { result, cluster, driver, lines, live, denyChecks };
    }

    it("Deployment form: hands over, sets the config, ups with upsert, deletes the chart's leftovers after the up, turns the config off and ups again", async function () {
        const { result, cluster, driver, lines, denyChecks } = await execute("deployment");
        assert.strictEqual(result.exitCode, 0, lines.join("\n"));
        const firstUp = cluster.log.indexOf("up");
        const firstPatch = cluster.log.findIndex((l) => l.startsWith("patch managedFields"));
        const firstDelete = cluster.log.findIndex((l) => l.startsWith("delete"));
        assert.ok(firstPatch >= 0 && firstPatch < firstUp, "Helm's fields are handed over before the up");
        assert.ok(firstDelete > firstUp, "nothing is deleted before the up");
        assert.deepStrictEqual(driver.calls, [
            `config ${JSON.stringify({ adopt: true, fieldManager: FM })}`,
            `up ${JSON.stringify({ [UPSERT_ENV]: "true" })}`,
            "config (removed)",
            "up {}",
        ]);
        const deleted = cluster.log.filter((l) => l.startsWith("delete")).map((l) => l.split(" ")[2]);
        assert.deepStrictEqual(
            deleted.sort(),
            [
                ...CHART_POLICY_SUFFIXES.filter((s) => s !== "default-deny").map((s) => `vmafx-${s}`),
                "vmafx-operator-crds",
                "vmafx-operator-crds-binding",
                "vmafx-test-connection",
            ].sort(),
        );
        assert.ok(denyChecks.length >= 5 && denyChecks.every(Boolean), `default-deny at every step: ${denyChecks}`);
        assert.ok(await cluster.get("secrets", "sh.helm.release.v1.vmafx.v1", NS), "the record is kept without --forget-helm");
        assert.ok(lines.some((l) => l.includes("Do NOT run `helm uninstall vmafx`")));
        void MIGRATION_CONFIG_KEY;
    });

    it("StatefulSet form: orphan-deletes the StatefulSet before the up, keeps the claims, deletes Helm's record with --forget-helm", async function () {
        const { result, cluster, lines, live } = await execute("statefulset", { forgetHelm: true });
        assert.strictEqual(result.exitCode, 0, lines.join("\n"));
        assert.ok(cluster.log.indexOf("delete statefulsets.apps vmafx orphan") < cluster.log.indexOf("up"), cluster.log.join("\n"));
        for (const i of [0, 1]) {
            const claim = await cluster.get("persistentvolumeclaims", `state-vmafx-${i}`, NS);
            assert.strictEqual(claim?.metadata.uid, live.find((o) => o.metadata.name === `state-vmafx-${i}`)!.metadata.uid);
        }
        assert.strictEqual(await cluster.get("secrets", "sh.helm.release.v1.vmafx.v1", NS), undefined);
    });

    it("a failed up stops before anything is deleted, exits 4 and says how to resume", async function () {
        const { result, cluster, lines } = await execute("deployment", { failUp: true });
        assert.strictEqual(result.exitCode, 4);
        assert.deepStrictEqual(
            cluster.log.filter((l) => l.startsWith("delete")),
            [],
        );
        assert.ok(
            lines.some((l) => l.includes("run the same command again")),
            lines.slice(-3).join("\n"),
        );
    });

    it("a plan with problems changes nothing and exits 1", async function () {
        const stack = stackPlan("prod", { namespace: { name: "elsewhere" } });
        const cluster = new FakeCluster(liveInstall("deployment", PROD_VALUES));
        const driver = fakeDriver(cluster, stack.planned);
        const result = await migrate(
            { release: "vmafx", namespace: NS, fieldManager: FM, execute: true },
            { kube: cluster, driver, facts: stack.facts, planned: stack.planned, log: () => undefined },
        );
        assert.strictEqual(result.exitCode, 1);
        assert.deepStrictEqual(cluster.log, []);
        assert.deepStrictEqual(driver.calls, []);
    });

    it("keys: one identity per object across API versions", function () {
        assert.strictEqual(
            objectKey({ apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget", metadata: { name: "a", namespace: "n" } }),
            objectKey({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "a", namespace: "n" } }),
        );
    });
});

describe("npm run migrate: flags", function () {
    it("names every bad flag at once", function () {
        const { errors } = parseCli(["--helm-release", "Bad_Name", "--namespace", "Bad.NS", "--dry-run", "--execute", "--field-manager", "a b"]);
        assert.deepStrictEqual(errors, [
            "--stack is required (the Pulumi stack that takes the release over)",
            "--helm-release \"Bad_Name\": a Helm release name is a DNS label (lowercase letters, digits, '-')",
            "--namespace \"Bad.NS\": a namespace name is a DNS label (lowercase letters, digits, '-')",
            "--dry-run and --execute exclude each other: --dry-run only prints the plan, --execute performs it",
            '--field-manager "a b": 1 to 128 printable ASCII characters without spaces',
        ]);
        assert.ok(parseCli(["--stack", "prod", "--helm-release", "vmafx", "--namespace", "vmafx", "--forget-helm"]).errors[0].includes("needs --execute"));
        assert.ok(parseCli(["--stack", "prod", "--bogus"]).errors[0].includes("bogus"));
    });

    it("bad flags exit 2 and bad stack config exits 1, both before the cluster is read", async function () {
        const errors: string[] = [];
        const orig = console.error;
        console.error = (m: string) => errors.push(m);
        try {
            assert.strictEqual(await main(["--stack", "prod"]), 2);
            assert.strictEqual(
                await main(["--stack", "no-such-stack", "--helm-release", "vmafx", "--namespace", "vmafx", "--kubectl", "/nonexistent/kubectl"]),
                1,
            );
        } finally {
            console.error = orig;
        }
        assert.match(errors[0], /--helm-release is required/);
        assert.match(errors[1], /cannot read stack config .*Pulumi\.no-such-stack\.yaml/);
    });
});
