// Unit tests of the pure parts of test/e2e/verify.ts (no cluster needed): which objects come from the stack state,
// which Pod a pod template gives, that the render/cluster comparison catches what it should, and how the YAML
// example's preview is read and compared with its TypeScript twin.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    canonical,
    compareCustomResourceSpecs,
    compareNetworkPolicySpecs,
    compareWithRender,
    componentOfYamlProgram,
    destroyedFinding,
    exampleFindings,
    ExampleRecording,
    isCustomResource,
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

    it("marks the objects registered with retainOnDelete, and only those", () => {
        const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "vmafxjobs.vmafx.dev" } };
        const exported = {
            deployment: {
                resources: [
                    { type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", custom: true, retainOnDelete: true, outputs: crd },
                    { type: "kubernetes:core/v1:Namespace", custom: true, retainOnDelete: false, outputs: namespace },
                ],
            },
        };
        assert.deepStrictEqual(objectsInState(exported), [
            {
                apiVersion: "apiextensions.k8s.io/v1",
                kind: "CustomResourceDefinition",
                name: "vmafxjobs.vmafx.dev",
                namespace: undefined,
                retainOnDelete: true,
            },
            { apiVersion: "v1", kind: "Namespace", name: "vmafx", namespace: undefined },
        ]);
    });

    describe("after destroy: gone, except the retained CRDs", () => {
        const crdRef = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "vmafxjobs.vmafx.dev" };
        const retained = { ...crdRef, retainOnDelete: true as const };
        const liveCrd = { kind: "CustomResourceDefinition", metadata: { name: crdRef.name } };
        const notFound = 'Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io "vmafxjobs.vmafx.dev" not found';
        const cases: [string, Parameters<typeof destroyedFinding>, boolean, RegExp][] = [
            ["a retained CRD that is still there", [retained, liveCrd, undefined], true, /is retained/],
            ["a retained CRD that is gone", [retained, undefined, notFound], false, /registered with retainOnDelete but is gone/],
            [
                "a retained CRD being deleted",
                [retained, { ...liveCrd, metadata: { ...liveCrd.metadata, deletionTimestamp: "2026-12-01T00:00:00Z" } }, undefined],
                false,
                /being deleted/,
            ],
            ["a CRD registered without retainOnDelete that is still there", [crdRef, liveCrd, undefined], false, /still there after destroy/],
            [
                "a retained object of another kind",
                [{ apiVersion: "v1", kind: "ConfigMap", name: "c", namespace: "vmafx", retainOnDelete: true }, { kind: "ConfigMap" }, undefined],
                false,
                /only CRDs may be/,
            ],
            [
                "a deleted ConfigMap",
                [{ apiVersion: "v1", kind: "ConfigMap", name: "c", namespace: "vmafx" }, undefined, 'Error from server (NotFound): configmaps "c" not found'],
                true,
                /is gone/,
            ],
            [
                "a custom resource whose kind is gone",
                [
                    { apiVersion: "vmafx.dev/v1", kind: "VmafxTenant", name: "a", namespace: "vmafx" },
                    undefined,
                    'error: resource mapping not found for name: "a": no matches for kind "VmafxTenant" in version "vmafx.dev/v1"',
                ],
                true,
                /is gone/,
            ],
            [
                "a Terminating Namespace without a namespace controller",
                [{ apiVersion: "v1", kind: "Namespace", name: "vmafx" }, { kind: "Namespace", status: { phase: "Terminating" } }, undefined],
                true,
                /Terminating/,
            ],
            [
                "a Terminating Namespace with kube-controller-manager running",
                [{ apiVersion: "v1", kind: "Namespace", name: "vmafx" }, { kind: "Namespace", status: { phase: "Terminating" } }, undefined, true],
                false,
                /still there after destroy/,
            ],
        ];
        for (const [name, args, ok, message] of cases) {
            it(name, () => {
                const finding = destroyedFinding(...args);
                assert.strictEqual(finding.ok, ok, finding.message);
                assert.match(finding.message, message);
            });
        }
    });

    it("tells custom resources from built-in kinds by their API group", () => {
        for (const apiVersion of ["vmafx.dev/v1", "monitoring.coreos.com/v1"]) assert.ok(isCustomResource({ apiVersion }), apiVersion);
        for (const apiVersion of [
            "v1",
            "apps/v1",
            "batch/v1",
            "policy/v1",
            "networking.k8s.io/v1",
            "rbac.authorization.k8s.io/v1",
            "apiextensions.k8s.io/v1",
        ]) {
            assert.ok(!isCustomResource({ apiVersion }), apiVersion);
        }
    });

    describe("rendered CRD and custom resource specs in the cluster", () => {
        const tenant = {
            apiVersion: "vmafx.dev/v1",
            kind: "VmafxTenant",
            metadata: { name: "studio-a", namespace: "vmafx" },
            spec: { tenantId: "studio-a", enabled: true, oidc: { issuer: "https://i/", jwksEndpoint: "https://i/keys", audience: "vmafx" } },
        };
        const crd = {
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            metadata: { name: "vmafxtenants.vmafx.dev" },
            spec: { group: "vmafx.dev", versions: [{ name: "v1", schema: { openAPIV3Schema: { type: "object", required: ["spec"] } } }] },
        };
        const withDefaults = JSON.parse(JSON.stringify(tenant));
        withDefaults.spec.oidc.tenantClaim = "tid";
        withDefaults.spec.rbac = { defaultRole: "vmafx:reader" };
        const crdLive = JSON.parse(JSON.stringify(crd));
        crdLive.spec.conversion = { strategy: "None" };

        it("accepts the API server's defaults added to them", () => {
            assert.deepStrictEqual(compareCustomResourceSpecs([tenant, crd], [withDefaults, crdLive]), []);
        });

        it("names a field a CRD schema pruned, a changed schema, and ignores built-in kinds", () => {
            const pruned = JSON.parse(JSON.stringify(withDefaults));
            delete pruned.spec.oidc.audience;
            const changed = JSON.parse(JSON.stringify(crdLive));
            changed.spec.versions[0].schema.openAPIV3Schema.required = [];
            const otherDeployment = JSON.parse(JSON.stringify(deployment));
            otherDeployment.spec.template.spec.serviceAccountName = "other";
            assert.deepStrictEqual(
                compareCustomResourceSpecs([tenant, crd, deployment], [pruned, changed, otherDeployment]).map((d) => d.what),
                [
                    "spec of VmafxTenant/vmafx/studio-a at .spec.oidc.audience: undefined",
                    "spec of CustomResourceDefinition//vmafxtenants.vmafx.dev at .spec.versions[0].schema.openAPIV3Schema.required: []",
                ],
            );
        });
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
