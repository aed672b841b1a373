// The truth tables of the NetworkPolicy bundle, defined once: for the dev (policies switched on) and prod stack
// configs, the flows the component intends (its flow list, one probe per concrete endpoint pair and port) and the
// flows that must stay closed. The analyzer tests (network-policy.test.ts) judge them on the rendered policies; the
// end-to-end suite sends each of them as real packets through a real NetworkPolicy engine
// (test/e2e/suite/scenarios/50-up-verify-destroy). "Internet" addresses are documentation ranges, so the packet test
// only ever sends to addresses it assigned itself.
import { Endpoint, Protocol } from "@vmafx-k8s/core";
import { BuildContext, buildPlan, Flow, intendedFlows, Manifest } from "@vmafx-k8s/vmafx/plan";
import { stackContext } from "../tools/offline/stack-context";
import { Model, Probe, modelOf, podIn, probesOf } from "./cluster-model";

export function stackRelease(stack: string, overrides: Record<string, unknown> = {}): { ctx: BuildContext; manifests: Manifest[] } {
    const ctx = stackContext(stack, overrides);
    return { ctx, manifests: buildPlan(ctx).map((p) => p.manifest) };
}

export interface Denied {
    label: string;
    from: (m: Model) => Endpoint;
    to: (m: Model) => Endpoint;
    port: number;
    protocol?: "TCP" | "UDP";
}

const pod = (component: string) => (m: Model) => m.release.get(component)!;
const ip = (address: string) => (): Endpoint => ({ kind: "ip", ip: address });
const stranger = (m: Model) => podIn(m, "tenant-b", { app: "scraper" }, {}, "tenant-b/scraper");
const neighbour = (m: Model) => podIn(m, m.namespace, { app: "debug" }, {}, "release-namespace/debug");

/** Flows that must stay closed in every stack with policies on. */
export const ALWAYS_DENIED: Denied[] = [
    { label: "server -> cloud metadata 169.254.169.254:80", from: pod("server"), to: ip("169.254.169.254"), port: 80 },
    { label: "node -> cloud metadata 169.254.169.254:80", from: pod("node"), to: ip("169.254.169.254"), port: 80 },
    { label: "node -> cloud metadata 169.254.169.254:443", from: pod("node"), to: ip("169.254.169.254"), port: 443 },
    { label: "node -> a private address outside the object-store ranges 10.1.2.3:443", from: pod("node"), to: ip("10.1.2.3"), port: 443 },
    { label: "server -> the internet 198.51.100.7:443", from: pod("server"), to: ip("198.51.100.7"), port: 443 },
    { label: "server -> apiserver 10.0.0.1:443", from: pod("server"), to: ip("10.0.0.1"), port: 443 },
    { label: "node -> server http 8080", from: pod("node"), to: pod("server"), port: 8080 },
    { label: "operator -> node grpc 50052", from: pod("operator"), to: pod("node"), port: 50052 },
    { label: "server -> node on a port other than grpc (9090)", from: pod("server"), to: pod("node"), port: 9090 },
    { label: "another namespace -> server http 8080", from: stranger, to: pod("server"), port: 8080 },
    { label: "another namespace -> node grpc 50052", from: stranger, to: pod("node"), port: 50052 },
    { label: "another namespace -> node metrics 9090", from: stranger, to: pod("node"), port: 9090 },
    { label: "another namespace -> operator metrics 8080", from: stranger, to: pod("operator"), port: 8080 },
    { label: "a non-release pod of the namespace -> node grpc 50052", from: neighbour, to: pod("node"), port: 50052 },
    {
        label: "server -> DNS on a non-DNS port (kube-dns:8080)",
        from: pod("server"),
        to: (m) => podIn(m, "kube-system", { "k8s-app": "kube-dns" }, { "kubernetes.io/metadata.name": "kube-system" }),
        port: 8080,
    },
    { label: "node -> another namespace's pod", from: pod("node"), to: stranger, port: 443 },
];

export const PROD_DENIED: Denied[] = [
    ...ALWAYS_DENIED,
    { label: "node -> the internet 198.51.100.8:443", from: pod("node"), to: ip("198.51.100.8"), port: 443 },
    { label: "node -> the internet over IPv6 2001:db8:4700::1111:443", from: pod("node"), to: ip("2001:db8:4700::1111"), port: 443 },
    { label: "node -> the node subnet inside the object-store range 10.20.130.1:443", from: pod("node"), to: ip("10.20.130.1"), port: 443 },
    { label: "node -> object store on port 80", from: pod("node"), to: ip("10.20.0.10"), port: 80 },
    { label: "operator -> object store 10.20.0.10:443", from: pod("operator"), to: ip("10.20.0.10"), port: 443 },
    { label: "operator -> the internet 198.51.100.8:443", from: pod("operator"), to: ip("198.51.100.8"), port: 443 },
    { label: "operator -> apiserver range on port 80", from: pod("operator"), to: ip("10.0.0.1"), port: 80 },
    {
        label: "Prometheus from another namespace label set -> node metrics",
        from: (m) => podIn(m, "tenant-b", { "app.kubernetes.io/name": "prometheus" }, {}, "tenant-b/prometheus"),
        to: pod("node"),
        port: 9090,
    },
    {
        label: "monitoring namespace, not Prometheus -> node metrics",
        from: (m) => podIn(m, "monitoring", { app: "grafana" }, { "kubernetes.io/metadata.name": "monitoring" }),
        to: pod("node"),
        port: 9090,
    },
    {
        label: "another ingress-nginx pod label -> server http",
        from: (m) => podIn(m, "ingress-nginx", { app: "admission" }, { "kubernetes.io/metadata.name": "ingress-nginx" }),
        to: pod("server"),
        port: 8080,
    },
];

