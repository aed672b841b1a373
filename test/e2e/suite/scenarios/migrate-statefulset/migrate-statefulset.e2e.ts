// Issue 14 parts 1 and 4: taking over the chart's StatefulSet form with persistence (two replicas, their `state`
// claims, the models claim, NetworkPolicies on) with `npm run migrate`'s migrate() and --forget-helm. The claim
// template's labels differ (the chart's carry the version and chart labels) and the field is immutable, so the
// StatefulSet is deleted with --cascade=orphan and created again by the up; its claims stay. The test API server runs
// no controllers: there are no pods, the claims stay Pending, and the fixture creates the claims
// `state-<statefulset>-<n>` as the StatefulSet controller would have. "Bound again" means: the claims are there with
// their UIDs, and the new StatefulSet's claim template `state` names exactly them (`state-<name>-<ordinal>` for each
// replica), which is how the controller finds a pod's claim.
import { Stack } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import * as path from "path";
import { Cluster, Project, e2eEnv, projectCopy, say } from "../../harness";
import { CHART_POLICY_SUFFIXES, HelmInstall, helmInstall } from "../../fixtures/helm-install";
import { installRelease } from "../../fixtures/install";
import { LiveState, MigrationRun, liveObjects, runMigrate, testKube } from "../../fixtures/migration";
import { STATEFULSET_VALUES } from "../../fixtures/values";
import { Kube } from "../../../../../tools/migrate";
import { defaultDenyName } from "../../../../../tools/migrate-plan";

const NS = "vmafx-migrate-sts";
const RELEASE = "vmafx";
const REPLICAS = STATEFULSET_VALUES.replicas!;
const KINDS = ["StatefulSet", "Service", "PersistentVolumeClaim", "ServiceAccount", "ConfigMap", "NetworkPolicy", "PodDisruptionBudget", "Secret"];

