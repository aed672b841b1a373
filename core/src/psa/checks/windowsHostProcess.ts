// windowsHostProcess (baseline)
// Reads:   spec.securityContext.windowsOptions.hostProcess; spec.{initContainers,containers,ephemeralContainers}[*]
//          .securityContext.windowsOptions.hostProcess.
// Allows:  false or unset (not exempted for Windows pods: it is the Windows-specific check).
// Variants: v1.0 only.
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { containerFinding, containersPhrase, obj } from "../util";

function windowsHostProcess_1_0(ctx: PodContext): CheckFailure | undefined {
    let bad: string[] | undefined;
    let containerFindings: PsaFinding[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const sc = cs[i].sc;
        if (sc === undefined) continue;
        const wo = obj(sc.windowsOptions);
        if (wo !== undefined && wo.hostProcess === true) {
            (bad ??= []).push(cs[i].name);
            (containerFindings ??= []).push(containerFinding(cs[i], "securityContext.windowsOptions.hostProcess", true));
        }
    }
    const podWo = ctx.podSC === undefined ? undefined : obj(ctx.podSC.windowsOptions);
    const podForbidden = podWo !== undefined && podWo.hostProcess === true;
    if (!podForbidden && bad === undefined) return undefined;
    const setters: string[] = [];
    let findings: PsaFinding[] = [];
    if (podForbidden) {
        setters.push("pod");
        findings.push({ path: "spec.securityContext.windowsOptions.hostProcess", value: true });
    }
    if (bad !== undefined) {
        setters.push(containersPhrase(bad));
        findings = findings.concat(containerFindings!);
    }
    return {
        reason: "hostProcess",
        detail: `${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`,
        findings,
    };
}

export const windowsHostProcess: CheckDefinition = {
    id: "windowsHostProcess",
    level: "baseline",
    fix: "remove securityContext.windowsOptions.hostProcess (or set it to false) at pod and container level",
    versions: [{ minVersion: 0, check: windowsHostProcess_1_0 }],
};
