// runAsUser (restricted)
// Reads:   spec.securityContext.runAsUser; spec.{initContainers,containers,ephemeralContainers}[*]
//          .securityContext.runAsUser; spec.hostUsers (v1.35+). runAsGroup, fsGroup, supplementalGroups: never.
// Allows:  unset or non-zero. An explicit 0 at pod level fails even if every container overrides it.
// Variants: v1.23 (check added); v1.35 (spec.hostUsers explicitly false: passes regardless).
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { containerFinding, containersPhrase, hostUsersFalse } from "../util";

function runAsUser_1_23(ctx: PodContext): CheckFailure | undefined {
    let setters: string[] | undefined;
    let findings: PsaFinding[] | undefined;
    if (ctx.podSC !== undefined && ctx.podSC.runAsUser === 0) {
        setters = ["pod"];
        findings = [{ path: "spec.securityContext.runAsUser", value: 0 }];
    }
    let bad: string[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const sc = cs[i].sc;
        if (sc !== undefined && sc.runAsUser === 0) {
            (bad ??= []).push(cs[i].name);
            (findings ??= []).push(containerFinding(cs[i], "securityContext.runAsUser", 0));
        }
    }
    if (bad !== undefined) (setters ??= []).push(containersPhrase(bad));
    if (setters === undefined) return undefined;
    return {
        reason: "runAsUser=0",
        detail: `${setters.join(" and ")} must not set runAsUser=0`,
        findings: findings!,
    };
}

function runAsUser_1_35(ctx: PodContext): CheckFailure | undefined {
    if (hostUsersFalse(ctx)) return undefined;
    return runAsUser_1_23(ctx);
}

export const runAsUser: CheckDefinition = {
    id: "runAsUser",
    level: "restricted",
    fix: "do not set runAsUser: 0 at pod or container level; run as a non-zero UID",
    versions: [
        { minVersion: 23, check: runAsUser_1_23 },
        { minVersion: 35, check: runAsUser_1_35 },
    ],
};
