// Public input types of VmafxStack: the one declaration of the args' shape. Plain interfaces
// with a JSDoc line on every field, no unions and no type aliases inside args, so the
// component's package schema can be inferred for other languages; the JSON Schema that
// validates them is generated from this file (`npm run generate`, refinements in
// ./args-rules.ts). Defaults live in ./defaults.ts.
//
// `pulumi.Input<T>` marks the values a program may wire from other resources (CIDRs, ports,
// the namespace, label values, images, hosts): an Output there is validated when it resolves
// (./inputs.ts). What decides which resources exist (flags, kinds, counts, the keys of maps)
// stays plain, so a preview always shows every resource.
import type * as pulumi from "@pulumi/pulumi";

/** Which Kubernetes workload runs the scoring server. */
export const WorkloadKind = {
    /** Long-running HTTP scoring server (the chart's default). */
    Deployment: "Deployment",
    /** Stateful server with a per-pod state volume and a headless Service. */
    StatefulSet: "StatefulSet",
    /** One-shot batch scoring run; needs `job.command`. */
    Job: "Job",
} as const;
export type WorkloadKind = (typeof WorkloadKind)[keyof typeof WorkloadKind];

/** GPU vendor; selects the device-plugin resource and VMAFX_BACKEND. */
export const GpuVendor = {
    Nvidia: "nvidia",
    Amd: "amd",
    Intel: "intel",
    Cpu: "cpu",
} as const;
export type GpuVendor = (typeof GpuVendor)[keyof typeof GpuVendor];

/** Container image coordinates. */
export interface ImageSettings {
    /** Image repository, e.g. `ghcr.io/vmafx/vmafx-server`. */
    repository?: pulumi.Input<string>;
    /** Image tag; empty means `v<appVersion>`. A digest (`sha256:…`) may be appended after `@`. */
    tag?: pulumi.Input<string>;
    /** Kubernetes imagePullPolicy: Always, IfNotPresent or Never. */
    pullPolicy?: string;
}

/** Namespace the release lives in and its Pod Security Admission labels. */
export interface NamespaceSettings {
    /** Namespace name. */
    name?: pulumi.Input<string>;
    /** Create and manage the Namespace (true) or deploy into an existing one (false). */
    create?: boolean;
    /** Pod Security level for the enforce, audit and warn labels (`restricted` or `baseline`). */
    podSecurityLevel?: string;
    /** Pinned Pod Security policy version for the `*-version` labels, e.g. `v1.33`. */
    podSecurityVersion?: string;
    /** Extra labels for the managed Namespace. */
    labels?: { [key: string]: pulumi.Input<string> };
}

/** Server Deployment settings (workload Deployment). */
export interface DeploymentSettings {
    /** Number of server pods (0 is allowed and kept). */
    replicas?: number;
    /** RollingUpdate maxSurge. */
    maxSurge?: number;
    /** RollingUpdate maxUnavailable. */
    maxUnavailable?: number;
}

/** Server StatefulSet settings (workload StatefulSet). */
export interface StatefulSetSettings {
    /** Number of server pods (0 is allowed and kept). */
    replicas?: number;
    /** podManagementPolicy: OrderedReady or Parallel. */
    podManagementPolicy?: string;
    /** Size of each pod's `state` volume claim, e.g. `1Gi`. */
    statePvcSize?: string;
    /** RollingUpdate maxUnavailable. */
    maxUnavailable?: number;
    /** RollingUpdate partition. */
    partition?: number;
}

/** Batch Job settings (workload Job). */
export interface JobSettings {
    /** Container command; required for the Job workload (the image's default entrypoint is a server that never exits). */
    command?: string[];
    /** Container arguments. */
    args?: string[];
    /** Job completions (≥ 1). */
    completions?: number;
    /** Job parallelism (≥ 1). */
    parallelism?: number;
    /** Job backoffLimit (≥ 0). */
    backoffLimit?: number;
    /** Seconds a finished Job is kept; 0 deletes it at once (kept as 0, not dropped). */
    ttlSecondsAfterFinished?: number;
}

