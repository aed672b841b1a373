// `npm run migrate -- --stack <name> --helm-release <release> --namespace <ns> [--execute] [--forget-helm]`: takes a
// Helm install of the chart over into the stack in place (docs/migrate-from-helm.md). Reads the live cluster,
// prints the plan (tools/migrate-plan.ts: every chart object adopted in place, updated in place, replaced and why,
// removed after its successor exists, or kept), and with --execute performs it:
//   1. deletes the objects whose immutable fields differ with --cascade=orphan (a StatefulSet's pods and claims stay);
//   2. hands the fields Helm's field manager owns to the stack's migration field manager (a managedFields patch),
//      so the takeover apply owns them and removes what only the chart set;
//   3. `pulumi up` with vmafx:migration.adopt on (pulumi.com/patchForce + pulumi.com/patchFieldManager on every
//      object) and PULUMI_K8S_UPSERT_EXISTING_OBJECTS=true: existing objects are patched, keeping their UIDs; the
//      new NetworkPolicies and RBAC objects are created while the chart's still exist;
//   4. checks UIDs, the default-deny policy and the claims; 5. deletes the chart's differently named objects, each
//      after its successors exist; 6. turns vmafx:migration off again and runs `pulumi up` (metadata only);
//   7. with --forget-helm deletes Helm's release record, else says how to and warns about `helm uninstall`.
// Without --execute (or with --dry-run) it only prints. Bad flags or config: every problem at once, nothing changed.
// Exit codes: 0 done (or plan printed), 1 bad config or a plan problem (nothing changed), 2 bad flags, 4 a step
// failed after the cluster was changed (the message says where; a re-run resumes).
import { execFile } from "child_process";
import * as path from "path";
import { parseArgs } from "util";
import { BuildContext, VmafxArgsError, buildPlan } from "@vmafx-k8s/vmafx/plan";
import { EXIT } from "./exit-codes";
import { PROJECT_NAME, StackConfigFileError, readStackConfig } from "./offline/config";
import { asRegistered, stackBuildContext } from "./offline/objects";
import {
    HELM_FIELD_MANAGER,
    K8sObject,
    MigrationPlan,
    ObjectRef,
    PlanEntry,
    StackFacts,
    byDisposition,
    defaultDenyName,
    describeRef,
    formatPlan,
    isClusterScoped,
    planMigration,
    transferredManagedFields,
} from "./migrate-plan";
import { PROJECT_DIR } from "./project";

/** A step failed after the cluster was changed. */
export const EXIT_STEP_FAILED = 4;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const USAGE =
    "usage: npm run migrate -- --stack <name> --helm-release <release> --namespace <ns> [--dry-run | --execute] [--forget-helm]\n" +
    "       [--config-file <Pulumi.<stack>.yaml>] [--kubeconfig <file>] [--context <name>] [--kubectl <path>] [--field-manager <name>] [--helm-field-manager <name>]...";

// ---------------------------------------------------------------------------------------------------------------
// The cluster, through kubectl

/** What the migration does to the cluster; kubectlKube is the real one. */
export interface Kube {
    /** The objects of the given resources (`deployments.apps`, …), of one namespace or cluster-scoped. */
    list(resources: string[], opts?: { namespace?: string; selector?: string }): Promise<K8sObject[]>;
    /** The object, or undefined when it does not exist. */
    get(resource: string, name: string, namespace?: string): Promise<K8sObject | undefined>;
    /** Deletes and waits until the object is gone. `orphan` leaves its dependents (pods, ReplicaSets) in place. */
    remove(resource: string, name: string, namespace: string | undefined, cascade: "orphan" | "background"): Promise<void>;
    /** A JSON patch (RFC 6902) of the object. */
    jsonPatch(resource: string, name: string, namespace: string | undefined, ops: object[]): Promise<void>;
}

