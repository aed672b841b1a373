// ServiceAccounts. The server and node pods never call the API server, so their account
// exists without RBAC and without an automounted token (chart.md §9.25).
import { BuildContext, PlannedResource, namespacedMeta, nonEmpty } from "./context";

/** The account server, node and smoke-test pods run as. */
export function serverServiceAccountName(ctx: BuildContext): string {
    const sa = ctx.args.serviceAccount;
    return sa.name || (sa.create ? ctx.naming.fullname : "default");
}

/** The operator's own account: always created with the operator, never derived from `default`. */
export function operatorServiceAccountName(ctx: BuildContext): string {
    return ctx.naming.resource("operator");
}

/** The controller's own account: created with the controller, never derived from `default` (chart.md §9.25 is the chart's version). */
export function controllerServiceAccountName(ctx: BuildContext): string {
    return ctx.naming.resource("controller");
}

export function serverServiceAccount(ctx: BuildContext): PlannedResource[] {
    if (!ctx.args.serviceAccount.create) {
        return [];
    }
    return [
        {
            role: "serviceaccount",
            manifest: {
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: namespacedMeta(ctx, serverServiceAccountName(ctx), ctx.naming.labels(), nonEmpty(ctx.args.serviceAccount.annotations)),
                automountServiceAccountToken: false,
            },
        },
    ];
}
