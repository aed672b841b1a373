// privileged (baseline)
// Reads:   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.privileged (no pod-level field).
// Allows:  false or unset.
// Variants: v1.0 only.
import type { CheckDefinition, CheckFailure, ContainerRef, PodContext } from "../types";
import { containerFinding, containersPhrase } from "../util";

function privileged_1_0(ctx: PodContext): CheckFailure | undefined {
    let bad: ContainerRef[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const sc = cs[i].sc;
        if (sc !== undefined && sc.privileged === true) (bad ??= []).push(cs[i]);
    }
    if (bad === undefined) return undefined;
    return {
        reason: "privileged",
        detail: `${containersPhrase(bad.map((r) => r.name))} must not set securityContext.privileged=true`,
        findings: bad.map((r) => containerFinding(r, "securityContext.privileged", true)),
    };
}

export const privileged: CheckDefinition = {
    id: "privileged",
    level: "baseline",
    fix: "remove securityContext.privileged (or set it to false) on every container",
    versions: [{ minVersion: 0, check: privileged_1_0 }],
};