/** kubectl's resource name of each kind the chart or the stack has. */
export const RESOURCES: Record<string, string> = {
    Namespace: "namespaces",
    ServiceAccount: "serviceaccounts",
    ConfigMap: "configmaps",
    Secret: "secrets",
    Service: "services",
    PersistentVolumeClaim: "persistentvolumeclaims",
    Pod: "pods",
    Deployment: "deployments.apps",
    StatefulSet: "statefulsets.apps",
    Job: "jobs.batch",
    Ingress: "ingresses.networking.k8s.io",
    NetworkPolicy: "networkpolicies.networking.k8s.io",
    PodDisruptionBudget: "poddisruptionbudgets.policy",
    ClusterRole: "clusterroles.rbac.authorization.k8s.io",
    ClusterRoleBinding: "clusterrolebindings.rbac.authorization.k8s.io",
    Role: "roles.rbac.authorization.k8s.io",
    RoleBinding: "rolebindings.rbac.authorization.k8s.io",
    CustomResourceDefinition: "customresourcedefinitions.apiextensions.k8s.io",
    ServiceMonitor: "servicemonitors.monitoring.coreos.com",
    PodMonitor: "podmonitors.monitoring.coreos.com",
    VmafxTenant: "vmafxtenants.vmafx.dev",
};
/** Kinds a CRD defines: listed only when their CRD exists. */
const CUSTOM_KINDS = ["ServiceMonitor", "PodMonitor", "VmafxTenant"];
/** Namespaced kinds read in full (the chart's objects and anything that would collide with the stack's names). */
const NAMESPACED_KINDS = [
    "ServiceAccount",
    "ConfigMap",
    "Service",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "Job",
    "Ingress",
    "NetworkPolicy",
    "PodDisruptionBudget",
    "Role",
    "RoleBinding",
];

export function resourceOf(kind: string): string {
    const r = RESOURCES[kind];
    if (!r) throw new Error(`internal error: no kubectl resource for kind ${kind}`);
    return r;
}

export class KubectlError extends Error {}

