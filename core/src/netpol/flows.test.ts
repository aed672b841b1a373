import { strict as assert } from "assert";
import {
    EndpointSyntaxError,
    FlowRow,
    NetworkPolicySpec,
    decisionText,
    flowMatrix,
    flowMermaid,
    flowRows,
    modelFromManifests,
    portText,
    queryFlow,
    resolveEndpoint,
} from "./index";

const labels = (component: string) => ({ app: "shop", component });
const deployment = (name: string, component: string, ports: { name?: string; containerPort: number; protocol?: string }[] = [], namespace?: string) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: { template: { metadata: { labels: labels(component) }, spec: { containers: [{ name: "c", ports }] } } },
});
const policy = (name: string, spec: NetworkPolicySpec, namespace = "shop") => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec,
});
const SHOP = { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { team: "web" } } };
const web = deployment("web", "web", [{ name: "http", containerPort: 8080 }], "shop");
const db = deployment("db", "db", [{ name: "pg", containerPort: 5432 }], "shop");

/** A small shop: web -> db on 5432, web -> payments on 443 (except a /24), Prometheus in monitoring -> web on http. */
function shop() {
    return [
        SHOP,
        web,
        db,
        policy("deny", { podSelector: { matchLabels: { app: "shop" } }, policyTypes: ["Ingress", "Egress"] }),
        policy("web-egress", {
            podSelector: { matchLabels: labels("web") },
            policyTypes: ["Egress"],
            egress: [
                { to: [{ podSelector: { matchLabels: labels("db") } }], ports: [{ port: 5432 }] },
                { to: [{ ipBlock: { cidr: "10.8.0.0/16", except: ["10.8.1.0/24"] } }], ports: [{ port: 443 }] },
            ],
        }),
        policy("db-ingress", {
            podSelector: { matchLabels: labels("db") },
            ingress: [{ from: [{ podSelector: { matchLabels: labels("web") } }], ports: [{ port: "pg" }] }],
        }),
        policy("web-ingress", {
            podSelector: { matchLabels: labels("web") },
            ingress: [
                {
                    from: [
                        {
                            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
                            podSelector: { matchLabels: { app: "prometheus" } },
                        },
                    ],
                    ports: [{ port: "http" }],
                },
            ],
        }),
    ];
}

const rowText = (r: FlowRow) => `${r.from.label} -> ${r.to.label} ${portText(r.protocol, r.ports)}${r.addresses ? ` to ${r.addresses.join(",")}` : ""}`;

describe("netpol: modelFromManifests", () => {
    it("one pod per pod-creating object, in the default namespace when none is set; PodTemplates and other objects left out", () => {
        const pod = (kind: string, apiVersion: string, path: string[]) => {
            const o: Record<string, any> = { apiVersion, kind, metadata: { name: kind.toLowerCase() } };
            let at = o;
            for (const k of path) at = at[k] = {};
            Object.assign(at, { metadata: { labels: { kind } }, spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }] }] } });
            return o;
        };
        const objects = [
            pod("Deployment", "apps/v1", ["spec", "template"]),
            pod("StatefulSet", "apps/v1", ["spec", "template"]),
            pod("DaemonSet", "apps/v1", ["spec", "template"]),
            pod("ReplicaSet", "apps/v1", ["spec", "template"]),
            pod("ReplicationController", "v1", ["spec", "template"]),
            pod("Job", "batch/v1", ["spec", "template"]),
            pod("CronJob", "batch/v1", ["spec", "jobTemplate", "spec", "template"]),
            pod("PodTemplate", "v1", ["template"]),
            { apiVersion: "v1", kind: "Pod", metadata: { name: "pod", namespace: "other", labels: { kind: "Pod" } }, spec: { containers: [] } },
            { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" } },
            { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "no-template" }, spec: {} },
        ];
        const m = modelFromManifests(objects, "apps");
        assert.deepEqual(
            m.workloads.map((w) => w.ref),
            [
                "apps/Deployment/deployment",
                "apps/StatefulSet/statefulset",
                "apps/DaemonSet/daemonset",
                "apps/ReplicaSet/replicaset",
                "apps/ReplicationController/replicationcontroller",
                "apps/Job/job",
                "apps/CronJob/cronjob",
                "other/Pod/pod",
            ],
        );
        assert.deepEqual(m.workloads[6].pod, {
            kind: "pod",
            name: "CronJob/cronjob",
            namespace: "apps",
            labels: { kind: "CronJob" },
            ports: [{ containerPort: 80 }],
        });
        assert.deepEqual(
            m.cluster.namespaces.map((n) => n.name),
            ["apps", "other"],
        );
        assert.equal(m.cluster.defaultNamespace, "apps");
    });

    it("Namespace objects give their labels; policies are the objects given", () => {
        const objects = shop();
        const m = modelFromManifests(objects);
        assert.deepEqual(m.cluster.namespaces, [
            { name: "default", labels: {} },
            { name: "shop", labels: { team: "web" } },
        ]);
        assert.equal(m.cluster.policies[0], objects[3]);
        assert.equal(m.cluster.policies.length, 4);
    });
});

