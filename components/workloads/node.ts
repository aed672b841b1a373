// The vmafx-node worker pool: Deployment + Service (gRPC and metrics).
import type * as k8s from "@pulumi/kubernetes";
import { BuildContext, PlannedResource, namespacedMeta, nonEmpty } from "../context";
import { backendFor, withGpu } from "../gpu";
import { imageRef } from "../naming";
import { containerPorts } from "../ports";
import { serverServiceAccountName } from "../service-account";
import { RCLONE_FILE, RCLONE_MOUNT_PATH, claimName, hasRcloneConfig } from "../storage";
import { controllerToken, nodeControllerAddr } from "./controller";
import { EnvVar, Volume, VolumeMount, envFromMap, hardenedPodSpec } from "./pod";

export const VMAF_BINARY = "/usr/local/bin/vmaf";

function tcpProbe(port: string, initialDelaySeconds: number, periodSeconds: number): k8s.types.input.core.v1.Probe {
    return { tcpSocket: { port }, initialDelaySeconds, periodSeconds, failureThreshold: 3 };
}

export function nodeResources(ctx: BuildContext): PlannedResource[] {
    const a = ctx.args;
    const n = a.node;
    if (!n.enabled) {
        return [];
    }
    const grpc = ctx.ports.node.grpc;
    const env: EnvVar[] = [];
    // Only with a controller (node.controllerAddr or the release's): without one the node runs
    // standalone, instead of dialling a Service that does not exist (the chart's bug §9.19).
    const controllerAddr = nodeControllerAddr(ctx);
    if (controllerAddr) env.push({ name: "VMAFX_CONTROLLER_ADDR", value: controllerAddr });
    env.push(
        { name: "VMAFX_GRPC_LISTEN", value: `:${grpc.port}` },
        { name: "VMAFX_NODE_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "VMAFX_BACKEND", value: backendFor(a.gpu) },
        { name: "VMAFX_STORAGE_MODE", value: a.storage.mode },
        { name: "VMAFX_VMAF_BINARY", value: VMAF_BINARY },
    );
    const volumes: Volume[] = [];
    const mounts: VolumeMount[] = [];
    if (hasRcloneConfig(ctx)) {
        env.push({ name: "VMAFX_RCLONE_CONFIG", value: `${RCLONE_MOUNT_PATH}/${RCLONE_FILE}` });
        volumes.push({ name: "rclone-config", secret: { secretName: ctx.naming.resource("rclone-config"), defaultMode: 0o400 } });
        mounts.push({ name: "rclone-config", mountPath: RCLONE_MOUNT_PATH, readOnly: true });
    }
    if (a.persistence.models.enabled) {
        // Without the models volume the image's built-in model directory is used (chart.md §9.12).
        env.push({ name: "VMAFX_MODEL_DIR", value: a.persistence.models.mountPath });
        volumes.push({ name: "models", persistentVolumeClaim: { claimName: claimName(ctx, "models"), readOnly: true } });
        mounts.push({ name: "models", mountPath: a.persistence.models.mountPath, readOnly: true });
    }
    const token = controllerToken(n.controllerToken);
    env.push(...token.env);
    volumes.push(...token.volumes);
    mounts.push(...token.mounts);
    env.push(...envFromMap(a.env));
    const hasOwnResources = Object.keys(n.resources.limits).length + Object.keys(n.resources.requests).length > 0;
    const selector = ctx.naming.selector("node");
    return [
        {
            role: "node",
            manifest: {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: namespacedMeta(ctx, ctx.naming.resource("node"), ctx.naming.labels("node")),
                spec: {
                    replicas: n.replicas,
                    selector: { matchLabels: selector },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                    template: {
                        metadata: { labels: selector, ...(nonEmpty(a.podAnnotations) ? { annotations: a.podAnnotations } : {}) },
                        spec: hardenedPodSpec(ctx, {
                            containers: [
                                {
                                    name: "vmafx-node",
                                    image: imageRef(n.image, ctx.naming),
                                    imagePullPolicy: n.image.pullPolicy,
                                    ports: containerPorts(ctx.ports, "node"),
                                    env,
                                    resources: withGpu(a.gpu, hasOwnResources ? n.resources : a.resources),
                                    livenessProbe: tcpProbe(grpc.name, 15, 30),
                                    readinessProbe: tcpProbe(grpc.name, 5, 10),
                                    volumeMounts: mounts,
                                },
                            ],
                            volumes,
                            serviceAccountName: serverServiceAccountName(ctx),
                            automountServiceAccountToken: false,
                            terminationGracePeriodSeconds: a.terminationGracePeriodSeconds,
                            nodeSelector: nonEmpty(n.nodeSelector) ?? a.scheduling.nodeSelector,
                            tolerations: n.tolerations.length > 0 ? n.tolerations : a.scheduling.tolerations,
                            affinity: a.scheduling.affinity,
                            imagePullSecrets: a.imagePullSecrets,
                        }),
                    },
                },
            },
        },
        {
            role: "node-service",
            manifest: {
                apiVersion: "v1",
                kind: "Service",
                metadata: namespacedMeta(ctx, ctx.naming.resource("node"), ctx.naming.labels("node")),
                spec: {
                    type: "ClusterIP",
                    selector,
                    ports: Object.values(ctx.ports.node).map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol })),
                },
            },
        },
    ];
}
