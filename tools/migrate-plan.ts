// The pure half of `npm run migrate` (docs/migrate-from-helm.md): given the objects read from the cluster and the
// objects this stack plans, which chart object is adopted in place, updated in place, replaced (and why), removed
// after its successor exists, or kept, and which field ownership Helm's manager hands over. No cluster, no CLI:
// test/migrate-plan.test.ts drives it with plain objects, tools/migrate.ts with what kubectl read.

/** A Kubernetes object as the API server returns it (or as the plan writes it). */
export interface K8sObject {
    apiVersion: string;
    kind: string;
    metadata: {
        name: string;
        namespace?: string;
        uid?: string;
        resourceVersion?: string;
        generation?: number;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
        managedFields?: ManagedFieldsEntry[];
        [key: string]: unknown;
    };
    [key: string]: any;
}

/** The fields one manager owns, in the API server's FieldsV1 form (`f:<field>`, `k:<list key>`, `v:<value>`, `.`). */
export interface FieldsV1 {
    [key: string]: FieldsV1;
}

export interface ManagedFieldsEntry {
    manager: string;
    operation: "Apply" | "Update";
    apiVersion?: string;
    time?: string;
    fieldsType?: string;
    fieldsV1?: FieldsV1;
    subresource?: string;
}

/** What Helm writes on every object it installs: which release owns it. */
export const RELEASE_NAME_ANNOTATION = "meta.helm.sh/release-name";
export const RELEASE_NAMESPACE_ANNOTATION = "meta.helm.sh/release-namespace";
/** Marks a hook (the chart's `helm test` Pod): not in the release's object list, but created by it. */
export const HELM_HOOK_ANNOTATION = "helm.sh/hook";
/** Type of Helm's release record Secrets `sh.helm.release.v1.<release>.v<revision>`. */
export const RELEASE_SECRET_TYPE = "helm.sh/release.v1";
/** The field manager Helm's client writes with. */
export const HELM_FIELD_MANAGER = "helm";
/** The provider directives the component adds in migration mode; not part of an object's desired state. */
const PROVIDER_ANNOTATION_PREFIX = "pulumi.com/";

export type Disposition = "adopted" | "updated" | "replaced" | "removed" | "kept" | "created";

export interface ObjectRef {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
}

export interface FieldChange {
    /** `spec.template.spec.containers[vmafx].env[VMAFX_MODEL_DIR]` style path. */
    path: string;
    change: "changed" | "added" | "removed";
    from?: unknown;
    to?: unknown;
}

export interface PlanEntry {
    ref: ObjectRef;
    disposition: Disposition;
    /** One line: why this disposition. */
    reason: string;
    /** For updated and replaced: what differs (replaced: the immutable fields first). */
    changes: FieldChange[];
    /** The live object's UID (absent for created objects). */
    uid?: string;
    /** removed: the objects of the stack that take over its job (they must exist before it is deleted). */
    successors?: ObjectRef[];
    /** The pod template changes, so the workload's pods roll (once: every change is in one apply). */
    rollsPods?: boolean;
    /** Helm's managedFields entries of the object, handed to the stack's field manager before the up. */
    transfer?: boolean;
    /** A StatefulSet's claim: which StatefulSet and claim template name it (`<template>-<statefulset>-<ordinal>`). */
    claimOf?: { statefulSet: string; template: string };
    /** The object is one of the chart's (part of the Helm release, a hook of it, or its record). */
    fromChart: boolean;
}

export interface MigrationPlan {
    release: string;
    namespace: string;
    stack: string;
    fieldManager: string;
    entries: PlanEntry[];
    /** Reasons the migration must not start; nothing is changed while there is one. */
    problems: string[];
    warnings: string[];
}

/** What the planner needs to know about the stack besides its objects. */
export interface StackFacts {
    stack: string;
    /** The stack's release name (vmafx:releaseName, default the project name). */
    releaseName: string;
    /** The prefix of every resource name (the chart's `vmafx.fullname`). */
    fullname: string;
    namespace: string;
    networkPolicyEnabled: boolean;
}

export interface PlanInput {
    /** The Helm release to take over and its namespace. */
    release: string;
    namespace: string;
    stack: StackFacts;
    /** Every object the stack's plan registers, as registered. */
    planned: K8sObject[];
    /** What was read from the cluster: every object of the namespace, and the cluster-scoped candidates. */
    live: K8sObject[];
    /** The stack's migration field manager (vmafx:migration.fieldManager). */
    fieldManager: string;
    /** Field managers whose ownership is Helm's (default ["helm"]). */
    helmManagers?: string[];
    /** Delete Helm's release record at the end (--forget-helm). */
    forgetHelm?: boolean;
}

const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass"]);

export function isClusterScoped(kind: string): boolean {
    return CLUSTER_SCOPED.has(kind);
}

function group(apiVersion: string): string {
    return apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
}

/** Identity of an object across API versions: group, kind, namespace, name. */
export function objectKey(o: { apiVersion: string; kind: string; metadata?: { name: string; namespace?: string }; name?: string; namespace?: string }): string {
    const name = o.metadata?.name ?? o.name;
    const ns = isClusterScoped(o.kind) ? "" : (o.metadata?.namespace ?? o.namespace ?? "");
    return `${group(o.apiVersion)}/${o.kind}/${ns}/${name}`;
}

export function refOf(o: K8sObject): ObjectRef {
    return {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        ...(isClusterScoped(o.kind) || !o.metadata.namespace ? {} : { namespace: o.metadata.namespace }),
    };
}

/** `Kind namespace/name` or `Kind name`. */
export function describeRef(r: ObjectRef): string {
    return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
}

/** The release that owns an object according to Helm's annotations (or, for objects of Helm before 3.2, its labels). */
function helmOwner(o: K8sObject): { release: string; namespace?: string; byLabels: boolean } | undefined {
    const a = o.metadata.annotations ?? {};
    if (a[RELEASE_NAME_ANNOTATION]) return { release: a[RELEASE_NAME_ANNOTATION], namespace: a[RELEASE_NAMESPACE_ANNOTATION], byLabels: false };
    const l = o.metadata.labels ?? {};
    if (l["app.kubernetes.io/managed-by"] === "Helm" && l["app.kubernetes.io/instance"]) {
        return { release: l["app.kubernetes.io/instance"], namespace: isClusterScoped(o.kind) ? undefined : o.metadata.namespace, byLabels: true };
    }
    return undefined;
}