/** An extra port on the server Service. */
export interface ServicePort {
    /** Port name (DNS label). */
    name: string;
    /** Service port. */
    port: number;
    /** Container port; defaults to `port`. */
    targetPort?: number;
    /** TCP, UDP or SCTP. */
    protocol?: string;
}

/** Server Service. */
export interface ServiceSettings {
    /** Service type: ClusterIP, NodePort or LoadBalancer. */
    type?: string;
    /** Service port for HTTP. */
    port?: number;
    /** Container port the server listens on. */
    targetPort?: number;
    /** Extra Service ports. */
    extraPorts?: ServicePort[];
}

/** One Ingress path. */
export interface IngressPath {
    /** URL path. */
    path: string;
    /** Prefix, Exact or ImplementationSpecific. */
    pathType?: string;
}

/** One Ingress host. */
export interface IngressHost {
    /** Host name. */
    host: pulumi.Input<string>;
    /** Paths routed to the server Service. */
    paths?: IngressPath[];
}

/** One Ingress TLS entry. */
export interface IngressTls {
    /** Host names covered by the certificate. */
    hosts?: pulumi.Input<string>[];
    /** Secret holding the certificate. */
    secretName?: pulumi.Input<string>;
}

/** Optional Ingress to the server Service. */
export interface IngressSettings {
    /** Render the Ingress. */
    enabled?: boolean;
    /** ingressClassName; empty leaves it to the cluster default. */
    className?: string;
    /** Ingress annotations. */
    annotations?: { [key: string]: pulumi.Input<string> };
    /** Hosts and paths. */
    hosts?: IngressHost[];
    /** TLS settings. */
    tls?: IngressTls[];
}

/** GPU request and backend selection. */
export interface GpuSettings {
    /** Request a GPU; false gives VMAFX_BACKEND=cpu and no GPU limit whatever the vendor. */
    enabled?: boolean;
    /** nvidia, amd, intel or cpu. */
    vendor?: GpuVendor;
    /** GPU units per pod (≥ 1). */
    count?: number;
    /** Intel driver for the resource name `gpu.intel.com/<driver>`: i915 or xe. */
    intelDriver?: string;
    /** Explicit extended resource name (MIG, sharing); not allowed with vendor cpu. */
    resourceName?: string;
}

/** Compute resources of a container. */
export interface ResourceSettings {
    /** Resource limits, e.g. `{cpu: "4", memory: "8Gi"}`. */
    limits?: { [key: string]: string };
    /** Resource requests. */
    requests?: { [key: string]: string };
}

/** One persistent volume of the server. */
export interface VolumeSettings {
    /** Mount the volume. */
    enabled?: boolean;
    /** Claim size when the component creates the claim. */
    size?: string;
    /** Mount path in the container. */
    mountPath?: string;
    /** Use this existing claim instead of creating one. */
    existingClaim?: string;
}

/** Server volumes. */
export interface PersistenceSettings {
    /** Create claims for enabled volumes that have no existingClaim. */
    enabled?: boolean;
    /** storageClassName of created claims; empty uses the cluster default. */
    storageClass?: string;
    /** Access mode of created claims. */
    accessMode?: string;
    /** Read-only input corpus. */
    corpus?: VolumeSettings;
    /** Scored output. */
    output?: VolumeSettings;
    /** Model weights (read-only). */
    models?: VolumeSettings;
}

/** The server's ServiceAccount. */
export interface ServiceAccountSettings {
    /** Create the ServiceAccount (false uses `name` or the namespace's `default`). */
    create?: boolean;
    /** ServiceAccount name; empty uses the release fullname. */
    name?: string;
    /** ServiceAccount annotations (e.g. workload identity). */
    annotations?: { [key: string]: pulumi.Input<string> };
}

