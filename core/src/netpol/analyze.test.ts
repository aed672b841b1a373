import { strict as assert } from "assert";
import {
    Cluster,
    Endpoint,
    IpEndpoint,
    NetworkPolicyObject,
    NetworkPolicySpec,
    PodEndpoint,
    Protocol,
    effectivePolicyTypes,
    evaluateFlow,
    namespaceLabels,
    policiesSelecting,
} from "./index";

const APP = "app";
const pod = (namespace: string, labels: Record<string, string>, extra: Partial<PodEndpoint> = {}): PodEndpoint => ({
    kind: "pod",
    namespace,
    labels,
    ...extra,
});
const ip = (address: string): IpEndpoint => ({ kind: "ip", ip: address });
const np = (name: string, spec: NetworkPolicySpec, namespace = APP): NetworkPolicyObject => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec,
});
const cluster = (...policies: NetworkPolicyObject[]): Cluster => ({
    policies,
    namespaces: [
        { name: APP, labels: { team: "video" } },
        { name: "monitoring", labels: { purpose: "monitoring" } },
        { name: "other", labels: { team: "other" } },
        { name: "kube-system" },
    ],
});
const allowed = (c: Cluster, from: Endpoint, to: Endpoint, port: number, protocol: Protocol = "TCP") => evaluateFlow(c, from, to, port, protocol).allowed;

