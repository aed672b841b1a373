// restrictedVolumes (restricted; overrides hostPathVolumes)
// Reads:   spec.volumes[*] (which volume source is set).
// Allows:  configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret.
//          A volume with no source at all is treated as emptyDir (the API server defaults it; upstream fixture
//          restrictedvolumes0 expects pass). Every other source fails, an unrecognised one as "unknown".
//          image volumes are allowed at every policy version (library v0.33 change without a new policy version).
// Variants: v1.0 only (overrides hostPathVolumes at every version).
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { arr, joinQuote, obj, pluralize, sortedUnique, str } from "../util";

const ALLOWED_SOURCES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret", "image"] as const;

/** Restricted sources in upstream switch order (the JSON field name is also the reported type). */
const RESTRICTED_SOURCES = [
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
] as const;

/** The restricted source key of a volume ("unknown" for an unrecognised key), or undefined when allowed. */
function restrictedSource(v: Record<string, unknown>): { type: string; key: string } | undefined {
    for (let i = 0; i < ALLOWED_SOURCES.length; i++) if (v[ALLOWED_SOURCES[i]] != null) return undefined;
    for (let i = 0; i < RESTRICTED_SOURCES.length; i++) {
        const k = RESTRICTED_SOURCES[i];
        if (v[k] != null) return { type: k, key: k };
    }
    for (const k in v) {
        if (k !== "name" && v[k] != null) return { type: "unknown", key: k };
    }
    return undefined; // no source: defaulted to emptyDir
}

function restrictedVolumes_1_0(ctx: PodContext): CheckFailure | undefined {
    const volumes = arr(ctx.spec.volumes);
    if (volumes === undefined) return undefined;
    let names: string[] | undefined;
    let types: string[] | undefined;
    let findings: PsaFinding[] | undefined;
    for (let i = 0; i < volumes.length; i++) {
        const v = obj(volumes[i]);
        if (v === undefined) continue;
        const bad = restrictedSource(v);
        if (bad === undefined) continue;
        (names ??= []).push(str(v.name));
        (types ??= []).push(bad.type);
        (findings ??= []).push({ path: `spec.volumes[${i}].${bad.key}`, value: v[bad.key] });
    }
    if (names === undefined) return undefined;
    const typeList = sortedUnique(types!);
    return {
        reason: "restricted volume types",
        detail: `${pluralize("volume", "volumes", names.length)} ${joinQuote(names)} ${pluralize("uses", "use", names.length)} ${pluralize("restricted volume type", "restricted volume types", typeList.length)} ${joinQuote(typeList)}`,
        findings: findings!,
    };
}

export const restrictedVolumes: CheckDefinition = {
    id: "restrictedVolumes",
    level: "restricted",
    fix: "use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes",
    versions: [{ minVersion: 0, check: restrictedVolumes_1_0, overrides: ["hostPathVolumes"] }],
};