/** Pod-level security context applied to every pod of the release. */
export interface PodSecurity {
    /** Refuse to start containers as root. */
    runAsNonRoot?: boolean;
    /** UID of every process (65532 = distroless nonroot). */
    runAsUser?: number;
    /** GID of every process. */
    runAsGroup?: number;
    /** Group owning mounted volumes. */
    fsGroup?: number;
    /** Seccomp profile type: RuntimeDefault or Localhost. */
    seccompProfileType?: string;
    /** Localhost seccomp profile path (only with type Localhost). */
    seccompLocalhostProfile?: string;
}

/** Container-level security context applied to every container, init container and the smoke test. */
export interface ContainerSecurity {
    /** Refuse to start the container as root. */
    runAsNonRoot?: boolean;
    /** UID of the container process. */
    runAsUser?: number;
    /** Must be false for Pod Security "restricted". */
    allowPrivilegeEscalation?: boolean;
    /** Mount the root filesystem read-only; writable paths get emptyDir volumes. */
    readOnlyRootFilesystem?: boolean;
    /** Capabilities to drop; must contain ALL for "restricted". */
    dropCapabilities?: string[];
    /** Capabilities to add; "restricted" allows only NET_BIND_SERVICE. */
    addCapabilities?: string[];
    /** Seccomp profile type: RuntimeDefault or Localhost. */
    seccompProfileType?: string;
}

/** The one place that defines pod hardening (ADR-0930). */
export interface SecuritySettings {
    /** Pod securityContext of every pod. */
    pod?: PodSecurity;
    /** securityContext of every container. */
    container?: ContainerSecurity;
}

/** One toleration. */
export interface Toleration {
    /** Taint key. */
    key?: pulumi.Input<string>;
    /** Exists or Equal. */
    operator?: string;
    /** Taint value (with Equal). */
    value?: pulumi.Input<string>;
    /** NoSchedule, PreferNoSchedule or NoExecute. */
    effect?: string;
    /** Seconds to tolerate a NoExecute taint. */
    tolerationSeconds?: number;
}

/** Scheduling of the server pods (and defaults for the node pool). */
export interface SchedulingSettings {
    /** nodeSelector labels. */
    nodeSelector?: { [key: string]: pulumi.Input<string> };
    /** Tolerations. */
    tolerations?: Toleration[];
    /** Pod affinity/anti-affinity, as a Kubernetes Affinity object. */
    affinity?: { [key: string]: any };
    /** topologySpreadConstraints, as Kubernetes objects; one without labelSelector spreads the server pods. */
    topologySpreadConstraints?: { [key: string]: any }[];
}

/** One HTTP probe. */
export interface HttpProbe {
    /** HTTP path. */
    path?: string;
    /** initialDelaySeconds. */
    initialDelaySeconds?: number;
    /** periodSeconds. */
    periodSeconds?: number;
    /** failureThreshold. */
    failureThreshold?: number;
}

/** Server probes. */
export interface ProbeSettings {
    /** Liveness probe (GET on the http port). */
    liveness?: HttpProbe;
    /** Readiness probe (GET on the http port). */
    readiness?: HttpProbe;
}

/** Media storage. */
export interface StorageSettings {
    /** VMAFX_STORAGE_MODE of the nodes: http-serve, mount or auto. */
    mode?: string;
    /** rclone.conf contents (a Pulumi secret); rendered into a Secret mounted by node pods. */
    rcloneConfig?: pulumi.Input<string>;
}

/** vmafx-node worker pool. */
export interface NodePoolSettings {
    /** Render the node Deployment and Service. */
    enabled?: boolean;
    /** Number of node pods (0 is allowed and kept). */
    replicas?: number;
    /** gRPC port of the node. */
    grpcPort?: number;
    /** Metrics port of the node. */
    metricsPort?: number;
    /** Node image; defaults to `ghcr.io/vmafx/vmafx-node:v<appVersion>`. */
    image?: ImageSettings;
    /** `host:port` of a controller outside this release (not with controller.enabled); empty uses the release's controller when it is on, else runs the node standalone. */
    controllerAddr?: string;
    /** Node container resources; empty uses the server's. */
    resources?: ResourceSettings;
    /** nodeSelector for node pods; empty uses the server's. */
    nodeSelector?: { [key: string]: pulumi.Input<string> };
    /** Tolerations for node pods; empty uses the server's. */
    tolerations?: Toleration[];
    /** Bearer token the node presents to the controller. */
    controllerToken?: TokenSecret;
}