export function isReleaseSecret(o: K8sObject, release: string): boolean {
    return (
        o.kind === "Secret" &&
        o.type === RELEASE_SECRET_TYPE &&
        o.metadata.labels?.owner === "helm" &&
        o.metadata.labels?.name === release &&
        o.metadata.name.startsWith(`sh.helm.release.v1.${release}.v`)
    );
}

function isHook(o: K8sObject): boolean {
    return !!o.metadata.annotations?.[HELM_HOOK_ANNOTATION];
}

function managers(o: K8sObject): string[] {
    return (o.metadata.managedFields ?? []).map((m) => m.manager);
}

// ---------------------------------------------------------------------------------------------------------------
// Field-level comparison

function isPlainObject(v: unknown): v is Record<string, any> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes quantity ("5Gi", "500m", 2) as a number, or undefined when it is none. */
export function parseQuantity(q: unknown): number | undefined {
    if (typeof q === "number") return q;
    if (typeof q !== "string") return undefined;
    const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(q);
    if (!m) return undefined;
    const unit = m[2] ?? "";
    return Number(m[1]) * (BINARY[unit] ?? DECIMAL[unit]);
}

/** Maps whose keys are data (a key missing on our side is the chart's, not a default). */
const MAP_FIELDS = new Set(["labels", "annotations", "data", "matchLabels", "nodeSelector", "requests", "limits", "selector"]);

function lastSegment(path: string): string {
    const m = /([A-Za-z0-9_]+)(\[[^\]]*\])?$/.exec(path);
    return m ? m[1] : path;
}

/** The key that identifies an item of a list our manifests write, as the API server's list-map keys do. */
function itemKey(listPath: string, item: unknown): string | undefined {
    if (!isPlainObject(item)) return undefined;
    const field = lastSegment(listPath);
    if (field === "volumeMounts" && typeof item.mountPath === "string") return item.mountPath;
    if (field === "ports" && typeof item.containerPort === "number") return `${item.containerPort}/${item.protocol ?? "TCP"}`;
    if (field === "ports" && typeof item.port === "number" && !listPath.includes("ingress") && !listPath.includes("egress")) {
        return `${item.port}/${item.protocol ?? "TCP"}`;
    }
    if (typeof item.name === "string" && ["containers", "initContainers", "env", "volumes", "volumeClaimTemplates", "imagePullSecrets"].includes(field)) {
        return item.name;
    }
    return undefined;
}

