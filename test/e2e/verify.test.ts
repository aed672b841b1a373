// Unit tests of the pure parts of test/e2e/verify.ts (no cluster needed): which objects come from the stack state,
// which Pod a pod template gives, and that the render/cluster comparison catches what it should.
import * as assert from "assert";
import { canonical, compareWithRender, objectsInState, podFromTemplate, securityContexts } from "./verify";

const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "vmafx", namespace: "vmafx" },
    spec: {
        template: {
            metadata: { labels: { app: "vmafx" }, annotations: { a: "b" } },
            spec: {
                serviceAccountName: "vmafx",
                securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                    {
                        name: "server",
                        image: "x:1",
                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                    },
                ],
            },
        },
    },
};
const cronJob = {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "nightly", namespace: "vmafx" },
    spec: { jobTemplate: { spec: { template: { metadata: {}, spec: { containers: [{ name: "c", image: "y:1" }] } } } } },
};
const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: "vmafx" } };

describe("e2e verify helpers", () => {
    it("takes the Kubernetes objects of a stack export, not providers, components or the stack", () => {
        const exported = {
            deployment: {
                resources: [
                    { type: "pulumi:pulumi:Stack", custom: false, outputs: {} },
                    { type: "pulumi:providers:kubernetes", custom: true, outputs: { version: "4" } },
                    { type: "vmafx:index:VmafxStack", custom: false, outputs: {} },
                    { type: "kubernetes:core/v1:Namespace", custom: true, outputs: namespace },
                    { type: "kubernetes:apps/v1:Deployment", custom: true, outputs: deployment },
                ],
            },
        };
        assert.deepStrictEqual(objectsInState(exported), [
            { apiVersion: "v1", kind: "Namespace", name: "vmafx", namespace: undefined },
            { apiVersion: "apps/v1", kind: "Deployment", name: "vmafx", namespace: "vmafx" },
        ]);
    });

    it("builds a Pod from a Deployment's and a CronJob's template, none from a Namespace", () => {
        const pod = podFromTemplate(deployment, "e2e")!;
        assert.strictEqual(pod.kind, "Pod");
        assert.strictEqual(pod.metadata.name, "vmafx-deployment-e2e");
        assert.strictEqual(pod.metadata.namespace, "vmafx");
        assert.deepStrictEqual(pod.metadata.labels, { app: "vmafx" });
        assert.strictEqual(pod.spec, deployment.spec.template.spec);
        assert.strictEqual(podFromTemplate(cronJob, "e2e")!.spec.containers[0].name, "c");
        assert.strictEqual(podFromTemplate(namespace, "e2e"), undefined);
    });

    it("finds no difference between equal objects, whatever the key order", () => {
        const reordered = JSON.parse(canonical(deployment));
        assert.deepStrictEqual(compareWithRender([namespace, deployment], [reordered, namespace]), []);
    });

    it("reports a missing object, an extra object and a changed security context", () => {
        const changed = JSON.parse(JSON.stringify(deployment));
        changed.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
        const diffs = compareWithRender([namespace, deployment], [changed, cronJob]);
        assert.deepStrictEqual(
            diffs.map((d) => d.what),
            ["object Namespace//vmafx", "object CronJob/vmafx/nightly", "security contexts of Deployment/vmafx/vmafx"],
        );
        assert.deepStrictEqual(securityContexts(changed)!["containers/server"], {
            allowPrivilegeEscalation: true,
            capabilities: { drop: ["ALL"] },
        });
    });
});