/** A Secret key holding a bearer token for the controller. */
export interface TokenSecret {
    /** Secret name; empty mounts no token. */
    secretName?: string;
    /** Key inside the Secret. */
    key?: string;
}

/** vmafx-operator. */
export interface OperatorSettings {
    /** Render the operator Deployment, ServiceAccount and RBAC. */
    enabled?: boolean;
    /** Number of operator pods (0 allowed; > 1 requires leaderElect). */
    replicas?: number;
    /** Operator image. */
    image?: ImageSettings;
    /** debug, info, warn or error. */
    logLevel?: string;
    /** Enable leader election (required with more than one replica). */
    leaderElect?: boolean;
    /** Operator container resources. */
    resources?: ResourceSettings;
    /** nodeSelector of operator pods; empty schedules them anywhere (never the server's GPU selector). */
    nodeSelector?: { [key: string]: pulumi.Input<string> };
    /** Tolerations of operator pods; empty tolerates no taint. */
    tolerations?: Toleration[];
    /** Affinity of operator pods, as a Kubernetes Affinity object; empty sets none. */
    affinity?: { [key: string]: any };
    /** Bearer token the operator presents to the controller. */
    controllerToken?: TokenSecret;
}

/** PodDisruptionBudgets of server, node and operator. */
export interface PodDisruptionBudgetSettings {
    /** Render the budgets. */
    enabled?: boolean;
    /** minAvailable as an integer string ("1") or percentage ("50%"); excludes maxUnavailable. */
    minAvailable?: string;
    /** maxUnavailable as an integer string ("1", "0" kept) or percentage ("25%"). */
    maxUnavailable?: string;
}

/** The smoke test: a Job that calls the server's /healthz (the chart's test-connection pod). */
export interface SmokeTestSettings {
    /** Render the smoke-test Job. */
    enabled?: boolean;
    /** Image with wget, pinned by digest. */
    image?: ImageSettings;
}

/** A Kubernetes label selector with matchLabels only. */
export interface LabelSelector {
    /** Labels that must all match. */
    matchLabels?: { [key: string]: pulumi.Input<string> };
}

/** One egress destination range. */
export interface CidrBlock {
    /** Destination CIDR (IPv4 or IPv6). */
    cidr: pulumi.Input<string>;
    /** Ranges inside `cidr` to exclude; each must lie inside `cidr`. */
    except?: pulumi.Input<string>[];
}

/** HTTP ingress to the server. */
export interface HttpIngressFlow {
    /** Admit HTTP to the server from pods of the release namespace. */
    enabled?: boolean;
    /** Also admit from this ingress-controller namespace (selector); empty admits none. */
    ingressControllerNamespaceSelector?: LabelSelector;
    /** Pods of the ingress-controller namespace to admit; empty means all its pods. */
    ingressControllerPodSelector?: LabelSelector;
}

/** A flow that can only be switched on or off. */
export interface ToggleFlow {
    /** Allow the flow. */
    enabled?: boolean;
}

/** Egress to address ranges. */
export interface CidrEgressFlow {
    /** Allow the flow. */
    enabled?: boolean;
    /** Destination TCP ports. */
    ports?: pulumi.Input<number>[];
    /** Destination ranges; an empty list renders no rule (denied), never an allow-all. */
    destinations?: CidrBlock[];
}

/** Prometheus scraping of release pods. */
export interface MetricsFlow {
    /** Allow scraping. */
    enabled?: boolean;
    /** Scraper pods; empty means every pod of the selected namespaces. */
    podSelector?: LabelSelector;
    /** Namespaces of the scraper; empty means the release namespace. */
    namespaceSelector?: LabelSelector;
}

