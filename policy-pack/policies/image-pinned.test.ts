import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { KINDS, Obj, goodEphemeralContainer, podSpecOf, podSpecPath, workload } from "../fixtures";
import { k8s, messages, runPolicy } from "../testing";
import { imagePinProblem, imagePinned, parseImage } from "./image-pinned";

const withImage = (kind: (typeof KINDS)[number], list: "containers" | "initContainers", image: unknown) => {
    const m = workload(kind, { name: "web" });
    podSpecOf(m)[list][0].image = image;
    return m;
};

describe("image-pinned", () => {
    it("parses references with registry ports, tags and digests", () => {
        assert.deepEqual(parseImage("localhost:5000/app"), { repository: "localhost:5000/app" });
        assert.deepEqual(parseImage("localhost:5000/app:1.0"), { repository: "localhost:5000/app", tag: "1.0" });
        assert.deepEqual(parseImage("busybox:1.38@sha256:abc"), { repository: "busybox", tag: "1.38", digest: "sha256:abc" });
    });

    it("accepts a release tag or a digest, rejects latest, missing tags and malformed digests", () => {
        const digest = `sha256:${"a".repeat(64)}`;
        assert.equal(imagePinProblem("ghcr.io/acme/app:1.2.3", false), undefined);
        assert.equal(imagePinProblem(`ghcr.io/acme/app@${digest}`, true), undefined);
        assert.equal(imagePinProblem(`busybox:1.38@${digest}`, false), undefined);
        assert.match(imagePinProblem("nginx", false) ?? "", /has no tag/);
        assert.match(imagePinProblem("localhost:5000/nginx", false) ?? "", /has no tag/);
        assert.match(imagePinProblem("nginx:latest", false) ?? "", /mutable tag "latest"/);
        assert.match(imagePinProblem("nginx@sha256:abc", false) ?? "", /malformed digest/);
        assert.match(imagePinProblem("nginx:1.27", true) ?? "", /not pinned by digest/);
        assert.match(imagePinProblem(undefined, false) ?? "", /has no image/);
    });

    for (const kind of KINDS) {
        it(`${kind}: passes pinned images and flags latest in an init container with the field path`, async () => {
            assert.deepEqual(messages(await runPolicy(imagePinned, k8s(workload(kind)))), []);
            const out = await runPolicy(imagePinned, k8s(withImage(kind, "initContainers", "busybox:latest")));
            assert.equal(out.violations.length, 1);
            assert.ok(
                out.violations[0].message.includes(
                    `${kind} shop/web (Pulumi name: ${kind.toLowerCase()}-web) container "init": ${podSpecPath(kind)}.initContainers[0].image = "busybox:latest" uses the mutable tag "latest"`,
                ),
                out.violations[0].message,
            );
            assert.match(out.violations[0].message, /Fix: pin a release tag \(busybox:1\.2\.3\) or a digest \(busybox@sha256:<digest>\)/);
        });
    }

    it("checks ephemeral containers", async () => {
        const m = workload("Pod", { name: "web" });
        podSpecOf(m).ephemeralContainers = [{ ...goodEphemeralContainer(), image: "busybox" }];
        const out = await runPolicy(imagePinned, k8s(m));
        assert.equal(out.violations.length, 1);
        assert.match(out.violations[0].message, /container "debug": spec\.ephemeralContainers\[0\]\.image = "busybox" has no tag/);
    });

    it("requireDigest rejects tags", async () => {
        assert.equal((await runPolicy(imagePinned, k8s(workload("Deployment")), { requireDigest: true })).violations.length, 2);
    });

    it("judges a Patch only on the images it sets", async () => {
        const patch: Obj = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "web" },
            spec: { template: { spec: { containers: [{ name: "app" }] } } },
        };
        assert.deepEqual(messages(await runPolicy(imagePinned, k8s(patch, { patch: true }))), []);
        patch.spec.template.spec.containers[0].image = "app:latest";
        assert.equal((await runPolicy(imagePinned, k8s(patch, { patch: true }))).violations.length, 1);
    });

    it("an unknown image fails closed in prod and is advisory elsewhere", async () => {
        const m = k8s(withImage("Deployment", "containers", pulumi.runtime.unknownValue));
        const prod = await runPolicy(imagePinned, m, { environment: "prod" });
        assert.equal(prod.violations.length, 1);
        assert.match(prod.violations[0].message, /spec\.template\.spec\.containers\[0\]\.image is unknown during preview, so image pinning cannot be verified/);
        const dev = await runPolicy(imagePinned, m, { environment: "dev" });
        assert.deepEqual(messages(dev), []);
        assert.match(dev.unknown ?? "", /spec\.template\.spec\.containers\[0\]\.image/);
    });
});
