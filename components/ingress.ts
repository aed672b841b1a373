// Optional Ingress to the server Service.
import { BuildContext, PlannedResource, namespacedMeta, nonEmpty } from "./context";
import { serverIsServing } from "./workloads/server";

export function ingress(ctx: BuildContext): PlannedResource[] {
    const ing = ctx.args.ingress;
    if (!ing.enabled) {
        return [];
    }
    return [
        {
            role: "ingress",
            manifest: {
                apiVersion: "networking.k8s.io/v1",
                kind: "Ingress",
                metadata: namespacedMeta(ctx, ctx.naming.fullname, ctx.naming.labels("server"), nonEmpty(ing.annotations)),
                spec: {
                    ...(ing.className ? { ingressClassName: ing.className } : {}),
                    ...(ing.tls.length > 0 ? { tls: ing.tls.map((t) => ({ ...t })) } : {}),
                    rules: ing.hosts.map((h) => ({
                        host: h.host,
                        http: {
                            paths: (h.paths ?? [{ path: "/" }]).map((p) => ({
                                path: p.path,
                                pathType: p.pathType ?? "Prefix",
                                backend: { service: { name: ctx.naming.fullname, port: { name: "http" } } },
                            })),
                        },
                    })),
                },
            },
            // The Job workload has no Service (an Ingress there routes nowhere, as the chart's did).
            dependsOn: serverIsServing(ctx) ? ["server-service"] : [],
        },
    ];
}
