// Validation of VmafxStack args: a zod schema for shape, types and ranges, then checks that
// need several fields or the defaults. The stack loader and the component share it; only
// the key prefix differs (`vmafx:` for stack config, `args.` for library callers).
import type * as pulumi from "@pulumi/pulumi";
import { isOutput } from "./outputs-check";
import { z } from "zod";
import { VmafxStackArgs } from "./args";
import { ResolvedArgs, resolveArgs } from "./defaults";
import { GPU_VENDORS, INTEL_DRIVERS } from "./gpu";
import { Cidr, canonicalCidr, cidrStrictlyContains, parseK8sCidr } from "@vmafx-k8s/core";
import { isIP } from "net";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/;
const INT_OR_PERCENT = /^(0|[1-9][0-9]*)%?$/;
const PSA_VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;

const port = z.number().int().min(1).max(65535);
const count = z.number().int().min(0);
const stringMap = z.record(z.string(), z.string());
const dnsLabel = z.string().max(63).regex(DNS_LABEL, "must be a DNS label: lowercase letters, digits and '-', starting and ending with an alphanumeric");
const quantity = z.string().regex(QUANTITY, "must be a Kubernetes quantity such as 10Gi or 500Mi");
const pullPolicy = z.enum(["Always", "IfNotPresent", "Never"]);
const protocol = z.enum(["TCP", "UDP", "SCTP"]);

const image = z.strictObject({
    repository: z.string().min(1).optional(),
    tag: z.string().optional(),
    pullPolicy: pullPolicy.optional(),
});
const resources = z.strictObject({ limits: stringMap.optional(), requests: stringMap.optional() });
const toleration = z.strictObject({
    key: z.string().optional(),
    operator: z.enum(["Exists", "Equal"]).optional(),
    value: z.string().optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
    tolerationSeconds: z.number().int().optional(),
});
const labelSelector = z.strictObject({ matchLabels: stringMap.optional() });
const cidrBlock = z.strictObject({ cidr: z.string(), except: z.array(z.string()).optional() });
const cidrEgress = z.strictObject({
    enabled: z.boolean().optional(),
    ports: z.array(port).optional(),
    destinations: z.array(cidrBlock).optional(),
});
const toggle = z.strictObject({ enabled: z.boolean().optional() });
const volume = z.strictObject({
    enabled: z.boolean().optional(),
    size: quantity.optional(),
    mountPath: z.string().startsWith("/").optional(),
    existingClaim: z.string().optional(),
});
const httpProbe = z.strictObject({
    path: z.string().startsWith("/").optional(),
    initialDelaySeconds: count.optional(),
    periodSeconds: z.number().int().min(1).optional(),
    failureThreshold: z.number().int().min(1).optional(),
});
/** A Pulumi secret or plain string. */
const secretString = z.union([z.string(), z.custom<pulumi.Output<string>>((v) => isOutput(v), "must be a string or a Pulumi secret")]);

