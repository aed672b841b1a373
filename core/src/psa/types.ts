// Shared types of the PSA re-implementation (plain data in, plain data out; no Pulumi imports).

/** A JSON-ish object as found in a manifest or in Pulumi inputs. */
export type Obj = Record<string, any>;

export type PsaLevel = "privileged" | "baseline" | "restricted";

/** A policy version label exactly as upstream accepts it: `latest` or `v1.<minor>` (no leading zeros, no patch). */
export type PsaVersion = "latest" | `v1.${number}`;

/** The three container lists of a pod spec, in the order upstream visits them. */
export type ContainerField = "initContainers" | "containers" | "ephemeralContainers";

/** One container of the pod, as the visitor hands it to the checks. */
export interface ContainerRef {
    /** The container object (an empty object when the list entry was not an object). */
    readonly container: Obj;
    /** `container.name`, or "" when unset (Go zero value). */
    readonly name: string;
    /** `container.securityContext` when it is an object, else undefined (Go nil pointer). */
    readonly sc: Obj | undefined;
    readonly field: ContainerField;
    /** Index in its own list (`spec.initContainers[1]` has index 1). */
    readonly index: number;
}

/** What every check sees: built once per evaluation, shared by all checks. */
export interface PodContext {
    readonly metadata: Obj | undefined;
    readonly annotations: Obj | undefined;
    /** `pod.spec`, or an empty object when missing. */
    readonly spec: Obj;
    /** `spec.securityContext` when it is an object. */
    readonly podSC: Obj | undefined;
    /** initContainers, containers, ephemeralContainers, in that order. */
    readonly containers: readonly ContainerRef[];
}

/** One offending (or missing) field. */
export interface PsaFinding {
    /** Name of the container the field belongs to; absent for pod-level fields, volumes and pod annotations. */
    container?: string;
    /** Field path relative to the pod object, e.g. `spec.containers[0].securityContext.allowPrivilegeEscalation`
     * or `metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]`. */
    path: string;
    /** The offending value, or undefined when a required field is unset. */
    value: unknown;
}

/** What a check function returns when the pod is not allowed (undefined means allowed). */
export interface CheckFailure {
    /** Upstream ForbiddenReason, verbatim. */
    reason: string;
    /** Upstream ForbiddenDetail, verbatim (omitted when upstream has none). */
    detail?: string;
    findings: PsaFinding[];
}

export type CheckFn = (ctx: PodContext) => CheckFailure | undefined;

/** One versioned implementation of a check (upstream VersionedCheck). */
export interface CheckVariant {
    /** Minimum policy minor version (1.<minVersion>) from which this variant applies. */
    readonly minVersion: number;
    readonly check: CheckFn;
    /** Baseline check IDs this restricted variant replaces at the restricted level (upstream OverrideCheckIDs). */
    readonly overrides?: readonly string[];
    /** Remediation when it differs from the check-wide one for this variant. */
    readonly fix?: string;
}

/** One upstream check: ID, level and its versioned variants (strictly increasing minVersion). */
export interface CheckDefinition {
    readonly id: string;
    readonly level: "baseline" | "restricted";
    /** One-line human remediation. */
    readonly fix: string;
    readonly versions: readonly CheckVariant[];
}

export interface PsaViolation {
    /** Check ID, e.g. `allowPrivilegeEscalation`. */
    check: string;
    /** Upstream reason text, e.g. `allowPrivilegeEscalation != false`. */
    reason: string;
    /** Upstream detail text, e.g. `container "x" must set securityContext.allowPrivilegeEscalation=false`. */
    detail?: string;
    findings: PsaFinding[];
    /** One-line human remediation. */
    fix: string;
}

export interface PsaResult {
    allowed: boolean;
    level: PsaLevel;
    /** Version as it prints in messages: the requested label (`latest`, `v1.99`), or `latest` when the
     * requested string was not a valid version (upstream falls back to latest). */
    version: string;
    /** The policy version actually evaluated after clamping, e.g. `v1.37` for `latest` or `v1.99`. */
    effectiveVersion: string;
    /** False when the requested version string was invalid and `latest` was used instead. */
    versionValid: boolean;
    /** Failing checks in upstream order (baseline IDs byte-sorted, then restricted IDs byte-sorted). */
    violations: PsaViolation[];
}