describe("migration from a Helm install: StatefulSet form with persistence", function () {
    let cluster: Cluster;
    let project: Project;
    let stack: Stack;
    let kube: Kube;
    let kubectl: string;
    let install: HelmInstall;
    let initial: Map<string, LiveState>;
    let dryRun: MigrationRun;
    let run: MigrationRun | undefined;
    const denyAt: { step: string; present: boolean }[] = [];

    before(async function () {
        const env = await e2eEnv();
        cluster = env.cluster;
        kubectl = path.join(env.tc.bin, "kubectl");
        kube = testKube(cluster, kubectl);
        project = await projectCopy(env.workDir, env.tc, { name: "migrate-statefulset" });
        // dev's settings with the chart's StatefulSet values: the same workload, replicas, claim size and volumes.
        stack = await project.stack("migrate-sts", {
            stackFile: "Pulumi.dev.yaml",
            skipAwait: true,
            config: {
                namespace: { name: NS, podSecurityVersion: "v1.33" },
                workload: "StatefulSet",
                statefulSet: { replicas: REPLICAS, statePvcSize: STATEFULSET_VALUES.statePvcSize },
                persistence: { enabled: true, models: { enabled: true, size: "1Gi" } },
                networkPolicy: { enabled: true },
                node: { enabled: false },
                smokeTest: { enabled: false },
            },
        });
        install = helmInstall(RELEASE, NS, "statefulset", STATEFULSET_VALUES);
        say(
            `helm install ${RELEASE} --namespace ${NS} --skip-crds (fixture: ${install.objects.length} objects, ${install.claims.length} claims of the StatefulSet)`,
        );
        // The stack installs no CRDs, so neither does the release: nothing of this scenario outlives its destroy.
        await installRelease(cluster, install, { skipCrds: true });
        initial = await liveObjects(kube, NS, KINDS);
    });

    after(async function () {
        say("pulumi destroy --stack migrate-sts");
        await stack.destroy({ color: "never" });
    });

    it("the dry run: the StatefulSet is replaced (its claim template's labels differ), its claims are kept", async function () {
        dryRun = await runMigrate({ cluster, kubectl, project, stack, release: RELEASE, namespace: NS, execute: false });
        console.log(dryRun.lines.join("\n"));
        assert.strictEqual(dryRun.result.exitCode, 0, dryRun.lines.join("\n"));
        const sts = dryRun.result.plan.entries.find((e) => e.ref.kind === "StatefulSet")!;
        assert.strictEqual(sts.disposition, "replaced");
        assert.match(sts.reason, /spec\.volumeClaimTemplates\[state\]/);
        for (let i = 0; i < REPLICAS; i++) {
            const claim = dryRun.result.plan.entries.find((e) => e.ref.name === `state-${install.fullname}-${i}`)!;
            assert.strictEqual(claim.disposition, "kept");
            assert.deepStrictEqual(claim.claimOf, { statefulSet: install.fullname, template: "state" });
        }
        assert.ok(dryRun.lines.some((l) => l.includes("--cascade=orphan")));
    });

    it("--execute --forget-helm: orphan-delete, takeover, the chart's leftovers deleted, Helm's record deleted; default-deny at every step", async function () {
        const denyPresent = async () => !!(await kube.get("networkpolicies.networking.k8s.io", defaultDenyName(install.fullname), NS));
        denyAt.push({ step: "before", present: await denyPresent() });
        run = await runMigrate({
            cluster,
            kubectl,
            project,
            stack,
            release: RELEASE,
            namespace: NS,
            execute: true,
            forgetHelm: true,
            afterStep: async (step) => {
                denyAt.push({ step, present: await denyPresent() });
            },
        });
        assert.strictEqual(run.result.exitCode, 0, run.lines.slice(-40).join("\n"));
        assert.deepStrictEqual(
            denyAt.filter((d) => !d.present),
            [],
            "default-deny present at every step",
        );
        assert.ok(denyAt.length >= 7, `checked at ${denyAt.length} points`);
    });

    it("the same claims, with their UIDs, and the new StatefulSet's claim template resolves to exactly their names", async function () {
        assert.ok(run, "the migration ran");
        const after = await liveObjects(kube, NS, KINDS);
        const claims = [...initial.values()].filter((l) => l.obj.kind === "PersistentVolumeClaim" && l.obj.metadata.name.startsWith("state-"));
        assert.strictEqual(claims.length, REPLICAS);
        for (const c of claims) {
            const a = after.get(`PersistentVolumeClaim/${NS}/${c.obj.metadata.name}`);
            assert.ok(a, `${c.obj.metadata.name} is still there`);
            assert.strictEqual(a.uid, c.uid, `${c.obj.metadata.name} keeps its UID`);
        }
        const oldSts = initial.get(`StatefulSet/${NS}/${install.fullname}`)!;
        const newSts = after.get(`StatefulSet/${NS}/${install.fullname}`)!;
        assert.ok(newSts, "the StatefulSet exists again");
        assert.notStrictEqual(newSts.uid, oldSts.uid, "it is a new object (the claim template cannot change in place)");
        const templates = (newSts.obj.spec.volumeClaimTemplates as any[]).map((t) => t.metadata.name);
        assert.deepStrictEqual(templates, ["state"]);
        const resolved = Array.from({ length: newSts.obj.spec.replicas as number }, (_, i) => `${templates[0]}-${newSts.obj.metadata.name}-${i}`);
        assert.deepStrictEqual(resolved.sort(), claims.map((c) => c.obj.metadata.name).sort(), "the template names exactly the existing claims");
        assert.deepStrictEqual(newSts.obj.spec.selector, oldSts.obj.spec.selector, "the same selector, so it adopts the orphaned pods");
        say(
            `claims ${claims.map((c) => `${c.obj.metadata.name} ${c.uid}`).join(", ")}: same UIDs; StatefulSet ${oldSts.uid} -> ${newSts.uid}, template state -> ${resolved.join(", ")}`,
        );
    });

    it("every other object of the chart that stays has its UID (Services, the models claim, the ServiceAccount)", async function () {
        const after = await liveObjects(kube, NS, KINDS);
        const changed: string[] = [];
        for (const [k, b] of initial) {
            if (k.startsWith("StatefulSet/")) continue;
            const a = after.get(k);
            if (a && a.uid !== b.uid) changed.push(k);
        }
        assert.deepStrictEqual(changed, []);
        for (const name of [install.fullname, `${install.fullname}-headless`]) assert.ok(after.get(`Service/${NS}/${name}`), `Service ${name}`);
        assert.strictEqual(
            after.get(`PersistentVolumeClaim/${NS}/${install.fullname}-models`)?.uid,
            initial.get(`PersistentVolumeClaim/${NS}/${install.fullname}-models`)!.uid,
        );
    });

    it("no chart NetworkPolicy is left, Helm's record is gone (Helm forgot the release), the stack has nothing left to change", async function () {
        const policies = (await kube.list(["networkpolicies.networking.k8s.io"], { namespace: NS })).map((p) => p.metadata.name);
        const chartOnly = CHART_POLICY_SUFFIXES.filter((s) => s !== "default-deny").map((s) => `${install.fullname}-${s}`);
        assert.deepStrictEqual(
            policies.filter((p) => chartOnly.includes(p)),
            [],
        );
        assert.ok(policies.includes(defaultDenyName(install.fullname)));
        assert.deepStrictEqual(await kube.list(["secrets"], { namespace: NS, selector: `owner=helm,name=${RELEASE}` }), []);
        assert.ok(run!.lines.some((l) => l.includes("Helm's record of release vmafx is deleted")));
        const r = await stack.preview({ expectNoChanges: true, color: "never" });
        assert.ok(
            Object.entries(r.changeSummary).every(([op, n]) => op === "same" || n === 0),
            JSON.stringify(r.changeSummary),
        );
    });
});