/** Kube through a kubectl binary, every call bounded by `timeoutMs`. */
export function kubectlKube(opts: { kubectl?: string; kubeconfig?: string; context?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Kube {
    const bin = opts.kubectl ?? "kubectl";
    const global = [...(opts.kubeconfig ? ["--kubeconfig", opts.kubeconfig] : []), ...(opts.context ? ["--context", opts.context] : [])];
    const kubectl = (args: string[], input?: string): Promise<string> =>
        new Promise((resolve, reject) => {
            const child = execFile(
                bin,
                [...global, ...args],
                { timeout: opts.timeoutMs ?? 180_000, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...opts.env } },
                (err, stdout, stderr) => {
                    // kubectl's last line says what went wrong; the lines before it repeat client-side retries.
                    if (err) reject(new KubectlError(`kubectl ${args.slice(0, 3).join(" ")} failed: ${(stderr || err.message).trim().split("\n").pop()}`));
                    else resolve(stdout);
                },
            );
            if (input !== undefined) child.stdin?.end(input);
        });
    const ns = (namespace?: string) => (namespace ? ["--namespace", namespace] : []);
    return {
        async list(resources, o = {}) {
            const out = await kubectl([
                "get",
                resources.join(","),
                ...ns(o.namespace),
                ...(o.selector ? ["--selector", o.selector] : []),
                "--show-managed-fields",
                "-o",
                "json",
            ]);
            return (JSON.parse(out).items ?? []) as K8sObject[];
        },
        async get(resource, name, namespace) {
            const out = await kubectl(["get", resource, name, ...ns(namespace), "--ignore-not-found", "--show-managed-fields", "-o", "json"]);
            return out.trim() ? (JSON.parse(out) as K8sObject) : undefined;
        },
        async remove(resource, name, namespace, cascade) {
            await kubectl(["delete", resource, name, ...ns(namespace), `--cascade=${cascade}`, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
        },
        async jsonPatch(resource, name, namespace, ops) {
            await kubectl(["patch", resource, name, ...ns(namespace), "--type=json", "--patch", JSON.stringify(ops)]);
        },
    };
}

/** Everything the plan needs from the cluster: the namespace's objects, Helm's records, the cluster-scoped candidates. */
export async function readCluster(kube: Kube, release: string, namespace: string, planned: K8sObject[]): Promise<K8sObject[]> {
    const out: K8sObject[] = [];
    const crds = new Set<string>();
    // A custom resource's kubectl name is its CRD's name.
    for (const kind of CUSTOM_KINDS) if (await kube.get(resourceOf("CustomResourceDefinition"), resourceOf(kind))) crds.add(kind);
    const nsObj = await kube.get(resourceOf("Namespace"), namespace);
    if (nsObj) {
        out.push({ ...nsObj, apiVersion: nsObj.apiVersion ?? "v1", kind: "Namespace" });
        out.push(...(await kube.list(NAMESPACED_KINDS.map(resourceOf), { namespace })));
        for (const kind of CUSTOM_KINDS) if (crds.has(kind)) out.push(...(await kube.list([resourceOf(kind)], { namespace })));
        // Secrets: Helm's records and the release's own, never the namespace's others (they are not read).
        out.push(...(await kube.list([resourceOf("Secret")], { namespace, selector: `owner=helm,name=${release}` })));
        out.push(...(await kube.list([resourceOf("Secret")], { namespace, selector: `app.kubernetes.io/instance=${release}` })));
        // Pods: only the release's hooks carry Helm's labels (workload pods carry the selector labels only).
        out.push(...(await kube.list([resourceOf("Pod")], { namespace, selector: `app.kubernetes.io/instance=${release},app.kubernetes.io/managed-by=Helm` })));
    }
    out.push(...(await kube.list([resourceOf("ClusterRole"), resourceOf("ClusterRoleBinding")], { selector: `app.kubernetes.io/instance=${release}` })));
    for (const p of planned) {
        if (p.kind === "Secret" && nsObj) {
            const s = await kube.get(resourceOf("Secret"), p.metadata.name, namespace);
            if (s) out.push(s);
        }
        if (!isClusterScoped(p.kind) || p.kind === "Namespace") continue;
        const o = await kube.get(resourceOf(p.kind), p.metadata.name);
        if (o) out.push(o);
    }
    // One object per identity (a selector and a name look-up may both find it).
    const seen = new Set<string>();
    return out.filter((o) => {
        const k = `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
    });
}

// ---------------------------------------------------------------------------------------------------------------
// The stack, through the Pulumi CLI

/** The value of vmafx:migration while the takeover runs. */
export interface MigrationConfig {
    adopt: boolean;
    fieldManager: string;
}

/** What the migration does to the stack; automationDriver is the real one. */
export interface StackDriver {
    /** The stack config's current vmafx:migration (as its JSON text), or undefined. */
    getMigrationConfig(): Promise<string | undefined>;
    /** Sets vmafx:migration (JSON text), or removes it with undefined. */
    setMigrationConfig(value: string | undefined): Promise<void>;
    /** `pulumi up --yes` with extra environment variables for the provider; returns the resource change counts. */
    up(env: Record<string, string>): Promise<Record<string, number>>;
}

export const MIGRATION_CONFIG_KEY = "vmafx:migration";
/** Makes @pulumi/kubernetes 4.34 patch an object that exists instead of failing; only for the takeover up. */
export const UPSERT_ENV = "PULUMI_K8S_UPSERT_EXISTING_OBJECTS";

/** A driver over an Automation API stack (the CLI's own, or a test's). */
export function automationDriver(stack: import("@pulumi/pulumi/automation").Stack, log: (line: string) => void): StackDriver {
    return {
        // The stack file's own value: `pulumi config` also lists Pulumi.yaml's default ({}), which is not the stack's.
        async getMigrationConfig() {
            const v = (await stack.workspace.stackSettings(stack.name)).config?.[MIGRATION_CONFIG_KEY];
            return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
        },
        async setMigrationConfig(value) {
            if (value === undefined) {
                const settings = await stack.workspace.stackSettings(stack.name);
                if (settings.config && MIGRATION_CONFIG_KEY in settings.config) await stack.removeConfig(MIGRATION_CONFIG_KEY);
            } else {
                await stack.setConfig(MIGRATION_CONFIG_KEY, { value });
            }
        },
        async up(env) {
            const ws = stack.workspace;
            const before = Object.fromEntries(Object.keys(env).map((k) => [k, ws.envVars[k]]));
            // The workspace passes its envVars to every CLI call it makes (and the CLI to the provider).
            for (const [k, v] of Object.entries(env)) ws.envVars[k] = v;
            try {
                const r = await stack.up({ color: "never", onOutput: (out: string) => out.split("\n").forEach((l) => l.trim() && log(`      ${l}`)) });
                return (r.summary.resourceChanges ?? {}) as Record<string, number>;
            } finally {
                for (const [k, v] of Object.entries(before)) {
                    if (v === undefined) delete ws.envVars[k];
                    else ws.envVars[k] = v;
                }
            }
        },
    };
}

// ---------------------------------------------------------------------------------------------------------------
// The migration

export interface MigrateOptions {
    release: string;
    namespace: string;
    /** The stack's migration field manager (vmafx:migration.fieldManager, or --field-manager). */
    fieldManager: string;
    helmManagers?: string[];
    forgetHelm?: boolean;
    /** Perform the plan; false only prints it. */
    execute: boolean;
}

export interface MigrateDeps {
    kube: Kube;
    /** Needed with execute. */
    driver?: StackDriver;
    facts: StackFacts;
    /** The stack's objects as its plan registers them. */
    planned: K8sObject[];
    log: (line: string) => void;
    /** Called after every step that changes something (the e2e checks the default-deny policy there). */
    afterStep?: (step: string) => Promise<void>;
}

export interface MigrateResult {
    plan: MigrationPlan;
    /** Steps done, in order. */
    done: string[];
    /** 0 done, 1 a plan problem (nothing changed), 4 a step failed after changes. */
    exitCode: number;
    /** UIDs of the chart's objects before the migration, by `Kind ns/name`. */
    uidsBefore: Record<string, string>;
}

/** The ordered steps --execute runs for this plan, as the dry run lists them. */
export function stepList(plan: MigrationPlan, opts: { forgetHelm?: boolean }): string[] {
    const replaced = byDisposition(plan, "replaced");
    const transfer = plan.entries.filter((e) => e.transfer && (e.disposition === "adopted" || e.disposition === "updated"));
    const removed = byDisposition(plan, "removed").filter((e) => !isRecord(e));
    const records = plan.entries.filter(isRecord);
    const steps: string[] = [];
    if (replaced.length) {
        steps.push(`delete with --cascade=orphan what must be replaced (dependents stay): ${replaced.map((e) => describeRef(e.ref)).join(", ")}`);
    }
    if (transfer.length)
        steps.push(
            `hand the fields of field manager(s) ${HELM_FIELD_MANAGER} to ${plan.fieldManager} on ${transfer.length} objects (managedFields patch; no field changes)`,
        );
    steps.push(`pulumi config set ${MIGRATION_CONFIG_KEY} {"adopt":true,"fieldManager":"${plan.fieldManager}"} (stack ${plan.stack})`);
    const counts = (d: string) => plan.entries.filter((e) => e.disposition === d).length;
    const rolling = plan.entries.filter((e) => e.rollsPods && e.disposition !== "removed").map((e) => e.ref.name);
    steps.push(
        `${UPSERT_ENV}=true pulumi up --stack ${plan.stack}: adopts ${counts("adopted")} and updates ${counts("updated")} objects in place, creates ${counts("created")}` +
            `${replaced.length ? ` and recreates ${replaced.length}` : ""}${rolling.length ? `; pods of ${rolling.join(", ")} roll once` : ""}`,
    );
    steps.push("check: every adopted object has its UID, the default-deny policy exists, the claims are there with their UIDs");
    if (removed.length)
        steps.push(`delete the chart's objects the stack does not have, each after its successors exist: ${removed.map((e) => describeRef(e.ref)).join(", ")}`);
    steps.push(`pulumi config rm ${MIGRATION_CONFIG_KEY}; pulumi up --stack ${plan.stack} (removes the adoption annotations; metadata only, no pod rolls)`);
    if (records.length) {
        steps.push(
            opts.forgetHelm
                ? `delete Helm's release record (${records.map((e) => e.ref.name).join(", ")}): Helm forgets the release; nothing else is deleted`
                : `keep Helm's release record (${records.map((e) => e.ref.name).join(", ")}); print how to make Helm forget it`,
        );
    }
    return steps;
}

function isRecord(e: PlanEntry): boolean {
    return e.ref.kind === "Secret" && e.ref.name.startsWith("sh.helm.release.v1.");
}

function key(r: ObjectRef): string {
    return describeRef(r);
}

/** Reads the cluster, plans, prints, and with `execute` performs the plan. */
export async function migrate(opts: MigrateOptions, deps: MigrateDeps): Promise<MigrateResult> {
    const { kube, log } = deps;
    const helmManagers = opts.helmManagers ?? [HELM_FIELD_MANAGER];
    const live = await readCluster(kube, opts.release, opts.namespace, deps.planned);
    const plan = planMigration({
        release: opts.release,
        namespace: opts.namespace,
        stack: deps.facts,
        planned: deps.planned,
        live,
        fieldManager: opts.fieldManager,
        helmManagers,
        forgetHelm: opts.forgetHelm,
    });
    for (const line of formatPlan(plan)) log(line);
    const steps = stepList(plan, opts);
    log("");
    log(`Steps${opts.execute ? "" : " (--execute performs them)"}:`);
    steps.forEach((s, i) => log(`  ${i + 1}. ${s}`));
    const uidsBefore = Object.fromEntries(plan.entries.filter((e) => e.uid).map((e) => [key(e.ref), e.uid!]));
    const result: MigrateResult = { plan, done: [], exitCode: EXIT.ok, uidsBefore };
    if (plan.problems.length > 0) {
        result.exitCode = EXIT.badConfig;
        return result;
    }
    if (!opts.execute) {
        log("");
        for (const line of helmAdvice(plan, false, false)) log(line);
        return result;
    }
    if (!deps.driver) throw new Error("internal error: --execute needs a stack driver");
    const driver = deps.driver;

    const denyName = defaultDenyName(deps.facts.fullname);
    const chartIsolated = plan.entries.some((e) => e.fromChart && e.ref.kind === "NetworkPolicy");
    const checkDeny = async (when: string) => {
        if (!chartIsolated && !deps.facts.networkPolicyEnabled) return;
        if (!(await kube.get(resourceOf("NetworkPolicy"), denyName, opts.namespace))) {
            throw new StepError(`NetworkPolicy ${opts.namespace}/${denyName} is missing ${when}: the release's pods are not isolated; stopping`);
        }
    };
    let n = 0;
    const step = async (title: string, body: () => Promise<void>) => {
        n += 1;
        log("");
        log(`step ${n}/${steps.length}: ${title}`);
        await body();
        result.done.push(title);
        await checkDeny(`after step ${n}`);
        if (deps.afterStep) await deps.afterStep(title);
    };
    const originalConfig = await driver.getMigrationConfig();
    try {
        await checkDeny("before the migration");
        const replaced = byDisposition(plan, "replaced");
        if (replaced.length) {
            await step("delete what must be replaced, orphaning its dependents", async () => {
                for (const e of replaced) {
                    const cascade = ["StatefulSet", "Deployment", "Job"].includes(e.ref.kind) ? "orphan" : "background";
                    log(`  kubectl delete ${resourceOf(e.ref.kind)} ${e.ref.name}${e.ref.namespace ? ` -n ${e.ref.namespace}` : ""} --cascade=${cascade}`);
                    await kube.remove(resourceOf(e.ref.kind), e.ref.name, e.ref.namespace, cascade);
                }
            });
        }
        const transfer = plan.entries.filter((e) => e.transfer && (e.disposition === "adopted" || e.disposition === "updated"));
        if (transfer.length) {
            await step(`hand Helm's field ownership to ${opts.fieldManager}`, async () => {
                for (const e of transfer) await handOver(kube, e.ref, opts.fieldManager, helmManagers, log);
            });
        }
        const value = JSON.stringify({ ...parseMigrationConfig(originalConfig), adopt: true, fieldManager: opts.fieldManager });
        await step(`pulumi config set ${MIGRATION_CONFIG_KEY} ${value}`, () => driver.setMigrationConfig(value));
        await step(`pulumi up --stack ${plan.stack} (takeover, ${UPSERT_ENV}=true)`, async () => {
            const changes = await driver.up({ [UPSERT_ENV]: "true" });
            log(`  resource changes: ${JSON.stringify(changes)}`);
        });
        await step("check UIDs, the default-deny policy and the claims", () => verifyTakeover(kube, plan, log));
        const removed = byDisposition(plan, "removed").filter((e) => !isRecord(e));
        if (removed.length) {
            await step("delete the chart's objects the stack does not have", async () => {
                for (const e of removed) {
                    for (const s of e.successors ?? []) {
                        if (!(await kube.get(resourceOf(s.kind), s.name, s.namespace))) {
                            throw new StepError(
                                `${describeRef(s)}, which takes over from ${describeRef(e.ref)}, does not exist; ${describeRef(e.ref)} is kept`,
                            );
                        }
                    }
                    log(`  kubectl delete ${resourceOf(e.ref.kind)} ${e.ref.name}${e.ref.namespace ? ` -n ${e.ref.namespace}` : ""}`);
                    await kube.remove(resourceOf(e.ref.kind), e.ref.name, e.ref.namespace, "background");
                    if (e.ref.kind === "NetworkPolicy") await checkDeny(`after deleting ${e.ref.name}`);
                }
            });
        }
        await step(`pulumi config rm ${MIGRATION_CONFIG_KEY}; pulumi up --stack ${plan.stack} (removes the adoption annotations)`, async () => {
            await driver.setMigrationConfig(restoredConfig(originalConfig));
            const changes = await driver.up({});
            log(`  resource changes: ${JSON.stringify(changes)}`);
        });
        const records = plan.entries.filter(isRecord);
        if (records.length && opts.forgetHelm) {
            await step("delete Helm's release record (--forget-helm)", async () => {
                for (const e of records) {
                    log(`  kubectl delete secret ${e.ref.name} -n ${e.ref.namespace}`);
                    await kube.remove(resourceOf("Secret"), e.ref.name, e.ref.namespace, "background");
                }
            });
        }
        log("");
        log(`done: stack ${plan.stack} manages the release's objects now.`);
        for (const line of helmAdvice(plan, !!opts.forgetHelm && records.length > 0)) log(line);
    } catch (e) {
        result.exitCode = EXIT_STEP_FAILED;
        log("");
        log(`error in step ${n}/${steps.length}: ${(e as Error).message}`);
        log(
            `The cluster is partly migrated (steps done: ${result.done.length ? result.done.join("; ") : "none"}). Fix the cause and run the same command again: ` +
                `it recognises what an earlier run took over (field manager ${opts.fieldManager}). ${MIGRATION_CONFIG_KEY} is left as it is.`,
        );
    }
    return result;
}

export class StepError extends Error {}

function parseMigrationConfig(text: string | undefined): Record<string, unknown> {
    if (!text) return {};
    try {
        const v = JSON.parse(text);
        return v && typeof v === "object" && !Array.isArray(v) ? v : {};
    } catch {
        return {};
    }
}

/** What vmafx:migration goes back to: absent when the run added it, else the operator's value with adopt off. */
function restoredConfig(original: string | undefined): string | undefined {
    if (original === undefined) return undefined;
    const rest: Record<string, unknown> = { ...parseMigrationConfig(original), adopt: false };
    return JSON.stringify(rest);
}

/** Folds Helm's managedFields entries into the stack's manager; retried when the object changed meanwhile. */
async function handOver(kube: Kube, ref: ObjectRef, fieldManager: string, helmManagers: string[], log: (l: string) => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
        const live = await kube.get(resourceOf(ref.kind), ref.name, ref.namespace);
        if (!live) throw new StepError(`${describeRef(ref)} disappeared before its fields were handed over`);
        const fields = transferredManagedFields(live, fieldManager, helmManagers);
        if (!fields) return;
        try {
            await kube.jsonPatch(resourceOf(ref.kind), ref.name, ref.namespace, [
                // Only if nothing changed since it was read: a concurrent writer's fields are never dropped.
                { op: "test", path: "/metadata/resourceVersion", value: live.metadata.resourceVersion },
                { op: "replace", path: "/metadata/managedFields", value: fields },
            ]);
            log(`  ${describeRef(ref)}: fields of ${helmManagers.join(", ")} → ${fieldManager}`);
            return;
        } catch (e) {
            if (attempt >= 3) throw e;
        }
    }
}

async function verifyTakeover(kube: Kube, plan: MigrationPlan, log: (l: string) => void): Promise<void> {
    const problems: string[] = [];
    for (const e of plan.entries) {
        if (e.disposition === "removed" || (e.disposition === "kept" && e.ref.kind === "Secret")) continue;
        const live = await kube.get(resourceOf(e.ref.kind), e.ref.name, e.ref.namespace);
        if (!live) {
            problems.push(`${describeRef(e.ref)} does not exist after the up`);
            continue;
        }
        if ((e.disposition === "adopted" || e.disposition === "updated" || e.disposition === "kept") && e.uid && live.metadata.uid !== e.uid) {
            problems.push(`${describeRef(e.ref)} was replaced (uid ${e.uid} → ${live.metadata.uid})`);
        }
    }
    for (const sts of byDisposition(plan, "replaced").filter((e) => e.ref.kind === "StatefulSet")) {
        const live = await kube.get(resourceOf("StatefulSet"), sts.ref.name, sts.ref.namespace);
        const templates: string[] = (live?.spec?.volumeClaimTemplates ?? []).map((t: any) => t.metadata?.name);
        for (const claim of plan.entries.filter((e) => e.claimOf?.statefulSet === sts.ref.name)) {
            if (!templates.includes(claim.claimOf!.template))
                problems.push(`the new StatefulSet ${sts.ref.name} has no claim template ${claim.claimOf!.template}, which names ${claim.ref.name}`);
        }
    }
    if (problems.length) throw new StepError(`after the takeover: ${problems.join("; ")}`);
    log(`  ${plan.entries.filter((e) => e.uid && e.disposition !== "removed" && e.disposition !== "replaced").length} objects kept their UIDs`);
}

/** What to tell the operator about Helm's record at the end. */
export function helmAdvice(plan: MigrationPlan, forgotten: boolean, migrated = true): string[] {
    if (forgotten) {
        return [
            `Helm's record of release ${plan.release} is deleted: \`helm list -n ${plan.namespace}\` no longer shows it, and no Helm command can delete the objects.`,
        ];
    }
    const records = plan.entries.filter(isRecord);
    if (records.length === 0) return [];
    return [
        `WARNING: Helm still records release ${plan.release} (${records.map((e) => e.ref.name).join(", ")}).`,
        `  Do NOT run \`helm uninstall ${plan.release}\`: it deletes every object that record lists, which ${migrated ? "are now" : "after the migration are"} the stack's Deployments, Services, claims and the rest.`,
        `  To make Helm forget the release without deleting anything: kubectl delete secret -n ${plan.namespace} -l owner=helm,name=${plan.release}`,
        `  (or run this command again with --forget-helm).`,
    ];
}

// ---------------------------------------------------------------------------------------------------------------
// Command line

export interface CliValues {
    stack: string;
    release: string;
    namespace: string;
    execute: boolean;
    forgetHelm: boolean;
    configFile?: string;
    kubeconfig?: string;
    context?: string;
    kubectl?: string;
    fieldManager?: string;
    helmManagers: string[];
}

/** Parses and checks the flags; every problem at once. */
export function parseCli(argv: string[]): { values?: CliValues; errors: string[] } {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            options: {
                stack: { type: "string" },
                "helm-release": { type: "string" },
                namespace: { type: "string" },
                "dry-run": { type: "boolean" },
                execute: { type: "boolean" },
                "forget-helm": { type: "boolean" },
                "config-file": { type: "string" },
                kubeconfig: { type: "string" },
                context: { type: "string" },
                kubectl: { type: "string" },
                "field-manager": { type: "string" },
                "helm-field-manager": { type: "string", multiple: true },
            },
            strict: true,
        }).values;
    } catch (e) {
        return { errors: [(e as Error).message] };
    }
    const errors: string[] = [];
    const required = (flag: "stack" | "helm-release" | "namespace", what: string) => {
        const v = parsed[flag];
        if (!v) errors.push(`--${flag} is required (${what})`);
        return v ?? "";
    };
    const stack = required("stack", "the Pulumi stack that takes the release over");
    const release = required("helm-release", "the Helm release name, as `helm list` shows it");
    const namespace = required("namespace", "the release's namespace");
    if (release && !DNS_LABEL.test(release))
        errors.push(`--helm-release ${JSON.stringify(release)}: a Helm release name is a DNS label (lowercase letters, digits, '-')`);
    if (namespace && !DNS_LABEL.test(namespace))
        errors.push(`--namespace ${JSON.stringify(namespace)}: a namespace name is a DNS label (lowercase letters, digits, '-')`);
    if (parsed["dry-run"] && parsed.execute) errors.push("--dry-run and --execute exclude each other: --dry-run only prints the plan, --execute performs it");
    if (parsed["forget-helm"] && !parsed.execute) errors.push("--forget-helm deletes Helm's release record at the end of a migration: it needs --execute");
    if (parsed.context && parsed.execute) {
        errors.push(
            "--context selects kubectl's context only, and with --execute pulumi must reach the same cluster: use a kubeconfig whose current context it is (--kubeconfig applies to both)",
        );
    }
    const fm = parsed["field-manager"];
    if (fm !== undefined && !/^[\x21-\x7e]{1,128}$/.test(fm))
        errors.push(`--field-manager ${JSON.stringify(fm)}: 1 to 128 printable ASCII characters without spaces`);
    for (const h of parsed["helm-field-manager"] ?? []) {
        if (!/^[\x21-\x7e]{1,128}$/.test(h)) errors.push(`--helm-field-manager ${JSON.stringify(h)}: 1 to 128 printable ASCII characters without spaces`);
    }
    if (errors.length) return { errors };
    return {
        errors,
        values: {
            stack,
            release,
            namespace,
            execute: !!parsed.execute,
            forgetHelm: !!parsed["forget-helm"],
            configFile: parsed["config-file"],
            kubeconfig: parsed.kubeconfig,
            context: parsed.context,
            kubectl: parsed.kubectl,
            fieldManager: fm,
            helmManagers: parsed["helm-field-manager"]?.length ? parsed["helm-field-manager"] : [HELM_FIELD_MANAGER],
        },
    };
}

/** The stack's facts and objects from its stack file (the loader the program uses); throws VmafxArgsError or StackConfigFileError. */
export function stackInputs(stack: string, configFile?: string): { ctx: BuildContext; facts: StackFacts; planned: K8sObject[] } {
    const ctx = stackBuildContext(readStackConfig(stack, configFile), PROJECT_NAME);
    return { ctx, facts: factsOf(stack, ctx), planned: buildPlan(ctx).map((p) => asRegistered(p.manifest) as unknown as K8sObject) };
}

export function factsOf(stack: string, ctx: BuildContext): StackFacts {
    return {
        stack,
        releaseName: ctx.args.releaseName,
        fullname: ctx.naming.fullname,
        namespace: ctx.naming.namespace,
        networkPolicyEnabled: ctx.args.networkPolicy.enabled,
    };
}

export async function main(argv: string[]): Promise<number> {
    const { values, errors } = parseCli(argv);
    if (!values) {
        console.error(`error: ${errors.length === 1 ? errors[0] : `${errors.length} problems:\n${errors.map((e) => `  - ${e}`).join("\n")}`}\n${USAGE}`);
        return EXIT.usage;
    }
    let inputs;
    try {
        inputs = stackInputs(values.stack, values.configFile);
    } catch (e) {
        if (e instanceof VmafxArgsError || e instanceof StackConfigFileError) {
            console.error(`error: ${e.message}`);
            return EXIT.badConfig;
        }
        throw e;
    }
    const kube = kubectlKube({ kubectl: values.kubectl, kubeconfig: values.kubeconfig, context: values.context });
    let driver: StackDriver | undefined;
    if (values.execute) {
        const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
        const envVars: Record<string, string> = values.kubeconfig ? { KUBECONFIG: path.resolve(values.kubeconfig) } : {};
        const stack = await LocalWorkspace.selectStack({ stackName: values.stack, workDir: PROJECT_DIR }, { envVars });
        driver = automationDriver(stack, (l) => console.log(l));
    }
    try {
        const result = await migrate(
            {
                release: values.release,
                namespace: values.namespace,
                fieldManager: values.fieldManager ?? inputs.ctx.args.migration.fieldManager,
                helmManagers: values.helmManagers,
                forgetHelm: values.forgetHelm,
                execute: values.execute,
            },
            { kube, driver, facts: inputs.facts, planned: inputs.planned, log: (l) => console.log(l) },
        );
        return result.exitCode;
    } catch (e) {
        if (e instanceof KubectlError) {
            console.error(`error: reading the cluster failed (nothing was changed): ${e.message}`);
            return EXIT.badConfig;
        }
        throw e;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => (process.exitCode = code),
        (e) => {
            console.error(e);
            process.exitCode = 1;
        },
    );
}