const server = pod(APP, { "app.kubernetes.io/name": "vmafx", component: "server" }, { name: "server" });
const node = pod(APP, { "app.kubernetes.io/name": "vmafx", component: "node" }, { name: "node" });
const internet = ip("203.0.113.7");
const denyAll = (name = "deny-all") => np(name, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

describe("netpol: effectivePolicyTypes (SetDefaults_NetworkPolicy)", () => {
    const cases: { title: string; spec: NetworkPolicySpec; want: string[] }[] = [
        { title: "nothing set -> Ingress", spec: { podSelector: {} }, want: ["Ingress"] },
        { title: "egress rules, policyTypes omitted -> Ingress, Egress", spec: { egress: [{}] }, want: ["Ingress", "Egress"] },
        { title: "egress: [] does not add Egress", spec: { egress: [] }, want: ["Ingress"] },
        { title: "egress: null does not add Egress", spec: { egress: null }, want: ["Ingress"] },
        { title: "ingress rules only -> Ingress", spec: { ingress: [{}] }, want: ["Ingress"] },
        { title: "policyTypes: [] is defaulted like omitted", spec: { policyTypes: [], egress: [{}] }, want: ["Ingress", "Egress"] },
        { title: "explicit Egress only keeps ingress rules out", spec: { policyTypes: ["Egress"], ingress: [{}] }, want: ["Egress"] },
        { title: "explicit Ingress only even with egress rules", spec: { policyTypes: ["Ingress"], egress: [{}] }, want: ["Ingress"] },
        { title: "explicit order and duplicates", spec: { policyTypes: ["Egress", "Ingress", "Egress"] }, want: ["Egress", "Ingress"] },
    ];
    for (const c of cases) {
        it(c.title, () => assert.deepEqual(effectivePolicyTypes(np("p", c.spec)), c.want));
    }
});

describe("netpol: isolation per direction", () => {
    it("with no policies everything is allowed and nothing isolated", () => {
        const v = evaluateFlow(cluster(), server, node, 50052);
        assert.equal(v.allowed, true);
        assert.equal(v.egress.isolated, false);
        assert.equal(v.ingress.isolated, false);
        assert.deepEqual(v.egress.allowedBy, []);
    });

    it("an Ingress-only deny isolates ingress but leaves egress open", () => {
        const c = cluster(np("deny-in", { podSelector: {} }));
        assert.equal(allowed(c, node, server, 8080), false);
        assert.equal(allowed(c, internet, server, 8080), false);
        assert.equal(allowed(c, server, internet, 443), true);
        const v = evaluateFlow(c, node, server, 8080);
        assert.deepEqual(v.ingress.isolatedBy, ["deny-in"]);
        assert.equal(v.egress.isolated, false);
    });

    it("an egress-only restriction does not affect ingress", () => {
        const c = cluster(np("deny-out", { podSelector: { matchLabels: { component: "server" } }, policyTypes: ["Egress"] }));
        assert.equal(allowed(c, server, internet, 443), false);
        assert.equal(allowed(c, internet, server, 8080), true);
        assert.equal(allowed(c, node, server, 8080), true);
        assert.equal(allowed(c, server, node, 50052), false);
    });

    it("egress rules with policyTypes omitted isolate egress; explicit [Ingress] makes them inert", () => {
        const rule = { to: [{ ipBlock: { cidr: "198.51.100.0/24" } }] };
        const defaulted = cluster(np("p", { podSelector: {}, egress: [rule] }));
        assert.equal(allowed(defaulted, server, ip("198.51.100.1"), 443), true);
        assert.equal(allowed(defaulted, server, internet, 443), false);
        const explicit = cluster(np("p", { podSelector: {}, policyTypes: ["Ingress"], egress: [rule] }));
        assert.equal(evaluateFlow(explicit, server, internet, 443).egress.isolated, false);
        assert.equal(allowed(explicit, server, internet, 443), true);
    });

    it("egress: [] with policyTypes omitted does not isolate egress", () => {
        const c = cluster(np("p", { podSelector: {}, egress: [] }));
        assert.equal(evaluateFlow(c, server, internet, 443).egress.isolated, false);
        assert.equal(evaluateFlow(c, internet, server, 443).ingress.isolated, true);
    });

    it("explicit [Egress] ignores ingress rules", () => {
        const c = cluster(np("p", { podSelector: {}, policyTypes: ["Egress"], ingress: [{}] }));
        assert.deepEqual(policiesSelecting(c, server, "Ingress"), []);
        assert.equal(policiesSelecting(c, server, "Egress").length, 1);
        assert.equal(allowed(c, server, node, 50052), false);
    });

    it("only pods matched by spec.podSelector in the policy's namespace are isolated", () => {
        const c = cluster(np("node-deny", { podSelector: { matchLabels: { component: "node" } }, policyTypes: ["Ingress"] }));
        assert.equal(allowed(c, server, node, 50052), false);
        assert.equal(allowed(c, node, server, 8080), true);
        const elsewhere = pod("other", { component: "node" });
        assert.equal(allowed(c, server, elsewhere, 50052), true);
    });

    it("spec.podSelector matchExpressions: NotIn also selects pods without the key", () => {
        const c = cluster(np("p", { podSelector: { matchExpressions: [{ key: "component", operator: "NotIn", values: ["server"] }] } }));
        assert.equal(allowed(c, internet, server, 8080), true);
        assert.equal(allowed(c, internet, node, 8080), false);
        assert.equal(allowed(c, internet, pod(APP, { unrelated: "x" }), 8080), false);
    });

    it("a policy without metadata.namespace lives in cluster.defaultNamespace", () => {
        const unplaced: NetworkPolicyObject = { metadata: { name: "p" }, spec: { podSelector: {} } };
        const c: Cluster = { ...cluster(unplaced), defaultNamespace: "other" };
        assert.equal(allowed(c, internet, server, 8080), true);
        assert.equal(allowed(c, internet, pod("other", {}), 8080), false);
        const fallback = cluster(unplaced);
        assert.equal(allowed(fallback, internet, server, 8080), true);
        assert.equal(allowed(fallback, internet, pod("default", {}), 8080), false);
    });
});

describe("netpol: union and both sides", () => {
    const scrape = pod("monitoring", { app: "prometheus" });
    const c = cluster(
        denyAll(),
        np("allow-http", { podSelector: { matchLabels: { component: "server" } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 8080 }] }] }),
        np("allow-metrics", {
            podSelector: { matchLabels: { component: "server" } },
            ingress: [
                { from: [{ namespaceSelector: { matchLabels: { purpose: "monitoring" } } }], ports: [{ port: 9090 }] },
                { from: [{ namespaceSelector: { matchLabels: { purpose: "monitoring" } } }], ports: [{ port: 8080 }] },
            ],
        }),
    );

    it("allowed iff any rule of any selecting policy allows; allowedBy lists each rule", () => {
        const v = evaluateFlow(c, internet, server, 8080);
        assert.equal(v.allowed, false);
        assert.deepEqual(v.ingress.isolatedBy, ["deny-all", "allow-http", "allow-metrics"]);
        const m = evaluateFlow(c, scrape, server, 8080);
        assert.equal(m.allowed, true);
        assert.deepEqual(m.ingress.allowedBy, [{ policy: "allow-metrics", namespace: APP, rule: 1 }]);
        assert.equal(allowed(c, scrape, server, 9090), true);
        assert.equal(allowed(c, node, server, 9090), false, "same-namespace pods only get 8080");
        assert.equal(allowed(c, scrape, server, 9091), false);
    });

    it("pod -> pod needs the source's egress and the destination's ingress", () => {
        const egressToNode = np("server-to-node", {
            podSelector: { matchLabels: { component: "server" } },
            policyTypes: ["Egress"],
            egress: [{ to: [{ podSelector: { matchLabels: { component: "node" } } }], ports: [{ port: 50052 }] }],
        });
        const ingressFromServer = np("node-from-server", {
            podSelector: { matchLabels: { component: "node" } },
            ingress: [{ from: [{ podSelector: { matchLabels: { component: "server" } } }], ports: [{ port: 50052 }] }],
        });
        const egressOnly = evaluateFlow(cluster(denyAll(), egressToNode), server, node, 50052);
        assert.deepEqual([egressOnly.egress.allowed, egressOnly.ingress.allowed, egressOnly.allowed], [true, false, false]);
        const ingressOnly = evaluateFlow(cluster(denyAll(), ingressFromServer), server, node, 50052);
        assert.deepEqual([ingressOnly.egress.allowed, ingressOnly.ingress.allowed, ingressOnly.allowed], [false, true, false]);
        const both = evaluateFlow(cluster(denyAll(), egressToNode, ingressFromServer), server, node, 50052);
        assert.deepEqual([both.egress.allowed, both.ingress.allowed, both.allowed], [true, true, true]);
        assert.equal(allowed(cluster(denyAll(), egressToNode, ingressFromServer), node, server, 50052), false, "not the reverse direction");
    });

    it("IP endpoints have no policies: ip -> ip is allowed and not applicable", () => {
        const v = evaluateFlow(cluster(denyAll()), ip("10.0.0.1"), internet, 22);
        assert.equal(v.allowed, true);
        assert.equal(v.egress.applicable, false);
        assert.equal(v.ingress.applicable, false);
        const toPod = evaluateFlow(cluster(denyAll()), internet, server, 8080);
        assert.equal(toPod.egress.applicable, false);
        assert.equal(toPod.ingress.applicable, true);
        assert.equal(toPod.allowed, false);
    });
});

