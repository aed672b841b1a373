// Public API of the Pod Security Admission re-implementation (k8s.io/pod-security-admission/policy in TypeScript).
// Plain data in, plain data out: no Pulumi imports anywhere under psa/.
export type {
    CheckDefinition,
    CheckFailure,
    CheckFn,
    CheckVariant,
    ContainerField,
    ContainerRef,
    Obj,
    PodContext,
    PsaFinding,
    PsaLevel,
    PsaResult,
    PsaVersion,
    PsaViolation,
} from "./types";
export { parsePsaVersion } from "./version";
export { ALL_CHECKS, PSA_MAX_MINOR, checkIdsFor, checksFor, checksForMinor, resolvePsaVersion, validateChecks } from "./registry";
export type { ResolvedCheck, ResolvedVersion } from "./registry";
export { evaluatePod, formatPsaRejection, formatPsaViolations, formatPsaWarning, parsePsaLevel, podContext } from "./evaluate";
export type { PodLike } from "./evaluate";
export { CONTAINER_FIELDS, collectContainers, visitContainers } from "./visitor";
export type { ContainerVisitor } from "./visitor";
