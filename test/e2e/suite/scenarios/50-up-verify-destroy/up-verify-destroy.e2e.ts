// `pulumi up` of the committed dev and prod stacks against the API server, the kubectl checks of verify.ts (objects
// exist, restricted namespace labels, a Pod from every pod template admitted by a server-side dry run, a
// non-compliant Pod rejected by PodSecurity, applied objects equal to the offline render, CRD and custom resource
// specs as rendered), the vmafx.dev CRD checks of crds.ts (admission of valid and invalid custom resources, the
// survivor VmafxJob in a namespace no stack manages), `pulumi destroy` of both (nothing is left but the retained
// CRDs), and the CRDs and the survivor still there afterwards.
import { Stack } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { admissionFindings, survivedFindings } from "../../../crds";
import { ObjectRef, appliedFindings, destroyedFindings, objectsInState } from "../../../verify";
import { Cluster, e2eEnv, Project, projectCopy, REPO_ROOT, run, say, Toolchain } from "../../harness";
import { MONITORING_CRDS, PROMETHEUS_OPERATOR_MODULE, PROMETHEUS_OPERATOR_VERSION, monitoringCrds } from "../../harness/crds";
import { expectFindings } from "../../harness/pulumi";

const STACKS = ["dev", "prod"] as const;

describe("pulumi up, kubectl checks and pulumi destroy of dev and prod", function () {
    let tc: Toolchain;
    let cluster: Cluster;
    let workDir: string;
    let project: Project;
    const stacks = new Map<string, Stack>();
    const exports = new Map<string, string>();
    const refs = new Map<string, ObjectRef[]>();
    const record = () => path.join(workDir, "crds-survivor.json");
    const kubectl = () => path.join(tc.bin, "kubectl");

    before(async function () {
        ({ tc, cluster, workDir } = await e2eEnv());
        project = await projectCopy(workDir, tc, { name: "project" });
    });

    it(`the ServiceMonitor and PodMonitor CRDs of ${PROMETHEUS_OPERATOR_MODULE}@${PROMETHEUS_OPERATOR_VERSION} are applied server-side and Established`, async function () {
        const mod = await monitoringCrds(cluster, workDir);
        for (const name of MONITORING_CRDS) {
            const crd = await cluster.get("customresourcedefinition", name);
            assert.ok(
                crd?.status?.conditions?.some((c: any) => c.type === "Established" && c.status === "True"),
                `${name} Established`,
            );
        }
        say(`monitoring CRDs from ${mod.Path}@${mod.Version} (${mod.Sum})`);
    });

    for (const s of STACKS) {
        it(`pulumi up --stack ${s} against the loopback kube-apiserver`, async function () {
            await monitoringCrds(cluster, workDir);
            const stack = await project.stack(s, { skipAwait: true });
            stacks.set(s, stack);
            say(`pulumi up --stack ${s}`);
            const r = await stack.up({ color: "never" });
            assert.ok((r.summary.resourceChanges?.create ?? 0) > 0, JSON.stringify(r.summary.resourceChanges));
            const file = path.join(workDir, `state-${s}.json`);
            const state = await stack.exportStack();
            fs.writeFileSync(file, JSON.stringify(state));
            exports.set(s, file);
            refs.set(s, objectsInState(state));
        });

        it(`kubectl checks of ${s} (verify.ts applied)`, async function () {
            assert.ok(exports.has(s), `pulumi up --stack ${s} ran`);
            const out = path.join(workDir, `render-${s}`);
            await run("npm", ["run", "--silent", "render", "--", "--stack", s, "--out", out], { cwd: REPO_ROOT, timeoutMs: 300_000 });
            expectFindings(await appliedFindings(s, refs.get(s)!, out, kubectl()), `kubectl checks of ${s}`);
        });
    }

    it("the vmafx.dev CRDs: installed by one stack with retainOnDelete, admission of valid and invalid custom resources, the survivor created (crds.ts admission)", async function () {
        const prod = stacks.get("prod");
        assert.ok(prod && exports.has("dev") && exports.has("prod"), "both stacks are up");
        const namespace = String((await prod.outputs()).namespace.value);
        expectFindings(admissionFindings(kubectl(), namespace, [exports.get("dev")!, exports.get("prod")!], record()), "CRD admission");
    });

    for (const s of [...STACKS].reverse()) {
        it(`pulumi destroy --stack ${s}, and nothing of it is left but its retained CRDs (verify.ts destroyed)`, async function () {
            const stack = stacks.get(s);
            assert.ok(stack && refs.has(s), `pulumi up --stack ${s} ran`);
            say(`pulumi destroy --stack ${s}`);
            await stack.destroy({ color: "never" });
            expectFindings(await destroyedFindings(s, refs.get(s)!, kubectl()), `objects of ${s} after destroy`);
        });
    }

    it("the CRDs and the VmafxJob e2e-crs/e2e-survivor survived pulumi destroy (crds.ts survived)", function () {
        expectFindings(survivedFindings(kubectl(), record()), "after destroy");
    });
});
