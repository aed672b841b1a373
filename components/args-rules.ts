// What the args accept beyond their TypeScript types: ranges, whole numbers, patterns with their
// message, lengths and the values of string enums. One table, keyed by `Interface.field` (the
// field's one declaration in ./args.ts); a shared interface such as ImageSettings gets its rules
// once, wherever it is used. `npm run generate` (tools/args-schema.ts) turns args.ts plus this
// table into generated/args.schema.json and its precompiled validator, which ./schema.ts runs.
// Adding a field: declare it in args.ts, give it a default in defaults.ts and, if it needs one,
// a rule here (every number field needs one: at least `integer`), then run `npm run generate`.
// Checks across several fields live in ./schema.ts (semanticIssues).
import { TENANT_ID_PATTERN, TENANT_ROLES } from "./crds";
import { INTEL_DRIVERS } from "./gpu";

/** What one field accepts beyond its type. */
export interface FieldRule {
    /** A whole number (within JavaScript's safe integer range). */
    readonly integer?: boolean;
    /** Smallest accepted number. */
    readonly minimum?: number;
    /** Largest accepted number. */
    readonly maximum?: number;
    /** Fewest characters of a string; 1 means "not empty". */
    readonly minLength?: number;
    /** Most characters of a string. */
    readonly maxLength?: number;
    /** The string must match `regex` (compiled with the `u` flag); `message` tells the user what is accepted. */
    readonly pattern?: { readonly regex: RegExp; readonly message: string };
    /** The only accepted values of a string field. */
    readonly enum?: readonly string[];
    /** The rule of each item of a list field. */
    readonly items?: FieldRule;
}

/** A Kubernetes DNS label (RFC 1123); names of namespaces, ports, Secrets and the release. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/;
const INT_OR_PERCENT = /^(0|[1-9][0-9]*)%?$/;

/** A VmafxTenant's ID, as its CRD accepts it (also the object's name). */
const TENANT_ID = new RegExp(TENANT_ID_PATTERN);
/** A Prometheus duration such as 30s, 1m30s or 500ms. */
const DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;
const duration: FieldRule = { minLength: 2, pattern: { regex: DURATION, message: "must be a Prometheus duration such as 30s, 1m or 1m30s" } };

