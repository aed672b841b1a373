// The one pod-spec builder. Containers are declared without a securityContext; the builder
// adds the release hardening to every container and init container and a writable /tmp.
import { BuildContext } from "../context";

export interface ContainerInput {
    name: string;
    image: string;
    imagePullPolicy: string;
    command?: string[];
    args?: string[];
    ports?: { name: string; containerPort: number; protocol: string }[];
    env?: Record<string, any>[];
    envFrom?: Record<string, any>[];
    resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
    livenessProbe?: Record<string, any>;
    readinessProbe?: Record<string, any>;
    volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface PodInput {
    containers: ContainerInput[];
    initContainers?: ContainerInput[];
    volumes?: Record<string, any>[];
    serviceAccountName?: string;
    /** Mount an API token; only for pods that call the API server. */
    automountServiceAccountToken: boolean;
    terminationGracePeriodSeconds?: number;
    restartPolicy?: string;
    nodeSelector?: Record<string, string>;
    tolerations?: Record<string, any>[];
    affinity?: Record<string, any>;
    topologySpreadConstraints?: Record<string, any>[];
    imagePullSecrets?: string[];
}

export const TMP_VOLUME = "tmp";
export const TMP_PATH = "/tmp";

function hardenContainer(ctx: BuildContext, c: ContainerInput) {
    const out: Record<string, any> = { ...c };
    for (const key of Object.keys(out)) {
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
export function hardenedPodSpec(ctx: BuildContext, pod: PodInput): Record<string, any> {
    const spec: Record<string, any> = {};
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
    spec.containers = pod.containers.map((c) => hardenContainer(ctx, c));
    spec.volumes = [{ name: TMP_VOLUME, emptyDir: {} }, ...(pod.volumes ?? [])];
    return spec;
}

/** httpGet probe on a named port. */
export function httpProbe(port: string, p: { path: string; initialDelaySeconds: number; periodSeconds: number; failureThreshold: number }) {
    return {
        httpGet: { path: p.path, port },
        initialDelaySeconds: p.initialDelaySeconds,
        periodSeconds: p.periodSeconds,
        failureThreshold: p.failureThreshold,
    };
}

/** Plain `name: value` env entries from a map, in key order. */
export function envFromMap(map: Record<string, string>) {
    return Object.keys(map).sort().map((name) => ({ name, value: String(map[name]) }));
}
