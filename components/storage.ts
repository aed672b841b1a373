// Server volumes, the server ConfigMap and the rclone Secret.
import type * as k8s from "@pulumi/kubernetes";
import { BuildContext, PlannedResource, namespacedMeta } from "./context";

export type VolumeKey = "corpus" | "output" | "models";

/** Volumes in mount order, with whether the container may write to them. */
export const SERVER_VOLUMES: readonly { key: VolumeKey; readOnly: boolean; purpose: string }[] = [
    { key: "corpus", readOnly: true, purpose: "read-only input corpus" },
    { key: "output", readOnly: false, purpose: "scored output" },
    { key: "models", readOnly: true, purpose: "model weights" },
];

/** The claim a volume mounts: its existingClaim, else the one the component creates. */
export function claimName(ctx: BuildContext, key: VolumeKey): string {
    return ctx.args.persistence[key].existingClaim || ctx.naming.resource(key);
}

/** True when the component creates the claim of this volume. */
export function createsClaim(ctx: BuildContext, key: VolumeKey): boolean {
    const v = ctx.args.persistence[key];
    return v.enabled && ctx.args.persistence.enabled && !v.existingClaim;
}

/** Volume and mount of a server volume, or undefined when it is off. */
export function serverVolume(
    ctx: BuildContext,
    key: VolumeKey,
): { volume: k8s.types.input.core.v1.Volume; mount: k8s.types.input.core.v1.VolumeMount } | undefined {
    const v = ctx.args.persistence[key];
    const spec = SERVER_VOLUMES.find((s) => s.key === key)!;
    if (v.enabled) {
        return {
            volume: { name: key, persistentVolumeClaim: { claimName: claimName(ctx, key), ...(spec.readOnly ? { readOnly: true } : {}) } },
            mount: { name: key, mountPath: v.mountPath, ...(spec.readOnly ? { readOnly: true } : {}) },
        };
    }
    if (key === "output") {
        // Read-only root: without its claim the output directory is a scratch emptyDir, so the
        // path the server writes to exists and is writable (chart.md §9.12).
        return { volume: { name: key, emptyDir: {} }, mount: { name: key, mountPath: v.mountPath } };
    }
    return undefined;
}

export function persistentVolumeClaims(ctx: BuildContext): PlannedResource[] {
    const p = ctx.args.persistence;
    return SERVER_VOLUMES.filter((s) => createsClaim(ctx, s.key)).map((s): PlannedResource => ({
        role: `pvc-${s.key}`,
        manifest: {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: namespacedMeta(ctx, ctx.naming.resource(s.key), ctx.naming.labels()),
            spec: {
                accessModes: [p.accessMode],
                ...(p.storageClass ? { storageClassName: p.storageClass } : {}),
                resources: { requests: { storage: p[s.key].size } },
            },
        },
    }));
}

/** ConfigMap data: directories derived from the mounted volumes, then the user's keys. */
export function serverConfigData(ctx: BuildContext): Record<string, string> {
    const p = ctx.args.persistence;
    const data: Record<string, string> = { VMAFX_OUTPUT_DIR: p.output.mountPath };
    if (p.models.enabled) {
        data.VMAFX_MODEL_DIR = p.models.mountPath;
    }
    for (const [k, v] of Object.entries(ctx.args.config)) {
        data[k] = String(v);
    }
    return data;
}

export function configMap(ctx: BuildContext): PlannedResource {
    return {
        role: "config",
        manifest: {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: namespacedMeta(ctx, ctx.naming.resource("config"), ctx.naming.labels()),
            data: serverConfigData(ctx),
        },
    };
}

/** The chart's otel-collector ConfigMap, here in the release namespace (the chart's had none). */
export function otelCollectorConfig(ctx: BuildContext): PlannedResource[] {
    const o = ctx.args.otelCollector;
    if (!o.enabled) {
        return [];
    }
    return [
        {
            role: "otel-collector-config",
            manifest: {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: namespacedMeta(ctx, ctx.naming.resource("otel-collector-config"), ctx.naming.labels("otel-collector")),
                data: { "config.yaml": o.config },
            },
        },
    ];
}

/** True when an rclone configuration was given (a Pulumi secret counts as given). */
export function hasRcloneConfig(ctx: BuildContext): boolean {
    return ctx.args.storage.rcloneConfig !== "";
}

export const RCLONE_MOUNT_PATH = "/etc/vmafx";
export const RCLONE_FILE = "rclone.conf";

export function rcloneSecret(ctx: BuildContext): PlannedResource[] {
    if (!hasRcloneConfig(ctx)) {
        return [];
    }
    return [
        {
            role: "rclone-config",
            manifest: {
                apiVersion: "v1",
                kind: "Secret",
                metadata: namespacedMeta(ctx, ctx.naming.resource("rclone-config"), ctx.naming.labels(), {
                    "vmafx.io/secret-type": "rclone-config",
                }),
                type: "Opaque",
                stringData: { [RCLONE_FILE]: ctx.args.storage.rcloneConfig },
            },
        },
    ];
}
