// Unit tests of the dataplane's pure parts (no namespaces, no API server): which Pods the test node takes, which
// containers it runs as checks, how a packet result becomes a verdict line, what the host-state comparison ignores.
import { strict as assert } from "assert";
import { withoutCounters } from "./kube-router";
import { podFitsNode, wgetCheck } from "./node-agent";
import { cases, FlowResult, isIpv6, resultLine } from "./packets";
import { resolveTruthTable, truthTable } from "../../../../truth-tables";

const labels = { "kubernetes.io/hostname": "n", "nvidia.com/gpu.present": "true", "topology.kubernetes.io/zone": "e2e-a" };
const pod = (spec: Record<string, unknown>) => ({ spec });
const term = (...matchExpressions: Record<string, unknown>[]) => ({
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } } },
});

describe("test node agent: which Pods fit the node", () => {
    it("a Pod without nodeSelector or affinity fits", () => assert.equal(podFitsNode(pod({}), labels), true));
    it("a matching nodeSelector fits", () => assert.equal(podFitsNode(pod({ nodeSelector: { "nvidia.com/gpu.present": "true" } }), labels), true));
    it("a nodeSelector with another value does not fit", () =>
        assert.equal(podFitsNode(pod({ nodeSelector: { "nvidia.com/gpu.present": "false" } }), labels), false));
    it("a nodeSelector naming a missing label does not fit", () => assert.equal(podFitsNode(pod({ nodeSelector: { "amd.com/gpu": "true" } }), labels), false));
    for (const [operator, values, key, fits] of [
        ["In", ["e2e-a", "e2e-b"], "topology.kubernetes.io/zone", true],
        ["In", ["e2e-b"], "topology.kubernetes.io/zone", false],
        ["NotIn", ["e2e-a"], "topology.kubernetes.io/zone", false],
        ["NotIn", ["e2e-b"], "topology.kubernetes.io/zone", true],
        ["Exists", undefined, "nvidia.com/gpu.present", true],
        ["Exists", undefined, "amd.com/gpu", false],
        ["DoesNotExist", undefined, "amd.com/gpu", true],
        ["Frobnicate", undefined, "amd.com/gpu", false],
    ] as const) {
        it(`required node affinity ${key} ${operator} ${values?.join(",") ?? ""}: ${fits ? "fits" : "does not fit"}`, () => {
            assert.equal(podFitsNode(pod(term({ key, operator, values })), labels), fits);
        });
    }
    it("node affinity terms are ORed, expressions within a term ANDed", () => {
        const spec = {
            affinity: {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [
                            { matchExpressions: [{ key: "amd.com/gpu", operator: "Exists" }] },
                            {
                                matchExpressions: [
                                    { key: "nvidia.com/gpu.present", operator: "In", values: ["true"] },
                                    { key: "topology.kubernetes.io/zone", operator: "In", values: ["e2e-a"] },
                                ],
                            },
                        ],
                    },
                },
            },
        };
        assert.equal(podFitsNode(pod(spec), labels), true);
    });
});

describe("test node agent: run-to-completion checks", () => {
    it("the smoke test's wget container is a check of its URL", () => {
        assert.deepEqual(wgetCheck({ command: ["wget", "--spider", "-T", "10", "http://vmafx.vmafx-dev.svc:8080/healthz"] }), {
            url: "http://vmafx.vmafx-dev.svc:8080/healthz",
        });
    });
    it("a wget given by path, with the URL in args, is one too", () => {
        assert.deepEqual(wgetCheck({ command: ["/bin/wget"], args: ["-q", "http://a/healthz"] }), { url: "http://a/healthz" });
    });
    it("other containers are not checks", () => {
        assert.equal(wgetCheck({ command: ["curl", "http://a/"] }), undefined);
        assert.equal(wgetCheck({ image: "x" }), undefined);
        assert.equal(wgetCheck({ command: ["wget", "--version"] }), undefined);
    });
});

describe("packet verdicts", () => {
    const base: FlowResult = {
        table: "prod",
        label: "node -> object store",
        expected: "allowed",
        analyzer: "allowed",
        packets: "allowed",
        detail: "TCP a -> b:443",
        pass: true,
    };
    it("a passing flow says PASS and what was expected", () => assert.equal(resultLine(base), "PASS allowed [prod] node -> object store: TCP a -> b:443"));
    it("a failing flow names all three verdicts", () => {
        assert.equal(
            resultLine({ ...base, packets: "denied", pass: false }),
            "FAIL [prod] node -> object store: expected allowed, analyzer allowed, packets denied; TCP a -> b:443",
        );
    });
    it("every flow of the dev and prod truth tables is a case, intended ones allowed, must-deny ones denied", () => {
        for (const id of ["dev", "prod"]) {
            const rt = resolveTruthTable(truthTable(id));
            const all = cases(rt);
            assert.equal(all.length, rt.allowed.length + rt.denied.length);
            assert.equal(all.filter((c) => c.expected === "allowed").length, rt.allowed.length);
        }
    });
    it("only IPv6 address endpoints are left to the analyzer", () => {
        assert.equal(isIpv6({ kind: "ip", ip: "fd00:20::1" }), true);
        assert.equal(isIpv6({ kind: "ip", ip: "10.20.0.1" }), false);
        assert.equal(isIpv6({ kind: "pod", namespace: "a", labels: {} }), false);
    });
    it("the truth tables send nothing outside documentation and private ranges the test assigns itself", () => {
        const ok = /^(10\.|169\.254\.|192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|2001:db8:|fd)/;
        for (const id of ["dev", "prod"]) {
            for (const c of cases(resolveTruthTable(truthTable(id)))) {
                for (const e of [c.probe.from, c.probe.to]) if (e.kind === "ip") assert.match(e.ip, ok, c.probe.label);
            }
        }
    });
});

describe("the machine's firewall state comparison", () => {
    it("ignores packet counters and the timestamped comment lines, and nothing else", () => {
        const a = "# Generated by iptables-save v1.8.9 on Tue Dec  1 17:00:00 2026\n*filter\n:INPUT ACCEPT [10:200]\n-A INPUT -j ACCEPT\nCOMMIT";
        const b = "# Generated by iptables-save v1.8.9 on Tue Dec  1 18:00:00 2026\n*filter\n:INPUT ACCEPT [99:9999]\n-A INPUT -j ACCEPT\nCOMMIT";
        assert.equal(withoutCounters(a), withoutCounters(b));
        assert.notEqual(withoutCounters(a), withoutCounters(`${b}\n-A INPUT -j DROP`));
    });
});