/** Shape of VmafxStackArgs as given by a caller (before defaults). */
export const vmafxStackArgsSchema = z.strictObject({
    releaseName: dnsLabel.optional(),
    nameOverride: z.string().max(63).optional(),
    fullnameOverride: z.string().max(63).optional(),
    appVersion: z.string().regex(/^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$/, "must be a semantic version such as 3.2.1").optional(),
    namespace: z.strictObject({
        name: dnsLabel.optional(),
        create: z.boolean().optional(),
        podSecurityLevel: z.enum(["restricted", "baseline"]).optional(),
        podSecurityVersion: z.string().regex(PSA_VERSION, "must be `latest` or `v1.<minor>` such as v1.33").optional(),
        labels: stringMap.optional(),
    }).optional(),
    workload: z.enum(["Deployment", "StatefulSet", "Job"]).optional(),
    image: image.optional(),
    imagePullSecrets: z.array(dnsLabel).optional(),
    deployment: z.strictObject({ replicas: count.optional(), maxSurge: count.optional(), maxUnavailable: count.optional() }).optional(),
    statefulSet: z.strictObject({
        replicas: count.optional(),
        podManagementPolicy: z.enum(["OrderedReady", "Parallel"]).optional(),
        statePvcSize: quantity.optional(),
        maxUnavailable: z.number().int().min(1).optional(),
        partition: count.optional(),
    }).optional(),
    job: z.strictObject({
        command: z.array(z.string()).optional(),
        args: z.array(z.string()).optional(),
        completions: z.number().int().min(1).optional(),
        parallelism: z.number().int().min(1).optional(),
        backoffLimit: count.optional(),
        ttlSecondsAfterFinished: count.optional(),
    }).optional(),
    terminationGracePeriodSeconds: count.optional(),
    service: z.strictObject({
        type: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]).optional(),
        port: port.optional(),
        targetPort: port.optional(),
        extraPorts: z.array(z.strictObject({ name: dnsLabel, port, targetPort: port.optional(), protocol: protocol.optional() })).optional(),
    }).optional(),
    ingress: z.strictObject({
        enabled: z.boolean().optional(),
        className: z.string().optional(),
        annotations: stringMap.optional(),
        hosts: z.array(z.strictObject({
            host: z.string().min(1),
            paths: z.array(z.strictObject({ path: z.string().startsWith("/"), pathType: z.enum(["Prefix", "Exact", "ImplementationSpecific"]).optional() })).optional(),
        })).optional(),
        tls: z.array(z.strictObject({ hosts: z.array(z.string()).optional(), secretName: z.string().optional() })).optional(),
    }).optional(),
    gpu: z.strictObject({
        enabled: z.boolean().optional(),
        vendor: z.enum(GPU_VENDORS).optional(),
        count: z.number().int().min(1).optional(),
        intelDriver: z.enum(INTEL_DRIVERS).optional(),
        resourceName: z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, "must be empty or `<domain>/<name>` such as nvidia.com/mig-1g.5gb").optional(),
    }).optional(),
    resources: resources.optional(),
    env: stringMap.optional(),
    config: stringMap.optional(),
    persistence: z.strictObject({
        enabled: z.boolean().optional(),
        storageClass: z.string().optional(),
        accessMode: z.enum(["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"]).optional(),
        corpus: volume.optional(),
        output: volume.optional(),
        models: volume.optional(),
    }).optional(),
    serviceAccount: z.strictObject({ create: z.boolean().optional(), name: z.string().optional(), annotations: stringMap.optional() }).optional(),
    podAnnotations: stringMap.optional(),
    security: z.strictObject({
        pod: z.strictObject({
            runAsNonRoot: z.boolean().optional(),
            runAsUser: count.optional(),
            runAsGroup: count.optional(),
            fsGroup: count.optional(),
            seccompProfileType: z.string().optional(),
            seccompLocalhostProfile: z.string().optional(),
        }).optional(),
        container: z.strictObject({
            runAsNonRoot: z.boolean().optional(),
            runAsUser: count.optional(),
            allowPrivilegeEscalation: z.boolean().optional(),
            readOnlyRootFilesystem: z.boolean().optional(),
            dropCapabilities: z.array(z.string()).optional(),
            addCapabilities: z.array(z.string()).optional(),
            seccompProfileType: z.string().optional(),
        }).optional(),
    }).optional(),
    scheduling: z.strictObject({
        nodeSelector: stringMap.optional(),
        tolerations: z.array(toleration).optional(),
        affinity: z.record(z.string(), z.any()).optional(),
        topologySpreadConstraints: z.array(z.record(z.string(), z.any())).optional(),
    }).optional(),
    probes: z.strictObject({ liveness: httpProbe.optional(), readiness: httpProbe.optional() }).optional(),
    storage: z.strictObject({ mode: z.enum(["http-serve", "mount", "auto"]).optional(), rcloneConfig: secretString.optional() }).optional(),
    node: z.strictObject({
        enabled: z.boolean().optional(),
        replicas: count.optional(),
        grpcPort: port.optional(),
        metricsPort: port.optional(),
        image: image.optional(),
        controllerAddr: z.string().optional(),
        resources: resources.optional(),
        nodeSelector: stringMap.optional(),
        tolerations: z.array(toleration).optional(),
    }).optional(),
    operator: z.strictObject({
        enabled: z.boolean().optional(),
        replicas: count.optional(),
        image: image.optional(),
        logLevel: z.enum(["debug", "info", "warn", "error"]).optional(),
        leaderElect: z.boolean().optional(),
        resources: resources.optional(),
    }).optional(),
    podDisruptionBudget: z.strictObject({
        enabled: z.boolean().optional(),
        minAvailable: z.string().regex(INT_OR_PERCENT, "must be an integer such as \"1\" or a percentage such as \"50%\"").optional(),
        maxUnavailable: z.string().regex(INT_OR_PERCENT, "must be an integer such as \"1\" or a percentage such as \"25%\"").optional(),
    }).optional(),
    networkPolicy: z.strictObject({
        enabled: z.boolean().optional(),
        httpIngress: z.strictObject({
            enabled: z.boolean().optional(),
            ingressControllerNamespaceSelector: labelSelector.optional(),
            ingressControllerPodSelector: labelSelector.optional(),
        }).optional(),
        serverToNode: toggle.optional(),
        nodeToObjectStore: cidrEgress.optional(),
        operatorToApiserver: cidrEgress.optional(),
        metrics: z.strictObject({ enabled: z.boolean().optional(), podSelector: labelSelector.optional(), namespaceSelector: labelSelector.optional() }).optional(),
        dns: z.strictObject({
            enabled: z.boolean().optional(),
            namespaceSelector: labelSelector.optional(),
            podSelector: labelSelector.optional(),
            nodeLocalDnsIp: z.string().optional(),
        }).optional(),
        smokeTestToServer: toggle.optional(),
    }).optional(),
    smokeTest: z.strictObject({ enabled: z.boolean().optional(), image: image.optional() }).optional(),
});

