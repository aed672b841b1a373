// The operator's ServiceAccount and RBAC (chart.md §5). Cluster-scoped names carry the
// namespace so two releases with one fullname in two namespaces do not collide (§9.4).
import type * as k8s from "@pulumi/kubernetes";
import { BuildContext, PlannedResource, namespacedMeta } from "./context";
import { VMAFX_CRDS, VMAFX_GROUP } from "./crds";
import { operatorServiceAccountName } from "./service-account";

const CRUD = ["get", "list", "watch", "create", "update", "patch", "delete"];
const STATUS = ["get", "update", "patch"];

/** Custom resources (plurals) the operator reconciles, each with its status and finalizers subresources; the CRD data is the one list of them. */
export const OPERATOR_CRDS: readonly string[] = VMAFX_CRDS.filter((c) => c.reconciledByOperator).map((c) => c.plural);

/** ClusterRole rules. VmafxTenant access is not granted: only the controller reads tenants (ADR-1592). */
export function operatorClusterRules(): k8s.types.input.rbac.v1.PolicyRule[] {
    return OPERATOR_CRDS.flatMap((r): k8s.types.input.rbac.v1.PolicyRule[] => [
        { apiGroups: [VMAFX_GROUP], resources: [r], verbs: [...CRUD] },
        { apiGroups: [VMAFX_GROUP], resources: [`${r}/status`], verbs: [...STATUS] },
        { apiGroups: [VMAFX_GROUP], resources: [`${r}/finalizers`], verbs: ["update"] },
    ]);
}

/** Role rules in the release namespace: pods it runs, events it records, its leader lease. */
export function operatorNamespaceRules(): k8s.types.input.rbac.v1.PolicyRule[] {
    return [
        { apiGroups: [""], resources: ["pods"], verbs: [...CRUD] },
        { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: [...CRUD] },
    ];
}

/** `<fullname>-<namespace>-<suffix>`: unique across namespaces. */
export function clusterScopedName(ctx: BuildContext, suffix: string): string {
    return ctx.naming.resource(`${ctx.naming.namespace}-${suffix}`);
}

export function operatorRbac(ctx: BuildContext): PlannedResource[] {
    if (!ctx.args.operator.enabled) {
        return [];
    }
    const labels = ctx.naming.labels("operator");
    const sa = operatorServiceAccountName(ctx);
    const subject: k8s.types.input.rbac.v1.Subject[] = [{ kind: "ServiceAccount", name: sa, namespace: ctx.naming.namespace }];
    const clusterRole = clusterScopedName(ctx, "operator-crds");
    const role = ctx.naming.resource("operator-ns");
    return [
        {
            role: "operator-serviceaccount",
            manifest: { apiVersion: "v1", kind: "ServiceAccount", metadata: namespacedMeta(ctx, sa, labels), automountServiceAccountToken: true },
        },
        {
            role: "operator-clusterrole",
            manifest: {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRole",
                metadata: { name: clusterRole, labels },
                rules: operatorClusterRules(),
            },
        },
        {
            role: "operator-clusterrolebinding",
            manifest: {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRoleBinding",
                metadata: { name: clusterScopedName(ctx, "operator-crds-binding"), labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
                subjects: subject,
            },
            dependsOn: ["operator-clusterrole", "operator-serviceaccount"],
        },
        {
            role: "operator-role",
            manifest: {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "Role",
                metadata: namespacedMeta(ctx, role, labels),
                rules: operatorNamespaceRules(),
            },
        },
        {
            role: "operator-rolebinding",
            manifest: {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "RoleBinding",
                metadata: namespacedMeta(ctx, ctx.naming.resource("operator-ns-binding"), labels),
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
                subjects: subject,
            },
            dependsOn: ["operator-role", "operator-serviceaccount"],
        },
    ];
}
