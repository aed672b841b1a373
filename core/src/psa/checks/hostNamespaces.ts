// hostNamespaces (baseline)
// Reads:   spec.hostNetwork, spec.hostPID, spec.hostIPC (spec.hostUsers is NOT part of this check).
// Allows:  false or unset.
// Variants: v1.0 only.
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";

function hostNamespaces_1_0(ctx: PodContext): CheckFailure | undefined {
    const spec = ctx.spec;
    if (spec.hostNetwork !== true && spec.hostPID !== true && spec.hostIPC !== true) return undefined;
    const names: string[] = [];
    const findings: PsaFinding[] = [];
    if (spec.hostNetwork === true) {
        names.push("hostNetwork=true");
        findings.push({ path: "spec.hostNetwork", value: true });
    }
    if (spec.hostPID === true) {
        names.push("hostPID=true");
        findings.push({ path: "spec.hostPID", value: true });
    }
    if (spec.hostIPC === true) {
        names.push("hostIPC=true");
        findings.push({ path: "spec.hostIPC", value: true });
    }
    return { reason: "host namespaces", detail: names.join(", "), findings };
}

export const hostNamespaces: CheckDefinition = {
    id: "hostNamespaces",
    level: "baseline",
    fix: "remove spec.hostNetwork, spec.hostPID and spec.hostIPC (or set them to false)",
    versions: [{ minVersion: 0, check: hostNamespaces_1_0 }],
};