// Compile-time guards: whatever the schema accepts is a valid VmafxStackArgs, and both
// declare the same top-level keys (the schema may narrow strings to enums).
type SchemaInput = z.input<typeof vmafxStackArgsSchema>;
const _schemaFitsArgs = (a: SchemaInput): VmafxStackArgs => a;
const _sameKeys: [Exclude<keyof VmafxStackArgs, keyof SchemaInput>, Exclude<keyof SchemaInput, keyof VmafxStackArgs>] extends [never, never] ? true : false = true;
void _schemaFitsArgs;
void _sameKeys;

/** One problem with the args: where, what was given, what is accepted. */
export interface ArgsIssue {
    readonly path: readonly (string | number)[];
    readonly value: unknown;
    readonly message: string;
}

/** Thrown for invalid args or stack config; the message lists every issue. */
export class VmafxArgsError extends Error {
    constructor(readonly issues: readonly ArgsIssue[], readonly keyPrefix: string) {
        super(formatIssues(issues, keyPrefix));
        this.name = "VmafxArgsError";
    }
}

/** `vmafx:networkPolicy.nodeToObjectStore.destinations[0].except[1]` style key. */
export function formatKey(path: readonly (string | number)[], prefix: string): string {
    let out = prefix;
    path.forEach((seg, i) => {
        if (typeof seg === "number") out += `[${seg}]`;
        else out += i === 0 ? seg : `.${seg}`;
    });
    return out;
}

