// The prod egress guard blocks a preview: a throwaway prod stack whose object-store CIDR is 0.0.0.0/0
// (cidr.json) fails `pulumi preview` with the in-repo pack, naming the prod egress policy (the key of
// stacks/policy-config.prod.json that mentions egress) as mandatory. The same pack, installed from its tarball
// outside the repository, loads nothing from the repository, passes the committed prod preview, and blocks the
// 0.0.0.0/0 preview with exactly the in-repo pack's violations.
import { EngineEvent, PolicyEvent } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { e2eEnv, Project, projectCopy, say } from "../../harness";
import { InstalledPack, installedPack } from "../../harness/pack";
import { commandErrorText, egressPolicyName, packOptions, policyEvents, violationKey } from "../../harness/pulumi";

const CHANGE = JSON.parse(fs.readFileSync(path.join(__dirname, "cidr.json"), "utf8")) as { path: (string | number)[]; value: string };

/** The committed prod networkPolicy with the object-store CIDR of cidr.json. */
function openedNetworkPolicy(projectDir: string): unknown {
    const doc = yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> };
    const np = structuredClone(doc.config["vmafx:networkPolicy"]);
    let at: any = np;
    for (const k of CHANGE.path.slice(0, -1)) at = at[k];
    const last = CHANGE.path[CHANGE.path.length - 1];
    assert.ok(at[last] && at[last] !== CHANGE.value, `the committed ${CHANGE.path.join(".")} is ${at[last]}`);
    at[last] = CHANGE.value;
    return np;
}

/** A preview that must fail: its policy violations (the Automation API throws on the failed preview). */
async function blockedPreview(project: Project, pack: string): Promise<{ violations: PolicyEvent[]; error: string }> {
    const stack = await project.stack("prod");
    const events: EngineEvent[] = [];
    try {
        await stack.preview({ ...packOptions(project.dir, "prod", pack), onEvent: (e) => events.push(e), color: "never" });
    } catch (e) {
        return { violations: policyEvents(events), error: commandErrorText(e) };
    }
    assert.fail("the preview succeeded");
}

describe("blocked open-egress preview", function () {
    const egress = egressPolicyName();
    let blocked: Project;
    let committed: Project;
    let installed: InstalledPack;
    let inRepo: PolicyEvent[] = [];

    before(async function () {
        const { tc, workDir } = await e2eEnv();
        blocked = await projectCopy(workDir, tc, { name: "blocked", kubeconfig: null });
        await (await blocked.stack("prod")).setAllConfig({ "vmafx:networkPolicy": { value: JSON.stringify(openedNetworkPolicy(blocked.dir)) } });
        committed = await projectCopy(workDir, tc, { name: "pack-user", kubeconfig: null });
    });

    it(`the in-repo pack blocks prod with 0.0.0.0/0 object-store egress (${egress} mandatory)`, async function () {
        say(`pulumi preview --stack prod (object store ${CHANGE.value}) --policy-pack policy-pack`);
        const r = await blockedPreview(blocked, path.join(blocked.dir, "policy-pack"));
        inRepo = r.violations;
        const hit = inRepo.filter((v) => v.policyName === egress && v.enforcementLevel === "mandatory");
        assert.ok(hit.length > 0, `no mandatory ${egress} violation; violations: ${inRepo.map(violationKey).join("\n")}\n${r.error.slice(-2000)}`);
        console.log(`---- blocked preview (in-repo pack), violations:\n${inRepo.map(violationKey).join("\n")}\n----`);
    });

    it("the pack installed from its tarballs loads only from its install directory", async function () {
        installed = await installedPack((await e2eEnv()).workDir, committed.dir);
        assert.ok(fs.statSync(installed.pack).isDirectory() && !fs.lstatSync(installed.pack).isSymbolicLink(), `${installed.pack} is a plain directory`);
        const install = fs.realpathSync(installed.installDir);
        const wrong: string[] = [];
        for (const id of [".", "@vmafx-k8s/core", "@pulumi/policy", "@pulumi/pulumi", "@pulumi/pulumi/cmd/run-policy-pack"]) {
            const file = fs.realpathSync(require.resolve(id === "." ? installed.pack : id, { paths: [installed.pack] }));
            if (!file.startsWith(`${install}/node_modules/`)) wrong.push(`${id} -> ${file}`);
        }
        assert.deepStrictEqual(wrong, []);
        say(`installed ${installed.tarballs.map((t) => path.basename(t)).join(", ")} into ${installed.installDir}`);
    });

    it("pulumi preview --stack prod with the installed pack succeeds", async function () {
        installed ??= await installedPack((await e2eEnv()).workDir, committed.dir);
        const stack = await committed.stack("prod");
        const events: EngineEvent[] = [];
        await stack.preview({ ...packOptions(committed.dir, "prod", installed.pack), onEvent: (e) => events.push(e), color: "never" });
        assert.deepStrictEqual(
            policyEvents(events)
                .filter((p) => p.enforcementLevel === "mandatory")
                .map(violationKey),
            [],
        );
    });

    it("the installed pack blocks the 0.0.0.0/0 preview with exactly the in-repo pack's violations", async function () {
        installed ??= await installedPack((await e2eEnv()).workDir, committed.dir);
        const r = await blockedPreview(blocked, installed.pack);
        assert.ok(
            r.violations.some((v) => v.policyName === egress && v.enforcementLevel === "mandatory"),
            r.error.slice(-2000),
        );
        assert.ok(inRepo.length > 0, "the in-repo pack's run (the test above) recorded its violations");
        assert.deepStrictEqual(r.violations.map(violationKey).sort(), inRepo.map(violationKey).sort());
        assert.deepStrictEqual(
            [...new Set(r.violations.map((v) => `${v.policyPackName}@${v.policyPackVersion}`))],
            [...new Set(inRepo.map((v) => `${v.policyPackName}@${v.policyPackVersion}`))],
            "the same pack name and version",
        );
        say(`installed pack: the same ${r.violations.length} violations as the in-repo pack`);
    });
});