/** DNS egress. */
export interface DnsFlow {
    /** Allow DNS (UDP and TCP 53). */
    enabled?: boolean;
    /** Namespace of the cluster DNS pods. */
    namespaceSelector?: LabelSelector;
    /** Cluster DNS pods. */
    podSelector?: LabelSelector;
    /** NodeLocal DNSCache address (e.g. 169.254.20.10); empty adds none. */
    nodeLocalDnsIp?: string;
}

/** Clients of the controller's HTTP and gRPC ports. */
export interface ControllerIngressFlow {
    /** Admit clients. */
    enabled?: boolean;
    /** Client pods of the release namespace; empty admits every pod of the namespace. */
    podSelector?: LabelSelector;
}

/** Node → controller gRPC. */
export interface NodeToControllerFlow {
    /** Allow the flow. */
    enabled?: boolean;
    /** Address ranges of an external `node.controllerAddr`; required for one when NetworkPolicies are on. */
    destinations?: CidrBlock[];
}

/** The opt-in NetworkPolicy bundle: default-deny plus one allow-rule per flow. */
export interface NetworkPolicySettings {
    /** Render the NetworkPolicies. */
    enabled?: boolean;
    /** HTTP ingress to the server. */
    httpIngress?: HttpIngressFlow;
    /** Server → node gRPC (egress on the server, ingress on the node). */
    serverToNode?: ToggleFlow;
    /** Node → object store. */
    nodeToObjectStore?: CidrEgressFlow;
    /** Operator → Kubernetes API server. */
    operatorToApiserver?: CidrEgressFlow;
    /** Prometheus → metrics ports of server, node and operator. */
    metrics?: MetricsFlow;
    /** Every release pod → cluster DNS. */
    dns?: DnsFlow;
    /** Smoke-test Job → server HTTP (only when the smoke test is on). */
    smokeTestToServer?: ToggleFlow;
    /** HTTP and gRPC clients → controller (only when the controller is on). */
    controllerIngress?: ControllerIngressFlow;
    /** Node → controller gRPC: the release's controller, or the external `node.controllerAddr` at these destinations. */
    nodeToController?: NodeToControllerFlow;
    /** Controller → node gRPC (replaces serverToNode when the controller is on). */
    controllerToNode?: ToggleFlow;
    /** Operator → controller gRPC and HTTP. */
    operatorToController?: ToggleFlow;
    /** Controller → OIDC identity provider (JWKS), unless auth.disabled. */
    controllerToIdentityProvider?: CidrEgressFlow;
    /** Controller → Kubernetes API server, when it reads VmafxTenant objects (the chart's `serverToApiserver`). */
    controllerToApiserver?: CidrEgressFlow;
}

/** The CustomResourceDefinitions of the chart's `crds/`: VmafxJob, VmafxNode, VmafxModelTraining, VmafxTenant (group vmafx.dev). */
export interface CrdSettings {
    /** Install the CRDs; unset installs them when the operator or the controller is on. False leaves them to a cluster that manages CRDs centrally. */
    install?: boolean;
    /** Keep the CRDs in the cluster when the stack is destroyed or stops installing them; deleting a CRD deletes every object of its kind. */
    retainOnDelete?: boolean;
}

/** What every monitor scrapes and how (the chart's monitoring.serviceMonitor). */
export interface ServiceMonitorSettings {
    /** Namespace of the monitors; empty is the release namespace. Elsewhere, each monitor selects the release namespace explicitly. */
    namespace?: string;
    /** Extra labels on the monitors, e.g. the `release` label a Prometheus' monitor selector matches. */
    labels?: { [key: string]: pulumi.Input<string> };
    /** Scrape interval, a Prometheus duration such as 30s. */
    interval?: string;
    /** Scrape timeout, a Prometheus duration no longer than the interval. */
    scrapeTimeout?: string;
    /** Metrics path of every component. */
    path?: string;
    /** http or https. */
    scheme?: string;
    /** Keep the target's labels when they clash with the scraper's. */
    honorLabels?: boolean;
}

