// Inputs wired from other resources: Output-valued CIDRs, ports, namespace, images and labels
// reach the objects VmafxStack registers; an Output that resolves to a bad value fails the
// update naming the key; an unknown value at preview does not get past the pack in prod.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { VmafxStack, VmafxStackArgs } from "@vmafx-k8s/vmafx";
import { runPack } from "@vmafx-k8s/policy-pack/run";
import { asPolicyInputs } from "../tools/offline/program";
import { Registered } from "./helpers";

function settle<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply(resolve));
}

/** A resource of another provider whose outputs the test chooses (unknown at preview when `preview`). */
class Vpc extends pulumi.CustomResource {
    declare readonly cidr: pulumi.Output<string>;
    declare readonly namespace: pulumi.Output<string>;
    constructor(name: string) {
        super("test:index:Vpc", name, { cidr: undefined, namespace: undefined });
    }
}

async function register(args: VmafxStackArgs, preview = false, state: Record<string, unknown> = {}) {
    const registered: Registered[] = [];
    pulumi.runtime.setMocks(
        {
            newResource: (a) => {
                registered.push({ type: a.type, name: a.name, custom: a.custom ?? true, inputs: a.inputs });
                // In a preview, outputs the mock leaves out are unknown.
                return { id: `${a.name}-id`, state: a.type === "test:index:Vpc" ? (preview ? {} : state) : a.inputs };
            },
            call: (a) => a.inputs,
        },
        "vmafx",
        "prod",
        preview,
    );
    return registered;
}

const objects = (registered: Registered[]) => registered.filter((r) => r.type.startsWith("kubernetes:")).map((r) => asPolicyInputs(r.inputs));