function show(v: unknown): string {
    if (v === undefined) return "(unset)";
    const text = JSON.stringify(v);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function sameScalar(path: string, ours: unknown, live: unknown): boolean {
    if (ours === live) return true;
    if (/\.(requests|limits)\.|\.storage$/.test(path)) {
        const a = parseQuantity(ours);
        const b = parseQuantity(live);
        return a !== undefined && a === b;
    }
    return false;
}

/** The fields our manifest sets that the live object lacks or holds with another value. */
export function diffOursAgainstLive(ours: unknown, live: unknown, path = ""): FieldChange[] {
    const out: FieldChange[] = [];
    const join = (p: string, k: string) => (p ? `${p}.${k}` : k);
    const walk = (o: unknown, l: unknown, p: string) => {
        if (isPlainObject(o)) {
            if (!isPlainObject(l)) {
                out.push(l === undefined ? { path: p, change: "added", to: o } : { path: p, change: "changed", from: l, to: o });
                return;
            }
            for (const [k, v] of Object.entries(o)) {
                if (v === undefined) continue;
                if (p === "metadata.annotations" && k.startsWith(PROVIDER_ANNOTATION_PREFIX)) continue;
                walk(v, l[k], MAP_FIELDS.has(lastSegment(p)) ? `${p}[${k}]` : join(p, k));
            }
            return;
        }
        if (Array.isArray(o)) {
            if (!Array.isArray(l)) {
                out.push(l === undefined ? { path: p, change: "added", to: o } : { path: p, change: "changed", from: l, to: o });
                return;
            }
            const keyed = o.length > 0 && o.every((item) => itemKey(p, item) !== undefined);
            if (keyed) {
                for (const item of o) {
                    const k = itemKey(p, item)!;
                    const match = l.find((li) => itemKey(p, li) === k);
                    if (match === undefined) out.push({ path: `${p}[${k}]`, change: "added", to: item });
                    else walk(item, match, `${p}[${k}]`);
                }
                return;
            }
            // Lists of scalars (accessModes, policyTypes, command) compare as a whole, in order.
            if (o.every((item) => !isPlainObject(item) && !Array.isArray(item)) || o.length !== l.length) {
                if (stableJson(o) !== stableJson(l)) out.push({ path: p, change: "changed", from: l, to: o });
                return;
            }
            o.forEach((item, i) => walk(item, l[i], `${p}[${i}]`));
            return;
        }
        if (!sameScalar(p, o, l)) out.push(l === undefined ? { path: p, change: "added", to: o } : { path: p, change: "changed", from: l, to: o });
    };
    walk(ours, live, path);
    return out;
}

/** Leaf fields the API server fills with a default when a request leaves them out. A field Helm's create (an Update
 * operation) happens to own this way comes back with its default when our apply drops it: not a change. */
const DEFAULTED = new Set([
    "dnsPolicy",
    "restartPolicy",
    "schedulerName",
    "securityContext",
    "terminationGracePeriodSeconds",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "resources",
    "timeoutSeconds",
    "successThreshold",
    "periodSeconds",
    "failureThreshold",
    "scheme",
    "progressDeadlineSeconds",
    "revisionHistoryLimit",
    "replicas",
    "type",
    "sessionAffinity",
    "internalTrafficPolicy",
    "ipFamilies",
    "ipFamilyPolicy",
    "protocol",
    "targetPort",
    "volumeMode",
    "podManagementPolicy",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "defaultMode",
    "apiVersion",
    "enableServiceLinks",
    "maxSurge",
    "maxUnavailable",
]);

/** Every leaf path of a FieldsV1 tree, as its raw keys joined with "/". */
function fieldLeaves(fields: FieldsV1 | undefined, prefix = ""): string[] {
    if (!fields) return [];
    const keys = Object.keys(fields).filter((k) => k !== ".");
    if (keys.length === 0) return [prefix];
    return keys.flatMap((k) => fieldLeaves(fields[k], prefix ? `${prefix}/${k}` : k));
}

function keyLabel(raw: string): string {
    try {
        const v = JSON.parse(raw);
        return isPlainObject(v) ? Object.values(v).join("/") : String(v);
    } catch {
        return raw;
    }
}

function matchesListKey(item: unknown, key: Record<string, unknown>): boolean {
    if (!isPlainObject(item)) return false;
    // Our manifests may leave the protocol to its default, which the API server's list keys spell out.
    return Object.entries(key).every(([k, v]) => item[k] === v || (k === "protocol" && v === "TCP" && item[k] === undefined));
}

/**
 * The fields Helm's managers own that our manifest does not set: once their ownership is ours, our apply removes
 * them (fields another manager also owns stay). Fields the API server re-defaults (for an Update operation) and
 * fields under `skip` paths are left out.
 */
export function fieldsRemovedByTakeover(live: K8sObject, ours: K8sObject, helmManagers: string[]): FieldChange[] {
    const kept = (rawPath: string) => !transferable(live.kind, rawPath);
    const entries = (live.metadata.managedFields ?? []).filter((m) => helmManagers.includes(m.manager) && !m.subresource);
    const others = new Set(
        (live.metadata.managedFields ?? []).filter((m) => !helmManagers.includes(m.manager)).flatMap((m) => fieldLeaves(m.fieldsV1 as FieldsV1 | undefined)),
    );
    const out: FieldChange[] = [];
    for (const entry of entries) {
        const update = entry.operation === "Update";
        const walk = (fields: FieldsV1, l: unknown, o: unknown, path: string, raw: string) => {
            for (const [k, child] of Object.entries(fields)) {
                if (k === ".") continue;
                const rawPath = raw ? `${raw}/${k}` : k;
                let lChild: unknown;
                let oChild: unknown;
                let p: string;
                if (k.startsWith("f:")) {
                    const name = k.slice(2);
                    lChild = isPlainObject(l) ? l[name] : undefined;
                    oChild = isPlainObject(o) ? o[name] : undefined;
                    p = MAP_FIELDS.has(lastSegment(path)) ? `${path}[${name}]` : path ? `${path}.${name}` : name;
                    if (path === "metadata.annotations" && name.startsWith(PROVIDER_ANNOTATION_PREFIX)) continue;
                } else if (k.startsWith("k:")) {
                    const key = JSON.parse(k.slice(2)) as Record<string, unknown>;
                    lChild = Array.isArray(l) ? l.find((i) => matchesListKey(i, key)) : undefined;
                    oChild = Array.isArray(o) ? o.find((i) => matchesListKey(i, key)) : undefined;
                    p = `${path}[${keyLabel(k.slice(2))}]`;
                } else if (k.startsWith("v:")) {
                    const value = JSON.parse(k.slice(2));
                    lChild = value;
                    oChild = Array.isArray(o) && o.some((i) => JSON.stringify(i) === JSON.stringify(value)) ? value : undefined;
                    p = `${path}[${keyLabel(k.slice(2))}]`;
                } else {
                    continue;
                }
                if (oChild === undefined && isPlainObject(lChild) && MAP_FIELDS.has(k.slice(2)) && Object.keys(child).some((c) => c.startsWith("f:"))) {
                    // A map our manifest leaves out: name each of Helm's keys that goes.
                    walk(child, lChild, {}, p, rawPath);
                    continue;
                }
                if (oChild === undefined) {
                    if (lChild === undefined || kept(rawPath)) continue;
                    if (update && DEFAULTED.has(k.startsWith("f:") ? k.slice(2) : "")) continue;
                    if (fieldLeaves(child, rawPath).every((leaf) => others.has(leaf))) continue;
                    out.push({ path: p, change: "removed", from: lChild });
                    continue;
                }
                if (Object.keys(child).some((c) => c !== ".")) walk(child, lChild, oChild, p, rawPath);
            }
        };
        walk(entry.fieldsV1 ?? {}, live, ours, "", "");
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Immutable fields

function stableJson(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
    if (isPlainObject(v)) {
        return `{${Object.keys(v)
            .filter((k) => v[k] !== undefined)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(v);
}

function sameSelector(a: unknown, b: unknown): boolean {
    const norm = (s: any) => ({ matchLabels: s?.matchLabels ?? {}, matchExpressions: s?.matchExpressions ?? [] });
    return stableJson(norm(a)) === stableJson(norm(b));
}

function mapChanges(path: string, live: Record<string, string> | undefined, ours: Record<string, string> | undefined): FieldChange[] {
    const l = live ?? {};
    const o = ours ?? {};
    const out: FieldChange[] = [];
    for (const k of Object.keys(l).sort()) {
        if (!(k in o)) out.push({ path: `${path}[${k}]`, change: "removed", from: l[k] });
        else if (l[k] !== o[k]) out.push({ path: `${path}[${k}]`, change: "changed", from: l[k], to: o[k] });
    }
    for (const k of Object.keys(o).sort()) if (!(k in l)) out.push({ path: `${path}[${k}]`, change: "added", to: o[k] });
    return out;
}

/** A volumeClaimTemplate's fields that matter (the API server adds volumeMode and a status to the live one). */
function claimTemplateChanges(name: string, live: any, ours: any): FieldChange[] {
    const p = `spec.volumeClaimTemplates[${name}]`;
    const out = [...mapChanges(`${p}.metadata.labels`, live?.metadata?.labels, ours?.metadata?.labels)];
    out.push(...mapChanges(`${p}.metadata.annotations`, live?.metadata?.annotations, ours?.metadata?.annotations));
    const ls = live?.spec ?? {};
    const os = ours?.spec ?? {};
    if (stableJson(ls.accessModes ?? []) !== stableJson(os.accessModes ?? [])) {
        out.push({ path: `${p}.spec.accessModes`, change: "changed", from: ls.accessModes, to: os.accessModes });
    }
    if ((ls.storageClassName ?? "") !== (os.storageClassName ?? "")) {
        out.push({ path: `${p}.spec.storageClassName`, change: "changed", from: ls.storageClassName, to: os.storageClassName });
    }
    const lq = ls.resources?.requests?.storage;
    const oq = os.resources?.requests?.storage;
    if (parseQuantity(lq) !== parseQuantity(oq)) out.push({ path: `${p}.spec.resources.requests.storage`, change: "changed", from: lq, to: oq });
    if (os.volumeMode !== undefined && os.volumeMode !== ls.volumeMode)
        out.push({ path: `${p}.spec.volumeMode`, change: "changed", from: ls.volumeMode, to: os.volumeMode });
    return out;
}

interface Immutable {
    changes: FieldChange[];
    /** Set when the difference cannot be resolved by deleting and recreating the object without losing something. */
    blocker?: string;
}

/** The fields the API server refuses to change on an existing object, where ours differs from the live one. */
export function immutableChanges(live: K8sObject, ours: K8sObject): Immutable {
    const changes: FieldChange[] = [];
    const ls = live.spec ?? {};
    const os = ours.spec ?? {};
    const selector = () => {
        if (os.selector !== undefined && !sameSelector(ls.selector, os.selector)) {
            changes.push({ path: "spec.selector", change: "changed", from: ls.selector, to: os.selector });
        }
    };
    switch (ours.kind) {
        case "Deployment":
            selector();
            break;
        case "StatefulSet": {
            selector();
            if (os.serviceName !== undefined && os.serviceName !== ls.serviceName)
                changes.push({ path: "spec.serviceName", change: "changed", from: ls.serviceName, to: os.serviceName });
            if ((os.podManagementPolicy ?? "OrderedReady") !== (ls.podManagementPolicy ?? "OrderedReady")) {
                changes.push({ path: "spec.podManagementPolicy", change: "changed", from: ls.podManagementPolicy, to: os.podManagementPolicy });
            }
            const lv: any[] = ls.volumeClaimTemplates ?? [];
            const ov: any[] = os.volumeClaimTemplates ?? [];
            for (const t of lv) {
                const mine = ov.find((x) => x.metadata?.name === t.metadata?.name);
                if (!mine) changes.push({ path: `spec.volumeClaimTemplates[${t.metadata?.name}]`, change: "removed", from: t.metadata?.name });
                else changes.push(...claimTemplateChanges(t.metadata.name, t, mine));
            }
            for (const t of ov) {
                if (!lv.some((x) => x.metadata?.name === t.metadata?.name))
                    changes.push({ path: `spec.volumeClaimTemplates[${t.metadata?.name}]`, change: "added", to: t.metadata?.name });
            }
            break;
        }
        case "Job": {
            // The pod template is immutable once the Job exists.
            const diffs = diffOursAgainstLive(os.template, ls.template, "spec.template");
            changes.push(...diffs);
            break;
        }
        case "RoleBinding":
        case "ClusterRoleBinding":
            if (stableJson(ours.roleRef) !== stableJson(live.roleRef))
                changes.push({ path: "roleRef", change: "changed", from: live.roleRef, to: ours.roleRef });
            break;
        case "Secret":
            if ((ours.type ?? "Opaque") !== (live.type ?? "Opaque")) changes.push({ path: "type", change: "changed", from: live.type, to: ours.type });
            break;
        case "Service":
            if (os.clusterIP !== undefined && os.clusterIP !== ls.clusterIP)
                changes.push({ path: "spec.clusterIP", change: "changed", from: ls.clusterIP, to: os.clusterIP });
            break;
        case "PersistentVolumeClaim": {
            // A claim holds data: it is never replaced, so any immutable difference blocks the migration.
            const found: FieldChange[] = [];
            if (os.accessModes && stableJson(os.accessModes) !== stableJson(ls.accessModes)) {
                found.push({ path: "spec.accessModes", change: "changed", from: ls.accessModes, to: os.accessModes });
            }
            if (os.storageClassName !== undefined && os.storageClassName !== ls.storageClassName) {
                found.push({ path: "spec.storageClassName", change: "changed", from: ls.storageClassName, to: os.storageClassName });
            }
            if (os.volumeMode !== undefined && os.volumeMode !== ls.volumeMode)
                found.push({ path: "spec.volumeMode", change: "changed", from: ls.volumeMode, to: os.volumeMode });
            const lq = parseQuantity(ls.resources?.requests?.storage);
            const oq = parseQuantity(os.resources?.requests?.storage);
            if (lq !== undefined && oq !== undefined && oq < lq) {
                found.push({
                    path: "spec.resources.requests.storage",
                    change: "changed",
                    from: ls.resources.requests.storage,
                    to: os.resources.requests.storage,
                });
            }
            if (found.length > 0) {
                return {
                    changes: found,
                    blocker: `${describeRef(refOf(live))} holds data and cannot be replaced, but the stack's claim differs in ${found
                        .map((c) => `${c.path} (${show(c.from)} → ${show(c.to)})`)
                        .join(
                            ", ",
                        )}, which the API server does not change on an existing claim (a claim can only grow); set the stack's persistence settings to the claim's values`,
                };
            }
            break;
        }
        case "CustomResourceDefinition":
            if (os.scope !== undefined && os.scope !== ls.scope) {
                return {
                    changes: [{ path: "spec.scope", change: "changed", from: ls.scope, to: os.scope }],
                    blocker: `${describeRef(refOf(live))} is ${ls.scope} in the cluster and ${os.scope} in the stack; changing a CRD's scope would delete every object of its kind`,
                };
            }
            break;
    }
    return { changes };
}

