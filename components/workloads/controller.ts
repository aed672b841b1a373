// The vmafx-controller (the chart's G4 controller.yaml): ServiceAccount, data claim, the
// tenant-registry Role, Deployment (Recreate, one replica: the SQLite queue has one writer) and
// Service. Auth settings reach the controller only, never the server.
import { BuildContext, PlannedResource, namespacedMeta, nonEmpty } from "../context";
import { VMAFX_GROUP, vmafxCrd } from "../crds";
import { imageRef } from "../naming";
import { namespacedRole } from "../rbac";
import { containerPorts } from "../ports";
import { controllerServiceAccountName } from "../service-account";
import { EnvVar, Volume, VolumeMount, envFromMap, hardenedPodSpec, httpProbe } from "./pod";

export const CONTROLLER_DATA_PATH = "/data";
export const CONTROLLER_DB_FILE = `${CONTROLLER_DATA_PATH}/vmafx-controller.db`;

/** Where a controller token Secret is mounted, and the file the binaries read. */
export const CONTROLLER_TOKEN_DIR = "/var/run/secrets/vmafx/controller-token";
export const CONTROLLER_TOKEN_FILE = `${CONTROLLER_TOKEN_DIR}/token`;

/** Env names the controller reads for auth; they come from `auth.*`, so controller.env may not set them. */
export const AUTH_ENV_NAMES = [
    "VMAFX_AUTH_DISABLED",
    "VMAFX_AUTH_TENANTS_SOURCE",
    "VMAFX_AUTH_TENANTS_NAMESPACE",
    "VMAFX_JWKS_ENDPOINT",
    "VMAFX_AUTH_ISSUER",
    "VMAFX_AUTH_AUDIENCE",
    "VMAFX_AUTH_TENANT_CLAIM",
    "VMAFX_AUTH_ROLES_CLAIM",
    "VMAFX_SCORING_ROOTS",
] as const;

/** The tenant source: auth.tenantSource, else `kubernetes` when tenants are listed (the chart's vmafx.tenantSource). */
export function tenantSource(args: BuildContext["args"]): string {
    return args.auth.tenantSource || (args.auth.tenants.length > 0 ? "kubernetes" : "");
}

/** True when the controller reads VmafxTenant objects through the API server. */
export function tenantRegistry(ctx: BuildContext): boolean {
    return ctx.args.controller.enabled && ctx.args.auth.enabled && tenantSource(ctx.args) === "kubernetes";
}

/** `<fullname>-controller.<namespace>.svc`: the controller Service's in-cluster name. */
export function controllerHost(ctx: BuildContext): string {
    return `${ctx.naming.resource("controller")}.${ctx.naming.namespace}.svc`;
}

/** The gRPC address nodes and the operator dial: node.controllerAddr, else the release's controller, else "" (standalone). */
export function nodeControllerAddr(ctx: BuildContext): string {
    const a = ctx.args;
    if (a.node.controllerAddr) return a.node.controllerAddr;
    return a.controller.enabled ? `${controllerHost(ctx)}:${ctx.ports.controller.grpc.port}` : "";
}

/** The env of the controller's auth (the chart's vmafx.controllerAuthEnv). */
function authEnv(ctx: BuildContext): EnvVar[] {
    const auth = ctx.args.auth;
    const env: EnvVar[] = [{ name: "VMAFX_AUTH_DISABLED", value: String(auth.disabled) }];
    if (tenantSource(ctx.args) === "kubernetes") {
        env.push({ name: "VMAFX_AUTH_TENANTS_SOURCE", value: "kubernetes" }, { name: "VMAFX_AUTH_TENANTS_NAMESPACE", value: ctx.naming.namespace });
        return env;
    }
    const optional: [string, string][] = [
        ["VMAFX_JWKS_ENDPOINT", auth.jwksEndpoint],
        ["VMAFX_AUTH_ISSUER", auth.issuer],
        ["VMAFX_AUTH_AUDIENCE", auth.audience],
        ["VMAFX_AUTH_TENANT_CLAIM", auth.tenantClaim],
        ["VMAFX_AUTH_ROLES_CLAIM", auth.rolesClaim],
        ["VMAFX_SCORING_ROOTS", auth.scoringRoots.join(",")],
    ];
    for (const [name, value] of optional) if (value) env.push({ name, value });
    return env;
}

/** Volume, mount and env of a controller token Secret, or nothing when no Secret is named. */
export function controllerToken(token: { secretName: string; key: string }): { volumes: Volume[]; mounts: VolumeMount[]; env: EnvVar[] } {
    if (!token.secretName) return { volumes: [], mounts: [], env: [] };
    return {
        volumes: [{ name: "controller-token", secret: { secretName: token.secretName, defaultMode: 0o400, items: [{ key: token.key, path: "token" }] } }],
        mounts: [{ name: "controller-token", mountPath: CONTROLLER_TOKEN_DIR, readOnly: true }],
        env: [{ name: "VMAFX_CONTROLLER_TOKEN_FILE", value: CONTROLLER_TOKEN_FILE }],
    };
}

