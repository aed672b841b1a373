// capabilities_restricted (restricted; overrides capabilities_baseline)
// Reads:   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.capabilities.{drop,add};
//          spec.os.name (v1.25+).
// Allows:  drop must contain the exact string "ALL" (missing securityContext/capabilities fails; "all" or every
//          capability by name fails); add may only contain "NET_BIND_SERVICE".
// Variants: v1.22 (overrides capabilities_baseline); v1.25 (same, Windows pods pass unconditionally).
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { arr, containerFinding, containersPhrase, isWindowsPod, joinQuote, obj, sortedUnique, str } from "../util";

function capabilitiesRestricted_1_22(ctx: PodContext): CheckFailure | undefined {
    let missingDropAll: string[] | undefined;
    let addingForbidden: string[] | undefined;
    let forbiddenCaps: string[] | undefined;
    let dropFindings: PsaFinding[] | undefined;
    let addFindings: PsaFinding[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const sc = cs[i].sc;
        const capabilities = sc === undefined ? undefined : obj(sc.capabilities);
        if (capabilities === undefined) {
            (missingDropAll ??= []).push(cs[i].name);
            (dropFindings ??= []).push(containerFinding(cs[i], "securityContext.capabilities.drop", undefined));
            continue;
        }
        const drop = arr(capabilities.drop);
        let droppedAll = false;
        if (drop !== undefined) {
            for (let j = 0; j < drop.length; j++) {
                if (drop[j] === "ALL") {
                    droppedAll = true;
                    break;
                }
            }
        }
        if (!droppedAll) {
            (missingDropAll ??= []).push(cs[i].name);
            (dropFindings ??= []).push(containerFinding(cs[i], "securityContext.capabilities.drop", capabilities.drop ?? undefined));
        }
        const add = arr(capabilities.add);
        if (add !== undefined) {
            let addedForbidden = false;
            for (let j = 0; j < add.length; j++) {
                if (add[j] !== "NET_BIND_SERVICE") {
                    addedForbidden = true;
                    (forbiddenCaps ??= []).push(str(add[j]));
                    (addFindings ??= []).push(containerFinding(cs[i], `securityContext.capabilities.add[${j}]`, add[j]));
                }
            }
            if (addedForbidden) (addingForbidden ??= []).push(cs[i].name);
        }
    }
    if (missingDropAll === undefined && addingForbidden === undefined) return undefined;
    const details: string[] = [];
    if (missingDropAll !== undefined) {
        details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
    }
    if (addingForbidden !== undefined) {
        details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedUnique(forbiddenCaps!))} in securityContext.capabilities.add`);
    }
    return {
        reason: "unrestricted capabilities",
        detail: details.join("; "),
        findings: (dropFindings ?? []).concat(addFindings ?? []),
    };
}

function capabilitiesRestricted_1_25(ctx: PodContext): CheckFailure | undefined {
    // Windows pods cannot set Linux capabilities; they are exempted from 1.25 on.
    if (isWindowsPod(ctx)) return undefined;
    return capabilitiesRestricted_1_22(ctx);
}

export const capabilities_restricted: CheckDefinition = {
    id: "capabilities_restricted",
    level: "restricted",
    fix: 'set securityContext.capabilities.drop: ["ALL"] on every container and add at most NET_BIND_SERVICE',
    versions: [
        { minVersion: 22, check: capabilitiesRestricted_1_22, overrides: ["capabilities_baseline"] },
        { minVersion: 25, check: capabilitiesRestricted_1_25, overrides: ["capabilities_baseline"] },
    ],
};