// ---------------------------------------------------------------------------------------------------------------
// The chart's objects under other names, and what replaces them

/** The chart's NetworkPolicy suffixes (chart.md §3) and the suffixes of this project's policies that carry the same
 * flow; a chart policy is deleted only after the ones the stack plans exist. */
const NETWORK_POLICY_SUCCESSORS: Record<string, string[]> = {
    "default-deny": ["default-deny"],
    "operator-default-deny": ["default-deny"],
    "node-default-deny": ["default-deny"],
    "controller-default-deny": ["default-deny"],
    "allow-http-ingress": ["http-to-server-ingress"],
    "allow-controller-to-node": ["server-to-node-ingress", "server-to-node-egress", "controller-to-node-ingress", "controller-to-node-egress"],
    "allow-node-egress-object-store": ["node-to-object-store-egress"],
    "allow-operator-to-apiserver": ["operator-to-apiserver-egress"],
    "allow-node-metrics-ingress": ["metrics-to-node-ingress"],
    "allow-dns-egress": ["dns-egress"],
    "allow-controller-ingress": ["clients-to-controller-ingress"],
    "allow-operator-to-controller": ["operator-to-controller-egress"],
    "allow-controller-to-identity-provider": ["controller-to-identity-provider-egress"],
    "allow-node-to-controller": ["node-to-controller-egress"],
    "allow-controller-to-apiserver": ["controller-to-apiserver-egress"],
    "allow-server-to-apiserver": ["controller-to-apiserver-egress"],
};

