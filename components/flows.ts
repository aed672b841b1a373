// The NetworkPolicy matrix as data: one entry per intended flow. Both sides of a flow
// (egress on the source, ingress on the destination), the docs matrix and the truth-table
// tests are all derived from this list, so a one-sided rule or a rule on the wrong port
// cannot happen (chart.md §9.5, §9.6).
import { BuildContext } from "./context";
import { Plain } from "./defaults";
import { LabelSelector as LabelSelectorArgs } from "./args";
import { Component } from "./naming";
import { DNS_PORT } from "./ports";
import { metricsTargets } from "./monitoring";
import { tenantRegistry } from "./workloads/controller";
import { serverIsServing } from "./workloads/server";

/** A label selector as the plan holds it (placeholders for Outputs are plain strings). */
export type LabelSelector = Plain<LabelSelectorArgs>;

export interface FlowPort {
    readonly port: number;
    readonly protocol: "TCP" | "UDP";
}

/** Pods outside the release (or any pods), chosen by selectors. No namespaceSelector = the release namespace. */
export interface PodPeer {
    readonly kind: "pods";
    readonly description: string;
    readonly podSelector: LabelSelector;
    readonly namespaceSelector?: LabelSelector;
}

export interface CidrPeer {
    readonly kind: "cidr";
    readonly description: string;
    readonly cidr: string;
    readonly except: readonly string[];
}

/** One side of a flow: the pods of one release component, every release pod, or outside peers. */
export type FlowEnd =
    | { readonly kind: "component"; readonly component: Component }
    | { readonly kind: "release" }
    | { readonly kind: "external"; readonly peers: readonly (PodPeer | CidrPeer)[] };

export interface Flow {
    /** Stable id; also the policy name suffix. */
    readonly id: string;
    readonly purpose: string;
    /** Stack config keys that shape the flow. */
    readonly configKeys: readonly string[];
    readonly from: FlowEnd;
    readonly to: FlowEnd;
    readonly ports: readonly FlowPort[];
}

const tcp = (port: number): FlowPort => ({ port, protocol: "TCP" });

function isEmptySelector(s: LabelSelector | undefined): boolean {
    return !s || !s.matchLabels || Object.keys(s.matchLabels).length === 0;
}

/** Egress from one component to configured address ranges; none when off or when the list is empty (deny, never allow-all). */
function cidrEgressFlow(
    id: string,
    purpose: string,
    component: Component,
    description: string,
    configKey: string,
    settings: { enabled: boolean; ports: number[]; destinations: { cidr: string; except?: string[] }[] },
): Flow[] {
    if (!settings.enabled || settings.destinations.length === 0) return [];
    return [
        {
            id,
            purpose,
            configKeys: [configKey],
            from: { kind: "component", component },
            to: { kind: "external", peers: settings.destinations.map((d) => ({ kind: "cidr", description, cidr: d.cidr, except: d.except ?? [] })) },
            ports: settings.ports.map(tcp),
        },
    ];
}

/** The flows enabled for this release, in a stable order. Empty when NetworkPolicies are off. */
export function intendedFlows(ctx: BuildContext): Flow[] {
    const a = ctx.args;
    const np = a.networkPolicy;
    if (!np.enabled) {
        return [];
    }
    const flows: Flow[] = [];
    const serving = serverIsServing(ctx);
    const http = ctx.ports.server.http.port;

    if (serving && np.httpIngress.enabled) {
        const peers: PodPeer[] = [{ kind: "pods", description: "any pod in the release namespace", podSelector: {} }];
        if (!isEmptySelector(np.httpIngress.ingressControllerNamespaceSelector)) {
            peers.push({
                kind: "pods",
                description: "ingress controller",
                podSelector: np.httpIngress.ingressControllerPodSelector,
                namespaceSelector: np.httpIngress.ingressControllerNamespaceSelector,
            });
        }
        flows.push({
            id: "http-to-server",
            purpose: "HTTP clients reach the scoring API",
            configKeys: ["networkPolicy.httpIngress"],
            from: { kind: "external", peers },
            to: { kind: "component", component: "server" },
            ports: [tcp(http)],
        });
    }
    // With a controller, the controller dispatches work to the nodes, not the server.
    const dispatcher = a.controller.enabled ? "controller" : "server";
    if (a.node.enabled && (a.controller.enabled ? np.controllerToNode : np.serverToNode).enabled) {
        flows.push({
            id: `${dispatcher}-to-node`,
            purpose: `the ${dispatcher} dispatches scoring work to nodes over gRPC`,
            configKeys: [`networkPolicy.${dispatcher}ToNode`, "node.grpcPort"],
            from: { kind: "component", component: dispatcher },
            to: { kind: "component", component: "node" },
            ports: [tcp(ctx.ports.node.grpc.port)],
        });
    }
    if (a.node.enabled) {
        flows.push(
            ...cidrEgressFlow(
                "node-to-object-store",
                "nodes read and write media in the object store",
                "node",
                "object store",
                "networkPolicy.nodeToObjectStore",
                np.nodeToObjectStore,
            ),
        );
    }
    if (a.operator.enabled) {
        flows.push(
            ...cidrEgressFlow(
                "operator-to-apiserver",
                "the operator watches and updates objects through the Kubernetes API",
                "operator",
                "Kubernetes API server",
                "networkPolicy.operatorToApiserver",
                np.operatorToApiserver,
            ),
        );
    }
    flows.push(...controllerFlows(ctx));
    if (np.metrics.enabled) {
        const scraper: PodPeer = {
            kind: "pods",
            description: "Prometheus",
            podSelector: np.metrics.podSelector,
            ...(isEmptySelector(np.metrics.namespaceSelector) ? {} : { namespaceSelector: np.metrics.namespaceSelector }),
        };
        // The ports the monitors scrape (./monitoring.ts), whether or not monitoring renders them.
        for (const t of metricsTargets(ctx)) {
            flows.push({
                id: `metrics-to-${t.component}`,
                purpose: `Prometheus scrapes ${t.component} metrics`,
                configKeys: ["networkPolicy.metrics", "monitoring"],
                from: { kind: "external", peers: [scraper] },
                to: { kind: "component", component: t.component },
                ports: [tcp(t.port)],
            });
        }
    }
    if (np.dns.enabled) {
        const peers: (PodPeer | CidrPeer)[] = [
            {
                kind: "pods",
                description: "cluster DNS",
                podSelector: np.dns.podSelector,
                namespaceSelector: np.dns.namespaceSelector,
            },
        ];
        if (np.dns.nodeLocalDnsIp) {
            const family = np.dns.nodeLocalDnsIp.includes(":") ? 128 : 32;
            peers.push({ kind: "cidr", description: "NodeLocal DNSCache", cidr: `${np.dns.nodeLocalDnsIp}/${family}`, except: [] });
        }
        flows.push({
            id: "dns",
            purpose: "every pod resolves names",
            configKeys: ["networkPolicy.dns"],
            from: { kind: "release" },
            to: { kind: "external", peers },
            ports: [
                { port: DNS_PORT, protocol: "UDP" },
                { port: DNS_PORT, protocol: "TCP" },
            ],
        });
    }
    if (a.smokeTest.enabled && serving && np.smokeTestToServer.enabled) {
        flows.push({
            id: "smoke-test-to-server",
            purpose: "the smoke test calls the server's /healthz",
            configKeys: ["networkPolicy.smokeTestToServer", "smokeTest"],
            from: { kind: "component", component: "smoke-test" },
            to: { kind: "component", component: "server" },
            ports: [tcp(http)],
        });
    }
    return flows;
}

