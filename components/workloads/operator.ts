// The vmafx-operator Deployment (env-only configuration; chart.md §5).
import { BuildContext, PlannedResource, namespacedMeta } from "../context";
import { imageRef } from "../naming";
import { containerPorts } from "../ports";
import { operatorServiceAccountName } from "../service-account";
import { controllerHost, controllerToken } from "./controller";
import { hardenedPodSpec, httpProbe } from "./pod";

export function operatorDeployment(ctx: BuildContext): PlannedResource[] {
    const a = ctx.args;
    const o = a.operator;
    if (!o.enabled) {
        return [];
    }
    const selector = ctx.naming.selector("operator");
    const ports = ctx.ports.operator;
    const token = controllerToken(o.controllerToken);
    const controllerEnv = a.controller.enabled
        ? [
              { name: "VMAFX_CONTROLLER_GRPC_ADDR", value: `${controllerHost(ctx)}:${ctx.ports.controller.grpc.port}` },
              { name: "VMAFX_CONTROLLER_HTTP_ADDR", value: `http://${controllerHost(ctx)}:${ctx.ports.controller.http.port}` },
          ]
        : [];
    return [
        {
            role: "operator",
            manifest: {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: namespacedMeta(ctx, ctx.naming.resource("operator"), ctx.naming.labels("operator")),
                spec: {
                    replicas: o.replicas,
                    selector: { matchLabels: selector },
                    template: {
                        metadata: { labels: selector, annotations: { "kubectl.kubernetes.io/default-container": "operator" } },
                        spec: hardenedPodSpec(ctx, {
                            containers: [
                                {
                                    name: "operator",
                                    image: imageRef(o.image, ctx.naming),
                                    imagePullPolicy: o.image.pullPolicy,
                                    env: [
                                        { name: "VMAFX_OPERATOR_METRICS_ADDR", value: `:${ports.metrics.port}` },
                                        { name: "VMAFX_OPERATOR_HEALTH_PROBE_ADDR", value: `:${ports.healthz.port}` },
                                        { name: "VMAFX_OPERATOR_LEADER_ELECTION", value: String(o.leaderElect) },
                                        { name: "VMAFX_LOG_LEVEL", value: o.logLevel },
                                        ...controllerEnv,
                                        ...token.env,
                                    ],
                                    ports: containerPorts(ctx.ports, "operator"),
                                    livenessProbe: httpProbe(ports.healthz.name, {
                                        path: "/healthz",
                                        initialDelaySeconds: 15,
                                        periodSeconds: 20,
                                        failureThreshold: 3,
                                    }),
                                    readinessProbe: httpProbe(ports.healthz.name, {
                                        path: "/readyz",
                                        initialDelaySeconds: 5,
                                        periodSeconds: 10,
                                        failureThreshold: 3,
                                    }),
                                    resources: { limits: { ...o.resources.limits }, requests: { ...o.resources.requests } },
                                    ...(token.mounts.length > 0 ? { volumeMounts: token.mounts } : {}),
                                },
                            ],
                            volumes: token.volumes,
                            serviceAccountName: operatorServiceAccountName(ctx),
                            // The operator watches and writes objects through the API server.
                            automountServiceAccountToken: true,
                            terminationGracePeriodSeconds: 10,
                            // Its own scheduling: the server's is often a GPU node selector.
                            nodeSelector: o.nodeSelector,
                            tolerations: o.tolerations,
                            affinity: o.affinity,
                            imagePullSecrets: a.imagePullSecrets,
                        }),
                    },
                },
            },
            dependsOn: ["operator-serviceaccount", "operator-rolebinding", "operator-clusterrolebinding"],
        },
    ];
}
