// The one pod-spec builder. Containers are declared without a securityContext; the builder
// adds the release hardening to every container and init container and a writable /tmp.
import type * as k8s from "@pulumi/kubernetes";
import { BuildContext, PodSpec } from "../context";

type Container = k8s.types.input.core.v1.Container;
export type VolumeMount = k8s.types.input.core.v1.VolumeMount;
export type Volume = k8s.types.input.core.v1.Volume;
export type EnvVar = k8s.types.input.core.v1.EnvVar;

/**
 * A container as a workload declares it: the provider's Container without a securityContext
 * (hardenContainer adds the release's), with the fields builders read back as plain values.
 */
export type ContainerInput = Omit<Container, "securityContext" | "name" | "image" | "imagePullPolicy" | "volumeMounts"> & {
    name: string;
    image: string;
    imagePullPolicy: string;
    volumeMounts?: VolumeMount[];
};

export interface PodInput {
    containers: ContainerInput[];
    initContainers?: ContainerInput[];
    volumes?: Volume[];
    serviceAccountName?: string;
    /** Mount an API token; only for pods that call the API server. */
    automountServiceAccountToken: boolean;
    terminationGracePeriodSeconds?: number;
    restartPolicy?: string;
    nodeSelector?: Record<string, string>;
    tolerations?: k8s.types.input.core.v1.Toleration[];
    affinity?: k8s.types.input.core.v1.Affinity;
    topologySpreadConstraints?: k8s.types.input.core.v1.TopologySpreadConstraint[];
    imagePullSecrets?: string[];
}

export const TMP_VOLUME = "tmp";
export const TMP_PATH = "/tmp";

function hardenContainer(ctx: BuildContext, c: ContainerInput): Container {
    const out: Container = { ...c };
    for (const key of Object.keys(out) as (keyof Container)[]) {
        if (out[key] === undefined) {
            delete out[key];
        }
    }
    out.securityContext = ctx.hardening.container();
    out.volumeMounts = [{ name: TMP_VOLUME, mountPath: TMP_PATH }, ...(c.volumeMounts ?? [])];
    return out;
}

function present<T>(value: T | undefined): value is T {
    if (value === undefined) return false;
    if (Array.isArray(value)) return value.length > 0;
    if (typeof value === "object" && value !== null) return Object.keys(value).length > 0;
    return true;
}

/** A hardened pod spec: pod securityContext, per-container securityContext, /tmp emptyDir. */
export function hardenedPodSpec(ctx: BuildContext, pod: PodInput): PodSpec {
    // Filled field by field, in the order the manifests have always had.
    const spec: Partial<PodSpec> = {};
    if (pod.serviceAccountName) spec.serviceAccountName = pod.serviceAccountName;
    spec.automountServiceAccountToken = pod.automountServiceAccountToken;
    if (pod.restartPolicy) spec.restartPolicy = pod.restartPolicy;
    if (pod.terminationGracePeriodSeconds !== undefined) spec.terminationGracePeriodSeconds = pod.terminationGracePeriodSeconds;
    spec.securityContext = { ...ctx.hardening.pod, seccompProfile: { ...ctx.hardening.pod.seccompProfile } };
    if (present(pod.imagePullSecrets)) spec.imagePullSecrets = pod.imagePullSecrets.map((name) => ({ name }));
    if (present(pod.nodeSelector)) spec.nodeSelector = pod.nodeSelector;
    if (present(pod.tolerations)) spec.tolerations = pod.tolerations;
    if (present(pod.affinity)) spec.affinity = pod.affinity;
    if (present(pod.topologySpreadConstraints)) spec.topologySpreadConstraints = pod.topologySpreadConstraints;
    if (present(pod.initContainers)) spec.initContainers = pod.initContainers.map((c) => hardenContainer(ctx, c));
    const containers = pod.containers.map((c) => hardenContainer(ctx, c));
    spec.containers = containers;
    spec.volumes = [{ name: TMP_VOLUME, emptyDir: {} }, ...(pod.volumes ?? [])];
    return { ...spec, containers };
}

/** httpGet probe on a named port. */
export function httpProbe(
    port: string,
    p: { path: string; initialDelaySeconds: number; periodSeconds: number; failureThreshold: number },
): k8s.types.input.core.v1.Probe {
    return {
        httpGet: { path: p.path, port },
        initialDelaySeconds: p.initialDelaySeconds,
        periodSeconds: p.periodSeconds,
        failureThreshold: p.failureThreshold,
    };
}

/** Plain `name: value` env entries from a map, in key order. */
export function envFromMap(map: Record<string, string>): EnvVar[] {
    return Object.keys(map)
        .sort()
        .map((name) => ({ name, value: String(map[name]) }));
}
