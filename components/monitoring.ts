// Prometheus Operator monitors (the chart's servicemonitor.yaml, completed): a ServiceMonitor
// for each component with a metrics Service (server, node pool, controller) and a PodMonitor
// for the operator, which has no Service. Every monitor scrapes the port the NetworkPolicy
// bundle's metrics flows open (./flows.ts reads the same table, metricsTargets).
import { BuildContext, PlannedResource, ScrapeEndpoint } from "./context";
import { Component } from "./naming";
import { HEADLESS_LABEL, serverIsServing } from "./workloads/server";

export interface MetricsTarget {
    readonly component: Component;
    /** Name of the scraped port (a Service port, or the container port for a PodMonitor). */
    readonly portName: string;
    readonly port: number;
    readonly monitor: "ServiceMonitor" | "PodMonitor";
}

/** The metrics endpoint of every component that runs in this release. */
export function metricsTargets(ctx: BuildContext): MetricsTarget[] {
    const a = ctx.args;
    const p = ctx.ports;
    const all: (MetricsTarget & { on: boolean })[] = [
        { component: "server", portName: p.server.http.name, port: p.server.http.port, monitor: "ServiceMonitor", on: serverIsServing(ctx) },
        { component: "node", portName: p.node.metrics.name, port: p.node.metrics.port, monitor: "ServiceMonitor", on: a.node.enabled },
        { component: "operator", portName: p.operator.metrics.name, port: p.operator.metrics.port, monitor: "PodMonitor", on: a.operator.enabled },
        { component: "controller", portName: p.controller.http.name, port: p.controller.http.port, monitor: "ServiceMonitor", on: a.controller.enabled },
    ];
    return all.filter((t) => t.on).map(({ on: _on, ...t }) => t);
}

export function monitors(ctx: BuildContext): PlannedResource[] {
    const m = ctx.args.monitoring;
    if (!m.enabled) {
        return [];
    }
    const sm = m.serviceMonitor;
    const namespace = sm.namespace || ctx.naming.namespace;
    return metricsTargets(ctx).map((t): PlannedResource<"ServiceMonitor" | "PodMonitor"> => {
        const endpoint: ScrapeEndpoint = {
            port: t.portName,
            path: sm.path,
            scheme: sm.scheme,
            interval: sm.interval,
            scrapeTimeout: sm.scrapeTimeout,
            honorLabels: sm.honorLabels,
        };
        const selector = {
            matchLabels: ctx.naming.selector(t.component),
            ...(t.component === "server" ? { matchExpressions: [{ key: HEADLESS_LABEL, operator: "DoesNotExist" as const }] } : {}),
        };
        const spec = {
            selector,
            // A monitor outside the release namespace selects in its own namespace unless told
            // otherwise; the chart's never was, so it scraped nothing (its bug §9.21).
            ...(namespace !== ctx.naming.namespace ? { namespaceSelector: { matchNames: [ctx.naming.namespace] } } : {}),
            ...(t.monitor === "ServiceMonitor" ? { endpoints: [endpoint] } : { podMetricsEndpoints: [endpoint] }),
        };
        const metadata = {
            name: t.component === "server" ? ctx.naming.fullname : ctx.naming.resource(t.component),
            namespace,
            labels: { ...ctx.naming.labels(t.component), ...sm.labels },
        };
        return {
            role: `monitor-${t.component}`,
            manifest:
                t.monitor === "ServiceMonitor"
                    ? { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata, spec }
                    : { apiVersion: "monitoring.coreos.com/v1", kind: "PodMonitor", metadata, spec },
        };
    });
}
