// The operator's ServiceAccount and RBAC (chart.md §5). Cluster-scoped names carry the
// namespace so two releases with one fullname in two namespaces do not collide (§9.4).
import type * as k8s from "@pulumi/kubernetes";
import { BuildContext, PlannedResource, Role, namespacedMeta } from "./context";
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

/** A Role in the release namespace and its RoleBinding to one of the release's ServiceAccounts. */
export function namespacedRole(
    ctx: BuildContext,
    r: {
        /** Roles of the Role and of its binding in the plan. */
        roles: [Role, Role];
        name: string;
        bindingName: string;
        labels: Record<string, string>;
        rules: k8s.types.input.rbac.v1.PolicyRule[];
        serviceAccount: { name: string; role: Role };
    },
): PlannedResource[] {
    const [roleRole, bindingRole] = r.roles;
    return [
        {
            role: roleRole,
            manifest: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: namespacedMeta(ctx, r.name, r.labels), rules: r.rules },
        },
        {
            role: bindingRole,
            manifest: {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "RoleBinding",
                metadata: namespacedMeta(ctx, r.bindingName, r.labels),
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: r.name },
                subjects: [{ kind: "ServiceAccount", name: r.serviceAccount.name, namespace: ctx.naming.namespace }],
            },
            dependsOn: [roleRole, r.serviceAccount.role],
        },
    ];
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
        ...namespacedRole(ctx, {
            roles: ["operator-role", "operator-rolebinding"],
            name: role,
            bindingName: ctx.naming.resource("operator-ns-binding"),
            labels,
            rules: operatorNamespaceRules(),
            serviceAccount: { name: sa, role: "operator-serviceaccount" },
        }),
    ];
}
