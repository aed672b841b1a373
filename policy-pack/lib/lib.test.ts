import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { isProdName, resolveEnvironment } from "./environment";
import { describeResource, k8sTypeOf, tokenOfManifest, workloadOf } from "./stack";
import { UnknownGate, affects, findUnknowns, formatPath, isUnknown, parsePattern, relevantUnknowns, unknownCheckingProxy, unwrap } from "./unknowns";

describe("policy-pack lib", () => {
    it("prod environments: prod, production, prod-* and production-*", () => {
        for (const n of ["prod", "PROD", "production", "prod-eu", "production-us"]) assert.equal(isProdName(n), true, n);
        for (const n of ["dev", "staging", "preprod", "product", "prodx", "stack"]) assert.equal(isProdName(n), false, n);
        assert.deepEqual(resolveEnvironment(" prod-eu "), { name: "prod-eu", source: "config", prod: true });
        // Unset: the stack name, which is "stack" outside the CLI unless mocks set one.
        assert.equal(resolveEnvironment(undefined).source, "stack");
    });

    it("recognizes the engine's unknown sentinel (pulumi.runtime.unknownValue) and unwraps the props proxy", () => {
        assert.equal(isUnknown(pulumi.runtime.unknownValue), true);
        assert.equal(isUnknown("04da6b54"), false);
        const raw = { a: { b: [1, pulumi.runtime.unknownValue] } };
        const proxied = unknownCheckingProxy(raw);
        assert.throws(() => proxied.a.b[1], /string value at \.a\.b\.1 can't be known during preview/);
        assert.equal(unwrap(proxied), raw);
        assert.equal(unwrap(raw), raw);
        assert.deepEqual(
            findUnknowns(proxied).map((u) => u.path),
            ["a.b[1]"],
        );
    });

    it("field patterns: an unknown affects a reader when one path is a prefix of the other", () => {
        assert.deepEqual(parsePattern("spec.containers[*].securityContext"), ["spec", "containers", "*", "securityContext"]);
        assert.equal(formatPath(["spec", "containers", 0, "image"]), "spec.containers[0].image");
        const p = parsePattern("spec.containers[*].securityContext");
        assert.equal(affects(["spec", "containers"], p), true, "a whole unknown list hides every container");
        assert.equal(affects(["spec", "containers", 2, "securityContext", "privileged"], p), true);
        assert.equal(affects(["spec", "containers", 2, "image"], p), false);
        assert.equal(affects(["spec", "initContainers", 0, "securityContext"], p), false);
        const o = { spec: { containers: [{ image: pulumi.runtime.unknownValue, securityContext: { privileged: pulumi.runtime.unknownValue } }] } };
        assert.deepEqual(
            relevantUnknowns(o, [], ["spec.containers[*].securityContext"]).map((u) => u.path),
            ["spec.containers[0].securityContext.privileged"],
        );
        assert.deepEqual(
            relevantUnknowns({ x: { spec: o.spec } }, ["x"], [["spec", "containers", 0, "image"]]).map((u) => u.path),
            ["x.spec.containers[0].image"],
        );
    });

    it("UnknownGate reports in prod and throws one advisory UnknownValueError elsewhere", () => {
        const fields = findUnknowns({ a: pulumi.runtime.unknownValue });
        const reported: string[] = [];
        const prod = new UnknownGate({ name: "prod", source: "config", prod: true }, "X");
        assert.equal(
            prod.block("R", fields, (m) => reported.push(m)),
            true,
        );
        assert.equal(
            prod.block("R", [], (m) => reported.push(m)),
            false,
        );
        prod.finish();
        assert.match(reported[0], /^R: a is unknown during preview, so X cannot be verified; in the prod environment "prod" this fails closed/);
        const dev = new UnknownGate({ name: "dev", source: "stack", prod: false }, "X");
        dev.block("R", fields, () => assert.fail("nothing is reported outside prod"));
        assert.throws(
            () => dev.finish(),
            /X not verified for 1 field\(s\) unknown during preview \(environment "dev" is not prod, so this is advisory\): R: a/,
        );
    });

    it("type tokens, manifests and resource descriptions", () => {
        assert.deepEqual(k8sTypeOf("kubernetes:apps/v1:DeploymentPatch"), { apiVersion: "apps/v1", kind: "Deployment", patch: true });
        assert.deepEqual(k8sTypeOf("kubernetes:core/v1:Namespace"), { apiVersion: "v1", kind: "Namespace", patch: false });
        assert.equal(k8sTypeOf("vmafx:index:VmafxStack"), undefined);
        assert.equal(tokenOfManifest("v1", "Pod"), "kubernetes:core/v1:Pod");
        assert.equal(tokenOfManifest("batch/v1", "CronJob"), "kubernetes:batch/v1:CronJob");
        const r = {
            type: "kubernetes:apps/v1:Deployment",
            name: "web-pulumi",
            urn: "urn:pulumi:s::p::kubernetes:apps/v1:Deployment::web-pulumi",
            props: { metadata: { name: "web" } },
        };
        assert.equal(describeResource(r), "Deployment default/web (Pulumi name: web-pulumi)");
        assert.equal(
            describeResource({ ...r, provider: { props: { namespace: "apps" } } }),
            "Deployment apps/web (Pulumi name: web-pulumi)",
            "the provider's default namespace",
        );
        assert.equal(
            describeResource({ ...r, type: "kubernetes:core/v1:Namespace", props: { metadata: { name: "shop" } } }),
            "Namespace shop (Pulumi name: web-pulumi)",
        );
        assert.equal(workloadOf({ ...r, type: "kubernetes:core/v1:ConfigMap" }), undefined);
        assert.equal(workloadOf(r)?.template, undefined, "a Deployment without spec.template has no pod to judge");
    });
});
