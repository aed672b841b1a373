// Every default of VmafxStack, in one place. Values follow the chart's values.yaml
// (chart.md §8) except where the chart is buggy (chart.md §9); those spots say so.
import type * as pulumi from "@pulumi/pulumi";
import { isPlainObject } from "./outputs-check";
import { VmafxStackArgs } from "./args";

/**
 * T as the plan sees it: every `pulumi.Input<X>` is an X. VmafxStack replaces Output leaves by
 * placeholders before planning (./inputs.ts), so the plan only ever holds plain values.
 */
export type Plain<T> = T extends pulumi.OutputInstance<infer U> | Promise<infer U>
    ? Plain<U>
    : T extends string | number | boolean
      ? T
      : T extends (infer U)[]
        ? Plain<U>[]
        : T extends object
          ? { [K in keyof T]: Plain<T[K]> }
          : T;

/** Args with every default applied. Array items are kept as given; builders default their fields. */
export type Resolved<T> = T extends pulumi.OutputInstance<infer U> | Promise<infer U>
    ? Resolved<U>
    : T extends string | number | boolean
      ? T
      : T extends (infer U)[]
        ? Plain<U>[]
        : T extends object
          ? { [K in keyof T]-?: Resolved<NonNullable<T[K]>> }
          : T;

export type ResolvedArgs = Omit<Resolved<VmafxStackArgs>, "releaseName"> & { releaseName: string };

/** The hardening of ADR-0930: the distroless `nonroot` user and Pod Security "restricted". */
export const NONROOT_UID = 65532;

/** Private ranges plus link-local (cloud metadata services live at 169.254.169.254). */
const PRIVATE_AND_LINK_LOCAL = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"];

/** The chart's collector configuration: OTLP over gRPC in, batched, to the debug exporter. */
const OTEL_COLLECTOR_CONFIG = [
    "receivers:",
    "  otlp:",
    "    protocols:",
    "      grpc:",
    "        endpoint: 0.0.0.0:4317",
    "processors:",
    "  batch:",
    "    timeout: 10s",
    "    send_batch_size: 1024",
    "exporters:",
    "  debug:",
    "    verbosity: normal",
    "service:",
    "  pipelines:",
    "    traces:",
    "      receivers: [otlp]",
    "      processors: [batch]",
    "      exporters: [debug]",
    "    metrics:",
    "      receivers: [otlp]",
    "      processors: [batch]",
    "      exporters: [debug]",
    "",
].join("\n");