describe("netpol: peers", () => {
    const prometheus = (ns: string) => pod(ns, { app: "prometheus" });
    const ingressFrom = (from: NonNullable<NetworkPolicySpec["ingress"]>[number]["from"]) =>
        cluster(np("p", { podSelector: { matchLabels: { component: "server" } }, ingress: [{ from }] }));

    it("podSelector alone means pods of the policy's namespace only", () => {
        const c = ingressFrom([{ podSelector: { matchLabels: { app: "prometheus" } } }]);
        assert.equal(allowed(c, prometheus(APP), server, 8080), true);
        assert.equal(allowed(c, prometheus("monitoring"), server, 8080), false);
        assert.equal(allowed(c, pod(APP, { app: "grafana" }), server, 8080), false);
    });

    it("namespaceSelector alone means every pod of the matching namespaces", () => {
        const c = ingressFrom([{ namespaceSelector: { matchLabels: { purpose: "monitoring" } } }]);
        assert.equal(allowed(c, pod("monitoring", { app: "anything" }), server, 8080), true);
        assert.equal(allowed(c, prometheus("other"), server, 8080), false);
        assert.equal(allowed(c, prometheus(APP), server, 8080), false, "own namespace lacks the label");
    });

    it("podSelector and namespaceSelector in ONE peer are ANDed", () => {
        const c = ingressFrom([{ namespaceSelector: { matchLabels: { purpose: "monitoring" } }, podSelector: { matchLabels: { app: "prometheus" } } }]);
        assert.equal(allowed(c, prometheus("monitoring"), server, 8080), true);
        assert.equal(allowed(c, pod("monitoring", { app: "grafana" }), server, 8080), false);
        assert.equal(allowed(c, prometheus(APP), server, 8080), false);
        assert.equal(allowed(c, prometheus("other"), server, 8080), false);
    });

    it("the same selectors as TWO peers are ORed", () => {
        const c = ingressFrom([{ namespaceSelector: { matchLabels: { purpose: "monitoring" } } }, { podSelector: { matchLabels: { app: "prometheus" } } }]);
        assert.equal(allowed(c, prometheus("monitoring"), server, 8080), true);
        assert.equal(allowed(c, pod("monitoring", { app: "grafana" }), server, 8080), true);
        assert.equal(allowed(c, prometheus(APP), server, 8080), true);
        assert.equal(allowed(c, prometheus("other"), server, 8080), false);
    });

    it("kubernetes.io/metadata.name is always present on namespaces and cannot be overridden", () => {
        const c: Cluster = {
            ...ingressFrom([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }]),
            namespaces: [{ name: "monitoring", labels: { "kubernetes.io/metadata.name": "spoofed" } }],
        };
        assert.equal(allowed(c, prometheus("monitoring"), server, 8080), true);
        assert.deepEqual(namespaceLabels(c, "monitoring"), { "kubernetes.io/metadata.name": "monitoring" });
        const unlisted = ingressFrom([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "unlisted" } } }]);
        assert.equal(allowed(unlisted, pod("unlisted", {}), server, 8080), true);
        assert.equal(allowed(unlisted, pod("other", {}), server, 8080), false);
    });

    it("namespaceSelector matchExpressions select namespaces by their labels", () => {
        const c = ingressFrom([{ namespaceSelector: { matchExpressions: [{ key: "team", operator: "Exists" }] } }]);
        assert.equal(allowed(c, pod("other", {}), server, 8080), true);
        assert.equal(allowed(c, pod(APP, {}), server, 8080), true);
        assert.equal(allowed(c, pod("monitoring", {}), server, 8080), false);
        assert.equal(allowed(c, pod("kube-system", {}), server, 8080), false);
    });

    it("missing or empty from means every pod in every namespace and every address", () => {
        for (const rule of [{}, { from: [] }, { from: null }]) {
            const c = cluster(np("p", { podSelector: {}, ingress: [rule] }));
            for (const source of [prometheus("other"), node, internet, ip("2001:db8::1")]) {
                assert.equal(allowed(c, source, server, 8080), true, JSON.stringify({ rule, source }));
            }
        }
    });

    it("namespaceSelector {} means every pod in every namespace but no IP address", () => {
        const c = ingressFrom([{ namespaceSelector: {} }]);
        assert.equal(allowed(c, prometheus("other"), server, 8080), true);
        assert.equal(allowed(c, prometheus("kube-system"), server, 8080), true);
        assert.equal(allowed(c, internet, server, 8080), false);
    });

    it("a peer with no selector and no ipBlock (rejected by the API) matches nothing", () => {
        const c = ingressFrom([{}]);
        assert.equal(allowed(c, node, server, 8080), false);
        assert.equal(allowed(c, internet, server, 8080), false);
    });

    it("cross-namespace egress to DNS: one peer ANDing kube-system and k8s-app=kube-dns", () => {
        const dns = np("allow-dns-egress", {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "vmafx" } },
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [
                        {
                            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                            podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
                        },
                    ],
                    ports: [
                        { protocol: "UDP", port: 53 },
                        { protocol: "TCP", port: 53 },
                    ],
                },
            ],
        });
        const c = cluster(denyAll(), dns);
        const kubeDns = pod("kube-system", { "k8s-app": "kube-dns" });
        assert.equal(allowed(c, node, kubeDns, 53, "UDP"), true);
        assert.equal(allowed(c, node, kubeDns, 53, "TCP"), true);
        assert.equal(allowed(c, node, kubeDns, 53, "SCTP"), false);
        assert.equal(allowed(c, node, kubeDns, 443), false);
        assert.equal(allowed(c, node, pod("other", { "k8s-app": "kube-dns" }), 53, "UDP"), false);
        assert.equal(allowed(c, node, pod("kube-system", { "k8s-app": "metrics-server" }), 53, "UDP"), false);
        assert.equal(allowed(c, node, ip("169.254.20.10"), 53, "UDP"), false, "NodeLocal DNSCache address is not covered");
    });
});