describe("VmafxStack: Input<T> args wired from other resources", function () {
    this.timeout(30000);

    it("Output-valued namespace, CIDRs, except, port, image tag and label values reach every object", async () => {
        const registered = await register({});
        const c = new VmafxStack("vmafx", {
            namespace: { name: pulumi.output("media"), labels: { team: pulumi.output("video") } },
            image: { tag: Promise.resolve("v9.9.9") },
            node: { enabled: true, nodeSelector: { pool: pulumi.secret("gpu-a") } },
            networkPolicy: {
                enabled: true,
                nodeToObjectStore: {
                    ports: [pulumi.output(8443)],
                    destinations: [{ cidr: pulumi.output("10.20.0.0/16"), except: [pulumi.output("10.20.128.0/20")] }],
                },
            },
        });
        assert.equal(await settle(c.serviceUrl), "http://vmafx.media.svc:8080");
        assert.equal(await settle(c.namespace), "media");
        await (pulumi.runtime as any).waitForRPCs();
        const all = objects(registered);
        const ns = all.find((o) => o.kind === "Namespace")!;
        assert.equal(ns.metadata.name, "media");
        assert.equal(ns.metadata.labels.team, "video");
        for (const o of all.filter((x) => x.kind !== "Namespace")) assert.equal(o.metadata.namespace, "media", `${o.kind}/${o.metadata.name}`);
        const egress = all.find((o) => o.metadata.name === "vmafx-node-to-object-store-egress")!;
        assert.deepEqual(egress.spec.egress, [
            { to: [{ ipBlock: { cidr: "10.20.0.0/16", except: ["10.20.128.0/20"] } }], ports: [{ protocol: "TCP", port: 8443 }] },
        ]);
        const dns = all.find((o) => o.metadata.name === "vmafx-default-deny");
        assert.ok(dns, "the bundle's default-deny exists");
        const server = all.find((o) => o.kind === "Deployment" && o.metadata.name === "vmafx")!;
        assert.match(server.spec.template.spec.containers[0].image, /:v9\.9\.9$/);
        const node = all.find((o) => o.kind === "Deployment" && o.metadata.name === "vmafx-node")!;
        assert.deepEqual(node.spec.template.spec.nodeSelector, { pool: "gpu-a" });
        // Namespace selectors that name the release namespace use the resolved name too.
        const text = JSON.stringify(all);
        assert.doesNotMatch(text, /vmafx-input-/, "no placeholder reaches an object");
    });

    it("an Output of another resource works as a CIDR (no apply around the component)", async () => {
        const registered = await register({}, false, { cidr: "10.30.0.0/16", namespace: "from-vpc" });
        const vpc = new Vpc("vpc");
        new VmafxStack("vmafx", {
            namespace: { name: vpc.namespace },
            node: { enabled: true },
            networkPolicy: { enabled: true, nodeToObjectStore: { destinations: [{ cidr: vpc.cidr }] } },
        });
        await (pulumi.runtime as any).waitForRPCs();
        const egress = objects(registered).find((o) => o.metadata.name === "vmafx-node-to-object-store-egress")!;
        assert.equal(egress.metadata.namespace, "from-vpc");
        assert.deepEqual(egress.spec.egress[0].to, [{ ipBlock: { cidr: "10.30.0.0/16" } }]);
    });

    it("an Output that resolves to a bad CIDR fails the update with the key, the value and what is accepted", async () => {
        await register({});
        const c = new VmafxStack("vmafx", {
            node: { enabled: true },
            networkPolicy: { enabled: true, nodeToObjectStore: { destinations: [{ cidr: pulumi.output("10.20.128.5/20") }] } },
        });
        // Every object holding the value waits for the check (its registration fails, failing the
        // update); the component's outputs wait for it too.
        await assert.rejects(
            (c.serviceUrl as any).promise(),
            /args\.networkPolicy\.nodeToObjectStore\.destinations\[0\]\.cidr = "10\.20\.128\.5\/20": host bits are set; accepted: the network address, here 10\.20\.128\.0\/20/,
        );
    });

    it("plain values keep working and a bad plain value still fails before anything is registered", async () => {
        const registered = await register({});
        assert.throws(
            () => new VmafxStack("vmafx", { networkPolicy: { enabled: true, nodeToObjectStore: { destinations: [{ cidr: "10.20.128.5/20" }] } } }),
            /host bits are set/,
        );
        await (pulumi.runtime as any).waitForRPCs();
        assert.equal(registered.length, 0);
    });

    it("only leaves may be Outputs: the args' shape must be known", () => {
        assert.throws(
            () => new VmafxStack("vmafx", { networkPolicy: pulumi.output({ enabled: true }) as any }),
            /args\.networkPolicy = \(a Pulumi Output\): must be known when the program runs \(it decides which resources exist\), so an Output cannot stand here; accepted: an object/,
        );
    });

    it("an unknown CIDR at preview does not pass the pack in prod: prod-egress fails closed naming the field", async () => {
        const registered = await register({}, true);
        const vpc = new Vpc("vpc");
        new VmafxStack("vmafx", { node: { enabled: true }, networkPolicy: { enabled: true, nodeToObjectStore: { destinations: [{ cidr: vpc.cidr }] } } });
        await (pulumi.runtime as any).waitForRPCs();
        const egress = objects(registered).find((o) => o.metadata.name === "vmafx-node-to-object-store-egress")!;
        assert.equal(egress.spec.egress[0].to[0].ipBlock.cidr, pulumi.runtime.unknownValue, "unknown at preview, as the engine sends it");
        const resources = registered.map((r) => ({
            type: r.type,
            name: r.name,
            urn: `urn:pulumi:prod::vmafx::${r.type}::${r.name}`,
            props: asPolicyInputs(r.inputs),
        }));
        const { diagnostics } = await runPack(resources, { stack: "prod" });
        const closed = diagnostics.filter((d) => d.policy === "prod-egress" && d.enforcementLevel === "mandatory");
        assert.ok(closed.length > 0, JSON.stringify(diagnostics, null, 1));
        assert.match(closed.map((d) => d.message).join("\n"), /spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr/);
    });
});
