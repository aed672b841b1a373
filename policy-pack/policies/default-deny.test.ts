import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { KINDS, defaultDenyPolicy, egressPolicy, namespace, networkPolicy, workload } from "../fixtures";
import { k8s, messages, runPolicy } from "../testing";
import { defaultDeny } from "./default-deny";

describe("default-deny", () => {
    it("does not judge a stack without NetworkPolicies", async () => {
        assert.deepEqual(messages(await runPolicy(defaultDeny, [k8s(namespace("shop")), k8s(workload("Deployment"))], { environment: "prod" })), []);
    });

    for (const kind of KINDS) {
        it(`passes a ${kind} isolated both ways and flags one isolated for Ingress only`, async () => {
            const good = [defaultDenyPolicy(), workload(kind, { name: "web" })].map((m) => k8s(m));
            assert.deepEqual(messages(await runPolicy(defaultDeny, good)), []);
            const ingressOnly = networkPolicy("deny-in", "shop", { podSelector: {} }); // no policyTypes, no egress: Ingress only
            const bad = [ingressOnly, workload(kind, { name: "web" })].map((m) => k8s(m));
            const out = await runPolicy(defaultDeny, bad);
            assert.equal(out.violations.length, 1);
            assert.match(
                out.violations[0].message,
                new RegExp(
                    `^${kind} shop/web .* is not isolated for Egress: no NetworkPolicy in namespace shop selects its pod labels \\{"app":"web"\\} with policyTypes Egress`,
                ),
            );
            assert.equal(out.violations[0].urn, bad[1].urn);
        });
    }

    it("counts egress rules without policyTypes as Egress isolation (API defaulting)", async () => {
        const both = networkPolicy("both", "shop", { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] });
        assert.deepEqual(messages(await runPolicy(defaultDeny, [k8s(both), k8s(workload("Deployment"))])), []);
    });

    it("flags a workload isolated in neither direction: policies of other namespaces or selectors do not count", async () => {
        const resources = [
            defaultDenyPolicy("tools"),
            egressPolicy("other", [], "shop", { matchLabels: { app: "other" } }),
            workload("Deployment", { name: "web" }),
        ].map((m) => k8s(m));
        const out = await runPolicy(defaultDeny, resources);
        assert.equal(out.violations.length, 1);
        assert.match(
            out.violations[0].message,
            /is not isolated for Ingress and Egress.*so all traffic in and out is allowed although this stack declares 2 NetworkPolicies/,
        );
    });

    it("does not count a NetworkPolicyPatch as isolation", async () => {
        const resources = [k8s(egressPolicy("x", [], "tools")), k8s(defaultDenyPolicy(), { patch: true }), k8s(workload("Deployment"))];
        assert.equal((await runPolicy(defaultDeny, resources)).violations.length, 1);
    });

    it("is not blocked by an unknown value inside an egress rule when policyTypes is explicit", async () => {
        const np = egressPolicy("egress", [{ to: [{ ipBlock: { cidr: pulumi.runtime.unknownValue } }] }]);
        np.spec.policyTypes = ["Ingress", "Egress"];
        const out = await runPolicy(defaultDeny, [k8s(np), k8s(workload("Deployment"))], { environment: "prod" });
        assert.deepEqual(messages(out), []);
        assert.equal(out.unknown, undefined);
    });

    it("is blocked by an unknown egress list when policyTypes is absent (it decides Egress isolation)", async () => {
        const np = networkPolicy("np", "shop", { podSelector: {}, egress: pulumi.runtime.unknownValue });
        const out = await runPolicy(defaultDeny, [k8s(np), k8s(workload("Deployment"))], { environment: "prod" });
        assert.ok(
            out.violations.some((v) => /spec\.egress is unknown during preview/.test(v.message)),
            messages(out).join("\n"),
        );
    });

    it("fails closed in prod on an unknown pod selector", async () => {
        const np = defaultDenyPolicy();
        np.spec.podSelector = pulumi.runtime.unknownValue;
        const resources = [k8s(np), k8s(workload("Deployment"))];
        const out = await runPolicy(defaultDeny, resources, { environment: "prod" });
        assert.ok(
            out.violations.some((v) => /^NetworkPolicy shop\/default-deny .*: spec\.podSelector is unknown during preview/.test(v.message)),
            messages(out).join("\n"),
        );
        const dev = await runPolicy(defaultDeny, resources, { environment: "dev" });
        assert.match(dev.unknown ?? "", /spec\.podSelector/);
    });
});
