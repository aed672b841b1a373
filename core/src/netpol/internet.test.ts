import { strict as assert } from "assert";
import { Cluster, NetworkPolicyObject, NetworkPolicySpec, PodEndpoint, openInternetEgress } from "./index";

const NS = "vmafx";
const np = (name: string, spec: NetworkPolicySpec): NetworkPolicyObject => ({ metadata: { name, namespace: NS }, spec });
const cluster = (...policies: NetworkPolicyObject[]): Cluster => ({ policies, namespaces: [{ name: NS }] });
const node: PodEndpoint = { kind: "pod", namespace: NS, labels: { "app.kubernetes.io/name": "vmafx", "app.kubernetes.io/component": "node" } };
const nodeSelector = { matchLabels: { "app.kubernetes.io/component": "node" } };
const egress = (name: string, rules: NonNullable<NetworkPolicySpec["egress"]>, podSelector = nodeSelector) =>
    np(name, { podSelector, policyTypes: ["Egress"], egress: rules });
const denyAll = np("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

describe("netpol: openInternetEgress", () => {
    it("a pod no policy isolates for egress is open", () => {
        assert.deepEqual(openInternetEgress(cluster(), node), [{ form: "not isolated for egress" }]);
        const ingressOnly = np("in", { podSelector: {}, ingress: [] });
        assert.deepEqual(openInternetEgress(cluster(ingressOnly), node), [{ form: "not isolated for egress" }]);
    });

    it("default deny alone yields nothing", () => {
        assert.deepEqual(openInternetEgress(cluster(denyAll), node), []);
    });

    it("an empty rule {} is reported with its path", () => {
        assert.deepEqual(openInternetEgress(cluster(denyAll, egress("open", [{ to: [{ podSelector: {} }] }, {}])), node), [
            { form: "empty rule", policy: "open", rule: 1, path: "spec.egress[1]" },
        ]);
    });

    it("a ports-only rule (to missing or empty) is reported as rule without to", () => {
        const found = openInternetEgress(cluster(egress("ports-only", [{ ports: [{ port: 443 }] }, { to: [], ports: [{ protocol: "UDP" }] }])), node);
        assert.deepEqual(found, [
            { form: "rule without to", policy: "ports-only", rule: 0, path: "spec.egress[0]", ports: [{ port: 443 }] },
            { form: "rule without to", policy: "ports-only", rule: 1, path: "spec.egress[1]", ports: [{ protocol: "UDP" }] },
        ]);
    });

    it("chart row 6: 0.0.0.0/0 except RFC 1918 on TCP 443 is still the whole internet", () => {
        const except = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
        const policy = egress("vmafx-allow-node-egress-object-store", [
            { to: [{ namespaceSelector: {} }, { ipBlock: { cidr: "0.0.0.0/0", except } }], ports: [{ protocol: "TCP", port: 443 }] },
        ]);
        assert.deepEqual(openInternetEgress(cluster(denyAll, policy), node), [
            {
                form: "cidr 0.0.0.0/0",
                policy: "vmafx-allow-node-egress-object-store",
                rule: 0,
                peer: 1,
                path: "spec.egress[0].to[1].ipBlock.cidr",
                cidr: "0.0.0.0/0",
                except,
                ports: [{ protocol: "TCP", port: 443 }],
            },
        ]);
    });

    it("::/0 in any spelling is reported as cidr ::/0, without ports meaning all", () => {
        const found = openInternetEgress(cluster(egress("v6", [{ to: [{ ipBlock: { cidr: "0::0/0" } }] }])), node);
        assert.deepEqual(found, [{ form: "cidr ::/0", policy: "v6", rule: 0, peer: 0, path: "spec.egress[0].to[0].ipBlock.cidr", cidr: "0::0/0", except: [] }]);
    });

    it("narrow cidrs, pod and namespace selectors are not the internet", () => {
        const policy = egress("narrow", [
            { to: [{ ipBlock: { cidr: "203.0.113.0/24" } }, { ipBlock: { cidr: "2001:db8::/32" } }] },
            { to: [{ namespaceSelector: {}, podSelector: {} }] },
            { to: [{ ipBlock: { cidr: "0.0.0.0/1" } }] },
        ]);
        assert.deepEqual(openInternetEgress(cluster(policy), node), []);
    });

    it("only policies selecting the pod with Egress in effect count (union across them)", () => {
        const other = egress("other-pods", [{}], { matchLabels: { "app.kubernetes.io/component": "server" } });
        const inert = np("ingress-typed", { podSelector: {}, policyTypes: ["Ingress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] });
        assert.deepEqual(openInternetEgress(cluster(denyAll, other, inert), node), []);
        assert.deepEqual(openInternetEgress(cluster(other, inert), node), [{ form: "not isolated for egress" }]);
        const a = egress("a", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }]);
        const b = egress("b", [{ ports: [{ port: 53, protocol: "UDP" }] }]);
        assert.deepEqual(
            openInternetEgress(cluster(denyAll, a, b), node).map((f) => [f.form, f.policy]),
            [
                ["cidr 0.0.0.0/0", "a"],
                ["rule without to", "b"],
            ],
        );
    });

    it("policyTypes omitted: egress rules still isolate and are examined", () => {
        const p = np("defaulted", { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] });
        assert.deepEqual(
            openInternetEgress(cluster(p), node).map((f) => f.form),
            ["cidr 0.0.0.0/0"],
        );
    });

    it("ipBlocks that together span a family are reported as one cover finding", () => {
        const halves = cluster(
            egress("low", [{ to: [{ ipBlock: { cidr: "0.0.0.0/1" } }] }]),
            egress("high", [
                { to: [{ podSelector: {} }, { ipBlock: { cidr: "128.0.0.0/2" } }, { ipBlock: { cidr: "192.0.0.0/2", except: ["192.168.0.0/16"] } }] },
            ]),
        );
        assert.deepEqual(openInternetEgress(halves, node), [
            {
                form: "cidrs together cover 0.0.0.0/0",
                parts: [
                    { policy: "low", rule: 0, peer: 0, path: "spec.egress[0].to[0].ipBlock.cidr", cidr: "0.0.0.0/1" },
                    { policy: "high", rule: 0, peer: 1, path: "spec.egress[0].to[1].ipBlock.cidr", cidr: "128.0.0.0/2" },
                    { policy: "high", rule: 0, peer: 2, path: "spec.egress[0].to[2].ipBlock.cidr", cidr: "192.0.0.0/2" },
                ],
            },
        ]);
        const gap = cluster(
            egress("gap", [{ to: [{ ipBlock: { cidr: "0.0.0.0/1" } }, { ipBlock: { cidr: "128.0.0.0/2" } }, { ipBlock: { cidr: "224.0.0.0/3" } }] }]),
        );
        assert.deepEqual(openInternetEgress(gap, node), [], "192.0.0.0/3 is missing");
        const v6 = cluster(egress("v6", [{ to: [{ ipBlock: { cidr: "::/1" } }, { ipBlock: { cidr: "8000::/1" } }] }]));
        assert.deepEqual(
            openInternetEgress(v6, node).map((f) => f.form),
            ["cidrs together cover ::/0"],
        );
    });

    it("a single /0 of the family suppresses the cover finding for that family only", () => {
        const c = cluster(
            egress("p", [
                { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "0.0.0.0/1" } }, { ipBlock: { cidr: "128.0.0.0/1" } }] },
                { to: [{ ipBlock: { cidr: "::/1" } }, { ipBlock: { cidr: "8000::/1" } }] },
            ]),
        );
        assert.deepEqual(
            openInternetEgress(c, node).map((f) => f.form),
            ["cidr 0.0.0.0/0", "cidrs together cover ::/0"],
        );
    });
});