/** True when the component creates the controller's data claim. */
function createsDataClaim(ctx: BuildContext): boolean {
    const p = ctx.args.controller.persistence;
    return p.enabled && !p.existingClaim;
}

export function controllerResources(ctx: BuildContext): PlannedResource[] {
    const a = ctx.args;
    const c = a.controller;
    if (!c.enabled) {
        return [];
    }
    const labels = ctx.naming.labels("controller");
    const selector = ctx.naming.selector("controller");
    const sa = controllerServiceAccountName(ctx);
    const ports = ctx.ports.controller;
    const registry = tenantRegistry(ctx);
    const out: PlannedResource[] = [
        {
            role: "controller-serviceaccount",
            manifest: {
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: namespacedMeta(ctx, sa, labels, nonEmpty(a.serviceAccount.annotations)),
                // Only the tenant registry calls the API server.
                automountServiceAccountToken: registry,
            },
        },
    ];
    if (createsDataClaim(ctx)) {
        out.push({
            role: "controller-data",
            manifest: {
                apiVersion: "v1",
                kind: "PersistentVolumeClaim",
                metadata: namespacedMeta(ctx, ctx.naming.resource("controller-data"), labels),
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    ...(c.persistence.storageClass ? { storageClassName: c.persistence.storageClass } : {}),
                    resources: { requests: { storage: c.persistence.size } },
                },
            },
        });
    }
    if (registry) {
        out.push(
            ...namespacedRole(ctx, {
                roles: ["controller-tenant-role", "controller-tenant-rolebinding"],
                name: ctx.naming.resource("controller-tenants"),
                bindingName: ctx.naming.resource("controller-tenants-binding"),
                labels,
                // Read-only, in the release namespace only: the controller alone reads tenants.
                rules: [{ apiGroups: [VMAFX_GROUP], resources: [vmafxCrd("VmafxTenant").plural], verbs: ["get", "list", "watch"] }],
                serviceAccount: { name: sa, role: "controller-serviceaccount" },
            }),
        );
    }
    const dataVolume: Volume = c.persistence.enabled
        ? { name: "data", persistentVolumeClaim: { claimName: c.persistence.existingClaim || ctx.naming.resource("controller-data") } }
        : { name: "data", emptyDir: {} };
    const env: EnvVar[] = [
        { name: "VMAFX_HTTP_ADDR", value: `:${ports.http.port}` },
        { name: "VMAFX_GRPC_LISTEN", value: `:${ports.grpc.port}` },
        { name: "VMAFX_DB_PATH", value: CONTROLLER_DB_FILE },
        ...authEnv(ctx),
        ...envFromMap(c.env),
    ];
    out.push(
        {
            role: "controller",
            manifest: {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: namespacedMeta(ctx, ctx.naming.resource("controller"), labels),
                spec: {
                    // One writer of the SQLite queue: never two pods at once, also not during a rollout.
                    replicas: 1,
                    strategy: { type: "Recreate" },
                    selector: { matchLabels: selector },
                    template: {
                        metadata: { labels: selector, ...(nonEmpty(a.podAnnotations) ? { annotations: a.podAnnotations } : {}) },
                        spec: hardenedPodSpec(ctx, {
                            containers: [
                                {
                                    name: "vmafx-controller",
                                    image: imageRef(c.image, ctx.naming),
                                    imagePullPolicy: c.image.pullPolicy,
                                    ports: containerPorts(ctx.ports, "controller"),
                                    env,
                                    livenessProbe: httpProbe(ports.http.name, {
                                        path: "/healthz",
                                        initialDelaySeconds: 10,
                                        periodSeconds: 20,
                                        failureThreshold: 3,
                                    }),
                                    readinessProbe: httpProbe(ports.http.name, {
                                        path: "/readyz",
                                        initialDelaySeconds: 5,
                                        periodSeconds: 10,
                                        failureThreshold: 3,
                                    }),
                                    resources: { limits: { ...c.resources.limits }, requests: { ...c.resources.requests } },
                                    volumeMounts: [{ name: "data", mountPath: CONTROLLER_DATA_PATH }],
                                },
                            ],
                            volumes: [dataVolume],
                            serviceAccountName: sa,
                            automountServiceAccountToken: registry,
                            terminationGracePeriodSeconds: a.terminationGracePeriodSeconds,
                            nodeSelector: c.nodeSelector,
                            tolerations: c.tolerations,
                            imagePullSecrets: a.imagePullSecrets,
                        }),
                    },
                },
            },
            dependsOn: [
                "controller-serviceaccount",
                ...(createsDataClaim(ctx) ? (["controller-data"] as const) : []),
                ...(registry ? (["controller-tenant-rolebinding"] as const) : []),
            ],
        },
        {
            role: "controller-service",
            manifest: {
                apiVersion: "v1",
                kind: "Service",
                metadata: namespacedMeta(ctx, ctx.naming.resource("controller"), labels),
                spec: {
                    type: "ClusterIP",
                    selector,
                    ports: Object.values(ports).map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol })),
                },
            },
        },
    );
    return out;
}