const RBAC_KINDS = new Set(["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]);

function suffixOf(name: string, fullname: string): string | undefined {
    return name.startsWith(`${fullname}-`) ? name.slice(fullname.length + 1) : undefined;
}

function successorsOf(chartObj: K8sObject, planned: K8sObject[], facts: StackFacts): ObjectRef[] {
    const chartFullname = facts.fullname;
    const suffix = suffixOf(chartObj.metadata.name, chartFullname);
    if (suffix === undefined) return [];
    if (chartObj.kind === "NetworkPolicy") {
        const wanted = new Set((NETWORK_POLICY_SUCCESSORS[suffix] ?? []).map((s) => `${facts.fullname}-${s}`));
        return planned.filter((p) => p.kind === "NetworkPolicy" && wanted.has(p.metadata.name)).map(refOf);
    }
    if (RBAC_KINDS.has(chartObj.kind)) {
        return planned
            .filter((p) => p.kind === chartObj.kind && p.metadata.name.endsWith(`-${suffix}`) && p.metadata.name !== chartObj.metadata.name)
            .map(refOf);
    }
    return [];
}

const DEFAULT_DENY_SUFFIX = "default-deny";

/** The name of the policy that isolates every release pod, on both sides (same name in the chart and here). */
export function defaultDenyName(fullname: string): string {
    return `${fullname}-${DEFAULT_DENY_SUFFIX}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The plan

function classifyPlanned(ours: K8sObject, live: K8sObject, helmManagers: string[], fromChart: boolean, origin: string): { entry: PlanEntry; blocker?: string } {
    const ref = refOf(ours);
    const uid = live.metadata.uid;
    const transfer = (live.metadata.managedFields ?? []).some((m) => helmManagers.includes(m.manager) && !m.subresource);
    const immutable = immutableChanges(live, ours);
    const mutable = dedupe([...diffOursAgainstLive(ours, live), ...fieldsRemovedByTakeover(live, ours, helmManagers)]).filter(
        (c) => !c.path.startsWith("metadata.managedFields") && !c.path.startsWith("status"),
    );
    const rollsPods = mutable.some((c) => c.path.startsWith("spec.template."));
    if (immutable.blocker) {
        return {
            entry: { ref, disposition: "updated", reason: immutable.blocker, changes: immutable.changes, uid, transfer, fromChart },
            blocker: immutable.blocker,
        };
    }
    if (immutable.changes.length > 0) {
        const fields = [...new Set(immutable.changes.map((c) => c.path.replace(/\[[^\]]*\]\..*$/, (m) => m.slice(0, m.indexOf("]") + 1))))];
        return {
            entry: {
                ref,
                disposition: "replaced",
                reason: `${origin}; ${fields.join(", ")} differ${fields.length === 1 ? "s" : ""} and cannot change on an existing object: ${replaceHow(ours.kind)}`,
                changes: dedupe([...immutable.changes, ...mutable]),
                uid,
                rollsPods: ["Deployment", "StatefulSet", "Job"].includes(ours.kind),
                transfer: false,
                fromChart,
            },
        };
    }
    if (mutable.length === 0) {
        return { entry: { ref, disposition: "adopted", reason: `${origin}; no field changes`, changes: [], uid, transfer, fromChart } };
    }
    return {
        entry: {
            ref,
            disposition: "updated",
            reason: `${origin}; ${mutable.length} field change${mutable.length === 1 ? "" : "s"}${rollsPods ? ", its pods roll once" : ""}${ours.kind === "ConfigMap" ? " (pods read it when they start)" : ""}`,
            changes: mutable,
            uid,
            rollsPods,
            transfer,
            fromChart,
        },
    };
}

function replaceHow(kind: string): string {
    switch (kind) {
        case "StatefulSet":
            return "deleted with --cascade=orphan before the up (its pods and their claims stay), created again by it; the new StatefulSet adopts the pods and binds the same claims by name";
        case "Deployment":
            return "deleted with --cascade=orphan before the up (its ReplicaSet and pods keep running), created again by it with new pods; delete the old ReplicaSet once they are ready";
        case "Job":
            return "deleted with --cascade=orphan before the up, created again by it (the batch runs again)";
        default:
            return "deleted before the up and created again by it (new UID)";
    }
}

function dedupe(changes: FieldChange[]): FieldChange[] {
    const seen = new Set<string>();
    return changes.filter((c) => {
        const k = `${c.change}:${c.path}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
    });
}

