// Check registry (upstream policy/registry.go): the check set for every level and policy version, precomputed once.
// - privileged runs no check; baseline runs the baseline checks; restricted runs the restricted checks plus every
//   baseline check that no active restricted variant overrides.
// - For version v the newest variant with minVersion <= v is used; a check whose first minVersion > v does not run.
// - Sets exist for v1.0 up to the newest minVersion of all checks (PSA_MAX_MINOR); `latest` and any higher minor use
//   that maximum. Invalid version strings fall back to `latest` (as the admission plugin does).
// - Order: baseline IDs byte-sorted, then restricted IDs byte-sorted (this is the order of reasons in messages).
import { allowPrivilegeEscalation } from "./checks/allowPrivilegeEscalation";
import { appArmorProfile } from "./checks/appArmorProfile";
import { capabilities_baseline } from "./checks/capabilities_baseline";
import { capabilities_restricted } from "./checks/capabilities_restricted";
import { hostNamespaces } from "./checks/hostNamespaces";
import { hostPathVolumes } from "./checks/hostPathVolumes";
import { hostPorts } from "./checks/hostPorts";
import { hostProbesAndHostLifecycle } from "./checks/hostProbesAndHostLifecycle";
import { privileged } from "./checks/privileged";
import { procMount } from "./checks/procMount";
import { procMount_restricted } from "./checks/procMount_restricted";
import { restrictedVolumes } from "./checks/restrictedVolumes";
import { runAsNonRoot } from "./checks/runAsNonRoot";
import { runAsUser } from "./checks/runAsUser";
import { seccompProfile_baseline } from "./checks/seccompProfile_baseline";
import { seccompProfile_restricted } from "./checks/seccompProfile_restricted";
import { seLinuxOptions } from "./checks/seLinuxOptions";
import { sysctls } from "./checks/sysctls";
import { windowsHostProcess } from "./checks/windowsHostProcess";
import type { CheckDefinition, CheckFn, PsaLevel, PsaVersion } from "./types";
import { goCompare } from "./util";
import { minorOf, parsePsaVersion } from "./version";

/** All upstream checks (19: 12 baseline, 7 restricted). */
export const ALL_CHECKS: readonly CheckDefinition[] = Object.freeze([
    allowPrivilegeEscalation,
    appArmorProfile,
    capabilities_baseline,
    capabilities_restricted,
    hostNamespaces,
    hostPathVolumes,
    hostPorts,
    hostProbesAndHostLifecycle,
    privileged,
    procMount,
    procMount_restricted,
    restrictedVolumes,
    runAsNonRoot,
    runAsUser,
    seccompProfile_baseline,
    seccompProfile_restricted,
    seLinuxOptions,
    sysctls,
    windowsHostProcess,
]);

/** A check as it runs at one level and version: the active variant resolved. */
export interface ResolvedCheck {
    readonly id: string;
    readonly level: "baseline" | "restricted";
    /** Minimum version of the active variant. */
    readonly minVersion: number;
    readonly run: CheckFn;
    readonly fix: string;
}

/** Upstream validateChecks: unique IDs, known levels, non-empty strictly increasing versions, known override IDs. */
export function validateChecks(checks: readonly CheckDefinition[]): void {
    const ids = new Set<string>();
    for (const c of checks) {
        if (ids.has(c.id)) throw new Error(`multiple checks registered for ID ${c.id}`);
        ids.add(c.id);
        if (c.level !== "baseline" && c.level !== "restricted") throw new Error(`check ${c.id}: invalid level ${String(c.level)}`);
        if (c.versions.length === 0) throw new Error(`check ${c.id}: empty`);
        let prev = -1;
        for (const v of c.versions) {
            if (!Number.isInteger(v.minVersion) || v.minVersion < 0) throw new Error(`check ${c.id}: invalid version ${v.minVersion}`);
            if (v.minVersion <= prev) throw new Error(`check ${c.id}: versions must be strictly increasing`);
            prev = v.minVersion;
            if (v.overrides !== undefined && c.level !== "restricted") throw new Error(`check ${c.id}: only restricted checks can override`);
        }
    }
    for (const c of checks) {
        for (const v of c.versions) {
            for (const o of v.overrides ?? []) {
                const target = checks.find((x) => x.id === o);
                if (target === undefined || target.level !== "baseline") throw new Error(`check ${c.id}: overrides unknown baseline check ${o}`);
            }
        }
    }
}