function showValue(value: unknown): string {
    if (value === undefined) return "(unset)";
    if (isOutput(value)) return "(a Pulumi Output)";
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function formatIssues(issues: readonly ArgsIssue[], prefix: string): string {
    const lines = issues.map((i) => `  - ${formatKey(i.path, prefix)} = ${showValue(i.value)}: ${i.message}`);
    return `invalid VMAFX configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let cur: any = root;
    for (const seg of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = cur[seg as any];
    }
    return cur;
}

/** Keys an object schema accepts at `path`, for unknown-key messages. */
function acceptedKeys(path: readonly PropertyKey[]): string[] {
    let schema: any = vmafxStackArgsSchema;
    for (const seg of path) {
        while (schema instanceof z.ZodOptional) schema = schema.unwrap();
        if (schema instanceof z.ZodArray) schema = schema.element;
        else if (schema instanceof z.ZodObject) schema = (schema.shape as any)[seg as string];
        if (!schema) return [];
    }
    while (schema instanceof z.ZodOptional) schema = schema.unwrap();
    if (schema instanceof z.ZodArray) schema = schema.element;
    return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function zodIssues(error: z.ZodError, input: unknown): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    for (const issue of error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
        if (issue.code === "unrecognized_keys") {
            for (const key of issue.keys) {
                issues.push({
                    path: [...path, key],
                    value: valueAt(input, [...issue.path, key]),
                    message: `unknown key; accepted keys here: ${acceptedKeys(issue.path).join(", ")}`,
                });
            }
            continue;
        }
        issues.push({ path, value: valueAt(input, issue.path), message: issue.message });
    }
    return issues;
}

const RESTRICTED_SECCOMP = ["RuntimeDefault", "Localhost"];

/** Checks that need several fields or the defaults; an empty list means valid. */
export function semanticIssues(raw: VmafxStackArgs, r: ResolvedArgs): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    const add = (path: (string | number)[], value: unknown, message: string) => issues.push({ path, value, message });

    if (r.workload === "Job" && r.job.command.length === 0) {
        add(["job", "command"], r.job.command, "the Job workload needs a command (the image's default entrypoint is a server that never exits); accepted: a non-empty list of strings");
    }
    if (r.smokeTest.enabled && r.workload === "Job") {
        add(["smokeTest", "enabled"], true, "the smoke test calls the server Service, which the Job workload does not have; accepted: false with workload Job");
    }
    if (r.gpu.resourceName && r.gpu.vendor === "cpu") {
        add(["gpu", "resourceName"], r.gpu.resourceName, "a GPU resource name needs a GPU vendor; accepted: empty with vendor cpu, or vendor nvidia, amd or intel");
    }
    if (r.operator.enabled && r.operator.replicas > 1 && !r.operator.leaderElect) {
        add(["operator", "leaderElect"], r.operator.leaderElect, `${r.operator.replicas} operator replicas need leader election; accepted: true, or operator.replicas 0 or 1`);
    }
    if (raw.podDisruptionBudget?.minAvailable && raw.podDisruptionBudget?.maxUnavailable) {
        add(["podDisruptionBudget", "maxUnavailable"], raw.podDisruptionBudget.maxUnavailable, "minAvailable and maxUnavailable exclude each other; accepted: set only one");
    }
    for (const key of ["corpus", "output", "models"] as const) {
        const v = r.persistence[key];
        if (v.enabled && !v.existingClaim && !r.persistence.enabled) {
            add(["persistence", key, "enabled"], true, `no claim would exist for this volume; accepted: persistence.enabled true (the component creates ${key}'s claim) or persistence.${key}.existingClaim set`);
        }
    }

    // Hardening must stay within Pod Security "restricted" (ADR-0930).
    const pod = r.security.pod;
    const ctr = r.security.container;
    if (pod.runAsNonRoot !== true) add(["security", "pod", "runAsNonRoot"], pod.runAsNonRoot, "Pod Security \"restricted\" requires true");
    if (ctr.runAsNonRoot !== true) add(["security", "container", "runAsNonRoot"], ctr.runAsNonRoot, "Pod Security \"restricted\" requires true");
    if (pod.runAsUser === 0) add(["security", "pod", "runAsUser"], 0, "UID 0 is root; accepted: a non-zero UID such as 65532");
    if (ctr.runAsUser === 0) add(["security", "container", "runAsUser"], 0, "UID 0 is root; accepted: a non-zero UID such as 65532");
    if (ctr.allowPrivilegeEscalation !== false) add(["security", "container", "allowPrivilegeEscalation"], ctr.allowPrivilegeEscalation, "Pod Security \"restricted\" requires false");
    if (!ctr.dropCapabilities.includes("ALL")) add(["security", "container", "dropCapabilities"], ctr.dropCapabilities, "Pod Security \"restricted\" requires the list to contain \"ALL\"");
    const extra = ctr.addCapabilities.filter((c) => c !== "NET_BIND_SERVICE");
    if (extra.length > 0) add(["security", "container", "addCapabilities"], ctr.addCapabilities, "Pod Security \"restricted\" allows adding only NET_BIND_SERVICE");
    for (const [level, type] of [["pod", pod.seccompProfileType], ["container", ctr.seccompProfileType]] as const) {
        if (!RESTRICTED_SECCOMP.includes(type)) {
            add(["security", level, "seccompProfileType"], type, "Pod Security \"restricted\" accepts RuntimeDefault or Localhost");
        }
    }
    if ((pod.seccompProfileType === "Localhost" || ctr.seccompProfileType === "Localhost") && !pod.seccompLocalhostProfile) {
        add(["security", "pod", "seccompLocalhostProfile"], pod.seccompLocalhostProfile, "a Localhost seccomp profile needs its path; accepted: a path relative to the kubelet's seccomp directory");
    }

    const np = r.networkPolicy;
    cidrIssues(["networkPolicy", "nodeToObjectStore", "destinations"], np.nodeToObjectStore.destinations, add);
    cidrIssues(["networkPolicy", "operatorToApiserver", "destinations"], np.operatorToApiserver.destinations, add);
    if (np.dns.nodeLocalDnsIp && isIP(np.dns.nodeLocalDnsIp) === 0) {
        add(["networkPolicy", "dns", "nodeLocalDnsIp"], np.dns.nodeLocalDnsIp, "must be an IPv4 or IPv6 address such as 169.254.20.10");
    }
    return issues;
}

