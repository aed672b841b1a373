// The flow analyzer's model of an arbitrary manifest set: one pod per workload pod template (Deployment,
// StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod), the NetworkPolicies, and the
// namespaces with their labels (Namespace objects, plus every namespace the other objects name). Objects without
// metadata.namespace are in the default namespace, as `kubectl apply -n <ns>` would put them.
import { podBearingKindOf, podTemplateOf } from "../kinds";
import { Cluster, ContainerPort, NamespaceInfo, NetworkPolicyObject, PodEndpoint } from "./types";

/** A pod-creating object of the manifests and the pod it stands for. */
export interface Workload {
    kind: string;
    name: string;
    namespace: string;
    /** `namespace/Kind/name`. */
    ref: string;
    pod: PodEndpoint;
}

export interface ManifestModel {
    cluster: Cluster;
    /** In manifest order. */
    workloads: Workload[];
    defaultNamespace: string;
}

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function stringMap(v: unknown): Record<string, string> {
    if (!isObject(v)) return {};
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

/** The ports named ports resolve against: those of the pod's containers (not init or ephemeral containers). */
function containerPorts(spec: unknown): ContainerPort[] {
    const containers = isObject(spec) && Array.isArray(spec.containers) ? spec.containers : [];
    return containers.flatMap((c: unknown) => (isObject(c) && Array.isArray(c.ports) ? c.ports.filter(isObject) : [])) as ContainerPort[];
}

function isNetworkPolicy(o: Record<string, any>): boolean {
    return o.kind === "NetworkPolicy" && (o.apiVersion === "networking.k8s.io/v1" || o.apiVersion === "extensions/v1beta1");
}

/**
 * The model of `objects` (Kubernetes objects as read from YAML or rendered by the component). A PodTemplate
 * creates no pod and is left out. Policies keep their identity (they are the objects given), namespace-less ones
 * count as in `defaultNamespace` through Cluster.defaultNamespace.
 */
export function modelFromManifests(objects: readonly Record<string, any>[], defaultNamespace = "default"): ManifestModel {
    const namespaces = new Map<string, NamespaceInfo>();
    const policies: NetworkPolicyObject[] = [];
    const workloads: Workload[] = [];
    const seen = new Set<string>([defaultNamespace]);
    for (const o of objects) {
        if (!isObject(o)) continue;
        const metadata = isObject(o.metadata) ? o.metadata : {};
        const name = str(metadata.name);
        const namespace = str(metadata.namespace) ?? defaultNamespace;
        if (o.kind === "Namespace" && o.apiVersion === "v1" && name) {
            namespaces.set(name, { name, labels: stringMap(metadata.labels) });
            continue;
        }
        if (isNetworkPolicy(o) && name) {
            policies.push(o as NetworkPolicyObject);
            seen.add(namespace);
            continue;
        }
        const kind = podBearingKindOf(o.apiVersion, o.kind);
        const template = kind && kind !== "PodTemplate" ? podTemplateOf(o, kind) : undefined;
        if (!kind || !template || !name) continue;
        const templateMeta = isObject(template.metadata) ? template.metadata : {};
        seen.add(namespace);
        workloads.push({
            kind,
            name,
            namespace,
            ref: `${namespace}/${kind}/${name}`,
            pod: { kind: "pod", name: `${kind}/${name}`, namespace, labels: stringMap(templateMeta.labels), ports: containerPorts(template.spec) },
        });
    }
    for (const ns of seen) if (!namespaces.has(ns)) namespaces.set(ns, { name: ns, labels: {} });
    const sorted = [...namespaces.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { cluster: { policies, namespaces: sorted, defaultNamespace }, workloads, defaultNamespace };
}

/** Adds a namespace to the model unless it is there; returns its entry. */
export function ensureNamespace(model: Pick<ManifestModel, "cluster">, name: string, labels: Record<string, string> = {}): NamespaceInfo {
    let ns = model.cluster.namespaces.find((n) => n.name === name);
    if (!ns) {
        ns = { name, labels: { ...labels } };
        model.cluster.namespaces.push(ns);
    }
    return ns;
}
