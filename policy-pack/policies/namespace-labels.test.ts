import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { KINDS, namespace, workload } from "../fixtures";
import { k8s, messages, runPolicy } from "../testing";
import { namespaceLabels } from "./namespace-labels";

const PROD = { environment: "prod" };

describe("namespace-labels", () => {
    it("passes a target Namespace enforcing restricted at a pinned version", async () => {
        assert.deepEqual(messages(await runPolicy(namespaceLabels, [k8s(namespace("shop")), k8s(workload("Deployment"))], PROD)), []);
    });

    const bad: [string, ReturnType<typeof namespace>, RegExp][] = [
        [
            "enforce baseline",
            namespace("shop", "baseline", "v1.33"),
            /metadata\.labels\["pod-security\.kubernetes\.io\/enforce"\] = "baseline", not "restricted"/,
        ],
        ["no enforce label", namespace("shop", null, "v1.33"), /metadata\.labels\["pod-security\.kubernetes\.io\/enforce"\] is not set/],
        [
            "enforce-version latest",
            namespace("shop", "restricted", "latest"),
            /metadata\.labels\["pod-security\.kubernetes\.io\/enforce-version"\] = "latest" is not pinned/,
        ],
        ["no enforce-version", namespace("shop", "restricted", null), /enforce-version"\] is not set \(PSA then enforces "latest"/],
        ["invalid enforce-version", namespace("shop", "restricted", "v1.033"), /enforce-version"\] = "v1\.033" is not a valid version/],
    ];
    for (const [name, ns, expected] of bad) {
        it(`flags a target Namespace with ${name}, pinned on the Namespace`, async () => {
            const resources = [k8s(ns, { name: "shop-ns" }), k8s(workload("Deployment", { name: "web" }))];
            const out = await runPolicy(namespaceLabels, resources, PROD);
            assert.equal(out.violations.length, 1);
            assert.match(out.violations[0].message, /^Namespace shop \(Pulumi name: shop-ns\) is the target namespace of Deployment shop\/web/);
            assert.match(out.violations[0].message, expected);
            assert.match(out.violations[0].message, /Fix: label it pod-security\.kubernetes\.io\/enforce: restricted/);
            assert.equal(out.violations[0].urn, resources[0].urn);
        });
    }

    it("ignores declared Namespaces no workload deploys into", async () => {
        assert.deepEqual(
            messages(await runPolicy(namespaceLabels, [k8s(namespace("tools", null, null)), k8s(namespace("shop")), k8s(workload("Pod"))], PROD)),
            [],
        );
    });

    for (const kind of KINDS) {
        it(`in prod flags an undeclared target namespace of a ${kind}, unless trusted`, async () => {
            const w = k8s(workload(kind, { namespace: "payments" }));
            const out = await runPolicy(namespaceLabels, w, PROD);
            assert.equal(out.violations.length, 1);
            assert.match(out.violations[0].message, new RegExp(`^${kind} payments/.* deploys into Namespace payments, which this stack does not declare`));
            assert.deepEqual(messages(await runPolicy(namespaceLabels, w, { ...PROD, trustedNamespaces: ["payments"] })), []);
            assert.deepEqual(messages(await runPolicy(namespaceLabels, w, { environment: "dev" })), []);
        });
    }

    it("fails closed in prod on an unknown enforce label and defers outside prod", async () => {
        const ns = namespace("shop");
        ns.metadata.labels["pod-security.kubernetes.io/enforce"] = pulumi.runtime.unknownValue;
        const resources = [k8s(ns), k8s(workload("Deployment"))];
        const prod = await runPolicy(namespaceLabels, resources, PROD);
        assert.equal(prod.violations.length, 1);
        assert.match(prod.violations[0].message, /metadata\.labels\.pod-security\.kubernetes\.io\/enforce is unknown during preview/);
        const dev = await runPolicy(namespaceLabels, resources, { environment: "dev" });
        assert.deepEqual(messages(dev), []);
        assert.match(dev.unknown ?? "", /enforce/);
    });
});