function cidrIssues(
    path: (string | number)[],
    destinations: readonly { cidr: string; except?: string[] }[],
    add: (path: (string | number)[], value: unknown, message: string) => void,
) {
    destinations.forEach((d, i) => {
        const cidr = strictNetwork([...path, i, "cidr"], d.cidr, "an IPv4 or IPv6 range such as 203.0.113.0/24 or 2001:db8::/32", add);
        if (!cidr) return;
        (d.except ?? []).forEach((e, j) => {
            const inner = strictNetwork([...path, i, "except", j], e, "an IPv4 or IPv6 range inside the destination's cidr", add);
            if (inner && !cidrStrictlyContains(cidr, inner)) {
                add([...path, i, "except", j], e, `not strictly inside ${d.cidr}, so the API server would reject the policy; accepted: a smaller range inside ${d.cidr}, or remove it`);
            }
        });
    });
}

/**
 * A network as config must write it (core's strict parser: decimal dotted quads without leading
 * zeros, no IPv4-mapped IPv6, no host bits). Reports the first reason it is not one.
 */
function strictNetwork(
    path: (string | number)[],
    text: string,
    accepted: string,
    add: (path: (string | number)[], value: unknown, message: string) => void,
): Cidr | undefined {
    const parsed = parseK8sCidr(text);
    if (!parsed.cidr) {
        add(path, text, `not a CIDR; accepted: ${accepted}`);
        return undefined;
    }
    const [strict] = parsed.strictErrors;
    if (strict === "must not have bits set beyond the prefix length") {
        add(path, text, `host bits are set; accepted: the network address, here ${canonicalCidr(parsed.cidr)}`);
    } else if (strict) {
        add(path, text, `${strict}; accepted: ${accepted}, written as the API server's strict validation demands`);
    }
    return parsed.cidr;
}

/**
 * Validates and resolves args; throws VmafxArgsError naming every bad key. Nothing is
 * registered before this returns.
 */
export function validateArgs(componentName: string, args: unknown, keyPrefix: string): ResolvedArgs {
    const parsed = vmafxStackArgsSchema.safeParse(args ?? {});
    if (!parsed.success) {
        throw new VmafxArgsError(zodIssues(parsed.error, args), keyPrefix);
    }
    const raw = args as VmafxStackArgs;
    const resolved = resolveArgs(componentName, raw);
    const issues = semanticIssues(raw, resolved);
    if (!DNS_LABEL.test(resolved.releaseName)) {
        issues.unshift({ path: ["releaseName"], value: resolved.releaseName, message: "the release name (default: the component name) must be a DNS label: lowercase letters, digits and '-'" });
    }
    if (issues.length > 0) {
        throw new VmafxArgsError(issues, keyPrefix);
    }
    return resolved;
}

/** Keys accepted at the top level (the stack config keys under `vmafx:`). */
export const TOP_LEVEL_KEYS: readonly string[] = Object.keys(vmafxStackArgsSchema.shape);

/** Top-level keys whose value is a plain string, so stack config values must not be JSON-parsed. */
export function isStringKey(key: string): boolean {
    let schema: any = (vmafxStackArgsSchema.shape as any)[key];
    while (schema instanceof z.ZodOptional) schema = schema.unwrap();
    return schema instanceof z.ZodString || schema instanceof z.ZodEnum;
}