/** Classifies every chart object and every object of the stack's plan; pure. */
export function planMigration(input: PlanInput): MigrationPlan {
    const helmManagers = input.helmManagers ?? [HELM_FIELD_MANAGER];
    const { release, namespace, stack: facts } = input;
    const problems: string[] = [];
    const warnings: string[] = [];
    const entries: PlanEntry[] = [];

    if (facts.namespace !== namespace) {
        problems.push(
            `the stack ${facts.stack} deploys into namespace ${facts.namespace}, the Helm release ${release} is in ${namespace}: an in-place takeover needs the same namespace; set vmafx:namespace.name to ${namespace} (or pass the release's namespace)`,
        );
    }
    if (facts.releaseName !== release) {
        problems.push(
            `the stack's release name is ${facts.releaseName} (vmafx:releaseName, default the project name), the Helm release is ${release}: names and the immutable selectors (app.kubernetes.io/instance) would differ; set vmafx:releaseName to ${release}`,
        );
    }

    const liveByKey = new Map(input.live.map((o) => [objectKey(o), o]));
    const plannedByKey = new Map(input.planned.map((o) => [objectKey(o), o]));
    const chart: K8sObject[] = [];
    const hooks: K8sObject[] = [];
    const records: K8sObject[] = [];
    // A StatefulSet's claims carry its claim template's labels (Helm's, in the chart), but the StatefulSet controller
    // made them: they are claims to keep, not objects of the release.
    const statefulSets = [...input.live, ...input.planned].filter((o) => o.kind === "StatefulSet" && (o.metadata.namespace ?? namespace) === namespace);
    const isClaim = (o: K8sObject) =>
        o.kind === "PersistentVolumeClaim" &&
        statefulSets.some((sts) =>
            (sts.spec?.volumeClaimTemplates ?? []).some((t: any) =>
                new RegExp(`^${escapeRegex(t.metadata?.name ?? "")}-${escapeRegex(sts.metadata.name)}-[0-9]+$`).test(o.metadata.name),
            ),
        );
    for (const o of input.live) {
        if (o.metadata.namespace === namespace && isReleaseSecret(o, release)) {
            records.push(o);
            continue;
        }
        const owner = helmOwner(o);
        if (!owner || owner.release !== release) continue;
        if (owner.byLabels && isClaim(o)) continue;
        if (isClusterScoped(o.kind)) {
            if (owner.byLabels) {
                warnings.push(
                    `${describeRef(refOf(o))} carries release ${release}'s labels but no ${RELEASE_NAMESPACE_ANNOTATION} annotation: left alone (it may be another namespace's release); delete it by hand if it is this one's`,
                );
                continue;
            }
            if (owner.namespace !== namespace) continue;
        } else if (o.metadata.namespace !== namespace) {
            continue;
        }
        if (isHook(o)) hooks.push(o);
        else chart.push(o);
    }
    if (chart.length === 0 && records.length === 0) {
        problems.push(
            `no object of Helm release ${release} in namespace ${namespace}: nothing carries ${RELEASE_NAME_ANNOTATION}=${release} and no Secret sh.helm.release.v1.${release}.v* exists`,
        );
    }
    const chartKeys = new Set(chart.map(objectKey));

    // The stack's objects, in its plan's order.
    for (const ours of input.planned) {
        const key = objectKey(ours);
        const live = liveByKey.get(key);
        if (!live) {
            entries.push({ ref: refOf(ours), disposition: "created", reason: "not in the cluster: created by the up", changes: [], fromChart: false });
            continue;
        }
        let origin: string;
        const ownedByUs = managers(live).includes(input.fieldManager);
        if (chartKeys.has(key)) origin = "the chart's, same kind and name";
        else if (ownedByUs) origin = `taken over by an earlier run (field manager ${input.fieldManager})`;
        else if (ours.kind === "Namespace") origin = "exists (made with the install, not part of the release)";
        else if (ours.kind === "CustomResourceDefinition") origin = "exists (Helm installs a chart's crds/ once and does not record them in the release)";
        else {
            const owner = helmOwner(live);
            problems.push(
                `${describeRef(refOf(ours))} exists but is neither an object of Helm release ${release} nor taken over by this stack` +
                    `${owner ? ` (it belongs to Helm release ${owner.release}${owner.namespace ? ` in ${owner.namespace}` : ""})` : ""}` +
                    `${managers(live).length ? `; its field managers: ${[...new Set(managers(live))].join(", ")}` : ""}: delete or rename it, or change the stack so it does not plan this name`,
            );
            continue;
        }
        const { entry, blocker } = classifyPlanned(ours, live, helmManagers, chartKeys.has(key), origin);
        if (blocker) problems.push(blocker);
        if (ours.kind === "Namespace") {
            entry.reason += "; it is the stack's now: `pulumi destroy` would delete it and everything in it (vmafx:namespace.create false leaves it unmanaged)";
        }
        entries.push(entry);
    }

    // The chart's objects the stack does not have.
    const plannedNetworkPolicy = input.planned.some((p) => p.kind === "NetworkPolicy");
    for (const o of [...chart, ...hooks]) {
        if (plannedByKey.has(objectKey(o))) continue;
        const ref = refOf(o);
        const base = { ref, uid: o.metadata.uid, changes: [], fromChart: true };
        if (isHook(o)) {
            entries.push({
                ...base,
                disposition: "removed",
                reason: `Helm ${o.metadata.annotations?.[HELM_HOOK_ANNOTATION]} hook of the release; this stack has the smoke-test Job instead (smokeTest.enabled)`,
            });
            continue;
        }
        if (o.kind === "PersistentVolumeClaim") {
            entries.push({
                ...base,
                disposition: "kept",
                reason: "a claim holds data and is never deleted; the stack does not plan it, so nothing manages it any more (enable the matching persistence.* volume to keep it managed)",
            });
            warnings.push(`${describeRef(ref)} is not planned by the stack; it is kept, unmanaged, with its data`);
            continue;
        }
        if (o.kind === "NetworkPolicy") {
            if (!plannedNetworkPolicy) {
                problems.push(
                    `the chart's NetworkPolicies are on (${describeRef(ref)}), the stack's are off (vmafx:networkPolicy.enabled false): deleting the chart's would leave the release's pods unisolated; set vmafx:networkPolicy.enabled true`,
                );
            }
            const successors = successorsOf(o, input.planned, facts);
            entries.push({
                ...base,
                disposition: "removed",
                reason:
                    o.metadata.name.endsWith(DEFAULT_DENY_SUFFIX) && successors.length
                        ? `redundant: the stack's ${successors.map((s) => s.name).join(", ")} isolates these pods too (it selects every release pod); deleted after it exists`
                        : successors.length
                          ? `the stack's ${successors.map((s) => s.name).join(" and ")} carr${successors.length === 1 ? "ies" : "y"} its flow under ${successors.length === 1 ? "another name" : "other names"}; deleted after ${successors.length === 1 ? "it exists" : "they exist"}`
                          : `no policy of the stack carries its flow (closed here; ${defaultDenyName(facts.fullname)} still isolates every release pod); deleted after the up`,
                successors,
            });
            continue;
        }
        if (RBAC_KINDS.has(o.kind)) {
            const successors = successorsOf(o, input.planned, facts);
            entries.push({
                ...base,
                disposition: "removed",
                reason: successors.length
                    ? `the stack's ${successors.map((s) => s.name).join(", ")} grant${successors.length === 1 ? "s" : ""} the same under ${isClusterScoped(o.kind) ? "a namespace-qualified name" : "another name"}; deleted after it exists`
                    : "the stack grants nothing in its place; deleted after the up",
                successors,
            });
            continue;
        }
        entries.push({ ...base, disposition: "removed", reason: "the stack does not plan it; deleted after the up" });
    }

    // The StatefulSets' claims: the StatefulSet controller made them (no release annotations), Helm never lists them.
    for (const sts of chart.filter((c) => c.kind === "StatefulSet")) {
        const templates: string[] = (sts.spec?.volumeClaimTemplates ?? []).map((t: any) => t.metadata?.name);
        for (const pvc of input.live.filter((o) => o.kind === "PersistentVolumeClaim" && o.metadata.namespace === namespace)) {
            const t = templates.find((name) => new RegExp(`^${escapeRegex(name)}-${escapeRegex(sts.metadata.name)}-[0-9]+$`).test(pvc.metadata.name));
            if (!t) continue;
            const ours = input.planned.find((p) => p.kind === "StatefulSet" && p.metadata.name === sts.metadata.name);
            const bound = ours && (ours.spec?.volumeClaimTemplates ?? []).some((x: any) => x.metadata?.name === t);
            if (!bound) {
                problems.push(
                    `${describeRef(refOf(pvc))} is a claim of StatefulSet ${sts.metadata.name}'s template ${t}, which the stack's StatefulSet does not have: its pods would lose the data; keep workload StatefulSet and the release's names`,
                );
            }
            entries.push({
                ref: refOf(pvc),
                disposition: "kept",
                reason: `claim of StatefulSet ${sts.metadata.name} (template ${t}); it stays and the new StatefulSet's template ${t} binds it again by name`,
                changes: [],
                uid: pvc.metadata.uid,
                claimOf: { statefulSet: sts.metadata.name, template: t },
                fromChart: false,
            });
        }
        const policy = sts.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted;
        if (policy === "Delete") {
            problems.push(
                `StatefulSet ${namespace}/${sts.metadata.name} has persistentVolumeClaimRetentionPolicy.whenDeleted Delete: replacing it could delete its claims; set it to Retain first (kubectl patch statefulset ${sts.metadata.name} -n ${namespace} --type merge -p '{"spec":{"persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Retain"}}}')`,
            );
        }
    }

    for (const r of records) {
        entries.push({
            ref: refOf(r),
            disposition: input.forgetHelm ? "removed" : "kept",
            reason: input.forgetHelm
                ? "Helm's release record: deleted at the end (--forget-helm), so Helm forgets the release; it deletes nothing else"
                : "Helm's release record: kept (pass --forget-helm to delete it); while it exists `helm uninstall` would delete the adopted objects",
            changes: [],
            uid: r.metadata.uid,
            fromChart: true,
        });
    }

    // The chart isolated its pods: the same-named default-deny must be in the stack's plan, so it is adopted, never deleted.
    const chartDeny = chart.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === defaultDenyName(facts.fullname));
    if (chartDeny && !plannedByKey.has(objectKey(chartDeny)) && plannedNetworkPolicy) {
        problems.push(
            `the chart's ${describeRef(refOf(chartDeny))} has no same-named policy in the stack; the stack's names must match the chart's (vmafx:nameOverride, vmafx:fullnameOverride)`,
        );
    }
    const workloads = chart.filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind));
    if (workloads.length > 0 && workloads.every((w) => !plannedByKey.has(objectKey(w)))) {
        problems.push(
            `none of the chart's workloads (${workloads.map((w) => w.metadata.name).join(", ")}) has a same-named one in the stack, whose names start with ${facts.fullname}: set vmafx:nameOverride / vmafx:fullnameOverride as the Helm values did, and vmafx:workload to the chart's workload`,
        );
    }
    return { release, namespace, stack: facts.stack, fieldManager: input.fieldManager, entries, problems, warnings };
}

