// PodDisruptionBudgets for the long-running components; a Job gets none.
import { BuildContext, PlannedResource, namespacedMeta } from "./context";
import { Component } from "./naming";

/** "1" -> 1, "25%" -> "25%": the int-or-string a PDB field takes. Zero stays zero (chart.md §9.14). */
export function intOrPercent(value: string): number | string {
    return value.endsWith("%") ? value : Number(value);
}

export function podDisruptionBudgets(ctx: BuildContext): PlannedResource[] {
    const pdb = ctx.args.podDisruptionBudget;
    if (!pdb.enabled) {
        return [];
    }
    const budget = pdb.minAvailable ? { minAvailable: intOrPercent(pdb.minAvailable) } : { maxUnavailable: intOrPercent(pdb.maxUnavailable) };
    const targets: { component: Component; name: string; on: boolean }[] = [
        { component: "server", name: ctx.naming.fullname, on: ctx.args.workload !== "Job" },
        { component: "node", name: ctx.naming.resource("node"), on: ctx.args.node.enabled },
        { component: "operator", name: ctx.naming.resource("operator"), on: ctx.args.operator.enabled },
    ];
    return targets
        .filter((t) => t.on)
        .map((t): PlannedResource => ({
            role: `pdb-${t.component}`,
            manifest: {
                apiVersion: "policy/v1",
                kind: "PodDisruptionBudget",
                metadata: namespacedMeta(ctx, t.name, ctx.naming.labels(t.component)),
                spec: { ...budget, selector: { matchLabels: ctx.naming.selector(t.component) } },
            },
        }));
}