describe("netpol: ipBlock", () => {
    const egressTo = (ipBlock: { cidr: string; except?: string[] }) =>
        cluster(np("p", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock }] }] }));

    const v4 = egressTo({ cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.200.0.128/25"] });
    const v4Cases: [string, boolean][] = [
        ["10.0.0.0", true],
        ["10.255.255.255", true],
        ["10.0.255.255", true],
        ["10.1.0.0", false],
        ["10.1.255.255", false],
        ["10.2.0.0", true],
        ["10.200.0.127", true],
        ["10.200.0.128", false],
        ["10.200.0.255", false],
        ["9.255.255.255", false],
        ["11.0.0.0", false],
        ["::ffff:10.2.0.1", true],
        ["2001:db8::a", false],
    ];
    for (const [address, want] of v4Cases) {
        it(`IPv4 10.0.0.0/8 except 10.1.0.0/16, 10.200.0.128/25: ${address} -> ${want}`, () => {
            assert.equal(allowed(v4, server, ip(address), 443), want);
        });
    }

    const v6 = egressTo({ cidr: "2001:db8::/32", except: ["2001:db8:1::/48"] });
    const v6Cases: [string, boolean][] = [
        ["2001:db8::", true],
        ["2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true],
        ["2001:db8:0:ffff::1", true],
        ["2001:db8:1::", false],
        ["2001:db8:1:ffff:ffff:ffff:ffff:ffff", false],
        ["2001:db8:2::", true],
        ["2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false],
        ["2001:db9::", false],
        ["10.0.0.1", false],
    ];
    for (const [address, want] of v6Cases) {
        it(`IPv6 2001:db8::/32 except 2001:db8:1::/48: ${address} -> ${want}`, () => {
            assert.equal(allowed(v6, server, ip(address), 443), want);
        });
    }

    it("0.0.0.0/0 covers every IPv4 address but no IPv6 one; ::/0 the reverse", () => {
        const anyV4 = egressTo({ cidr: "0.0.0.0/0" });
        assert.equal(allowed(anyV4, server, ip("255.255.255.255"), 443), true);
        assert.equal(allowed(anyV4, server, ip("0.0.0.0"), 443), true);
        assert.equal(allowed(anyV4, server, ip("2001:db8::1"), 443), false);
        const anyV6 = egressTo({ cidr: "::/0" });
        assert.equal(allowed(anyV6, server, ip("2001:db8::1"), 443), true);
        assert.equal(allowed(anyV6, server, ip("8.8.8.8"), 443), false);
    });

    it("ipBlock applies to pods only through their ip", () => {
        const c = egressTo({ cidr: "10.244.0.0/16" });
        assert.equal(allowed(c, server, node, 50052), false, "pod without ip");
        assert.equal(allowed(c, server, { ...node, ip: "10.244.3.4" }, 50052), true);
        assert.equal(allowed(c, server, { ...node, ip: "10.245.3.4" }, 50052), false);
        const ingress = cluster(
            np("p", { podSelector: { matchLabels: { component: "node" } }, ingress: [{ from: [{ ipBlock: { cidr: "10.244.0.0/16" } }] }] }),
        );
        assert.equal(allowed(ingress, { ...server, ip: "10.244.0.9" }, node, 50052), true);
        assert.equal(allowed(ingress, server, node, 50052), false);
    });

    it("selector peers never match IP endpoints", () => {
        const c = cluster(np("p", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {}, podSelector: {} }] }] }));
        assert.equal(allowed(c, server, ip("10.244.0.9"), 80), false);
        assert.equal(allowed(c, server, pod("other", {}, { ip: "10.244.0.9" }), 80), true);
    });

    it("cidrs are read as the API server reads them (leading zeros decimal, host bits ignored)", () => {
        assert.equal(allowed(egressTo({ cidr: "010.0.0.0/8" }), server, ip("10.1.2.3"), 443), true);
        assert.equal(allowed(egressTo({ cidr: "010.0.0.0/8" }), server, ip("8.1.2.3"), 443), false);
        assert.equal(allowed(egressTo({ cidr: "192.168.1.77/24" }), server, ip("192.168.1.1"), 443), true);
        assert.equal(allowed(egressTo({ cidr: "::ffff:10.0.0.0/104" }), server, ip("10.9.9.9"), 443), true);
        assert.equal(allowed(egressTo({ cidr: "0x0a.0.0.0/8" }), server, ip("10.1.2.3"), 443), false, "hex is not a CIDR");
    });
});