/** The port of a `host:port` (or `[v6]:port`) address, or undefined when it has none. */
export function addressPort(address: string): number | undefined {
    const m = /^(?:\[[0-9A-Fa-f:.]+\]|[^:[\]]+):([0-9]{1,5})$/.exec(address);
    if (!m) return undefined;
    const port = Number(m[1]);
    return port >= 1 && port <= 65535 ? port : undefined;
}

/** The controller's flows, and the node's to an external controller (node.controllerAddr). */
function controllerFlows(ctx: BuildContext): Flow[] {
    const a = ctx.args;
    const np = a.networkPolicy;
    const flows: Flow[] = [];
    const ports = ctx.ports.controller;
    if (a.controller.enabled && np.controllerIngress.enabled) {
        const narrowed = !isEmptySelector(np.controllerIngress.podSelector);
        flows.push({
            id: "clients-to-controller",
            purpose: "clients reach the controller's scoring API over HTTP and gRPC",
            configKeys: ["networkPolicy.controllerIngress"],
            from: {
                kind: "external",
                peers: [
                    {
                        kind: "pods",
                        description: narrowed ? "controller clients in the release namespace" : "any pod in the release namespace",
                        podSelector: narrowed ? np.controllerIngress.podSelector : {},
                    },
                ],
            },
            to: { kind: "component", component: "controller" },
            ports: [tcp(ports.http.port), tcp(ports.grpc.port)],
        });
    }
    if (a.node.enabled && np.nodeToController.enabled) {
        if (a.controller.enabled) {
            flows.push({
                id: "node-to-controller",
                purpose: "nodes register with the controller and take work over gRPC",
                configKeys: ["networkPolicy.nodeToController", "controller.grpcPort"],
                from: { kind: "component", component: "node" },
                to: { kind: "component", component: "controller" },
                ports: [tcp(ports.grpc.port)],
            });
        } else if (a.node.controllerAddr) {
            const port = addressPort(a.node.controllerAddr);
            // Without a port or destinations, validation has already refused the args.
            if (port !== undefined) {
                flows.push(
                    ...cidrEgressFlow(
                        "node-to-controller",
                        "nodes register with their external controller over gRPC",
                        "node",
                        `controller ${a.node.controllerAddr}`,
                        "networkPolicy.nodeToController",
                        { enabled: true, ports: [port], destinations: np.nodeToController.destinations },
                    ).map((f) => ({ ...f, configKeys: [...f.configKeys, "node.controllerAddr"] })),
                );
            }
        }
    }
    if (a.controller.enabled && a.operator.enabled && np.operatorToController.enabled) {
        flows.push({
            id: "operator-to-controller",
            purpose: "the operator submits and polls jobs (gRPC) and checks /healthz (HTTP)",
            configKeys: ["networkPolicy.operatorToController"],
            from: { kind: "component", component: "operator" },
            to: { kind: "component", component: "controller" },
            ports: [tcp(ports.grpc.port), tcp(ports.http.port)],
        });
    }
    if (a.controller.enabled && a.auth.enabled && !a.auth.disabled) {
        flows.push(
            ...cidrEgressFlow(
                "controller-to-identity-provider",
                "the controller fetches the identity providers' signing keys (JWKS)",
                "controller",
                "identity provider",
                "networkPolicy.controllerToIdentityProvider",
                np.controllerToIdentityProvider,
            ),
        );
    }
    if (tenantRegistry(ctx)) {
        flows.push(
            ...cidrEgressFlow(
                "controller-to-apiserver",
                "the controller reads VmafxTenant objects through the Kubernetes API",
                "controller",
                "Kubernetes API server",
                "networkPolicy.controllerToApiserver",
                np.controllerToApiserver,
            ),
        );
    }
    return flows;
}
