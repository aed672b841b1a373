// procMount (baseline; replaced at restricted by procMount_restricted from v1.35)
// Reads:   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.procMount; spec.hostUsers (v1.35+).
// Allows:  unset or exactly "Default" ("Unmasked", "" or anything else fails).
// Variants: v1.0 (no user-namespace relaxation at all, even with hostUsers: false);
//           v1.35 (spec.hostUsers explicitly false: any procMount passes; unset hostUsers means no relaxation).
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { containerFinding, containersPhrase, hostUsersFalse, joinQuote, sortedUnique, str } from "../util";

/** The v1.0 logic, also used by procMount_restricted. */
export function procMountDefaultOnly(ctx: PodContext): CheckFailure | undefined {
    let badContainers: string[] | undefined;
    let types: string[] | undefined;
    let findings: PsaFinding[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const sc = cs[i].sc;
        if (sc === undefined) continue;
        const pm = sc.procMount;
        if (pm == null || pm === "Default") continue;
        (badContainers ??= []).push(cs[i].name);
        (types ??= []).push(str(pm));
        (findings ??= []).push(containerFinding(cs[i], "securityContext.procMount", pm));
    }
    if (badContainers === undefined) return undefined;
    return {
        reason: "procMount",
        detail: `${containersPhrase(badContainers)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types!))}`,
        findings: findings!,
    };
}

function procMount_1_35(ctx: PodContext): CheckFailure | undefined {
    // User-namespaced pods (hostUsers: false) may use any procMount; pod validation checks the value itself.
    if (hostUsersFalse(ctx)) return undefined;
    return procMountDefaultOnly(ctx);
}

export const procMount: CheckDefinition = {
    id: "procMount",
    level: "baseline",
    fix: "remove securityContext.procMount (or set it to Default); from policy v1.35 baseline also allows it with spec.hostUsers: false",
    versions: [
        { minVersion: 0, check: procMountDefaultOnly },
        { minVersion: 35, check: procMount_1_35 },
    ],
};
