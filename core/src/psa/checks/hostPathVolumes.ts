// hostPathVolumes (baseline; replaced at restricted by restrictedVolumes at every version)
// Reads:   spec.volumes[*].hostPath
// Allows:  unset/null (any hostPath source, whatever its path or type, fails).
// Variants: v1.0 only.
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { arr, joinQuote, obj, pluralize, str } from "../util";

function hostPathVolumes_1_0(ctx: PodContext): CheckFailure | undefined {
    const volumes = arr(ctx.spec.volumes);
    if (volumes === undefined) return undefined;
    let names: string[] | undefined;
    let findings: PsaFinding[] | undefined;
    for (let i = 0; i < volumes.length; i++) {
        const v = obj(volumes[i]);
        if (v === undefined || v.hostPath == null) continue;
        (names ??= []).push(str(v.name));
        (findings ??= []).push({ path: `spec.volumes[${i}].hostPath`, value: v.hostPath });
    }
    if (names === undefined) return undefined;
    return {
        reason: "hostPath volumes",
        detail: `${pluralize("volume", "volumes", names.length)} ${joinQuote(names)}`,
        findings: findings!,
    };
}

export const hostPathVolumes: CheckDefinition = {
    id: "hostPathVolumes",
    level: "baseline",
    fix: "replace hostPath volumes with emptyDir, configMap, secret, projected or persistentVolumeClaim volumes",
    versions: [{ minVersion: 0, check: hostPathVolumes_1_0 }],
};
