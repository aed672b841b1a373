import { strict as assert } from "assert";
import { KINDS, Obj, goodEphemeralContainer, podSpecOf, podSpecPath, workload } from "../fixtures";
import { k8s, messages, runPolicy } from "../testing";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem";

describe("read-only-root-filesystem", () => {
    for (const kind of KINDS) {
        it(`${kind}: passes readOnlyRootFilesystem true, flags false with the field path and value`, async () => {
            assert.deepEqual(messages(await runPolicy(readOnlyRootFilesystem, k8s(workload(kind)))), []);
            const m = workload(kind, { name: "web" });
            podSpecOf(m).containers[0].securityContext.readOnlyRootFilesystem = false;
            const out = await runPolicy(readOnlyRootFilesystem, k8s(m));
            assert.equal(out.violations.length, 1);
            assert.ok(
                out.violations[0].message.includes(
                    `container "app": ${podSpecPath(kind)}.containers[0].securityContext.readOnlyRootFilesystem = false. Fix: set`,
                ),
                out.violations[0].message,
            );
        });
    }

    it("flags unset values in init and ephemeral containers", async () => {
        const m = workload("CronJob", { name: "nightly" });
        delete podSpecOf(m).initContainers[0].securityContext.readOnlyRootFilesystem;
        const debug = goodEphemeralContainer();
        delete debug.securityContext;
        podSpecOf(m).ephemeralContainers = [debug];
        const out = await runPolicy(readOnlyRootFilesystem, k8s(m));
        assert.deepEqual(
            messages(out).map((msg) => msg.split(". Fix")[0].replace(/^.*container /, "container ")),
            [
                'container "init": spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem is not set',
                'container "debug": spec.jobTemplate.spec.template.spec.ephemeralContainers[0].securityContext.readOnlyRootFilesystem is not set',
            ],
        );
    });

    it("judges a Patch only on an explicit false", async () => {
        const patch: Obj = {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: "db" },
            spec: { template: { spec: { containers: [{ name: "db" }] } } },
        };
        assert.deepEqual(messages(await runPolicy(readOnlyRootFilesystem, k8s(patch, { patch: true }))), []);
        patch.spec.template.spec.containers[0].securityContext = { readOnlyRootFilesystem: false };
        assert.equal((await runPolicy(readOnlyRootFilesystem, k8s(patch, { patch: true }))).violations.length, 1);
    });

    it("ignores resources without a pod template", async () => {
        assert.deepEqual(messages(await runPolicy(readOnlyRootFilesystem, k8s({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }))), []);
    });
});
