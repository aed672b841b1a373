// The scoring server as exactly one of Deployment, StatefulSet or Job, plus its Services.
import type * as k8s from "@pulumi/kubernetes";
import { BuildContext, PlannedResource, namespacedMeta, nonEmpty } from "../context";
import { backendFor, withGpu } from "../gpu";
import { imageRef } from "../naming";
import { containerPorts } from "../ports";
import { serverServiceAccountName } from "../service-account";
import { SERVER_VOLUMES, serverVolume } from "../storage";
import { ContainerInput, Volume, VolumeMount, envFromMap, hardenedPodSpec, httpProbe } from "./pod";

export const STATE_VOLUME = "state";
export const STATE_PATH = "/var/lib/vmafx";

function serverContainer(ctx: BuildContext, serving: boolean): { container: ContainerInput; volumes: Volume[] } {
    const a = ctx.args;
    const volumes: Volume[] = [];
    const mounts: VolumeMount[] = [];
    for (const v of SERVER_VOLUMES) {
        const vol = serverVolume(ctx, v.key);
        if (vol) {
            volumes.push(vol.volume);
            mounts.push(vol.mount);
        }
    }
    const container: ContainerInput = {
        name: ctx.naming.name,
        image: imageRef(a.image, ctx.naming),
        imagePullPolicy: a.image.pullPolicy,
        env: [{ name: "VMAFX_BACKEND", value: backendFor(a.gpu) }, ...envFromMap(a.env)],
        envFrom: [{ configMapRef: { name: ctx.naming.resource("config") } }],
        resources: withGpu(a.gpu, a.resources),
        volumeMounts: mounts,
    };
    if (serving) {
        container.ports = containerPorts(ctx.ports, "server");
        container.livenessProbe = httpProbe("http", a.probes.liveness);
        container.readinessProbe = httpProbe("http", a.probes.readiness);
    }
    return { container, volumes };
}

function serverPodTemplate(
    ctx: BuildContext,
    serving: boolean,
    extra?: { mounts: VolumeMount[]; restartPolicy?: string; command?: string[]; args?: string[] },
): k8s.types.input.core.v1.PodTemplateSpec {
    const a = ctx.args;
    const { container, volumes } = serverContainer(ctx, serving);
    if (extra) {
        container.volumeMounts = [...(container.volumeMounts ?? []), ...extra.mounts];
        if (extra.command && extra.command.length > 0) container.command = extra.command;
        if (extra.args && extra.args.length > 0) container.args = extra.args;
    }
    return {
        metadata: {
            labels: ctx.naming.selector("server"),
            ...(nonEmpty(a.podAnnotations) ? { annotations: a.podAnnotations } : {}),
        },
        spec: hardenedPodSpec(ctx, {
            containers: [container],
            volumes,
            serviceAccountName: serverServiceAccountName(ctx),
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: a.terminationGracePeriodSeconds,
            restartPolicy: extra?.restartPolicy,
            nodeSelector: a.scheduling.nodeSelector,
            tolerations: a.scheduling.tolerations,
            affinity: a.scheduling.affinity,
            // A constraint without a labelSelector spreads the server's own pods. The arg is
            // "Kubernetes objects" (an open map, for the package schema), passed through as such.
            topologySpreadConstraints: a.scheduling.topologySpreadConstraints.map(
                (c) =>
                    (c.labelSelector
                        ? c
                        : { ...c, labelSelector: { matchLabels: ctx.naming.selector("server") } }) as k8s.types.input.core.v1.TopologySpreadConstraint,
            ),
            imagePullSecrets: a.imagePullSecrets,
        }),
    };
}

function deployment(ctx: BuildContext): PlannedResource {
    const d = ctx.args.deployment;
    return {
        role: "server",
        manifest: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: namespacedMeta(ctx, ctx.naming.fullname, ctx.naming.labels("server")),
            spec: {
                replicas: d.replicas,
                selector: { matchLabels: ctx.naming.selector("server") },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: d.maxSurge, maxUnavailable: d.maxUnavailable } },
                template: serverPodTemplate(ctx, true),
            },
        },
    };
}