describe("netpol: ports", () => {
    const grpc = pod(
        APP,
        { component: "node" },
        {
            ports: [
                { name: "grpc", containerPort: 50052 },
                { name: "metrics", containerPort: 9090, protocol: "TCP" },
                { name: "dns", containerPort: 5353, protocol: "UDP" },
                { name: "udp-only", containerPort: 7000, protocol: "UDP" },
            ],
        },
    );
    const ingressPorts = (ports: NonNullable<NetworkPolicySpec["ingress"]>[number]["ports"]) =>
        cluster(np("p", { podSelector: { matchLabels: { component: "node" } }, ingress: [{ ports }] }));

    it("numeric port: protocol defaults to TCP; UDP and TCP are distinct", () => {
        const c = ingressPorts([{ port: 53 }]);
        assert.equal(allowed(c, server, grpc, 53, "TCP"), true);
        assert.equal(allowed(c, server, grpc, 53, "UDP"), false);
        assert.equal(allowed(c, server, grpc, 54, "TCP"), false);
        const udp = ingressPorts([{ port: 53, protocol: "UDP" }]);
        assert.equal(allowed(udp, server, grpc, 53, "UDP"), true);
        assert.equal(allowed(udp, server, grpc, 53, "TCP"), false);
        const sctp = ingressPorts([{ port: 3868, protocol: "SCTP" }]);
        assert.equal(allowed(sctp, server, grpc, 3868, "SCTP"), true);
        assert.equal(allowed(sctp, server, grpc, 3868, "TCP"), false);
    });

    it("missing or empty ports means every port and protocol", () => {
        for (const ports of [undefined, [], null]) {
            const c = ingressPorts(ports);
            assert.equal(allowed(c, server, grpc, 1, "TCP"), true);
            assert.equal(allowed(c, server, grpc, 65535, "UDP"), true);
            assert.equal(allowed(c, server, grpc, 9, "SCTP"), true);
        }
    });

    it("a port entry with only a protocol matches every port of that protocol", () => {
        const c = ingressPorts([{ protocol: "UDP" }]);
        assert.equal(allowed(c, server, grpc, 1, "UDP"), true);
        assert.equal(allowed(c, server, grpc, 65535, "UDP"), true);
        assert.equal(allowed(c, server, grpc, 80, "TCP"), false);
    });

    const rangeCases: [number, Protocol, boolean][] = [
        [31999, "TCP", false],
        [32000, "TCP", true],
        [32500, "TCP", true],
        [32768, "TCP", true],
        [32769, "TCP", false],
        [32000, "UDP", false],
    ];
    for (const [port, protocol, want] of rangeCases) {
        it(`endPort range 32000-32768/TCP: ${port}/${protocol} -> ${want}`, () => {
            assert.equal(allowed(ingressPorts([{ port: 32000, endPort: 32768 }]), server, grpc, port, protocol), want);
        });
    }

    it("endPort equal to port is a single port", () => {
        const c = ingressPorts([{ port: 8080, endPort: 8080 }]);
        assert.equal(allowed(c, server, grpc, 8080), true);
        assert.equal(allowed(c, server, grpc, 8081), false);
    });

    it("named ingress port resolves against the destination pod (name and protocol)", () => {
        const c = ingressPorts([{ port: "grpc" }, { port: "dns", protocol: "UDP" }, { port: "udp-only" }]);
        assert.equal(allowed(c, server, grpc, 50052), true);
        assert.equal(allowed(c, server, grpc, 50053), false, "other number");
        assert.equal(allowed(c, server, grpc, 50052, "UDP"), false, "wrong protocol");
        assert.equal(allowed(c, server, grpc, 5353, "UDP"), true);
        assert.equal(allowed(c, server, grpc, 5353, "TCP"), false);
        assert.equal(allowed(c, server, grpc, 7000, "TCP"), false, "entry is TCP, container port is UDP");
        assert.equal(allowed(c, server, grpc, 7000, "UDP"), false);
    });

    it("a named port the destination does not define matches nothing", () => {
        const c = ingressPorts([{ port: "http" }]);
        assert.equal(allowed(c, server, grpc, 8080), false);
        const noPorts = { ...grpc, ports: undefined };
        assert.equal(allowed(ingressPorts([{ port: "grpc" }]), server, noPorts, 50052), false);
    });

    it("a named egress port resolves against the destination, not the source", () => {
        const source = pod(APP, { component: "server" }, { ports: [{ name: "metrics", containerPort: 9090 }] });
        const dest = pod(APP, { component: "exporter" }, { ports: [{ name: "metrics", containerPort: 9100 }] });
        const c = cluster(
            np("p", { podSelector: { matchLabels: { component: "server" } }, policyTypes: ["Egress"], egress: [{ ports: [{ port: "metrics" }] }] }),
        );
        assert.equal(allowed(c, source, dest, 9100), true);
        assert.equal(allowed(c, source, dest, 9090), false);
    });

    it("a named port never matches an IP endpoint", () => {
        const c = cluster(
            np("p", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: "https" }] }] }),
        );
        assert.equal(allowed(c, server, internet, 443), false);
        const withNumber = cluster(
            np("p", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443 }] }] }),
        );
        assert.equal(allowed(withNumber, server, internet, 443), true);
    });

    it("a numeric string port is a (never matching) name, as the API reads it", () => {
        const c = ingressPorts([{ port: "50052" }]);
        assert.equal(allowed(c, server, grpc, 50052), false);
    });
});

describe("netpol: evaluateFlow input checks", () => {
    const cases: [string, () => unknown, RegExp][] = [
        ["port 0", () => evaluateFlow(cluster(), server, node, 0), /1-65535/],
        ["port 65536", () => evaluateFlow(cluster(), server, node, 65536), /1-65535/],
        ["fractional port", () => evaluateFlow(cluster(), server, node, 80.5), /1-65535/],
        ["protocol icmp", () => evaluateFlow(cluster(), server, node, 80, "ICMP" as Protocol), /protocol/],
        ["bad IP endpoint", () => evaluateFlow(cluster(), server, ip("300.1.1.1"), 80), /invalid IP address/],
        ["bad pod ip", () => evaluateFlow(cluster(), { ...server, ip: "10.0.0" }, node, 80), /invalid IP address/],
    ];
    for (const [title, run, message] of cases) {
        it(`throws on ${title}`, () => assert.throws(run, message));
    }
});