function activeVariant(c: CheckDefinition, minor: number) {
    let active;
    for (const v of c.versions) if (v.minVersion <= minor) active = v;
    return active;
}

function resolve(c: CheckDefinition, minor: number): ResolvedCheck | undefined {
    const v = activeVariant(c, minor);
    if (v === undefined) return undefined;
    return Object.freeze({ id: c.id, level: c.level, minVersion: v.minVersion, run: v.check, fix: v.fix ?? c.fix });
}

interface Registry {
    readonly maxMinor: number;
    readonly baseline: readonly (readonly ResolvedCheck[])[];
    readonly restricted: readonly (readonly ResolvedCheck[])[];
}

function buildRegistry(checks: readonly CheckDefinition[]): Registry {
    validateChecks(checks);
    let maxMinor = 0;
    for (const c of checks) maxMinor = Math.max(maxMinor, c.versions[c.versions.length - 1].minVersion);
    const sorted = [...checks].sort((a, b) => goCompare(a.id, b.id));
    const baseline: (readonly ResolvedCheck[])[] = [];
    const restricted: (readonly ResolvedCheck[])[] = [];
    for (let minor = 0; minor <= maxMinor; minor++) {
        const b: ResolvedCheck[] = [];
        const r: ResolvedCheck[] = [];
        const overridden = new Set<string>();
        for (const c of sorted) {
            const rc = resolve(c, minor);
            if (rc === undefined) continue;
            if (c.level === "baseline") {
                b.push(rc);
            } else {
                r.push(rc);
                for (const o of activeVariant(c, minor)!.overrides ?? []) overridden.add(o);
            }
        }
        baseline.push(Object.freeze(b));
        restricted.push(Object.freeze([...b.filter((c) => !overridden.has(c.id)), ...r]));
    }
    return { maxMinor, baseline: Object.freeze(baseline), restricted: Object.freeze(restricted) };
}

const REGISTRY = buildRegistry(ALL_CHECKS);

/** Newest policy minor version known to the registry (37: `latest` evaluates as v1.37). */
export const PSA_MAX_MINOR: number = REGISTRY.maxMinor;

const NO_CHECKS: readonly ResolvedCheck[] = Object.freeze([]);

/** How a requested version string is evaluated. */
export interface ResolvedVersion {
    /** The label as it prints in messages (`latest` when the requested string was invalid). */
    readonly label: PsaVersion;
    /** Policy minor actually evaluated (clamped to PSA_MAX_MINOR). */
    readonly minor: number;
    readonly valid: boolean;
}

/** Parses and clamps a version string (invalid → latest, like the admission plugin). */
export function resolvePsaVersion(version: string): ResolvedVersion {
    const parsed = parsePsaVersion(version);
    const label: PsaVersion = parsed ?? "latest";
    const m = minorOf(label);
    return { label, minor: m > PSA_MAX_MINOR ? PSA_MAX_MINOR : m, valid: parsed !== undefined };
}

/** Check set by level and policy minor (already clamped); the same frozen array is returned on every call. */
export function checksForMinor(level: PsaLevel, minor: number): readonly ResolvedCheck[] {
    if (level === "privileged") return NO_CHECKS;
    const m = minor > PSA_MAX_MINOR ? PSA_MAX_MINOR : minor < 0 ? 0 : Math.floor(minor);
    if (level === "baseline") return REGISTRY.baseline[m];
    if (level === "restricted") return REGISTRY.restricted[m];
    throw new Error(`invalid PSA level ${JSON.stringify(level)}: must be privileged, baseline or restricted`);
}

/** Check set for a level and version string (`latest`, `v1.N`; above the max → max; invalid → latest). */
export function checksFor(level: PsaLevel, version: string): readonly ResolvedCheck[] {
    return checksForMinor(level, resolvePsaVersion(version).minor);
}

/** IDs of the checks run at a level and version, in message order. */
export function checkIdsFor(level: PsaLevel, version: string): string[] {
    return checksFor(level, version).map((c) => c.id);
}
