// The NetworkPolicy bundle judged by the flow analyzer: for the dev (policies switched on)
// and prod stack configs, every intended flow is allowed, the flows that must stay closed
// are denied, and every rendered rule is needed by at least one intended flow.
import { strict as assert } from "assert";
import { cidrStrictlyContains, NetworkPolicyObject, openInternetEgress, parseCidr, validateNetworkPolicy } from "@vmafx-k8s/core";
import { validateArgs } from "@vmafx-k8s/vmafx";
import { intendedFlows, makeContext, Manifest } from "@vmafx-k8s/vmafx/plan";
import { kubernetesObjects, readStackConfig, runProgram } from "../tools/offline/program";
import { Model, Probe, allowed, askFlows, flowsInput, modelOf, podIn, probesOf } from "./cluster-model";
import { find, planFor } from "./helpers";
import { resolveTruthTable, stackRelease, TRUTH_TABLES } from "./truth-tables";

describe("NetworkPolicy bundle", () => {
    for (const s of TRUTH_TABLES) {
        describe(`${s.name}`, () => {
            const { manifests, model, allowed: probes, denied } = resolveTruthTable(s);

            describe("intended flows are allowed", () => {
                for (const p of probes) {
                    it(`allowed: ${p.label}`, () => assert.equal(allowed(model, p), true));
                }
            });

            describe("flows that must stay closed are denied", () => {
                for (const d of denied) {
                    it(`denied: ${d.label}`, () => assert.equal(allowed(model, d), false));
                }
            });

            it("vmafx-policy flows answers every probe as the analyzer does, naming the deciding policies", async () => {
                const checks = [...probes.map((p) => ({ ...p, want: true })), ...denied.map((d) => ({ ...d, want: false }))];
                const input = flowsInput(model, manifests);
                for (const c of checks) {
                    const a = await askFlows(model, input, c);
                    assert.equal(a.verdict.allowed, c.want, c.label);
                    assert.equal(a.code, c.want ? 0 : 1, `${c.label}\n${a.output}`);
                    assert.deepEqual(a.said, a.analyzer, c.label);
                    // Allowed: each isolated side names its allowing rules. Denied: the denying side names its isolating policies.
                    const sides = [a.said[0].egress, a.said[0].ingress];
                    if (c.want)
                        assert.ok(
                            sides.every((d) => d.isolatedBy.length === 0 || d.allowedBy.length > 0),
                            c.label,
                        );
                    else
                        assert.ok(
                            sides.some((d) => d.isolatedBy.length > 0 && d.allowedBy.length === 0),
                            c.label,
                        );
                }
            });

            it("every rendered rule is needed by at least one intended flow", () => {
                const policies = model.cluster.policies;
                for (const [pi, policy] of policies.entries()) {
                    for (const direction of ["ingress", "egress"] as const) {
                        const rules = policy.spec[direction] ?? [];
                        rules.forEach((_, ri) => {
                            const without = policies.map((p, i) =>
                                i !== pi ? p : { ...p, spec: { ...p.spec, [direction]: rules.filter((__, j) => j !== ri) } },
                            );
                            const reduced: Model = { ...model, cluster: { ...model.cluster, policies: without } };
                            const broken = probes.filter((p: Probe) => !allowed(reduced, p));
                            assert.ok(broken.length > 0, `${policy.metadata.name} ${direction}[${ri}] is not needed by any intended flow`);
                        });
                    }
                }
            });

            it("every pod of the release is isolated in both directions by the default-deny", () => {
                const deny = find(manifests, "NetworkPolicy", "vmafx-default-deny");
                assert.deepEqual(deny.spec.policyTypes, ["Ingress", "Egress"]);
                const only: Model = { ...model, cluster: { ...model.cluster, policies: [deny as unknown as NetworkPolicyObject] } };
                for (const p of probes) assert.equal(allowed(only, p), false, p.label);
            });

            it("the API server would accept every policy, and every except lies strictly inside its cidr", () => {
                for (const p of model.cluster.policies) {
                    assert.deepEqual(validateNetworkPolicy(p), [], p.metadata.name);
                    for (const rule of p.spec.egress ?? []) {
                        for (const peer of rule.to ?? []) {
                            if (!peer.ipBlock) continue;
                            const cidr = parseCidr(peer.ipBlock.cidr)!;
                            for (const e of peer.ipBlock.except ?? [])
                                assert.ok(cidrStrictlyContains(cidr, parseCidr(e)!), `${e} not inside ${peer.ipBlock.cidr}`);
                        }
                    }
                }
            });
        });
    }

    describe("prod egress", () => {
        it("the rendered prod stack lets no workload reach 0.0.0.0/0 or ::/0 in any form", async () => {
            const run = await runProgram({ stack: "prod", config: readStackConfig("prod") });
            const objects = kubernetesObjects(run) as Manifest[];
            const { ctx } = stackRelease("prod");
            const model = modelOf(objects, ctx);
            assert.ok(model.release.size >= 3);
            for (const [component, p] of model.release) {
                assert.deepEqual(openInternetEgress(model.cluster, p), [], component);
            }
            for (const policy of model.cluster.policies) {
                for (const rule of policy.spec.egress ?? []) {
                    assert.ok(rule.to && rule.to.length > 0, `${policy.metadata.name}: egress rule without 'to'`);
                    for (const peer of rule.to) assert.notEqual(parseCidr(peer.ipBlock?.cidr ?? "1.1.1.1/32")?.prefixLength, 0, policy.metadata.name);
                }
            }
        });

        it("an empty destination list renders no rule (denied), never an allow-all", () => {
            const m = planFor({ node: { enabled: true }, networkPolicy: { enabled: true, nodeToObjectStore: { destinations: [] } } });
            assert.ok(!m.some((x) => x.metadata.name.includes("node-to-object-store")));
            const ctx = makeContext(
                validateArgs("vmafx", { node: { enabled: true }, networkPolicy: { enabled: true, nodeToObjectStore: { destinations: [] } } }, "args."),
            );
            const model = modelOf(m, ctx);
            assert.equal(allowed(model, { from: model.release.get("node")!, to: { kind: "ip", ip: "203.0.113.10" }, port: 443, protocol: "TCP" }), false);
        });
    });

    describe("chart NetworkPolicy bugs (chart.md §9) are fixed", () => {
        const args = { node: { enabled: true }, operator: { enabled: true }, networkPolicy: { enabled: true } };
        const m = planFor(args);
        const ctx = makeContext(validateArgs("vmafx", args, "args."));

        it("§9.5 wrong port in allow-controller-to-node: the server reaches the node's real gRPC port, also when it is changed", () => {
            const custom = planFor({ node: { enabled: true, grpcPort: 50100 }, networkPolicy: { enabled: true } });
            for (const [manifests, port] of [
                [m, 50052],
                [custom, 50100],
            ] as const) {
                const egress = find(manifests, "NetworkPolicy", "vmafx-server-to-node-egress");
                const ingress = find(manifests, "NetworkPolicy", "vmafx-server-to-node-ingress");
                assert.deepEqual(egress.spec.egress[0].ports, [{ protocol: "TCP", port }]);
                assert.deepEqual(ingress.spec.ingress[0].ports, [{ protocol: "TCP", port }]);
                const node = find(manifests, "Deployment", "vmafx-node");
                assert.equal(node.spec.template.spec.containers[0].ports[0].containerPort, port);
            }
        });

        it("§9.6 over-broad peer and no client egress: only server pods, with egress on the server", () => {
            const model = modelOf(m, ctx);
            const node = model.release.get("node")!;
            assert.equal(allowed(model, { from: model.release.get("server")!, to: node, port: 50052, protocol: "TCP" }), true);
            for (const other of ["node", "operator"]) {
                assert.equal(allowed(model, { from: model.release.get(other)!, to: node, port: 50052, protocol: "TCP" }), false, other);
            }
        });

        it("§9.7 allow-http-ingress selected every release pod: it selects server pods only", () => {
            const p = find(m, "NetworkPolicy", "vmafx-http-to-server-ingress");
            assert.equal(p.spec.podSelector.matchLabels["app.kubernetes.io/component"], "server");
        });

        it("§9.8 except applied to every CIDR, empty cidrs opened everything: each destination has its own except list", () => {
            const mm = planFor({
                node: { enabled: true },
                networkPolicy: {
                    enabled: true,
                    nodeToObjectStore: { destinations: [{ cidr: "203.0.113.0/24" }, { cidr: "10.20.0.0/16", except: ["10.20.128.0/20"] }] },
                },
            });
            const to = find(mm, "NetworkPolicy", "vmafx-node-to-object-store-egress").spec.egress[0].to;
            assert.deepEqual(to, [{ ipBlock: { cidr: "203.0.113.0/24" } }, { ipBlock: { cidr: "10.20.0.0/16", except: ["10.20.128.0/20"] } }]);
        });

        it("§9.9 default-deny missed required flows: Prometheus in another namespace scrapes server, node and operator", () => {
            const a = {
                node: { enabled: true },
                operator: { enabled: true },
                networkPolicy: {
                    enabled: true,
                    metrics: {
                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
                        podSelector: { matchLabels: { app: "prometheus" } },
                    },
                },
            };
            const mm = planFor(a);
            const model = modelOf(mm, makeContext(validateArgs("vmafx", a, "args.")));
            const prom = podIn(model, "monitoring", { app: "prometheus" }, { "kubernetes.io/metadata.name": "monitoring" });
            assert.equal(allowed(model, { from: prom, to: model.release.get("node")!, port: 9090, protocol: "TCP" }), true);
            assert.equal(allowed(model, { from: prom, to: model.release.get("server")!, port: 8080, protocol: "TCP" }), true);
            assert.equal(allowed(model, { from: prom, to: model.release.get("operator")!, port: 8080, protocol: "TCP" }), true);
            const apiserver = find(mm, "NetworkPolicy", "vmafx-operator-to-apiserver-egress");
            assert.deepEqual(
                apiserver.spec.egress[0].ports.map((p: any) => p.port),
                [443, 6443],
            );
        });

        it("§9.10 DNS hard-wired to CoreDNS labels: selectors are configurable and NodeLocal DNSCache can be allowed", () => {
            const a = {
                networkPolicy: {
                    enabled: true,
                    dns: { podSelector: { matchLabels: { "app.kubernetes.io/name": "coredns" } }, nodeLocalDnsIp: "169.254.20.10" },
                },
            };
            const mm = planFor(a);
            const dns = find(mm, "NetworkPolicy", "vmafx-dns-egress");
            assert.deepEqual(dns.spec.egress[0].to[0].podSelector, { matchLabels: { "app.kubernetes.io/name": "coredns" } });
            assert.deepEqual(dns.spec.egress[0].to[1], { ipBlock: { cidr: "169.254.20.10/32" } });
            assert.deepEqual(dns.spec.egress[0].ports, [
                { protocol: "UDP", port: 53 },
                { protocol: "TCP", port: 53 },
            ]);
            const model = modelOf(mm, makeContext(validateArgs("vmafx", a, "args.")));
            assert.equal(allowed(model, { from: model.release.get("server")!, to: { kind: "ip", ip: "169.254.20.10" }, port: 53, protocol: "UDP" }), true);
            assert.equal(allowed(model, { from: model.release.get("server")!, to: { kind: "ip", ip: "169.254.169.254" }, port: 53, protocol: "UDP" }), false);
        });
    });
});

describe("NetworkPolicy bundle without namespace-wide HTTP ingress", () => {
    it("the smoke test and an in-namespace scraper then get their own ingress rules", () => {
        const a = {
            smokeTest: { enabled: true },
            networkPolicy: { enabled: true, httpIngress: { enabled: false }, metrics: { podSelector: { matchLabels: { app: "prometheus" } } } },
        };
        const m = planFor(a);
        const ctx = makeContext(validateArgs("vmafx", a, "args."));
        assert.ok(find(m, "NetworkPolicy", "vmafx-smoke-test-to-server-ingress"));
        assert.ok(find(m, "NetworkPolicy", "vmafx-metrics-to-server-ingress"));
        const model = modelOf(m, ctx);
        for (const p of probesOf(model, intendedFlows(ctx))) assert.equal(allowed(model, p), true, p.label);
        const debug = podIn(model, "vmafx", { app: "debug" });
        assert.equal(allowed(model, { from: debug, to: model.release.get("server")!, port: 8080, protocol: "TCP" }), false);
    });
});
