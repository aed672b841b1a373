// The named ports of every component, computed once per release. Containers, Services,
// probes, NetworkPolicies and the generated docs all read this table.
import { ResolvedArgs } from "./defaults";
import { Component } from "./naming";

export interface NamedPort {
    readonly name: string;
    readonly port: number;
    readonly protocol: "TCP" | "UDP" | "SCTP";
    /** What listens there. */
    readonly purpose: string;
}

export type PortTable = Readonly<Record<Component, Readonly<Record<string, NamedPort>>>>;

/** Fixed by the operator binary (env-only configuration, chart.md §5). */
export const OPERATOR_METRICS_PORT = 8080;
export const OPERATOR_HEALTH_PORT = 8081;
export const DNS_PORT = 53;

export function makePorts(args: ResolvedArgs): PortTable {
    return {
        server: {
            http: { name: "http", port: args.service.targetPort, protocol: "TCP", purpose: "scoring API, /healthz, /readyz, /metrics" },
        },
        node: {
            grpc: { name: "grpc", port: args.node.grpcPort, protocol: "TCP", purpose: "scoring work from the server" },
            metrics: { name: "metrics", port: args.node.metricsPort, protocol: "TCP", purpose: "Prometheus metrics" },
        },
        operator: {
            metrics: { name: "metrics", port: OPERATOR_METRICS_PORT, protocol: "TCP", purpose: "Prometheus metrics" },
            healthz: { name: "healthz", port: OPERATOR_HEALTH_PORT, protocol: "TCP", purpose: "liveness and readiness probes" },
        },
        controller: {
            http: { name: "http", port: args.controller.httpPort, protocol: "TCP", purpose: "scoring API, /healthz, /readyz, /metrics" },
            grpc: { name: "grpc", port: args.controller.grpcPort, protocol: "TCP", purpose: "nodes and the operator (VmafxController, VmafxScoring)" },
        },
        "smoke-test": {},
    };
}

/** containerPort entries for a component's container. */
export function containerPorts(table: PortTable, component: Component) {
    return Object.values(table[component]).map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol }));
}
