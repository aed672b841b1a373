// What every builder needs, computed once per release from the resolved args, and the types of
// what builders produce. The Kubernetes types are the provider's input types, imported for
// types only: the pure plan loads no @pulumi module at run time.
import type * as k8s from "@pulumi/kubernetes";
import { ResolvedArgs } from "./defaults";
import { Component, Naming, makeNaming } from "./naming";
import { PortTable, makePorts } from "./ports";
import { Hardening, makeHardening } from "./security";
import type { VolumeKey } from "./storage";

export interface BuildContext {
    readonly args: ResolvedArgs;
    readonly naming: Naming;
    readonly ports: PortTable;
    readonly hardening: Hardening;
}

export function makeContext(args: ResolvedArgs): BuildContext {
    return { args, naming: makeNaming(args), ports: makePorts(args), hardening: makeHardening(args) };
}

/**
 * Object metadata as the builders write it: name, namespace, labels and annotations are plain
 * strings (Output args reach the plan as placeholder strings; the render, the docs and
 * VmafxStack read these back), the rest is the provider's ObjectMeta.
 */
export type ManifestMetadata = Omit<k8s.types.input.meta.v1.ObjectMeta, "name" | "namespace" | "labels" | "annotations"> & {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
};

/**
 * The provider's input type `T` of one Kubernetes object (`k8s.types.input.apps.v1.Deployment`
 * and the like) with its apiVersion and kind fixed and its metadata required: an object literal
 * typed so gets its fields checked, so a misspelt field fails type checking.
 */
export type TypedManifest<T, A extends string, K extends string> = Omit<T, "apiVersion" | "kind" | "metadata"> & {
    apiVersion: A;
    kind: K;
    metadata: ManifestMetadata;
};

