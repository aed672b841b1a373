// The offline render computes objects from the component's pure plan instead of running the
// program under Pulumi's mocks (so it starts without loading the SDK). Both paths must give
// identical objects: for the committed stacks, a stack with a secret, and every configuration
// of the component tests.
import { strict as assert } from "assert";
import { buildPlan, makeContext, validateArgs } from "@vmafx-k8s/vmafx/plan";
import { PROJECT_NAME, StackConfig, kubernetesObjects, readStackConfig, runProgram, asPolicyInputs } from "../tools/offline/program";
import { asRegistered, inInstallOrder, planObjects } from "../tools/offline/objects";
import { CONFIGURATIONS } from "./configurations";
import { registerComponent } from "./helpers";

const identity = (o: Record<string, any>) => `${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;

function assertSameObjects(planned: Record<string, any>[], registered: Record<string, any>[]) {
    assert.deepEqual(planned.map(identity), registered.map(identity), "the same objects in the same order");
    planned.forEach((p, i) => assert.deepEqual(p, registered[i], identity(p)));
}

describe("offline render: plan path == Pulumi mock run", function () {
    this.timeout(60000);
    const stacks: [string, () => StackConfig][] = [
        ["dev", () => readStackConfig("dev")],
        ["prod", () => readStackConfig("prod")],
        [
            "dev with a secret rclone config and the bundle on",
            () => {
                const cfg = readStackConfig("dev");
                return {
                    ...cfg,
                    values: {
                        ...cfg.values,
                        "vmafx:rcloneConfig": "[s3]\ntype = s3\n",
                        "vmafx:node": JSON.stringify({ enabled: true }),
                        "vmafx:networkPolicy": JSON.stringify({ enabled: true }),
                    },
                    secretKeys: ["vmafx:rcloneConfig"],
                };
            },
        ],
    ];
    for (const [name, config] of stacks) {
        it(`stack ${name}`, async () => {
            const cfg = config();
            const run = await runProgram({ stack: "test", config: cfg });
            const registered = kubernetesObjects(run);
            assert.ok(registered.length >= 5);
            assertSameObjects(planObjects(cfg, PROJECT_NAME), registered);
        });
    }
    for (const c of CONFIGURATIONS) {
        it(`component configuration: ${c.name}`, async () => {
            const name = c.component ?? "vmafx";
            const planned = inInstallOrder(buildPlan(makeContext(validateArgs(name, c.args, "args."))).map((p) => asRegistered(p.manifest)));
            const { registered } = await registerComponent(c.args, name);
            const objects = inInstallOrder(registered.filter((r) => r.custom && r.type.startsWith("kubernetes:")).map((r) => asPolicyInputs(r.inputs)));
            assert.equal(planned.length, c.inventory.length);
            assertSameObjects(planned, objects);
        });
    }
});
