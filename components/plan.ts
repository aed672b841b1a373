// The whole release as plain data: every Kubernetes object the component registers, in
// creation order. Pure (no Pulumi resources), so tests, docs and the render share it.
import { BuildContext, PlannedResource, Role } from "./context";
import { crdResources } from "./crds";
import { ingress } from "./ingress";
import { withAdoption } from "./migration";
import { namespaceResource } from "./namespace";
import { networkPolicies } from "./network-policies";
import { podDisruptionBudgets } from "./pdb";
import { operatorRbac } from "./rbac";
import { serverServiceAccount } from "./service-account";
import { monitors } from "./monitoring";
import { configMap, otelCollectorConfig, persistentVolumeClaims, rcloneSecret } from "./storage";
import { tenants } from "./tenants";
import { controllerResources } from "./workloads/controller";
import { nodeResources } from "./workloads/node";
import { operatorDeployment } from "./workloads/operator";
import { serverResources } from "./workloads/server";
import { smokeTest } from "./workloads/smoke-test";

/**
 * Checks the order VmafxStack registers the plan in: roles are unique, and every `dependsOn`
 * entry names a role planned earlier, so the resource it names exists when the dependent is
 * registered. Throws an `internal error` naming both roles otherwise; buildPlan calls it, so a
 * plan that leaves buildPlan satisfies it.
 */
export function checkPlanOrder(planned: readonly PlannedResource[]): void {
    const planning = new Set<Role>(planned.map((r) => r.role));
    const before = new Set<Role>();
    for (const r of planned) {
        if (before.has(r.role)) {
            throw new Error(`internal error: two resources share the role "${r.role}"`);
        }
        for (const dep of r.dependsOn ?? []) {
            if (before.has(dep)) continue;
            if (dep === r.role) {
                throw new Error(`internal error: "${r.role}" depends on itself`);
            }
            if (planning.has(dep)) {
                throw new Error(
                    `internal error: "${r.role}" depends on "${dep}", which is planned after it, so it would not exist when "${r.role}" is created`,
                );
            }
            throw new Error(`internal error: "${r.role}" depends on "${dep}", which this release does not plan`);
        }
        before.add(r.role);
    }
}

export function buildPlan(ctx: BuildContext): PlannedResource[] {
    const plan = [
        // Cluster-scoped, and the kinds of the tenants below.
        ...crdResources(ctx),
        ...namespaceResource(ctx),
        // Policies first, so no pod ever runs unisolated when the bundle is on.
        ...networkPolicies(ctx),
        ...serverServiceAccount(ctx),
        configMap(ctx),
        ...rcloneSecret(ctx),
        ...persistentVolumeClaims(ctx),
        ...otelCollectorConfig(ctx),
        ...operatorRbac(ctx),
        ...controllerResources(ctx),
        ...tenants(ctx),
        ...serverResources(ctx),
        ...nodeResources(ctx),
        ...operatorDeployment(ctx),
        ...ingress(ctx),
        ...podDisruptionBudgets(ctx),
        ...monitors(ctx),
        ...smokeTest(ctx),
    ];
    checkPlanOrder(plan);
    return withAdoption(ctx, plan);
}
