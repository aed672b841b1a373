// A read-only view of the resources a policy judges: Kubernetes type tokens, workloads and their
// pod templates, declared Namespaces, NetworkPolicies, ServiceAccounts and RBAC bindings. Works on
// Pulumi resources (type token + inputs/outputs) and on objects read from YAML alike (the CLI
// gives those a token derived from apiVersion and kind). Props are read unwrapped (see unknowns.ts).
import {
    Cluster,
    NamespaceInfo,
    NetworkPolicyObject,
    PodBearingKind,
    PodEndpoint,
    PodTemplateRef,
    joinFieldPath,
    kindOfPulumiType,
    podTemplateOf,
} from "@vmafx-k8s/core";
import { PathSegment, isUnknown, unwrap } from "./unknowns";

/** What every policy needs of a resource (a subset of ResourceValidationArgs and PolicyResource). */
export interface ResourceLike {
    type: string;
    name: string;
    urn: string;
    props: Record<string, any>;
    provider?: { props: Record<string, any> };
}

/** Project part of the URNs the manifest CLI gives YAML objects (their `name` is `file#index`). */
export const MANIFEST_PROJECT = "vmafx-policy-manifests";

export interface K8sType {
    /** `v1`, `apps/v1`, `networking.k8s.io/v1`. */
    apiVersion: string;
    /** Kind without the Patch suffix. */
    kind: string;
    /** True for the server-side-apply `...Patch` resources (partial objects). */
    patch: boolean;
}

const TOKEN = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/;

/** `kubernetes:apps/v1:DeploymentPatch` -> {apiVersion: "apps/v1", kind: "Deployment", patch: true}. */
export function k8sTypeOf(token: string): K8sType | undefined {
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    const apiVersion = m[1].startsWith("core/") ? m[1].slice("core/".length) : m[1];
    const patch = m[2].length > "Patch".length && m[2].endsWith("Patch");
    return { apiVersion, kind: patch ? m[2].slice(0, -"Patch".length) : m[2], patch };
}

/** The Pulumi type token of a manifest: `apps/v1` + `Deployment` -> `kubernetes:apps/v1:Deployment`. */
export function tokenOfManifest(apiVersion: string, kind: string): string {
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

export const NAMESPACE_TYPE = "kubernetes:core/v1:Namespace";
export const SERVICE_ACCOUNT_TYPE = "kubernetes:core/v1:ServiceAccount";

function str(v: unknown): string | undefined {
    return typeof v === "string" && v !== "" && !isUnknown(v) ? v : undefined;
}

function obj(v: unknown): Record<string, any> | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, any>) : undefined;
}

/** metadata.namespace, else the provider's default namespace, else "default". */
export function namespaceOf(r: ResourceLike, props: Record<string, any> = unwrap(r.props)): string {
    return str(obj(props.metadata)?.namespace) ?? str(obj(unwrap(r.provider?.props))?.namespace) ?? "default";
}

function isManifest(r: ResourceLike): boolean {
    return r.urn.includes(`::${MANIFEST_PROJECT}::`);
}

/**
 * `Deployment vmafx/vmafx-server (Pulumi name: vmafx-server)`; for YAML objects
 * `Deployment vmafx/vmafx-server (rendered/prod/22-deployment-vmafx.yaml#0)`.
 */
export function describeResource(r: ResourceLike, props: Record<string, any> = unwrap(r.props)): string {
    const origin = isManifest(r) ? r.name : `Pulumi name: ${r.name}`;
    const t = k8sTypeOf(r.type);
    if (!t) return `${r.type} (${origin})`;
    const name = str(obj(props.metadata)?.name) ?? "<autonamed>";
    const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"].includes(t.kind);
    const where = clusterScoped ? name : `${namespaceOf(r, props)}/${name}`;
    return `${t.kind}${t.patch ? "Patch" : ""} ${where} (${origin})`;
}

