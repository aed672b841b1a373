import { strict as assert } from "assert";
import { KINDS, Obj, goodEphemeralContainer, podSpecOf, podSpecPath, workload } from "../fixtures";
import { k8s, messages, runPolicy } from "../testing";
import { resourceLimits } from "./resource-limits";

describe("resource-limits", () => {
    for (const kind of KINDS) {
        it(`${kind}: passes cpu and memory limits, flags a missing memory limit on the init container`, async () => {
            assert.deepEqual(messages(await runPolicy(resourceLimits, k8s(workload(kind)))), []);
            const m = workload(kind, { name: "web" });
            delete podSpecOf(m).initContainers[0].resources.limits.memory;
            const out = await runPolicy(resourceLimits, k8s(m));
            assert.equal(out.violations.length, 1);
            assert.ok(
                out.violations[0].message.includes(`container "init": ${podSpecPath(kind)}.initContainers[0].resources.limits.memory is not set`),
                out.violations[0].message,
            );
        });
    }

    it("flags a container without resources, naming both limits", async () => {
        const m = workload("Job", { name: "batch" });
        delete podSpecOf(m).containers[0].resources;
        const out = await runPolicy(resourceLimits, k8s(m));
        assert.match(
            out.violations[0]?.message ?? "",
            /spec\.template\.spec\.containers\[0\]\.resources\.limits\.cpu and spec\.template\.spec\.containers\[0\]\.resources\.limits\.memory are not set/,
        );
    });

    it("skips ephemeral containers (the API forbids their resources) and honours the configured resources", async () => {
        const m = workload("Pod");
        podSpecOf(m).ephemeralContainers = [goodEphemeralContainer()];
        assert.deepEqual(messages(await runPolicy(resourceLimits, k8s(m))), []);
        const out = await runPolicy(resourceLimits, k8s(m), { resources: ["cpu", "memory", "ephemeral-storage"] });
        assert.equal(out.violations.length, 2);
        assert.match(messages(out)[0], /resources\.limits\.ephemeral-storage is not set/);
    });

    it("does not judge Patch resources (they leave fields out on purpose)", async () => {
        const patch: Obj = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "web" },
            spec: { template: { spec: { containers: [{ name: "app", image: "a:1" }] } } },
        };
        assert.deepEqual(messages(await runPolicy(resourceLimits, k8s(patch, { patch: true }))), []);
    });
});
