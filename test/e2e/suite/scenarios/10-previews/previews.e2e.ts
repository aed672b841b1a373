// `pulumi preview` of the committed prod and dev stacks with the in-repo policy pack and each stack's pack config
// (stacks/policy-config.<stack>.json) passes, planned without a cluster as a CI job without one does. The copy
// loads its own built @vmafx-k8s/* packages and one @pulumi/pulumi.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { e2eEnv, Project, projectCopy, REPO_ROOT, say } from "../../harness";
import { packOptions, policyEvents } from "../../harness/pulumi";

describe("previews with the policy pack", function () {
    let project: Project;

    before(async function () {
        const { tc, workDir } = await e2eEnv();
        project = await projectCopy(workDir, tc, { name: "previews", kubeconfig: null });
    });

    it("the project copy loads its own built @vmafx-k8s/vmafx and @vmafx-k8s/core (from the program, the component and the pack) and one @pulumi/pulumi", function () {
        const copy = fs.realpathSync(project.dir);
        const root = fs.realpathSync(REPO_ROOT);
        const wrong: string[] = [];
        const cases: [string, string][] = [
            [".", "@vmafx-k8s/vmafx"],
            [".", "@pulumi/pulumi"],
            ["components", "@vmafx-k8s/core"],
            ["components", "@pulumi/pulumi"],
            ["policy-pack", "@vmafx-k8s/core"],
            ["policy-pack", "@pulumi/policy"],
            ["policy-pack", "@pulumi/pulumi"],
        ];
        for (const [dir, id] of cases) {
            const file = fs.realpathSync(require.resolve(id, { paths: [path.join(copy, dir)] }));
            const want = id.startsWith("@vmafx-k8s/") ? `${copy}/` : `${root}/node_modules/${id}/`;
            if (!file.startsWith(want)) wrong.push(`${dir}: ${id} -> ${file} (want under ${want})`);
        }
        assert.deepStrictEqual(wrong, []);
    });

    for (const s of ["prod", "dev"]) {
        it(`pulumi preview --stack ${s} with the policy pack succeeds`, async function () {
            const stack = await project.stack(s);
            say(`pulumi preview --stack ${s} --policy-pack policy-pack --policy-pack-config stacks/policy-config.${s}.json`);
            const events: import("@pulumi/pulumi/automation").EngineEvent[] = [];
            const result = await stack.preview({ ...packOptions(project.dir, s), onEvent: (e) => events.push(e), color: "never" });
            const mandatory = policyEvents(events).filter((p) => p.enforcementLevel === "mandatory");
            assert.deepStrictEqual(mandatory, [], "mandatory violations");
            assert.ok((result.changeSummary.create ?? 0) > 0, `the preview plans the stack's objects: ${JSON.stringify(result.changeSummary)}`);
        });
    }
});