export type ContainerField = "initContainers" | "containers" | "ephemeralContainers";
export const CONTAINER_FIELDS: readonly ContainerField[] = ["initContainers", "containers", "ephemeralContainers"];

export interface ContainerRef {
    field: ContainerField;
    index: number;
    container: Record<string, any>;
    /** `containers[0]`'s name, or `#0` when unset. */
    name: string;
    /** Relative to the pod: `spec.containers[0]`. */
    path: string;
}

/** Every container of a pod spec: init, regular and ephemeral, in that order. */
export function containersOf(spec: Record<string, any> | undefined): ContainerRef[] {
    const out: ContainerRef[] = [];
    if (!spec) return out;
    for (const field of CONTAINER_FIELDS) {
        const list = spec[field];
        if (!Array.isArray(list)) continue;
        list.forEach((c, index) => {
            const container = obj(c) ?? {};
            out.push({ field, index, container, name: str(container.name) ?? `#${index}`, path: `spec.${field}[${index}]` });
        });
    }
    return out;
}

export interface Workload {
    readonly resource: ResourceLike;
    /** Unwrapped props. */
    readonly props: Record<string, any>;
    readonly kind: PodBearingKind;
    readonly patch: boolean;
    readonly namespace: string;
    /** Where the pod (template) is; undefined when a Patch does not touch it. */
    readonly template: PodTemplateRef | undefined;
    /** describeResource() of the resource. */
    readonly label: string;
}

/** Full field path of a path relative to the pod: `spec.containers[0]` -> `spec.template.spec.containers[0]`. */
export function podFieldPath(w: Workload, rel: string): string {
    return joinFieldPath(w.template?.path ?? "", rel);
}

/** The template path as segments (`spec.jobTemplate.spec.template` -> ["spec", "jobTemplate", ...]). */
export function templateSegments(w: Workload): PathSegment[] {
    return w.template && w.template.path !== "" ? w.template.path.split(".") : [];
}

/** The workload view of a pod-bearing resource (Patch variants included), else undefined. */
export function workloadOf(r: ResourceLike): Workload | undefined {
    const k = kindOfPulumiType(r.type);
    if (!k) return undefined;
    const props = unwrap(r.props) ?? {};
    return {
        resource: r,
        props,
        kind: k.kind,
        patch: k.patch,
        namespace: namespaceOf(r, props),
        template: podTemplateOf(props, k.kind),
        label: describeResource(r, props),
    };
}

export interface DeclaredNamespace {
    readonly resource: ResourceLike;
    readonly props: Record<string, any>;
    readonly name: string;
    /** metadata.labels (values may be unknown sentinels). */
    readonly labels: Record<string, unknown>;
    readonly label: string;
}

export interface DeclaredNetworkPolicy {
    readonly resource: ResourceLike;
    readonly props: Record<string, any>;
    readonly namespace: string;
    readonly name: string;
    readonly patch: boolean;
    readonly label: string;
}

export interface NamespaceCluster {
    cluster: Cluster;
    /** The namespace's policies; `policies[i]` is named `String(i)` in `cluster`. */
    policies: readonly DeclaredNetworkPolicy[];
}

const NETWORK_POLICY_KINDS = new Set(["networking.k8s.io/v1|NetworkPolicy", "extensions/v1beta1|NetworkPolicy"]);
const BINDING_KINDS = new Set(["RoleBinding", "ClusterRoleBinding"]);

/** Everything stack policies look up, built once per validation. */
export class StackView {
    readonly workloads: Workload[] = [];
    readonly namespaces = new Map<string, DeclaredNamespace>();
    readonly networkPolicies: DeclaredNetworkPolicy[] = [];
    /** `namespace/name` -> ServiceAccount. */
    readonly serviceAccounts = new Map<string, { resource: ResourceLike; props: Record<string, any> }>();
    /** `namespace/name` of ServiceAccounts -> labels of the bindings that name them. */
    readonly boundServiceAccounts = new Map<string, string[]>();