export const DEFAULTS: Omit<ResolvedArgs, "releaseName"> = {
    nameOverride: "",
    fullnameOverride: "",
    appVersion: "3.2.1",
    namespace: {
        name: "vmafx",
        create: true,
        podSecurityLevel: "restricted",
        podSecurityVersion: "v1.33",
        labels: {},
    },
    workload: "Deployment",
    image: { repository: "ghcr.io/vmafx/vmafx-server", tag: "", pullPolicy: "IfNotPresent" },
    imagePullSecrets: [],
    deployment: { replicas: 1, maxSurge: 1, maxUnavailable: 0 },
    statefulSet: { replicas: 1, podManagementPolicy: "OrderedReady", statePvcSize: "1Gi", maxUnavailable: 1, partition: 0 },
    job: { command: [], args: [], completions: 1, parallelism: 1, backoffLimit: 3, ttlSecondsAfterFinished: 3600 },
    terminationGracePeriodSeconds: 60,
    service: { type: "ClusterIP", port: 8080, targetPort: 8080, extraPorts: [] },
    ingress: {
        enabled: false,
        className: "",
        annotations: {},
        hosts: [{ host: "vmafx.local", paths: [{ path: "/", pathType: "Prefix" }] }],
        tls: [],
    },
    gpu: { enabled: true, vendor: "nvidia", count: 1, intelDriver: "i915", resourceName: "" },
    resources: { limits: { cpu: "4", memory: "8Gi" }, requests: { cpu: "1", memory: "2Gi" } },
    env: {},
    // The chart hard-codes VMAFX_MODEL_DIR=/models and VMAFX_OUTPUT_DIR=/output here even when
    // nothing is mounted there (chart.md §9.12); the server builder derives them from the volumes.
    config: {},
    persistence: {
        enabled: false,
        storageClass: "",
        accessMode: "ReadWriteOnce",
        corpus: { enabled: false, size: "50Gi", mountPath: "/corpus", existingClaim: "" },
        output: { enabled: false, size: "10Gi", mountPath: "/output", existingClaim: "" },
        models: { enabled: false, size: "1Gi", mountPath: "/models", existingClaim: "" },
    },
    serviceAccount: { create: true, name: "", annotations: {} },
    podAnnotations: {},
    security: {
        pod: {
            runAsNonRoot: true,
            runAsUser: NONROOT_UID,
            runAsGroup: NONROOT_UID,
            fsGroup: NONROOT_UID,
            seccompProfileType: "RuntimeDefault",
            seccompLocalhostProfile: "",
        },
        container: {
            runAsNonRoot: true,
            runAsUser: NONROOT_UID,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            dropCapabilities: ["ALL"],
            addCapabilities: [],
            seccompProfileType: "RuntimeDefault",
        },
    },
    scheduling: { nodeSelector: {}, tolerations: [], affinity: {}, topologySpreadConstraints: [] },
    probes: {
        liveness: { path: "/healthz", initialDelaySeconds: 15, periodSeconds: 20, failureThreshold: 3 },
        readiness: { path: "/readyz", initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 },
    },
    storage: { mode: "http-serve", rcloneConfig: "" },
    node: {
        enabled: false,
        replicas: 1,
        grpcPort: 50052,
        metricsPort: 9090,
        image: { repository: "ghcr.io/vmafx/vmafx-node", tag: "", pullPolicy: "IfNotPresent" },
        controllerAddr: "",
        resources: { limits: {}, requests: {} },
        nodeSelector: {},
        tolerations: [],
        controllerToken: { secretName: "", key: "token" },
    },
    operator: {
        enabled: false,
        replicas: 1,
        image: { repository: "ghcr.io/vmafx/vmafx-operator", tag: "", pullPolicy: "IfNotPresent" },
        logLevel: "info",
        leaderElect: false,
        resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "64Mi" } },
        // The chart gives the operator no scheduling of its own, and this port gave it the
        // server's (GPU) selector and tolerations: operator pods then fit GPU nodes only.
        nodeSelector: {},
        tolerations: [],
        affinity: {},
        controllerToken: { secretName: "", key: "token" },
    },
    // The chart's default budget is maxUnavailable 1 (minAvailable unset).
    podDisruptionBudget: { enabled: false, minAvailable: "", maxUnavailable: "1" },
    networkPolicy: {
        enabled: false,
        httpIngress: { enabled: true, ingressControllerNamespaceSelector: { matchLabels: {} }, ingressControllerPodSelector: { matchLabels: {} } },
        serverToNode: { enabled: true },
        // The chart attaches its RFC1918 `except` list to every CIDR (chart.md §9.8); here each
        // destination carries its own list, so narrowing one range cannot produce an invalid policy.
        // The permissive default suits a dev cluster; prod narrows it (Pulumi.prod.yaml).
        nodeToObjectStore: { enabled: true, ports: [443], destinations: [{ cidr: "0.0.0.0/0", except: PRIVATE_AND_LINK_LOCAL }] },
        operatorToApiserver: { enabled: true, ports: [443, 6443], destinations: [{ cidr: "0.0.0.0/0" }] },
        metrics: { enabled: true, podSelector: { matchLabels: {} }, namespaceSelector: { matchLabels: {} } },
        dns: {
            enabled: true,
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            nodeLocalDnsIp: "",
        },
        smokeTestToServer: { enabled: true },
        controllerIngress: { enabled: true, podSelector: { matchLabels: {} } },
        nodeToController: { enabled: true, destinations: [] },
        controllerToNode: { enabled: true },
        operatorToController: { enabled: true },
        // Like the object store: permissive for a dev cluster, never private or link-local
        // ranges; prod narrows it to the provider's published range.
        controllerToIdentityProvider: { enabled: true, ports: [443], destinations: [{ cidr: "0.0.0.0/0", except: PRIVATE_AND_LINK_LOCAL }] },
        controllerToApiserver: { enabled: true, ports: [443, 6443], destinations: [{ cidr: "0.0.0.0/0" }] },
    },
    smokeTest: {
        enabled: false,
        image: {
            repository: "busybox",
            tag: "1.38@sha256:d82f458899c9696cb26a7c02d5568f81c8c8223f8661bb2a7988b269c8b9051e",
            pullPolicy: "IfNotPresent",
        },
    },
    // `install` is derived when unset (resolveArgs): the CRDs come with the operator or the controller.
    crds: { install: false, retainOnDelete: true },
    monitoring: {
        enabled: false,
        serviceMonitor: { namespace: "", labels: {}, interval: "30s", scrapeTimeout: "10s", path: "/metrics", scheme: "http", honorLabels: false },
    },
    controller: {
        enabled: false,
        image: { repository: "ghcr.io/vmafx/vmafx-controller", tag: "", pullPolicy: "IfNotPresent" },
        httpPort: 8080,
        grpcPort: 9090,
        persistence: { enabled: true, size: "1Gi", storageClass: "", existingClaim: "" },
        resources: { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "250m", memory: "256Mi" } },
        nodeSelector: {},
        tolerations: [],
        env: {},
    },
    auth: {
        enabled: false,
        disabled: false,
        tenantSource: "",
        jwksEndpoint: "",
        issuer: "",
        audience: "",
        tenantClaim: "tid",
        rolesClaim: "vmafx_roles",
        scoringRoots: [],
        tenants: [],
    },
    otelCollector: { enabled: false, config: OTEL_COLLECTOR_CONFIG },
    // Off: only the `pulumi up` of a takeover (npm run migrate) turns it on.
    migration: { adopt: false, fieldManager: "pulumi-kubernetes-vmafx" },
};

