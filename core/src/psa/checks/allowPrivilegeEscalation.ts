// allowPrivilegeEscalation (restricted)
// Reads:   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.allowPrivilegeEscalation;
//          spec.os.name (v1.25+).
// Allows:  exactly false on every container (unset, null or true fail).
// Variants: v1.8 (check added: the field exists since Kubernetes 1.8);
//           v1.25 (pods with spec.os.name == "windows" pass unconditionally).
import type { CheckDefinition, CheckFailure, ContainerRef, PodContext, PsaFinding } from "../types";
import { containerFinding, containersPhrase, isWindowsPod } from "../util";

function allowPrivilegeEscalation_1_8(ctx: PodContext): CheckFailure | undefined {
    let bad: ContainerRef[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const sc = cs[i].sc;
        if (sc === undefined || sc.allowPrivilegeEscalation !== false) (bad ??= []).push(cs[i]);
    }
    if (bad === undefined) return undefined;
    const findings: PsaFinding[] = bad.map((r) => containerFinding(r, "securityContext.allowPrivilegeEscalation", r.sc?.allowPrivilegeEscalation ?? undefined));
    return {
        reason: "allowPrivilegeEscalation != false",
        detail: `${containersPhrase(bad.map((r) => r.name))} must set securityContext.allowPrivilegeEscalation=false`,
        findings,
    };
}

function allowPrivilegeEscalation_1_25(ctx: PodContext): CheckFailure | undefined {
    // Pod API validation rejects allowPrivilegeEscalation on Windows pods, so they are admitted without it.
    if (isWindowsPod(ctx)) return undefined;
    return allowPrivilegeEscalation_1_8(ctx);
}

export const allowPrivilegeEscalation: CheckDefinition = {
    id: "allowPrivilegeEscalation",
    level: "restricted",
    fix: "set securityContext.allowPrivilegeEscalation: false on every container (init and ephemeral containers included)",
    versions: [
        { minVersion: 8, check: allowPrivilegeEscalation_1_8 },
        { minVersion: 25, check: allowPrivilegeEscalation_1_25 },
    ],
};