    constructor(readonly resources: readonly ResourceLike[]) {
        for (const r of resources) {
            const w = workloadOf(r);
            if (w) {
                this.workloads.push(w);
                continue;
            }
            const t = k8sTypeOf(r.type);
            if (!t) continue;
            const props = unwrap(r.props) ?? {};
            const metadata = obj(props.metadata) ?? {};
            const name = str(metadata.name);
            if (t.kind === "Namespace" && t.apiVersion === "v1" && !t.patch && name) {
                this.namespaces.set(name, { resource: r, props, name, labels: obj(metadata.labels) ?? {}, label: describeResource(r, props) });
            } else if (NETWORK_POLICY_KINDS.has(`${t.apiVersion}|${t.kind}`) && name) {
                this.networkPolicies.push({ resource: r, props, namespace: namespaceOf(r, props), name, patch: t.patch, label: describeResource(r, props) });
            } else if (t.kind === "ServiceAccount" && t.apiVersion === "v1" && !t.patch && name) {
                this.serviceAccounts.set(`${namespaceOf(r, props)}/${name}`, { resource: r, props });
            } else if (BINDING_KINDS.has(t.kind) && !t.patch) {
                const subjects = Array.isArray(props.subjects) ? props.subjects : [];
                for (const s of subjects) {
                    if (obj(s)?.kind !== "ServiceAccount" || !str(s.name)) continue;
                    const key = `${str(s.namespace) ?? namespaceOf(r, props)}/${s.name}`;
                    this.boundServiceAccounts.set(key, [...(this.boundServiceAccounts.get(key) ?? []), describeResource(r, props)]);
                }
            }
        }
    }

    /** Non-patch workloads that carry a pod template (the pods that will exist). */
    get pods(): Workload[] {
        return this.workloads.filter((w) => !w.patch && w.template !== undefined);
    }

    /**
     * The NetworkPolicy analyzer's view of one namespace: only policies of a pod's own namespace
     * can select it, so each namespace gets a Cluster of its own policies (keeping the analysis
     * linear in the number of namespaces). `policies` is the caller's choice (with or without
     * patches, without those that have unknown fields). Each policy is named by its index in the
     * namespace's list (a NetworkPolicy and its Patch share a name), so analyzer findings map back
     * with `policies[Number(finding.policy)]`.
     */
    clusters(policies: readonly DeclaredNetworkPolicy[]): (namespace: string) => NamespaceCluster {
        const namespaces: NamespaceInfo[] = [...this.namespaces.values()].map((n) => ({
            name: n.name,
            labels: Object.fromEntries(Object.entries(n.labels).filter((e): e is [string, string] => typeof e[1] === "string")),
        }));
        const byNamespace = new Map<string, DeclaredNetworkPolicy[]>();
        for (const p of policies) byNamespace.set(p.namespace, [...(byNamespace.get(p.namespace) ?? []), p]);
        const cache = new Map<string, NamespaceCluster>();
        return (namespace) => {
            let c = cache.get(namespace);
            if (!c) {
                const list = byNamespace.get(namespace) ?? [];
                const cluster: Cluster = {
                    policies: list.map((p, i) => ({
                        ...(p.props as NetworkPolicyObject),
                        metadata: { name: String(i), namespace },
                        spec: obj(p.props.spec) ?? {},
                    })),
                    namespaces,
                };
                c = { cluster, policies: list };
                cache.set(namespace, c);
            }
            return c;
        };
    }

    /** The pod the analyzer reasons about for a workload. */
    static endpoint(w: Workload): PodEndpoint {
        const labels = obj(w.template?.metadata)?.labels;
        return {
            kind: "pod",
            name: w.label,
            namespace: w.namespace,
            labels: Object.fromEntries(Object.entries(obj(labels) ?? {}).filter((e): e is [string, string] => typeof e[1] === "string")),
        };
    }
}