/** Defaults that depend on other fields, as the docs state them. */
export const DERIVED_DEFAULTS: { readonly [dottedKey: string]: string } = {
    "crds.install": "true when operator.enabled or controller.enabled",
};

/**
 * Free-form maps that a user value replaces as a whole. Merging them key by key, as Helm
 * does, would keep the default kube-dns selector next to a user's own DNS labels.
 */
const REPLACED_MAPS = new Set(["matchLabels", "limits", "requests", "nodeSelector", "affinity", "labels", "annotations", "env", "config", "podAnnotations"]);

/** Deep-merges `given` over `defaults`: option objects merge, maps, arrays and scalars replace, undefined keeps the default. */
export function mergeDefaults<T>(defaults: T, given: unknown, key = ""): T {
    if (given === undefined) {
        return defaults;
    }
    if (REPLACED_MAPS.has(key) || !isPlainObject(defaults) || !isPlainObject(given)) {
        return given as T;
    }
    const out: Record<string, unknown> = { ...defaults };
    for (const [childKey, value] of Object.entries(given)) {
        out[childKey] = mergeDefaults((defaults as Record<string, unknown>)[childKey], value, childKey);
    }
    return out as T;
}

/** Applies the defaults; `componentName` is the release name unless `args.releaseName` is set. */
export function resolveArgs(componentName: string, args: VmafxStackArgs): ResolvedArgs {
    const merged = mergeDefaults(DEFAULTS, args) as Omit<ResolvedArgs, "releaseName">;
    const install = args.crds?.install ?? (merged.operator.enabled || merged.controller.enabled);
    return { ...merged, crds: { ...merged.crds, install }, releaseName: args.releaseName ?? componentName };
}
