// capabilities_baseline (baseline; replaced at restricted by capabilities_restricted from v1.22)
// Reads:   spec.{initContainers,containers,ephemeralContainers}[*].securityContext.capabilities.add
// Allows:  unset/empty, or only entries of the default set (exact, case-sensitive, no CAP_ prefix):
//          AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID
//          SYS_CHROOT. capabilities.drop is ignored.
// Variants: v1.0 only.
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { arr, containerFinding, containersPhrase, joinQuote, obj, sortedUnique, str } from "../util";

export const CAPABILITIES_ALLOWED_1_0: ReadonlySet<string> = new Set([
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
]);

function capabilitiesBaseline_1_0(ctx: PodContext): CheckFailure | undefined {
    let badContainers: string[] | undefined;
    let caps: string[] | undefined;
    let findings: PsaFinding[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const sc = cs[i].sc;
        if (sc === undefined) continue;
        const capabilities = obj(sc.capabilities);
        if (capabilities === undefined) continue;
        const add = arr(capabilities.add);
        if (add === undefined) continue;
        let valid = true;
        for (let j = 0; j < add.length; j++) {
            const c = str(add[j]);
            if (!CAPABILITIES_ALLOWED_1_0.has(c)) {
                valid = false;
                (caps ??= []).push(c);
                (findings ??= []).push(containerFinding(cs[i], `securityContext.capabilities.add[${j}]`, add[j]));
            }
        }
        if (!valid) (badContainers ??= []).push(cs[i].name);
    }
    if (badContainers === undefined) return undefined;
    return {
        reason: "non-default capabilities",
        detail: `${containersPhrase(badContainers)} must not include ${joinQuote(sortedUnique(caps!))} in securityContext.capabilities.add`,
        findings: findings!,
    };
}

export const capabilities_baseline: CheckDefinition = {
    id: "capabilities_baseline",
    level: "baseline",
    fix: "add only default capabilities (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT) in securityContext.capabilities.add",
    versions: [{ minVersion: 0, check: capabilitiesBaseline_1_0 }],
};
