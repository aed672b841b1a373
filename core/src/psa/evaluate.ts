// Pod evaluation and upstream-formatted messages.
import { checksForMinor, resolvePsaVersion } from "./registry";
import type { Obj, PodContext, PsaLevel, PsaResult, PsaViolation } from "./types";
import { obj } from "./util";
import { collectContainers } from "./visitor";

const PSA_LEVELS: ReadonlySet<string> = new Set(["privileged", "baseline", "restricted"]);

/** Returns the level when it is one of privileged, baseline, restricted (exact, as the namespace labels accept). */
export function parsePsaLevel(level: string): PsaLevel | undefined {
    return PSA_LEVELS.has(level) ? (level as PsaLevel) : undefined;
}

/** A pod, or the `{metadata, spec}` of a pod template. */
export interface PodLike {
    metadata?: { annotations?: Record<string, string> } | Obj;
    spec?: Obj;
}

const EMPTY_SPEC: Obj = Object.freeze({});

/** Builds the per-evaluation context shared by all checks (exported for custom check runs and tests). */
export function podContext(pod: PodLike): PodContext {
    const metadata = obj(pod.metadata);
    const spec = obj(pod.spec) ?? EMPTY_SPEC;
    return {
        metadata,
        annotations: metadata === undefined ? undefined : obj(metadata.annotations),
        spec,
        podSC: obj(spec.securityContext),
        containers: collectContainers(spec),
    };
}

/**
 * Evaluates a pod (or pod template) against a PSA level and version, exactly like the upstream policy package.
 * `version`: `latest` or `v1.N`; minors above the newest known are clamped; an invalid string falls back to
 * `latest` (result.versionValid = false). Throws on an unknown level (use parsePsaLevel to validate input).
 */
export function evaluatePod(pod: PodLike, level: PsaLevel, version: string): PsaResult {
    const v = resolvePsaVersion(version);
    const checks = checksForMinor(level, v.minor);
    let violations: PsaViolation[] | undefined;
    if (checks.length > 0) {
        const ctx = podContext(pod);
        for (let i = 0; i < checks.length; i++) {
            const c = checks[i];
            const failure = c.run(ctx);
            if (failure === undefined) continue;
            const violation: PsaViolation = { check: c.id, reason: failure.reason, findings: failure.findings, fix: c.fix };
            if (failure.detail !== undefined && failure.detail !== "") violation.detail = failure.detail;
            (violations ??= []).push(violation);
        }
    }
    return {
        allowed: violations === undefined,
        level,
        version: v.label,
        effectiveVersion: "v1." + v.minor,
        versionValid: v.valid,
        violations: violations ?? [],
    };
}

/** Upstream aggregate detail: `reason (detail), reason (detail), ...`. */
export function formatPsaViolations(violations: readonly Pick<PsaViolation, "reason" | "detail">[]): string {
    let out = "";
    for (let i = 0; i < violations.length; i++) {
        if (i > 0) out += ", ";
        out += violations[i].reason;
        const d = violations[i].detail;
        if (d !== undefined && d !== "") out += " (" + d + ")";
    }
    return out;
}

/**
 * Enforce-mode rejection text, as the API server returns it after `pods "x" is forbidden: `:
 * `violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "x" must set ...), ...`.
 * Returns "" for an allowed result.
 */
export function formatPsaRejection(result: Pick<PsaResult, "allowed" | "level" | "version" | "violations">): string {
    if (result.allowed || result.violations.length === 0) return "";
    return `violates PodSecurity "${result.level}:${result.version}": ${formatPsaViolations(result.violations)}`;
}

/** Warn/audit-mode text: `would violate PodSecurity "<level>:<version>": ...`. Returns "" for an allowed result. */
export function formatPsaWarning(result: Pick<PsaResult, "allowed" | "level" | "version" | "violations">): string {
    if (result.allowed || result.violations.length === 0) return "";
    return `would violate PodSecurity "${result.level}:${result.version}": ${formatPsaViolations(result.violations)}`;
}
