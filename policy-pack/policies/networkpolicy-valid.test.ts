import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { manifestResource } from "../manifests";
import { k8s, messages, runPolicy } from "../testing";
import { networkPolicyValid } from "./networkpolicy-valid";

const np = (spec: Record<string, any>, metadata: Record<string, any> = { name: "web", namespace: "shop" }) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
    spec,
});

describe("networkpolicy-valid", () => {
    it("passes valid policies: endPort ranges, named ports, empty selectors", async () => {
        const ok = np({
            podSelector: {},
            ingress: [{ from: [{ namespaceSelector: {} }, { podSelector: {} }], ports: [{ port: 32000, endPort: 32768 }, { port: "http" }] }],
            egress: [{ to: [{ ipBlock: { cidr: "2001:db8::/32", except: ["2001:db8:1::/48"] } }] }],
        });
        assert.deepEqual(messages(await runPolicy(networkPolicyValid, k8s(ok))), []);
    });

    it("reports every error with the API server's field path and message, in one violation per policy", async () => {
        const bad = np({
            podSelector: {},
            egress: [{ to: [{ ipBlock: { cidr: "2001:db8::/32", except: ["10.0.0.0/8"] } }, {}], ports: [{ port: 0 }] }],
        });
        const out = await runPolicy(networkPolicyValid, k8s(bad));
        assert.deepEqual(messages(out), [
            [
                "NetworkPolicy shop/web (Pulumi name: networkpolicy-web) would be rejected by the API server (3 errors):",
                "  - spec.egress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                '  - spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
                "  - spec.egress[0].to[1]: Required value: must specify a peer",
                "Fix: correct the fields named; kubectl and pulumi up report the same errors.",
            ].join("\n"),
        ]);
    });

    it("a Pulumi resource without a name is autonamed; a manifest without one is rejected", async () => {
        const unnamed = np({ podSelector: {} }, { namespace: "shop" });
        assert.deepEqual(messages(await runPolicy(networkPolicyValid, k8s(unnamed))), []);
        const out = await runPolicy(networkPolicyValid, manifestResource({ file: "np.yaml", index: 0, object: unnamed }));
        assert.match(messages(out)[0], /\n {2}- metadata\.name: Required value: name or generateName is required\n/);
    });

    it("leaves patches and other kinds alone", async () => {
        const bad = np({ podSelector: {}, policyTypes: ["Sideways"] });
        assert.deepEqual(messages(await runPolicy(networkPolicyValid, k8s(bad, { patch: true }))), []);
        assert.deepEqual(messages(await runPolicy(networkPolicyValid, k8s({ ...bad, kind: "ConfigMap", apiVersion: "v1" }))), []);
    });

    it("does not judge unknown values: prod fails closed on them, elsewhere they are advisory", async () => {
        const policy = np({
            podSelector: {},
            egress: [{ to: [{ ipBlock: { cidr: pulumi.runtime.unknownValue, except: ["10.0.0.0/8"] } }], ports: [{ port: 0 }] }],
        });
        const dev = await runPolicy(networkPolicyValid, k8s(policy), { environment: "dev" });
        assert.equal(messages(dev).length, 1);
        assert.match(messages(dev)[0], /\(1 error\):\n {2}- spec\.egress\[0\]\.ports\[0\]\.port: Invalid value: 0/);
        assert.match(dev.unknown ?? "", /NetworkPolicy validity not verified for 1 field\(s\).*spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr/);
        const prod = await runPolicy(networkPolicyValid, k8s(policy), { environment: "prod" });
        assert.equal(messages(prod).length, 2);
        assert.match(messages(prod)[1], /spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr is unknown during preview, so NetworkPolicy validity cannot be verified/);
    });
});