describe("netpol: resolveEndpoint", () => {
    const m = modelFromManifests(shop(), "shop");
    const labelsOf = (text: string) => resolveEndpoint(m, text).map((e) => `${e.kind} ${e.label}`);

    it("Kind/name and namespace/Kind/name name workloads (kind in any case)", () => {
        assert.deepEqual(labelsOf("Deployment/web"), ["workload shop/Deployment/web"]);
        assert.deepEqual(labelsOf("shop/deployment/db"), ["workload shop/Deployment/db"]);
        assert.throws(
            () => resolveEndpoint(m, "Deployment/nope"),
            (e: Error) => e instanceof EndpointSyntaxError && /no workload Deployment\/nope/.test(e.message),
        );
        assert.throws(() => resolveEndpoint(m, "other/Deployment/web"), EndpointSyntaxError);
    });

    it("labels select workloads, else stand for a pod with exactly those labels; pod: never selects", () => {
        assert.deepEqual(labelsOf("app=shop"), ["workload shop/Deployment/web", "workload shop/Deployment/db"]);
        assert.deepEqual(labelsOf("component=db@shop"), ["workload shop/Deployment/db"]);
        assert.deepEqual(labelsOf("component=db@other"), ["pod pod:component=db@other"]);
        assert.deepEqual(labelsOf("app=prometheus"), ["pod pod:app=prometheus@shop"]);
        assert.deepEqual(labelsOf("pod:app=shop,component=web"), ["pod pod:app=shop,component=web@shop"]);
        assert.deepEqual(labelsOf("pod:@monitoring"), ["pod pod:@monitoring"]);
        assert.throws(() => resolveEndpoint(m, "tenant:app=x"), EndpointSyntaxError);
        assert.throws(() => resolveEndpoint(m, "app=x@"), EndpointSyntaxError);
        assert.throws(() => resolveEndpoint(m, "web"), EndpointSyntaxError);
    });

    it("an IP address or a CIDR is addresses", () => {
        assert.deepEqual(labelsOf("10.8.0.1"), ["addresses 10.8.0.1"]);
        assert.deepEqual(labelsOf("2001:db8::1"), ["addresses 2001:db8::1"]);
        assert.deepEqual(labelsOf("10.8.0.0/16"), ["addresses 10.8.0.0/16"]);
        assert.throws(() => resolveEndpoint(m, "10.8.0.0/33"), EndpointSyntaxError);
    });
});

describe("netpol: queryFlow", () => {
    const m = modelFromManifests(shop(), "shop");
    const one = (text: string) => resolveEndpoint(m, text)[0];

    it("allowed, with the rules that allow it on each side and the policies that isolate", () => {
        const a = queryFlow(m, one("Deployment/web"), one("Deployment/db"), 5432, "TCP");
        assert.equal(a.allowed, true);
        assert.equal(
            decisionText(a.parts[0].decision, a.from, a.to),
            "egress: allowed by shop/web-egress egress[0] (isolated by shop/deny, shop/web-egress); ingress: allowed by shop/db-ingress ingress[0] (isolated by shop/deny, shop/db-ingress)",
        );
    });

    it("denied, naming the isolating policies of the side that denies", () => {
        const a = queryFlow(m, one("Deployment/db"), one("Deployment/web"), 8080, "TCP");
        assert.equal(a.allowed, false);
        assert.deepEqual(a.parts[0].decision.egress.isolatedBy, ["deny"]);
        assert.equal(a.parts[0].decision.egress.allowed, false);
        assert.equal(queryFlow(m, one("pod:app=prometheus@monitoring"), one("Deployment/web"), 8080, "TCP").allowed, true);
        assert.equal(queryFlow(m, one("pod:app=prometheus@elsewhere"), one("Deployment/web"), 8080, "TCP").allowed, false);
        assert.equal(queryFlow(m, one("Deployment/web"), one("Deployment/db"), 5432, "UDP").allowed, false);
    });

    it("a CIDR is judged on all its addresses: denied when a part is, with the parts named", () => {
        const whole = queryFlow(m, one("Deployment/web"), one("10.8.0.0/16"), 443, "TCP");
        assert.equal(whole.allowed, false);
        assert.deepEqual(
            whole.parts.map((p) => [p.addresses, p.decision.allowed]),
            [
                [["10.8.0.0/24", "10.8.2.0/23", "10.8.4.0/22", "10.8.8.0/21", "10.8.16.0/20", "10.8.32.0/19", "10.8.64.0/18", "10.8.128.0/17"], true],
                [["10.8.1.0/24"], false],
            ],
        );
        assert.equal(queryFlow(m, one("Deployment/web"), one("10.8.128.0/17"), 443, "TCP").allowed, true);
        assert.equal(queryFlow(m, one("Deployment/web"), one("10.8.1.7"), 443, "TCP").allowed, false);
    });
});

