import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { KINDS, Obj, defaultDenyPolicy, egressPolicy, namespace, networkPolicy, workload } from "../fixtures";
import { k8s, messages, runPolicy } from "../testing";
import { prodEgress } from "./prod-egress";

const PROD = { environment: "prod" };
const dns = {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [{ protocol: "UDP", port: 53 }],
};
const objectStore = { to: [{ ipBlock: { cidr: "10.20.0.0/16", except: ["10.20.128.0/20"] } }], ports: [{ protocol: "TCP", port: 443 }] };

/** A namespace with one web Deployment, default deny, DNS and a narrow object-store rule, plus `extra`. */
function stack(extra: Obj[] = [], kind: (typeof KINDS)[number] = "Deployment"): ReturnType<typeof k8s>[] {
    return [
        namespace("shop"),
        defaultDenyPolicy(),
        egressPolicy("web-egress", [dns, objectStore], "shop", { matchLabels: { app: "web" } }),
        workload(kind, { name: "web" }),
        ...extra,
    ].map((m) => k8s(m, { name: `${String(m.kind).toLowerCase()}-${m.metadata.name}` }));
}

const open = (egress: Obj[], selector: Obj = {}) => egressPolicy("open", egress, "shop", selector);

describe("prod-egress", () => {
    it("passes narrow egress (DNS to kube-dns, object store with except) in prod", async () => {
        assert.deepEqual(messages(await runPolicy(prodEgress, stack(), PROD)), []);
    });

    describe("open forms, each blocked in prod and named by policy, field and workload", () => {
        const cases: { name: string; egress: Obj[]; expect: RegExp }[] = [
            {
                name: "cidr 0.0.0.0/0",
                egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
                expect: /whole IPv4 internet on every port: spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr = "0\.0\.0\.0\/0"/,
            },
            {
                name: "cidr 0.0.0.0/0 with except",
                egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "169.254.169.254/32"] } }], ports: [{ port: 443 }] }],
                expect: /whole IPv4 internet on TCP 443: spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr = "0\.0\.0\.0\/0" \(its except \["10\.0\.0\.0\/8","169\.254\.169\.254\/32"\] leaves the rest of the internet open\)/,
            },
            {
                name: "cidr ::/0",
                egress: [{ to: [{ ipBlock: { cidr: "::/0" } }] }],
                expect: /whole IPv6 internet on every port: spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr = "::\/0"/,
            },
            {
                name: "rule without to",
                egress: [
                    dns,
                    {
                        ports: [
                            { protocol: "UDP", port: 53 },
                            { protocol: "TCP", port: 53 },
                        ],
                    },
                ],
                expect: /every destination, the internet included, on UDP 53, TCP 53: spec\.egress\[1\] has ports but no "to"/,
            },
            { name: "empty rule", egress: [{}], expect: /egress anywhere on every port: spec\.egress\[0\] is an empty egress rule \{\}/ },
        ];
        for (const c of cases) {
            it(c.name, async () => {
                const resources = stack([open(c.egress)]);
                const out = await runPolicy(prodEgress, resources, PROD);
                assert.equal(out.violations.length, 1, messages(out).join("\n"));
                const [v] = out.violations;
                assert.match(
                    v.message,
                    /^NetworkPolicy shop\/open \(Pulumi name: networkpolicy-open\) lets Deployment shop\/web \(Pulumi name: deployment-web\) egress/,
                );
                assert.match(v.message, c.expect);
                assert.match(v.message, /Fix: /);
                assert.equal(v.urn, resources.find((r) => r.name === "networkpolicy-open")?.urn, "pinned on the NetworkPolicy");
            });
        }

        it("ipBlocks that together cover 0.0.0.0/0 (pinned on the workload)", async () => {
            const resources = stack([
                open([{ to: [{ ipBlock: { cidr: "0.0.0.0/1" } }] }]),
                egressPolicy("other", [{ to: [{ ipBlock: { cidr: "128.0.0.0/1" } }] }]),
            ]);
            const out = await runPolicy(prodEgress, resources, PROD);
            assert.equal(out.violations.length, 1, messages(out).join("\n"));
            assert.match(
                out.violations[0].message,
                /together cover all of 0\.0\.0\.0\/0: .*NetworkPolicy shop\/open .* spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr = "0\.0\.0\.0\/1"; NetworkPolicy shop\/other .* = "128\.0\.0\.0\/1"\. Fix: narrow them/,
            );
            assert.equal(out.violations[0].urn, resources.find((r) => r.name === "deployment-web")?.urn);
        });

        it("a workload no policy isolates for egress (prod only)", async () => {
            const resources = [namespace("shop"), workload("StatefulSet", { name: "db" })].map((m) => k8s(m));
            const out = await runPolicy(prodEgress, resources, PROD);
            assert.equal(out.violations.length, 1);
            assert.match(out.violations[0].message, /^StatefulSet shop\/db .* is not selected by any NetworkPolicy with policyTypes Egress in namespace shop/);
            assert.deepEqual(messages(await runPolicy(prodEgress, resources, { environment: "dev" })), []);
        });
    });

    it("judges the union: a narrow policy does not cancel an open one selecting the same pods", async () => {
        const out = await runPolicy(prodEgress, stack([open([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }], { matchLabels: { app: "web" } })]), PROD);
        assert.equal(out.violations.length, 1);
    });

    it("ignores open policies that select other pods or live in other namespaces", async () => {
        const otherPods = open([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }], { matchLabels: { app: "batch" } });
        const otherNs = egressPolicy("open", [{}], "tools");
        assert.deepEqual(messages(await runPolicy(prodEgress, stack([otherPods, otherNs]), PROD)), []);
    });

    it("ignores an open rule of a policy whose policyTypes leave out Egress", async () => {
        const ingressOnly = networkPolicy("ingress-only", "shop", { podSelector: {}, policyTypes: ["Ingress"], egress: [{}] });
        assert.deepEqual(messages(await runPolicy(prodEgress, stack([ingressOnly]), PROD)), []);
    });

    for (const kind of KINDS) {
        it(`finds the pods of a ${kind} through its template labels`, async () => {
            const out = await runPolicy(prodEgress, stack([open([{ to: [{ ipBlock: { cidr: "::/0" } }] }], { matchLabels: { app: "web" } })], kind), PROD);
            assert.equal(out.violations.length, 1, messages(out).join("\n"));
            assert.match(out.violations[0].message, new RegExp(`lets ${kind} shop/web `));
        });
    }

    it("reports open forms outside prod too (the level makes them advisory there)", async () => {
        const out = await runPolicy(prodEgress, stack([open([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }])]), { environment: "dev" });
        assert.equal(out.violations.length, 1);
    });

    it("groups the workloads one open rule affects into one violation", async () => {
        const resources = stack([open([{}]), workload("Job", { name: "batch", labels: { app: "batch" } })]);
        const out = await runPolicy(prodEgress, resources, PROD);
        assert.equal(out.violations.length, 1, messages(out).join("\n"));
        assert.match(
            out.violations[0].message,
            /lets Deployment shop\/web \(Pulumi name: deployment-web\) and Job shop\/batch \(Pulumi name: job-batch\) egress/,
        );
    });

    it("catches a NetworkPolicyPatch that opens egress", async () => {
        const patch = k8s(egressPolicy("web-egress", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }], "shop", { matchLabels: { app: "web" } }), {
            name: "web-egress-patch",
            patch: true,
        });
        const out = await runPolicy(prodEgress, [...stack(), patch], PROD);
        assert.equal(out.violations.length, 1);
        assert.match(out.violations[0].message, /^NetworkPolicyPatch shop\/web-egress \(Pulumi name: web-egress-patch\)/);
    });

    describe("allowedCidrs", () => {
        it("passes ipBlocks inside the allow-list and flags the others", async () => {
            const allowed = { ...PROD, allowedCidrs: ["10.0.0.0/8"] };
            assert.deepEqual(messages(await runPolicy(prodEgress, stack(), allowed)), []);
            const out = await runPolicy(prodEgress, stack([open([{ to: [{ ipBlock: { cidr: "192.0.2.0/24" } }], ports: [{ port: 443 }] }])]), allowed);
            assert.equal(out.violations.length, 1);
            assert.match(
                out.violations[0].message,
                /spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr = "192\.0\.2\.0\/24" on TCP 443, which is not inside the allowed egress CIDRs \(10\.0\.0\.0\/8/,
            );
        });

        it("rejects allow-list entries that are not CIDRs or cover the internet", async () => {
            const out = await runPolicy(prodEgress, stack(), { ...PROD, allowedCidrs: ["0.0.0.0/0", "ten"] });
            assert.equal(out.violations.length, 2);
            assert.match(messages(out)[0], /allowedCidrs\[0\] = "0\.0\.0\.0\/0" would allow the whole internet/);
            assert.match(messages(out)[1], /allowedCidrs\[1\] = "ten" is not a CIDR/);
        });
    });

    describe("unknown values", () => {
        const unknownCidr = () => stack([open([{ to: [{ ipBlock: { cidr: pulumi.runtime.unknownValue } }] }])]);

        it("fails closed in prod, naming the NetworkPolicy and field", async () => {
            const out = await runPolicy(prodEgress, unknownCidr(), PROD);
            assert.equal(out.violations.length, 1);
            assert.match(
                out.violations[0].message,
                /^NetworkPolicy shop\/open .*: spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr is unknown during preview, so internet egress cannot be verified/,
            );
        });

        it("is an advisory UnknownValueError outside prod", async () => {
            const out = await runPolicy(prodEgress, unknownCidr(), { environment: "dev" });
            assert.deepEqual(messages(out), []);
            assert.match(
                out.unknown ?? "",
                /internet egress not verified for 1 field\(s\) unknown during preview .*NetworkPolicy shop\/open .*spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr/,
            );
        });
    });
});
