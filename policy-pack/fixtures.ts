// Test fixtures (imported by *.test.ts only): a compliant pod spec and builders that wrap a pod
// template into every pod-bearing kind, plus Namespaces and NetworkPolicies. Each test starts from
// a good object and tweaks one field, Kyverno/PSA style.
import { POD_BEARING_KINDS, POD_TEMPLATE_PATHS, PodBearingKind } from "@vmafx-k8s/core";

export type Obj = Record<string, any>;

export const API_VERSIONS: Record<PodBearingKind, string> = {
    Pod: "v1",
    Deployment: "apps/v1",
    StatefulSet: "apps/v1",
    DaemonSet: "apps/v1",
    ReplicaSet: "apps/v1",
    ReplicationController: "v1",
    Job: "batch/v1",
    CronJob: "batch/v1",
    PodTemplate: "v1",
};

export const KINDS: readonly PodBearingKind[] = POD_BEARING_KINDS;

/** A container passing restricted PSA and every hardening check. */
export function goodContainer(name = "app"): Obj {
    return {
        name,
        image: "ghcr.io/acme/app:1.2.3",
        resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "64Mi" } },
        securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            seccompProfile: { type: "RuntimeDefault" },
        },
    };
}

/** An ephemeral (debug) container passing the same checks (ephemeral containers take no resources). */
export function goodEphemeralContainer(name = "debug"): Obj {
    const { resources: _resources, ...c } = goodContainer(name);
    return { ...c, image: "ghcr.io/acme/debug:1.0.0" };
}

/** A pod spec passing restricted PSA (latest) and every hardening check; init container included. */
export function goodPodSpec(): Obj {
    return {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
        initContainers: [goodContainer("init")],
        containers: [goodContainer("app")],
        volumes: [{ name: "tmp", emptyDir: {} }],
    };
}

export interface WorkloadOptions {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    spec?: Obj;
}

/** Path of the pod spec inside `kind` (`spec` for a Pod, `spec.template.spec`, ...). */
export function podSpecPath(kind: PodBearingKind): string {
    const t = POD_TEMPLATE_PATHS[kind];
    return t === "" ? "spec" : `${t}.spec`;
}

/** Wraps a pod spec into a manifest of `kind`. */
export function workload(kind: PodBearingKind, opts: WorkloadOptions = {}): Obj {
    const name = opts.name ?? kind.toLowerCase();
    const labels = opts.labels ?? { app: name };
    const spec = opts.spec ?? goodPodSpec();
    const metadata: Obj = { name, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : { namespace: "shop" }) };
    const template = { metadata: { labels }, spec: kind === "Job" || kind === "CronJob" ? { restartPolicy: "Never", ...spec } : spec };
    const head = { apiVersion: API_VERSIONS[kind], kind };
    switch (kind) {
        case "Pod":
            return { ...head, metadata: { ...metadata, labels }, spec };
        case "PodTemplate":
            return { ...head, metadata, template };
        case "CronJob":
            return { ...head, metadata, spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template } } } };
        case "Job":
            return { ...head, metadata, spec: { template } };
        case "ReplicationController":
            return { ...head, metadata, spec: { selector: labels, template } };
        default:
            return { ...head, metadata, spec: { selector: { matchLabels: labels }, ...(kind === "StatefulSet" ? { serviceName: name } : {}), template } };
    }
}

/** The pod spec object inside a manifest built by workload(). */
export function podSpecOf(manifest: Obj): Obj {
    let o: any = manifest;
    for (const k of podSpecPath(manifest.kind).split(".")) o = o[k];
    return o;
}

/** A Namespace enforcing `level` at `version` (pass null to leave a label out). */
export function namespace(name: string, level: string | null = "restricted", version: string | null = "v1.33", extra: Record<string, string> = {}): Obj {
    const labels: Record<string, string> = { ...extra };
    if (level !== null) labels["pod-security.kubernetes.io/enforce"] = level;
    if (version !== null) labels["pod-security.kubernetes.io/enforce-version"] = version;
    return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

export function networkPolicy(name: string, ns: string, spec: Obj): Obj {
    return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: ns }, spec };
}

/** Default deny in both directions for every pod of `ns`. */
export function defaultDenyPolicy(ns = "shop"): Obj {
    return networkPolicy("default-deny", ns, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
}

/** Egress of pods labelled app=<app> (default every pod) with the given rules. */
export function egressPolicy(name: string, egress: Obj[], ns = "shop", podSelector: Obj = {}): Obj {
    return networkPolicy(name, ns, { podSelector, policyTypes: ["Egress"], egress });
}