/** The controller's must-deny flows, in every stack that runs it. */
export const CONTROLLER_DENIED: Denied[] = [
    { label: "server -> controller grpc 9090", from: pod("server"), to: pod("controller"), port: 9090 },
    { label: "node -> controller http 8080 (only its gRPC port)", from: pod("node"), to: pod("controller"), port: 8080 },
    { label: "controller -> node metrics 9090", from: pod("controller"), to: pod("node"), port: 9090 },
    { label: "controller -> server http 8080", from: pod("controller"), to: pod("server"), port: 8080 },
    { label: "another namespace -> controller grpc 9090", from: stranger, to: pod("controller"), port: 9090 },
    { label: "another namespace -> controller http 8080", from: stranger, to: pod("controller"), port: 8080 },
    { label: "controller -> cloud metadata 169.254.169.254:80", from: pod("controller"), to: ip("169.254.169.254"), port: 80 },
    { label: "controller -> another namespace's pod", from: pod("controller"), to: stranger, port: 443 },
];

export interface TruthTable {
    /** Short id, e.g. for the e2e's result table. */
    readonly id: string;
    readonly name: string;
    readonly stack: string;
    /** Stack config keys replaced (as `pulumi config set vmafx:<key>` would). */
    readonly overrides: Record<string, unknown>;
    readonly denied: readonly Denied[];
}

export const TRUTH_TABLES: readonly TruthTable[] = [
    // Dev keeps policies off by default; with them on, the chart's permissive egress defaults apply.
    {
        id: "dev",
        name: "dev (networkPolicy.enabled=true, operator on)",
        stack: "dev",
        overrides: { networkPolicy: { enabled: true }, operator: { enabled: true } },
        denied: ALWAYS_DENIED,
    },
    {
        id: "dev-controller",
        name: "dev (networkPolicy.enabled=true, operator and a single-provider controller on)",
        stack: "dev",
        overrides: {
            networkPolicy: { enabled: true },
            operator: { enabled: true },
            controller: { enabled: true },
            auth: { enabled: true, issuer: "https://login.example.com/", jwksEndpoint: "https://login.example.com/keys" },
        },
        denied: [
            ...ALWAYS_DENIED.filter((d) => d.label !== "operator -> node grpc 50052"),
            { label: "operator -> node grpc 50052", from: pod("operator"), to: pod("node"), port: 50052 },
            { label: "server -> node grpc 50052 (the controller dispatches)", from: pod("server"), to: pod("node"), port: 50052 },
            { label: "controller -> apiserver 10.0.0.1:443 (no tenant registry)", from: pod("controller"), to: ip("10.0.0.1"), port: 443 },
            ...CONTROLLER_DENIED,
        ],
    },
    {
        id: "prod",
        name: "prod",
        stack: "prod",
        overrides: {},
        denied: [
            ...PROD_DENIED.filter((d) => !d.label.startsWith("server -> node")),
            { label: "server -> node grpc 50052 (the controller dispatches)", from: pod("server"), to: pod("node"), port: 50052 },
            ...CONTROLLER_DENIED,
            { label: "controller -> the internet 198.51.100.8:443", from: pod("controller"), to: ip("198.51.100.8"), port: 443 },
            { label: "controller -> identity provider on port 80", from: pod("controller"), to: ip("203.0.113.10"), port: 80 },
            { label: "controller -> object store 10.20.0.10:443", from: pod("controller"), to: ip("10.20.0.10"), port: 443 },
            { label: "node -> identity provider 203.0.113.10:443", from: pod("node"), to: ip("203.0.113.10"), port: 443 },
            { label: "operator -> identity provider 203.0.113.10:443", from: pod("operator"), to: ip("203.0.113.10"), port: 443 },
            { label: "server -> apiserver 10.0.0.1:6443", from: pod("server"), to: ip("10.0.0.1"), port: 6443 },
        ],
    },
];

/** A truth table resolved against its stack's render: the release, the analyzer's model and every probe. */
export interface ResolvedTruthTable {
    readonly table: TruthTable;
    readonly ctx: BuildContext;
    readonly manifests: Manifest[];
    readonly model: Model;
    readonly flows: Flow[];
    /** One probe per intended flow, endpoint pair and port: must be allowed. */
    readonly allowed: Probe[];
    /** The must-deny list as probes. */
    readonly denied: Probe[];
}

export function resolveTruthTable(table: TruthTable): ResolvedTruthTable {
    const { ctx, manifests } = stackRelease(table.stack, table.overrides);
    const flows = intendedFlows(ctx);
    const model = modelOf(manifests, ctx);
    const allowed = probesOf(model, flows);
    const denied = table.denied.map((d): Probe => ({
        label: d.label,
        from: d.from(model),
        to: d.to(model),
        port: d.port,
        protocol: (d.protocol ?? "TCP") as Protocol,
    }));
    return { table, ctx, manifests, model, flows, allowed, denied };
}

export function truthTable(id: string): TruthTable {
    const t = TRUTH_TABLES.find((x) => x.id === id);
    if (!t) throw new Error(`no truth table ${id} (have ${TRUTH_TABLES.map((x) => x.id).join(", ")})`);
    return t;
}