/** Prometheus Operator monitors (needs the monitoring.coreos.com CRDs in the cluster). */
export interface MonitoringSettings {
    /** Render a ServiceMonitor for the server, the node pool and the controller and a PodMonitor for the operator, each for the components that are on. */
    enabled?: boolean;
    /** Scrape settings of every monitor. */
    serviceMonitor?: ServiceMonitorSettings;
}

/** The controller's data volume (its SQLite queue at /data). */
export interface ControllerPersistenceSettings {
    /** Keep the data on a claim; false uses an emptyDir (lost when the pod goes). */
    enabled?: boolean;
    /** Claim size when the component creates the claim. */
    size?: string;
    /** storageClassName of the created claim; empty uses the cluster default. */
    storageClass?: string;
    /** Use this existing claim instead of creating one. */
    existingClaim?: string;
}

/** The vmafx-controller (job queue, tenant-aware scoring API); needs auth.enabled. */
export interface ControllerSettings {
    /** Render the controller ServiceAccount, Deployment, Service and data claim. */
    enabled?: boolean;
    /** Controller image; defaults to `ghcr.io/vmafx/vmafx-controller:v<appVersion>`. */
    image?: ImageSettings;
    /** HTTP port: /healthz, /readyz, /metrics and the scoring API. */
    httpPort?: number;
    /** gRPC port the nodes and the operator connect to. */
    grpcPort?: number;
    /** Data volume. */
    persistence?: ControllerPersistenceSettings;
    /** Controller container resources. */
    resources?: ResourceSettings;
    /** nodeSelector of the controller pod. */
    nodeSelector?: { [key: string]: pulumi.Input<string> };
    /** Tolerations of the controller pod. */
    tolerations?: Toleration[];
    /** Extra environment variables; auth settings belong under auth and are refused here. */
    env?: { [key: string]: pulumi.Input<string> };
}

/** OIDC settings of one tenant; unset fields take auth's global ones. */
export interface TenantOidc {
    /** Token issuer URL. */
    issuer?: string;
    /** JWKS URL the controller fetches signing keys from. */
    jwksEndpoint?: string;
    /** Expected token audience. */
    audience?: string;
    /** Claim that carries the tenant ID. */
    tenantClaim?: string;
    /** Claim that carries the roles. */
    rolesClaim?: string;
}

/** Roles of one tenant. */
export interface TenantRbac {
    /** Role of a token that names none: vmafx:reader, vmafx:writer or vmafx:admin. */
    defaultRole?: string;
    /** Roles tokens of this tenant may carry. */
    allowedRoles?: string[];
}

/** One tenant, rendered as a VmafxTenant object named after its ID. */
export interface Tenant {
    /** Tenant ID: 2 to 64 lowercase letters, digits and '-', starting and ending with an alphanumeric. */
    tenantId: string;
    /** False suspends the tenant (kept as false, unlike the chart). */
    enabled?: boolean;
    /** The tenant's identity provider. */
    oidc?: TenantOidc;
    /** The tenant's roles. */
    rbac?: TenantRbac;
}

/** Authentication of the controller's API (the chart's auth.*). */
export interface AuthSettings {
    /** Pass auth settings to the controller; must equal controller.enabled. */
    enabled?: boolean;
    /** Bypass authentication (development only); not with a tenant registry. */
    disabled?: boolean;
    /** Tenant source: empty (single provider, or `kubernetes` when tenants are listed) or `kubernetes` (the VmafxTenant registry). */
    tenantSource?: string;
    /** JWKS URL of the single provider, and the tenants' fallback. */
    jwksEndpoint?: string;
    /** Token issuer of the single provider, and the tenants' fallback. */
    issuer?: string;
    /** Expected token audience. */
    audience?: string;
    /** Claim carrying the tenant ID. */
    tenantClaim?: string;
    /** Claim carrying the roles. */
    rolesClaim?: string;
    /** Storage roots scoring may read (single-provider mode only); empty denies every input. */
    scoringRoots?: string[];
    /** Tenants of the registry, one VmafxTenant each. */
    tenants?: Tenant[];
}

