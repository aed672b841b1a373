// runAsNonRoot (restricted)
// Reads:   spec.securityContext.runAsNonRoot; spec.{initContainers,containers,ephemeralContainers}[*]
//          .securityContext.runAsNonRoot; spec.hostUsers (v1.35+). runAsUser is not consulted.
// Allows:  true. A container may leave it unset only when the pod level is true. An explicit false fails
//          wherever it is, even at pod level when every container sets true. Windows pods are NOT exempt.
// Variants: v1.0; v1.35 (spec.hostUsers explicitly false: passes regardless).
import type { CheckDefinition, CheckFailure, ContainerRef, PodContext, PsaFinding } from "../types";
import { containerFinding, containersPhrase, hostUsersFalse } from "../util";

function runAsNonRoot_1_0(ctx: PodContext): CheckFailure | undefined {
    let setters: string[] | undefined;
    let explicitFindings: PsaFinding[] | undefined;
    let podRunAsNonRoot = false;
    const podValue = ctx.podSC === undefined ? undefined : ctx.podSC.runAsNonRoot;
    if (podValue != null) {
        if (podValue !== true) {
            setters = ["pod"];
            explicitFindings = [{ path: "spec.securityContext.runAsNonRoot", value: podValue }];
        } else {
            podRunAsNonRoot = true;
        }
    }

    let explicitlyBad: string[] | undefined;
    let implicitlyBad: ContainerRef[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const v = cs[i].sc === undefined ? undefined : cs[i].sc!.runAsNonRoot;
        if (v != null) {
            if (v !== true) {
                (explicitlyBad ??= []).push(cs[i].name);
                (explicitFindings ??= []).push(containerFinding(cs[i], "securityContext.runAsNonRoot", v));
            }
        } else if (!podRunAsNonRoot) {
            (implicitlyBad ??= []).push(cs[i]);
        }
    }

    if (explicitlyBad !== undefined) (setters ??= []).push(containersPhrase(explicitlyBad));
    if (setters !== undefined) {
        return {
            reason: "runAsNonRoot != true",
            detail: `${setters.join(" and ")} must not set securityContext.runAsNonRoot=false`,
            findings: explicitFindings!,
        };
    }
    if (implicitlyBad !== undefined) {
        return {
            reason: "runAsNonRoot != true",
            detail: `pod or ${containersPhrase(implicitlyBad.map((r) => r.name))} must set securityContext.runAsNonRoot=true`,
            findings: implicitlyBad.map((r) => containerFinding(r, "securityContext.runAsNonRoot", undefined)),
        };
    }
    return undefined;
}

function runAsNonRoot_1_35(ctx: PodContext): CheckFailure | undefined {
    // User-namespaced pods (hostUsers: false) run as root only inside their own user namespace.
    if (hostUsersFalse(ctx)) return undefined;
    return runAsNonRoot_1_0(ctx);
}

export const runAsNonRoot: CheckDefinition = {
    id: "runAsNonRoot",
    level: "restricted",
    fix: "set spec.securityContext.runAsNonRoot: true (and never runAsNonRoot: false on a container)",
    versions: [
        { minVersion: 0, check: runAsNonRoot_1_0 },
        { minVersion: 35, check: runAsNonRoot_1_35 },
    ],
};