describe("netpol: flowMatrix", () => {
    it("every allowed (from, to, port range), outside endpoints from the rules, named ports resolved", () => {
        const mx = flowMatrix(modelFromManifests(shop(), "shop"));
        assert.deepEqual(
            mx.endpoints.map((e) => e.label),
            ["shop/Deployment/web", "shop/Deployment/db", "pod:app=prometheus@monitoring", "10.8.0.0/16 except 10.8.1.0/24"],
        );
        assert.deepEqual(mx.rows.map(rowText), [
            "shop/Deployment/web -> shop/Deployment/db TCP 5432",
            "shop/Deployment/web -> 10.8.0.0/16 except 10.8.1.0/24 TCP 443",
            "pod:app=prometheus@monitoring -> shop/Deployment/web TCP 8080",
        ]);
    });

    it("pods no policy isolates reach each other on every port; port ranges stay ranges", () => {
        const objects = [
            deployment("a", "a", [{ containerPort: 80 }]),
            deployment("b", "b", [{ containerPort: 9000 }]),
            policy(
                "b-ingress",
                {
                    podSelector: { matchLabels: labels("b") },
                    ingress: [
                        {
                            ports: [
                                { port: 9000, endPort: 9100 },
                                { port: 53, protocol: "UDP" },
                            ],
                        },
                    ],
                },
                "default",
            ),
        ];
        const mx = flowMatrix(modelFromManifests(objects));
        assert.deepEqual(mx.rows.map(rowText), [
            "default/Deployment/a -> default/Deployment/b TCP 9000-9100",
            "default/Deployment/a -> default/Deployment/b UDP 53",
            // A rule without `from` names every pod and address: they become endpoints.
            "default/Deployment/a -> pod:@(any namespace) any",
            "default/Deployment/a -> 0.0.0.0/0 any",
            "default/Deployment/a -> ::/0 any",
            "default/Deployment/b -> default/Deployment/a any",
            "default/Deployment/b -> pod:@(any namespace) any",
            "default/Deployment/b -> 0.0.0.0/0 any",
            "default/Deployment/b -> ::/0 any",
            "pod:@(any namespace) -> default/Deployment/a any",
            "pod:@(any namespace) -> default/Deployment/b TCP 9000-9100",
            "pod:@(any namespace) -> default/Deployment/b UDP 53",
            "0.0.0.0/0 -> default/Deployment/a any",
            "0.0.0.0/0 -> default/Deployment/b TCP 9000-9100",
            "0.0.0.0/0 -> default/Deployment/b UDP 53",
            "::/0 -> default/Deployment/a any",
            "::/0 -> default/Deployment/b TCP 9000-9100",
            "::/0 -> default/Deployment/b UDP 53",
        ]);
    });

    it("a namespaceSelector without a name stands for other namespaces; an address endpoint allowed in part is left to its parts", () => {
        const objects = [
            deployment("a", "a"),
            policy(
                "a-egress",
                {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [
                        { to: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ port: 443 }] },
                        { to: [{ ipBlock: { cidr: "10.1.0.0/16" } }, { namespaceSelector: { matchLabels: { tier: "data" } } }], ports: [{ port: 5432 }] },
                    ],
                },
                "default",
            ),
        ];
        const mx = flowMatrix(modelFromManifests(objects));
        assert.deepEqual(mx.rows.map(rowText), [
            "default/Deployment/a -> pod:@(namespaces tier=data) TCP 5432",
            "default/Deployment/a -> 10.0.0.0/8 TCP 443",
            "default/Deployment/a -> 10.1.0.0/16 TCP 443",
            "default/Deployment/a -> 10.1.0.0/16 TCP 5432",
            // Nothing isolates a for ingress.
            "pod:@(namespaces tier=data) -> default/Deployment/a any",
            "10.0.0.0/8 -> default/Deployment/a any",
            "10.1.0.0/16 -> default/Deployment/a any",
        ]);
        const wide = mx.endpoints.find((e) => e.label === "10.0.0.0/8")!;
        assert.deepEqual(flowRows(mx.cluster, [mx.endpoints[0]], [wide]).map(rowText), [
            "default/Deployment/a -> 10.0.0.0/8 TCP 443",
            "default/Deployment/a -> 10.0.0.0/8 TCP 5432 to 10.1.0.0/16",
        ]);
    });

    it("as Mermaid: namespaces as subgraphs, one edge per pair with its ports, the same text every time", () => {
        const mx = flowMatrix(modelFromManifests(shop(), "shop"));
        const want = [
            "flowchart LR",
            '    subgraph ns0["namespace shop"]',
            '        e0["Deployment/web"]',
            '        e1["Deployment/db"]',
            "    end",
            '    subgraph ns1["namespace monitoring"]',
            '        e2(["pods app=prometheus"])',
            "    end",
            '    e3[/"10.8.0.0/16 except 10.8.1.0/24"/]',
            '    e0 -->|"TCP 5432"| e1',
            '    e0 -->|"TCP 443"| e3',
            '    e2 -->|"TCP 8080"| e0',
        ].join("\n");
        assert.equal(flowMermaid(mx), want);
        assert.equal(flowMermaid(flowMatrix(modelFromManifests(shop(), "shop"))), want);
    });
});
