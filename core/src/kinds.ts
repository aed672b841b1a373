// Where the pod template lives in each pod-bearing kind (the kinds the PSA admission plugin evaluates).
// Plain data in, plain data out: no Pulumi imports (the pack must stay cheap to load).
//
//   Pod                                   metadata = object metadata, spec = spec               (path "")
//   Deployment, StatefulSet, DaemonSet,
//   ReplicaSet, ReplicationController, Job  spec.template.{metadata,spec}                        (path "spec.template")
//   CronJob                               spec.jobTemplate.spec.template.{metadata,spec}         (path "spec.jobTemplate.spec.template")
//   PodTemplate                           template.{metadata,spec}                               (path "template")
//
// Only Pods are ever rejected by PSA; the workload kinds get warnings and audit annotations only.

export type PodBearingKind = "Pod" | "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController" | "Job" | "CronJob" | "PodTemplate";

export const POD_BEARING_KINDS: readonly PodBearingKind[] = Object.freeze([
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "PodTemplate",
] as PodBearingKind[]);

const KIND_SET: ReadonlySet<string> = new Set(POD_BEARING_KINDS);

/** Path (dot-separated keys) from the object root to the pod template, per kind; "" for a Pod itself. */
export const POD_TEMPLATE_PATHS: Readonly<Record<PodBearingKind, string>> = Object.freeze({
    Pod: "",
    Deployment: "spec.template",
    StatefulSet: "spec.template",
    DaemonSet: "spec.template",
    ReplicaSet: "spec.template",
    ReplicationController: "spec.template",
    Job: "spec.template",
    CronJob: "spec.jobTemplate.spec.template",
    PodTemplate: "template",
});

/** API groups that serve each kind (legacy groups included: manifests for them may still be around). */
export const POD_BEARING_GROUPS: Readonly<Record<PodBearingKind, readonly string[]>> = Object.freeze({
    Pod: [""],
    PodTemplate: [""],
    ReplicationController: [""],
    Deployment: ["apps", "extensions"],
    StatefulSet: ["apps"],
    DaemonSet: ["apps", "extensions"],
    ReplicaSet: ["apps", "extensions"],
    Job: ["batch"],
    CronJob: ["batch"],
});

export function isPodBearingKind(kind: unknown): kind is PodBearingKind {
    return typeof kind === "string" && KIND_SET.has(kind);
}

/** The kind of a manifest when its apiVersion's group serves that pod-bearing kind (`apps/v1` + `Deployment`). */
export function podBearingKindOf(apiVersion: unknown, kind: unknown): PodBearingKind | undefined {
    if (!isPodBearingKind(kind) || typeof apiVersion !== "string") return undefined;
    const slash = apiVersion.indexOf("/");
    const group = slash < 0 ? "" : apiVersion.slice(0, slash);
    return POD_BEARING_GROUPS[kind].includes(group) ? kind : undefined;
}

export interface PulumiKind {
    kind: PodBearingKind;
    /** apiVersion of the type token, e.g. `apps/v1`, `v1` for core. */
    apiVersion: string;
    /** True for the server-side-apply `...Patch` resources (partial objects). */
    patch: boolean;
}

const PULUMI_API_VERSIONS: Readonly<Record<PodBearingKind, readonly string[]>> = {
    Pod: ["core/v1"],
    PodTemplate: ["core/v1"],
    ReplicationController: ["core/v1"],
    Deployment: ["apps/v1", "apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"],
    StatefulSet: ["apps/v1", "apps/v1beta1", "apps/v1beta2"],
    DaemonSet: ["apps/v1", "apps/v1beta2", "extensions/v1beta1"],
    ReplicaSet: ["apps/v1", "apps/v1beta2", "extensions/v1beta1"],
    Job: ["batch/v1"],
    CronJob: ["batch/v1", "batch/v1beta1", "batch/v2alpha1"],
};

function buildPulumiTypes(): ReadonlyMap<string, Readonly<PulumiKind>> {
    const m = new Map<string, Readonly<PulumiKind>>();
    for (const kind of POD_BEARING_KINDS) {
        for (const gv of PULUMI_API_VERSIONS[kind]) {
            const apiVersion = gv.startsWith("core/") ? gv.slice(5) : gv;
            m.set(`kubernetes:${gv}:${kind}`, Object.freeze({ kind, apiVersion, patch: false }));
            m.set(`kubernetes:${gv}:${kind}Patch`, Object.freeze({ kind, apiVersion, patch: true }));
        }
    }
    return m;
}

/** Pulumi Kubernetes type tokens of pod-bearing resources (`kubernetes:apps/v1:Deployment`,
 * `kubernetes:apps/v1:DeploymentPatch`, `kubernetes:core/v1:Pod`, ...) → kind. */
export const PULUMI_TYPE_KINDS: ReadonlyMap<string, Readonly<PulumiKind>> = buildPulumiTypes();

/** Kind of a Pulumi resource type token, or undefined when it is not pod-bearing. */
export function kindOfPulumiType(type: string): Readonly<PulumiKind> | undefined {
    return PULUMI_TYPE_KINDS.get(type);
}

export interface PodTemplateRef {
    kind: PodBearingKind;
    /** Path from the object root to the pod (template): "" for a Pod, e.g. "spec.template" for a Deployment. */
    path: string;
    /** Pod metadata (object metadata for a Pod, template metadata otherwise); may be undefined. */
    metadata: any;
    /** Pod spec; may be undefined (e.g. a partial Patch). */
    spec: any;
}

function child(o: unknown, key: string): unknown {
    return o !== null && typeof o === "object" && !Array.isArray(o) ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * Locates the pod (template) of a pod-bearing object: `{kind, path, metadata, spec}`.
 * Returns undefined when the kind is not pod-bearing (or the given kind is used if `kind` is passed explicitly, e.g.
 * from kindOfPulumiType) or when the object holding the pod is missing (a Pod without spec, a Deployment without
 * spec.template, ...).
 */
export function podTemplateOf(
    o: { kind?: unknown; metadata?: unknown; spec?: unknown; template?: unknown },
    kind: unknown = o.kind,
): PodTemplateRef | undefined {
    if (!isPodBearingKind(kind)) return undefined;
    if (kind === "Pod") {
        if (child(o, "spec") == null) return undefined;
        return { kind, path: "", metadata: child(o, "metadata"), spec: child(o, "spec") };
    }
    const path = POD_TEMPLATE_PATHS[kind];
    let t: unknown = o;
    for (const k of path.split(".")) t = child(t, k);
    if (t === null || typeof t !== "object" || Array.isArray(t)) return undefined;
    return { kind, path, metadata: child(t, "metadata"), spec: child(t, "spec") };
}

/** Joins a template path and a path relative to the pod: ("spec.template", "spec.containers[0]") → "spec.template.spec.containers[0]". */
export function joinFieldPath(prefix: string, rel: string): string {
    if (prefix === "") return rel;
    if (rel === "") return prefix;
    return prefix + "." + rel;
}
