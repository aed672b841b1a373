// Unit tests of the pure parts of test/e2e/verify.ts (no cluster needed): which objects come from the stack state,
// which Pod a pod template gives, that the render/cluster comparison catches what it should, and how the YAML
// example's preview is read and compared with its TypeScript twin.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    canonical,
    compareNetworkPolicySpecs,
    compareWithRender,
    componentOfYamlProgram,
    exampleFindings,
    ExampleRecording,
    objectsInState,
    plannedResources,
    podFromTemplate,
    renderYamlProgramTwin,
    securityContexts,
    withoutNamespaceName,
} from "./verify";

const YAML_EXAMPLE = path.join(__dirname, "..", "..", "examples", "yaml", "Pulumi.yaml");

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

    it("compares NetworkPolicy specs whatever the key order, and names a changed except", () => {
        const policy = {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "node-egress", namespace: "vmafx" },
            spec: { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.20.0.0/16", except: ["10.20.128.0/20"] } }] }] },
        };
        assert.deepStrictEqual(compareNetworkPolicySpecs([policy], [JSON.parse(canonical(policy))]), []);
        const widened = JSON.parse(JSON.stringify(policy));
        widened.spec.egress[0].to[0].ipBlock.except = [];
        assert.deepStrictEqual(
            compareNetworkPolicySpecs([policy, deployment], [widened, deployment]).map((d) => d.what),
            ["spec of NetworkPolicy/vmafx/node-egress"],
        );
    });

    it("reads the one VmafxStack of a YAML program, and refuses a program with none or two", () => {
        const { name, properties } = componentOfYamlProgram(YAML_EXAMPLE);
        assert.strictEqual(name, "vmafx");
        assert.strictEqual((properties.networkPolicy as any).enabled, true);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-yaml-"));
        try {
            const none = path.join(dir, "none.yaml");
            fs.writeFileSync(none, "name: x\nruntime: yaml\nresources: {}\n");
            assert.throws(() => componentOfYamlProgram(none), /expected one vmafx:index:VmafxStack resource, found 0/);
            const two = path.join(dir, "two.yaml");
            fs.writeFileSync(two, "resources:\n  a: {type: vmafx:index:VmafxStack}\n  b: {type: vmafx:index:VmafxStack}\n");
            assert.throws(() => componentOfYamlProgram(two), /found 2/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("takes planned resources from `pulumi preview --json` steps, skipping steps without a new state", () => {
        const preview = {
            steps: [
                { op: "create", urn: "urn:a", newState: { type: "vmafx:index:VmafxStack", inputs: {} } },
                { op: "create", urn: "urn:b", newState: { type: "kubernetes:core/v1:Namespace", parent: "urn:a", inputs: namespace } },
                { op: "delete", urn: "urn:c", oldState: { type: "kubernetes:core/v1:ConfigMap" } },
            ],
        };
        assert.deepStrictEqual(plannedResources(preview), [
            { urn: "urn:a", type: "vmafx:index:VmafxStack", parent: undefined, inputs: {} },
            { urn: "urn:b", type: "kubernetes:core/v1:Namespace", parent: "urn:a", inputs: namespace },
        ]);
    });

    it("the YAML example is valid VmafxStack input: its twin renders NetworkPolicies with the example's narrowed CIDRs", async () => {
        const objects = await renderYamlProgramTwin(YAML_EXAMPLE, "prod");
        const ns = objects.find((o) => o.kind === "Namespace")!;
        assert.strictEqual(ns.metadata.name, "vmafx-yaml");
        assert.strictEqual(ns.metadata.labels["pod-security.kubernetes.io/enforce-version"], "v1.33");
        const egress = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "vmafx-node-to-object-store-egress")!;
        assert.deepStrictEqual(egress.spec.egress[0].to, [{ ipBlock: { cidr: "10.20.0.0/16", except: ["10.20.128.0/20"] } }]);
        const apiserver = objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "vmafx-operator-to-apiserver-egress")!;
        assert.deepStrictEqual(
            apiserver.spec.egress[0].ports.map((p: any) => p.port),
            [443, 6443],
        );
        assert.strictEqual(objects.filter((o) => o.kind === "Deployment").length, 3);
    });

    describe("a language example against the YAML example", () => {
        const { name, properties } = componentOfYamlProgram(YAML_EXAMPLE);
        const recording = (inputs: Record<string, any>, exports?: string[]): ExampleRecording => ({
            registered: [{ type: "vmafx:index:VmafxStack", name, inputs }],
            exports,
        });
        const pythonLike = () => ({ ...JSON.parse(JSON.stringify(properties)), namespace: { ...(properties.namespace as object), name: "vmafx-py" } });
        const failures = (r: ExampleRecording) =>
            exampleFindings("python", r, YAML_EXAMPLE)
                .filter((f) => !f.ok)
                .map((f) => f.message);

        it("accepts the same properties in its own namespace and the YAML example's outputs", () => {
            assert.deepStrictEqual(failures(recording(pythonLike(), ["namespace", "serviceUrl", "kubectlCommands", "networkPolicyHint"])), []);
            assert.deepStrictEqual(withoutNamespaceName({ namespace: { name: "a", podSecurityVersion: "v1.33" } }), {
                namespace: { podSecurityVersion: "v1.33" },
            });
        });

        it("reports a changed except, a missing export and a second component", () => {
            const changed = pythonLike();
            changed.networkPolicy.nodeToObjectStore.destinations[0].except = [];
            assert.match(failures(recording(changed))[0], /examples\/python gives VmafxStack other properties than the YAML example/);
            assert.match(
                failures(recording(pythonLike(), ["namespace"]))[0],
                /exports namespace, the YAML example kubectlCommands, namespace, networkPolicyHint, serviceUrl/,
            );
            const two = recording(pythonLike());
            two.registered.push({ ...two.registered[0] });
            assert.match(failures(two)[0], /registered 2 vmafx:index:VmafxStack resources, expected 1/);
        });
    });
});