/**
 * The StatefulSet and its governing headless Service, the Service first: the StatefulSet names
 * it in serviceName and is created after it (dependsOn).
 */
function statefulSet(ctx: BuildContext): PlannedResource[] {
    const s = ctx.args.statefulSet;
    const p = ctx.args.persistence;
    const headless = ctx.naming.resource("headless");
    return [
        {
            role: "server-headless",
            manifest: {
                apiVersion: "v1",
                kind: "Service",
                // Marked, so the server's ServiceMonitor skips it: both Services front the same
                // pods, and scraping both would duplicate every series.
                metadata: namespacedMeta(ctx, headless, { ...ctx.naming.labels("server"), [HEADLESS_LABEL]: "true" }),
                spec: {
                    clusterIP: "None",
                    selector: ctx.naming.selector("server"),
                    ports: [{ name: "http", port: ctx.args.service.port, targetPort: "http", protocol: "TCP" }],
                },
            },
        },
        {
            role: "server",
            manifest: {
                apiVersion: "apps/v1",
                kind: "StatefulSet",
                metadata: namespacedMeta(ctx, ctx.naming.fullname, ctx.naming.labels("server"), nonEmpty(ctx.args.podAnnotations)),
                spec: {
                    serviceName: headless,
                    replicas: s.replicas,
                    podManagementPolicy: s.podManagementPolicy,
                    selector: { matchLabels: ctx.naming.selector("server") },
                    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: s.maxUnavailable, partition: s.partition } },
                    template: serverPodTemplate(ctx, true, { mounts: [{ name: STATE_VOLUME, mountPath: STATE_PATH }] }),
                    volumeClaimTemplates: [
                        {
                            // Immutable: only labels that survive upgrades (chart.md §9.3).
                            metadata: { name: STATE_VOLUME, labels: ctx.naming.stableLabels("server") },
                            spec: {
                                accessModes: ["ReadWriteOnce"],
                                ...(p.storageClass ? { storageClassName: p.storageClass } : {}),
                                resources: { requests: { storage: s.statePvcSize } },
                            },
                        },
                    ],
                },
            },
            dependsOn: ["server-headless"],
        },
    ];
}

function job(ctx: BuildContext): PlannedResource {
    const j = ctx.args.job;
    return {
        role: "server",
        manifest: {
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: namespacedMeta(ctx, ctx.naming.fullname, ctx.naming.labels("server"), nonEmpty(ctx.args.podAnnotations)),
            spec: {
                completions: j.completions,
                parallelism: j.parallelism,
                backoffLimit: j.backoffLimit,
                ttlSecondsAfterFinished: j.ttlSecondsAfterFinished,
                template: serverPodTemplate(ctx, false, { mounts: [], restartPolicy: "Never", command: j.command, args: j.args }),
            },
        },
    };
}

/** The server Service; none for the Job workload, whose pods serve nothing (chart.md §9.28). */
function service(ctx: BuildContext): PlannedResource {
    const svc = ctx.args.service;
    return {
        role: "server-service",
        manifest: {
            apiVersion: "v1",
            kind: "Service",
            metadata: namespacedMeta(ctx, ctx.naming.fullname, ctx.naming.labels("server")),
            spec: {
                type: svc.type,
                selector: ctx.naming.selector("server"),
                ports: [
                    { name: "http", port: svc.port, targetPort: "http", protocol: "TCP" },
                    ...svc.extraPorts.map((p) => ({
                        name: p.name,
                        port: p.port,
                        targetPort: p.targetPort ?? p.port,
                        protocol: p.protocol ?? "TCP",
                    })),
                ],
            },
        },
    };
}

export function serverResources(ctx: BuildContext): PlannedResource[] {
    switch (ctx.args.workload) {
        case "Deployment":
            return [deployment(ctx), service(ctx)];
        case "StatefulSet":
            return [...statefulSet(ctx), service(ctx)];
        case "Job":
            return [job(ctx)];
    }
}

/** Marks the StatefulSet's headless Service. */
export const HEADLESS_LABEL = "vmafx.dev/headless";

/** True when the server has a Service (and so can be reached over HTTP). */
export function serverIsServing(ctx: BuildContext): boolean {
    return ctx.args.workload !== "Job";
}