/** The chart's otel-collector ConfigMap (no chart template runs a collector; mount it in your own). */
export interface OtelCollectorSettings {
    /** Render the ConfigMap `<fullname>-otel-collector-config`. */
    enabled?: boolean;
    /** Collector configuration, stored as `config.yaml`. */
    config?: string;
}

/**
 * Taking over the objects of an existing install of the chart (a Helm release with this release's names) in place,
 * keeping their UIDs; docs/migrate-from-helm.md describes the procedure and `npm run migrate` performs it.
 */
export interface MigrationSettings {
    /** Annotate every object with `pulumi.com/patchForce` and `pulumi.com/patchFieldManager`, so the provider's server-side apply takes over fields another field manager (Helm's) holds; only for the `pulumi up` that adopts the objects, off afterwards. */
    adopt?: boolean;
    /** Field manager of that apply; `npm run migrate` hands Helm's fields to it first, so fields only the chart set are removed. */
    fieldManager?: string;
}

/** Inputs of VmafxStack; every field is optional and defaults to the chart's default. */
export interface VmafxStackArgs {
    /** Release name that seeds resource names, like Helm's release name; defaults to the component name. */
    releaseName?: string;
    /** Replaces the chart-name part of resource names. */
    nameOverride?: string;
    /** Replaces the whole resource-name prefix. */
    fullnameOverride?: string;
    /** Application version: default image tag `v<appVersion>` and the app.kubernetes.io/version label. */
    appVersion?: string;
    /** Namespace and its Pod Security labels. */
    namespace?: NamespaceSettings;
    /** Server workload: Deployment, StatefulSet or Job. */
    workload?: WorkloadKind;
    /** Server image. */
    image?: ImageSettings;
    /** Names of image pull Secrets for server, node and operator pods. */
    imagePullSecrets?: string[];
    /** Deployment settings. */
    deployment?: DeploymentSettings;
    /** StatefulSet settings. */
    statefulSet?: StatefulSetSettings;
    /** Job settings. */
    job?: JobSettings;
    /** terminationGracePeriodSeconds of server and node pods (0 kept). */
    terminationGracePeriodSeconds?: number;
    /** Server Service. */
    service?: ServiceSettings;
    /** Server Ingress. */
    ingress?: IngressSettings;
    /** GPU settings. */
    gpu?: GpuSettings;
    /** Server container resources (and node fallback). */
    resources?: ResourceSettings;
    /** Extra environment variables of server and node containers. */
    env?: { [key: string]: pulumi.Input<string> };
    /** Data of the server ConfigMap (envFrom). */
    config?: { [key: string]: pulumi.Input<string> };
    /** Server volumes. */
    persistence?: PersistenceSettings;
    /** Server ServiceAccount. */
    serviceAccount?: ServiceAccountSettings;
    /** Annotations on server and node pods. */
    podAnnotations?: { [key: string]: pulumi.Input<string> };
    /** Pod and container hardening for every workload. */
    security?: SecuritySettings;
    /** Scheduling of server pods. */
    scheduling?: SchedulingSettings;
    /** Server probes. */
    probes?: ProbeSettings;
    /** Media storage. */
    storage?: StorageSettings;
    /** vmafx-node worker pool. */
    node?: NodePoolSettings;
    /** vmafx-operator. */
    operator?: OperatorSettings;
    /** PodDisruptionBudgets. */
    podDisruptionBudget?: PodDisruptionBudgetSettings;
    /** NetworkPolicy bundle. */
    networkPolicy?: NetworkPolicySettings;
    /** Smoke-test Job. */
    smokeTest?: SmokeTestSettings;
    /** The vmafx.dev CustomResourceDefinitions. */
    crds?: CrdSettings;
    /** Prometheus Operator monitors. */
    monitoring?: MonitoringSettings;
    /** The vmafx-controller. */
    controller?: ControllerSettings;
    /** Authentication and tenants of the controller. */
    auth?: AuthSettings;
    /** The otel-collector ConfigMap. */
    otelCollector?: OtelCollectorSettings;
    /** Adoption of an existing Helm install's objects (off unless migrating). */
    migration?: MigrationSettings;
}