/** A label selector of a custom resource's spec. */
export interface SelectorSpec {
    matchLabels: Record<string, string>;
    matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

/** One scrape endpoint of a ServiceMonitor (`port`) or PodMonitor (`podMetricsEndpoints`), the fields the component sets. */
export interface ScrapeEndpoint {
    port: string;
    path: string;
    scheme: string;
    interval: string;
    scrapeTimeout: string;
    honorLabels: boolean;
}

/** The fields of monitoring.coreos.com/v1 ServiceMonitor and PodMonitor specs the component sets. */
export interface MonitorSpec {
    selector: SelectorSpec;
    namespaceSelector?: { matchNames: string[] };
    jobLabel?: string;
    endpoints?: ScrapeEndpoint[];
    podMetricsEndpoints?: ScrapeEndpoint[];
}

/** spec of a vmafx.dev/v1 VmafxTenant (the fields of its CRD's schema). */
export interface VmafxTenantSpec {
    tenantId: string;
    enabled: boolean;
    oidc: { issuer: string; jwksEndpoint: string; audience?: string; tenantClaim?: string; rolesClaim?: string };
    rbac?: { defaultRole?: string; allowedRoles?: string[] };
}

/** Every kind the component registers, with its manifest type (VmafxStack has a resource class for each). */
export interface ManifestTypes {
    Namespace: TypedManifest<k8s.types.input.core.v1.Namespace, "v1", "Namespace">;
    ServiceAccount: TypedManifest<k8s.types.input.core.v1.ServiceAccount, "v1", "ServiceAccount">;
    ConfigMap: TypedManifest<k8s.types.input.core.v1.ConfigMap, "v1", "ConfigMap">;
    Secret: TypedManifest<k8s.types.input.core.v1.Secret, "v1", "Secret">;
    Service: TypedManifest<k8s.types.input.core.v1.Service, "v1", "Service">;
    PersistentVolumeClaim: TypedManifest<k8s.types.input.core.v1.PersistentVolumeClaim, "v1", "PersistentVolumeClaim">;
    Deployment: TypedManifest<k8s.types.input.apps.v1.Deployment, "apps/v1", "Deployment">;
    StatefulSet: TypedManifest<k8s.types.input.apps.v1.StatefulSet, "apps/v1", "StatefulSet">;
    Job: TypedManifest<k8s.types.input.batch.v1.Job, "batch/v1", "Job">;
    Ingress: TypedManifest<k8s.types.input.networking.v1.Ingress, "networking.k8s.io/v1", "Ingress">;
    NetworkPolicy: TypedManifest<k8s.types.input.networking.v1.NetworkPolicy, "networking.k8s.io/v1", "NetworkPolicy">;
    PodDisruptionBudget: TypedManifest<k8s.types.input.policy.v1.PodDisruptionBudget, "policy/v1", "PodDisruptionBudget">;
    ClusterRole: TypedManifest<k8s.types.input.rbac.v1.ClusterRole, "rbac.authorization.k8s.io/v1", "ClusterRole">;
    ClusterRoleBinding: TypedManifest<k8s.types.input.rbac.v1.ClusterRoleBinding, "rbac.authorization.k8s.io/v1", "ClusterRoleBinding">;
    Role: TypedManifest<k8s.types.input.rbac.v1.Role, "rbac.authorization.k8s.io/v1", "Role">;
    RoleBinding: TypedManifest<k8s.types.input.rbac.v1.RoleBinding, "rbac.authorization.k8s.io/v1", "RoleBinding">;
    CustomResourceDefinition: TypedManifest<k8s.types.input.apiextensions.v1.CustomResourceDefinition, "apiextensions.k8s.io/v1", "CustomResourceDefinition">;
    ServiceMonitor: TypedManifest<{ spec: MonitorSpec }, "monitoring.coreos.com/v1", "ServiceMonitor">;
    PodMonitor: TypedManifest<{ spec: MonitorSpec }, "monitoring.coreos.com/v1", "PodMonitor">;
    VmafxTenant: TypedManifest<{ spec: VmafxTenantSpec }, "vmafx.dev/v1", "VmafxTenant">;
}

export type ManifestKind = keyof ManifestTypes;

/**
 * A Kubernetes object as the component registers it: `Manifest<"Deployment">` is a Deployment,
 * bare `Manifest` the union of every kind (discriminated by `kind`). Fields below the metadata
 * are the provider's input types, so they may hold Pulumi Inputs.
 */
export type Manifest<K extends ManifestKind = ManifestKind> = ManifestTypes[K];

/** The pod spec every workload builder produces (./workloads/pod.ts). */
export type PodSpec = k8s.types.input.core.v1.PodSpec;

/**
 * Every role a builder declares: the suffix of a child's Pulumi name, and what `dependsOn`
 * entries name. A misspelt role in a `dependsOn` fails type checking; one that names a role
 * this release does not plan, or plans later, fails buildPlan (./plan.ts, checkPlanOrder).
 */
export type Role =
    // ./namespace.ts
    | "namespace"
    // ./network-policies.ts
    | `netpol-${string}`
    // ./service-account.ts
    | "serviceaccount"
    // ./storage.ts
    | "config"
    | "rclone-config"
    | `pvc-${VolumeKey}`
    // ./rbac.ts
    | "operator-serviceaccount"
    | "operator-clusterrole"
    | "operator-clusterrolebinding"
    | "operator-role"
    | "operator-rolebinding"
    // ./workloads/server.ts
    | "server-headless"
    | "server"
    | "server-service"
    // ./workloads/node.ts
    | "node"
    | "node-service"
    // ./workloads/operator.ts
    | "operator"
    // ./ingress.ts
    | "ingress"
    // ./pdb.ts
    | `pdb-${Component}`
    // ./workloads/smoke-test.ts
    | "smoke-test"
    // ./crds.ts
    | `crd-${string}`
    // ./monitoring.ts
    | `monitor-${Component}`
    // ./workloads/controller.ts
    | "controller-serviceaccount"
    | "controller-data"
    | "controller-tenant-role"
    | "controller-tenant-rolebinding"
    | "controller"
    | "controller-service"
    // ./tenants.ts
    | `tenant-${string}`
    // ./storage.ts
    | "otel-collector-config";

/** One child resource of the component. */
export interface PlannedResource<K extends ManifestKind = ManifestKind> {
    /** Suffix of the child's Pulumi name (`<component name>-<role>`); unique within a release. */
    readonly role: Role;
    readonly manifest: Manifest<K>;
    /** Roles this resource must be created after; each is planned before it (checkPlanOrder). */
    readonly dependsOn?: readonly Role[];
    /** Leave the object in the cluster when Pulumi deletes it (CRDs: deleting one deletes every object of its kind). */
    readonly retainOnDelete?: boolean;
}

/** Object metadata in the release namespace. */
export function namespacedMeta(ctx: BuildContext, name: string, labels: Record<string, string>, annotations?: Record<string, string>) {
    return {
        name,
        namespace: ctx.naming.namespace,
        labels,
        ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
    };
}

/** Copies a map only when it has entries, so empty options leave no trace in manifests. */
export function nonEmpty<T extends object>(value: T | undefined): T | undefined {
    return value && Object.keys(value).length > 0 ? value : undefined;
}
