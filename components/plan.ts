// The whole release as plain data: every Kubernetes object the component registers, in
// creation order. Pure (no Pulumi resources), so tests, docs and the render share it.
import { BuildContext, PlannedResource } from "./context";
import { ingress } from "./ingress";
import { namespaceResource } from "./namespace";
import { networkPolicies } from "./network-policies";
import { podDisruptionBudgets } from "./pdb";
import { operatorRbac } from "./rbac";
import { serverServiceAccount } from "./service-account";
import { configMap, persistentVolumeClaims, rcloneSecret } from "./storage";
import { nodeResources } from "./workloads/node";
import { operatorDeployment } from "./workloads/operator";
import { serverResources } from "./workloads/server";
import { smokeTest } from "./workloads/smoke-test";

export function buildPlan(ctx: BuildContext): PlannedResource[] {
    const plan = [
        ...namespaceResource(ctx),
        // Policies first, so no pod ever runs unisolated when the bundle is on.
        ...networkPolicies(ctx),
        ...serverServiceAccount(ctx),
        configMap(ctx),
        ...rcloneSecret(ctx),
        ...persistentVolumeClaims(ctx),
        ...operatorRbac(ctx),
        ...serverResources(ctx),
        ...nodeResources(ctx),
        ...operatorDeployment(ctx),
        ...ingress(ctx),
        ...podDisruptionBudgets(ctx),
        ...smokeTest(ctx),
    ];
    const roles = new Set<string>();
    for (const r of plan) {
        if (roles.has(r.role)) {
            throw new Error(`internal error: two resources share the role "${r.role}"`);
        }
        roles.add(r.role);
    }
    return plan;
}
