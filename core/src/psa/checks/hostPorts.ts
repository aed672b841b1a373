// hostPorts (baseline)
// Reads:   spec.{initContainers,containers,ephemeralContainers}[*].ports[*].hostPort
// Allows:  unset or 0 (any other value fails; containerPort is irrelevant).
// Variants: v1.0 only.
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { arr, containerFinding, containersPhrase, obj, pluralize, sortedUnique } from "../util";

function hostPorts_1_0(ctx: PodContext): CheckFailure | undefined {
    let badContainers: string[] | undefined;
    let ports: string[] | undefined;
    let findings: PsaFinding[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const list = arr(cs[i].container.ports);
        if (list === undefined) continue;
        let valid = true;
        for (let j = 0; j < list.length; j++) {
            const p = obj(list[j]);
            if (p === undefined) continue;
            const hp = p.hostPort;
            if (hp == null || hp === 0) continue;
            valid = false;
            (ports ??= []).push(String(hp));
            (findings ??= []).push(containerFinding(cs[i], `ports[${j}].hostPort`, hp));
        }
        if (!valid) (badContainers ??= []).push(cs[i].name);
    }
    if (badContainers === undefined) return undefined;
    const hostPorts = sortedUnique(ports!);
    return {
        reason: "hostPort",
        detail: `${containersPhrase(badContainers)} ${pluralize("uses", "use", badContainers.length)} ${pluralize("hostPort", "hostPorts", hostPorts.length)} ${hostPorts.join(", ")}`,
        findings: findings!,
    };
}

export const hostPorts: CheckDefinition = {
    id: "hostPorts",
    level: "baseline",
    fix: "remove ports[*].hostPort (or set it to 0) and expose the port through a Service",
    versions: [{ minVersion: 0, check: hostPorts_1_0 }],
};