function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------------------------
// Handing Helm's field ownership over

function mergeFields(a: FieldsV1, b: FieldsV1): FieldsV1 {
    const out: FieldsV1 = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeFields(out[k], v) : v;
    return out;
}

const SERVICE_ASSIGNED = ["f:clusterIP", "f:clusterIPs", "f:ipFamilies", "f:ipFamilyPolicy"];

/** Whether a field (raw FieldsV1 path) is handed over; see withoutUntransferable. */
function transferable(kind: string, rawPath: string): boolean {
    if (rawPath === "f:status" || rawPath.startsWith("f:status/")) return false;
    if (kind === "Service") return !SERVICE_ASSIGNED.some((f) => rawPath === `f:spec/${f}` || rawPath.startsWith(`f:spec/${f}/`));
    if (kind === "PersistentVolumeClaim" && rawPath.startsWith("f:spec/")) return rawPath.startsWith("f:spec/f:resources");
    return true;
}

/** Fields that stay unowned instead of being handed over: server-assigned or immutable ones, which our apply must
 * never remove (the Service's cluster IPs, everything of a claim's spec but its size) and the status. */
function withoutUntransferable(kind: string, fields: FieldsV1): FieldsV1 {
    const out: FieldsV1 = { ...fields };
    delete out["f:status"];
    const spec = out["f:spec"];
    if (spec && kind === "Service") {
        const s = { ...spec };
        for (const k of SERVICE_ASSIGNED) delete s[k];
        out["f:spec"] = s;
    }
    if (spec && kind === "PersistentVolumeClaim") {
        out["f:spec"] = spec["f:resources"] ? { "f:resources": spec["f:resources"] } : {};
    }
    return out;
}