const count: FieldRule = { integer: true, minimum: 0 };
const positive: FieldRule = { integer: true, minimum: 1 };
const port: FieldRule = { integer: true, minimum: 1, maximum: 65535 };
const dnsLabel: FieldRule = {
    maxLength: 63,
    pattern: { regex: DNS_LABEL, message: "must be a DNS label: lowercase letters, digits and '-', starting and ending with an alphanumeric" },
};
const quantity: FieldRule = { pattern: { regex: QUANTITY, message: "must be a Kubernetes quantity such as 10Gi or 500Mi" } };
const absolutePath: FieldRule = { pattern: { regex: /^\//, message: 'must be an absolute path, starting with "/"' } };
const intOrPercent = (percent: string): FieldRule => ({
    pattern: { regex: INT_OR_PERCENT, message: `must be an integer such as "1" or a percentage such as "${percent}"` },
});

export const ARGS_RULES: { readonly [interfaceDotField: string]: FieldRule } = {
    "VmafxStackArgs.releaseName": dnsLabel,
    "VmafxStackArgs.nameOverride": { maxLength: 63 },
    "VmafxStackArgs.fullnameOverride": { maxLength: 63 },
    "VmafxStackArgs.appVersion": { pattern: { regex: /^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$/, message: "must be a semantic version such as 3.2.1" } },
    "VmafxStackArgs.imagePullSecrets": { items: dnsLabel },
    "VmafxStackArgs.terminationGracePeriodSeconds": count,

    "NamespaceSettings.name": dnsLabel,
    "NamespaceSettings.podSecurityLevel": { enum: ["restricted", "baseline"] },
    "NamespaceSettings.podSecurityVersion": { pattern: { regex: /^(latest|v1\.(0|[1-9][0-9]*))$/, message: "must be `latest` or `v1.<minor>` such as v1.33" } },

    "ImageSettings.repository": { minLength: 1 },
    "ImageSettings.pullPolicy": { enum: ["Always", "IfNotPresent", "Never"] },

    "DeploymentSettings.replicas": count,
    "DeploymentSettings.maxSurge": count,
    "DeploymentSettings.maxUnavailable": count,

    "StatefulSetSettings.replicas": count,
    "StatefulSetSettings.podManagementPolicy": { enum: ["OrderedReady", "Parallel"] },
    "StatefulSetSettings.statePvcSize": quantity,
    "StatefulSetSettings.maxUnavailable": positive,
    "StatefulSetSettings.partition": count,

    "JobSettings.completions": positive,
    "JobSettings.parallelism": positive,
    "JobSettings.backoffLimit": count,
    "JobSettings.ttlSecondsAfterFinished": count,

    "ServiceSettings.type": { enum: ["ClusterIP", "NodePort", "LoadBalancer"] },
    "ServiceSettings.port": port,
    "ServiceSettings.targetPort": port,
    "ServicePort.name": dnsLabel,
    "ServicePort.port": port,
    "ServicePort.targetPort": port,
    "ServicePort.protocol": { enum: ["TCP", "UDP", "SCTP"] },

    "IngressHost.host": { minLength: 1 },
    "IngressPath.path": absolutePath,
    "IngressPath.pathType": { enum: ["Prefix", "Exact", "ImplementationSpecific"] },

    "GpuSettings.count": positive,
    "GpuSettings.intelDriver": { enum: INTEL_DRIVERS },
    "GpuSettings.resourceName": {
        pattern: {
            regex: /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/,
            message: "must be empty or `<domain>/<name>` such as nvidia.com/mig-1g.5gb",
        },
    },

    "PersistenceSettings.accessMode": { enum: ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"] },
    "VolumeSettings.size": quantity,
    "VolumeSettings.mountPath": absolutePath,

    "PodSecurity.runAsUser": count,
    "PodSecurity.runAsGroup": count,
    "PodSecurity.fsGroup": count,
    "ContainerSecurity.runAsUser": count,

    "Toleration.operator": { enum: ["Exists", "Equal"] },
    "Toleration.effect": { enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"] },
    "Toleration.tolerationSeconds": { integer: true },

    "HttpProbe.path": absolutePath,
    "HttpProbe.initialDelaySeconds": count,
    "HttpProbe.periodSeconds": positive,
    "HttpProbe.failureThreshold": positive,

    "StorageSettings.mode": { enum: ["http-serve", "mount", "auto"] },

    "NodePoolSettings.replicas": count,
    "NodePoolSettings.grpcPort": port,
    "NodePoolSettings.metricsPort": port,

    "OperatorSettings.replicas": count,
    "OperatorSettings.logLevel": { enum: ["debug", "info", "warn", "error"] },

    "PodDisruptionBudgetSettings.minAvailable": intOrPercent("50%"),
    "PodDisruptionBudgetSettings.maxUnavailable": intOrPercent("25%"),

    "CidrEgressFlow.ports": { items: port },

    "TokenSecret.secretName": {
        maxLength: 253,
        pattern: { regex: /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/, message: "must be empty or a Secret name: lowercase letters, digits, '-' and '.'" },
    },
    "TokenSecret.key": { minLength: 1, pattern: { regex: /^[-._a-zA-Z0-9]+$/, message: "must be a Secret key: letters, digits, '-', '_' and '.'" } },

    "ServiceMonitorSettings.namespace": {
        maxLength: 63,
        pattern: { regex: /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/, message: "must be empty or a DNS label (a namespace name)" },
    },
    "ServiceMonitorSettings.interval": duration,
    "ServiceMonitorSettings.scrapeTimeout": duration,
    "ServiceMonitorSettings.path": absolutePath,
    "ServiceMonitorSettings.scheme": { enum: ["http", "https"] },

    "ControllerSettings.httpPort": port,
    "ControllerSettings.grpcPort": port,
    "ControllerPersistenceSettings.size": quantity,

    "Tenant.tenantId": {
        minLength: 2,
        maxLength: 64,
        pattern: { regex: TENANT_ID, message: "must be 2 to 64 lowercase letters, digits and '-', starting and ending with a letter or digit" },
    },
    "TenantRbac.allowedRoles": { items: { enum: TENANT_ROLES } },
    "AuthSettings.tenantSource": { enum: ["", "kubernetes"] },
    "AuthSettings.scoringRoots": { items: { minLength: 1 } },

    // What the API server accepts as a managedFields manager name.
    "MigrationSettings.fieldManager": {
        minLength: 1,
        maxLength: 128,
        pattern: { regex: /^[\x21-\x7e]+$/, message: "must be printable ASCII without spaces, such as pulumi-kubernetes-vmafx" },
    },
};
