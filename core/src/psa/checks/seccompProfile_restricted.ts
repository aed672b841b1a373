// seccompProfile_restricted (restricted; overrides seccompProfile_baseline)
// Reads:   spec.securityContext.seccompProfile.type; spec.{initContainers,containers,ephemeralContainers}[*]
//          .securityContext.seccompProfile.type; spec.os.name (v1.25+).
// Allows:  RuntimeDefault or Localhost. A present pod-level profile with any other type fails even if every
//          container sets a good one; a container without its own profile needs a valid pod-level profile.
// Variants: v1.19 (check added, overrides seccompProfile_baseline; below v1.19 restricted requires no profile);
//           v1.25 (Windows pods pass unconditionally).
import type { CheckDefinition, CheckFailure, ContainerRef, PodContext, PsaFinding } from "../types";
import { containerFinding, containersPhrase, isWindowsPod, joinQuote, obj, sortedUnique, str } from "../util";
import { validSeccomp } from "./seccompProfile_baseline";

function seccompProfileRestricted_1_19(ctx: PodContext): CheckFailure | undefined {
    let setters: string[] | undefined;
    let badValues: string[] | undefined;
    let explicitFindings: PsaFinding[] | undefined;
    let podSeccompSet = false;
    const podProfile = ctx.podSC === undefined ? undefined : obj(ctx.podSC.seccompProfile);
    if (podProfile !== undefined) {
        if (!validSeccomp(str(podProfile.type))) {
            setters = ["pod"];
            badValues = [str(podProfile.type)];
            explicitFindings = [{ path: "spec.securityContext.seccompProfile.type", value: podProfile.type }];
        } else {
            podSeccompSet = true;
        }
    }

    let explicitlyBad: string[] | undefined;
    let implicitlyBad: ContainerRef[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const sc = cs[i].sc;
        const profile = sc === undefined ? undefined : obj(sc.seccompProfile);
        if (profile !== undefined) {
            if (!validSeccomp(str(profile.type))) {
                (explicitlyBad ??= []).push(cs[i].name);
                (badValues ??= []).push(str(profile.type));
                (explicitFindings ??= []).push(containerFinding(cs[i], "securityContext.seccompProfile.type", profile.type));
            }
        } else if (!podSeccompSet) {
            (implicitlyBad ??= []).push(cs[i]);
        }
    }

    if (explicitlyBad !== undefined) (setters ??= []).push(containersPhrase(explicitlyBad));
    if (setters !== undefined) {
        return {
            reason: "seccompProfile",
            detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(badValues!))}`,
            findings: explicitFindings!,
        };
    }
    if (implicitlyBad !== undefined) {
        return {
            reason: "seccompProfile",
            detail: `pod or ${containersPhrase(implicitlyBad.map((r) => r.name))} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
            findings: implicitlyBad.map((r) => containerFinding(r, "securityContext.seccompProfile.type", undefined)),
        };
    }
    return undefined;
}

function seccompProfileRestricted_1_25(ctx: PodContext): CheckFailure | undefined {
    // Windows pods do not support seccomp; they are exempted from 1.25 on.
    if (isWindowsPod(ctx)) return undefined;
    return seccompProfileRestricted_1_19(ctx);
}

export const seccompProfile_restricted: CheckDefinition = {
    id: "seccompProfile_restricted",
    level: "restricted",
    fix: "set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost) and no other type on any container",
    versions: [
        { minVersion: 19, check: seccompProfileRestricted_1_19, overrides: ["seccompProfile_baseline"] },
        { minVersion: 25, check: seccompProfileRestricted_1_25, overrides: ["seccompProfile_baseline"] },
    ],
};