/**
 * The object's managedFields with every entry of Helm's managers folded into one Apply entry of `fieldManager`:
 * what the JSON patch before the up writes. The stack's apply as that manager then owns what Helm owned, so it
 * removes the fields only the chart set. Undefined when no entry is Helm's.
 */
export function transferredManagedFields(
    live: K8sObject,
    fieldManager: string,
    helmManagers: string[] = [HELM_FIELD_MANAGER],
): ManagedFieldsEntry[] | undefined {
    const all = live.metadata.managedFields ?? [];
    const helm = all.filter((m) => helmManagers.includes(m.manager) && !m.subresource);
    if (helm.length === 0) return undefined;
    const existing = all.find((m) => m.manager === fieldManager && m.operation === "Apply" && !m.subresource);
    let fields: FieldsV1 = existing?.fieldsV1 ?? {};
    for (const h of helm) fields = mergeFields(fields, h.fieldsV1 ?? {});
    const entry: ManagedFieldsEntry = {
        manager: fieldManager,
        operation: "Apply",
        apiVersion: existing?.apiVersion ?? helm[0].apiVersion ?? live.apiVersion,
        time:
            helm
                .map((h) => h.time ?? "")
                .sort()
                .pop() || undefined,
        fieldsType: "FieldsV1",
        fieldsV1: withoutUntransferable(live.kind, fields),
    };
    if (!entry.time) delete entry.time;
    const rest = all.filter((m) => m !== existing && !helm.includes(m));
    return [...rest, entry];
}

// ---------------------------------------------------------------------------------------------------------------
// Printing

const HEADINGS: Record<Disposition, string> = {
    adopted: "adopted in place",
    updated: "updated in place",
    replaced: "replaced",
    removed: "removed after the up, each after its successors exist",
    kept: "kept",
    created: "created",
};

function changeText(c: FieldChange): string {
    switch (c.change) {
        case "added":
            return `${c.path} = ${show(c.to)} (new)`;
        case "removed":
            return `${c.path} (${show(c.from)}) removed`;
        default:
            return `${c.path}: ${show(c.from)} → ${show(c.to)}`;
    }
}

function changeId(c: FieldChange): string {
    return `${c.change}:${c.path}:${JSON.stringify(c.from)}:${JSON.stringify(c.to)}`;
}

/** The metadata changes every changed chart object shares (Helm's labels and annotations going, ours coming), which
 * the plan prints once instead of under each object. */
export function commonChartChanges(plan: MigrationPlan): FieldChange[] {
    const changed = plan.entries.filter((e) => e.fromChart && (e.disposition === "updated" || e.disposition === "replaced") && e.changes.length > 0);
    if (changed.length < 2) return [];
    const [first, ...rest] = changed;
    return first.changes.filter((c) => c.path.startsWith("metadata.") && rest.every((e) => e.changes.some((d) => changeId(d) === changeId(c))));
}

/** The plan as the command prints it: every chart object, then what the stack adds, then problems and warnings. */
export function formatPlan(plan: MigrationPlan, opts: { maxChanges?: number } = {}): string[] {
    const max = opts.maxChanges ?? 12;
    const lines: string[] = [
        `Migration plan: Helm release ${plan.release} (namespace ${plan.namespace}) → stack ${plan.stack}, field manager ${plan.fieldManager}`,
    ];
    const common = commonChartChanges(plan);
    const commonIds = new Set(common.map(changeId));
    if (common.length) {
        lines.push("", "Every updated or replaced object of the chart changes its metadata so (not repeated below):");
        for (const c of common) lines.push(`    ${changeText(c)}`);
    }
    const sections: [string, PlanEntry[]][] = [
        ["The chart's objects", plan.entries.filter((e) => e.fromChart)],
        ["Objects the stack adds or takes over besides the chart's", plan.entries.filter((e) => !e.fromChart)],
    ];
    for (const [title, list] of sections) {
        if (list.length === 0) continue;
        lines.push("", `${title} (${list.length}):`);
        for (const d of ["adopted", "updated", "replaced", "removed", "kept", "created"] as Disposition[]) {
            const group = list.filter((e) => e.disposition === d);
            if (group.length === 0) continue;
            lines.push(`  ${HEADINGS[d]} (${group.length}):`);
            for (const e of group) {
                lines.push(`    ${describeRef(e.ref)}: ${e.reason}`);
                const own = e.fromChart ? e.changes.filter((c) => !commonIds.has(changeId(c))) : e.changes;
                if (own.length === 0 && e.changes.length > 0) lines.push("        (only the metadata changes above)");
                for (const c of own.slice(0, max)) lines.push(`        ${changeText(c)}`);
                if (own.length > max) lines.push(`        … and ${own.length - max} more`);
            }
        }
    }
    if (plan.warnings.length) lines.push("", "Warnings:", ...plan.warnings.map((w) => `  - ${w}`));
    if (plan.problems.length)
        lines.push("", `Problems (${plan.problems.length}); nothing is changed until they are fixed:`, ...plan.problems.map((p) => `  - ${p}`));
    return lines;
}

export function byDisposition(plan: MigrationPlan, d: Disposition): PlanEntry[] {
    return plan.entries.filter((e) => e.disposition === d);
}
