// Issue 14 parts 1 and 4: taking a Helm install of the chart (Deployment form, prod values, NetworkPolicies on)
// over into the prod stack in place with `npm run migrate`'s migrate(). The install is built from the chart's facts
// (fixtures/helm-install.ts) and applied server-side with field manager `helm`, as Helm would have. Checked: the
// dry run changes nothing; no Deployment, Service, PVC or ServiceAccount is replaced (same UIDs), no object of the
// chart is recreated; the chart's NetworkPolicies and RBAC objects under other names are gone and the stack's
// exist; the default-deny policy exists before and after every step; each Deployment's pod template changed at most
// once; Helm's labels, annotations and field ownership are gone; afterwards the stack has no changes to make.
//
// The stack runs in a namespace of its own and installs the vmafx.dev CRDs with retainOnDelete false, so that its
// destroy at the end leaves the cluster as it found it (a destroyed namespace stays Terminating: no namespace
// controller runs here).
import { Stack } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { Cluster, Project, e2eEnv, projectCopy, say } from "../../harness";
import { monitoringCrds } from "../../harness/crds";
import { CHART_POLICY_SUFFIXES, HelmInstall, helmInstall } from "../../fixtures/helm-install";
import { installRelease } from "../../fixtures/install";
import { LiveState, MigrationRun, liveObjects, runMigrate, testKube } from "../../fixtures/migration";
import { PROD_VALUES } from "../../fixtures/values";
import { Kube } from "../../../../../tools/migrate";
import { defaultDenyName } from "../../../../../tools/migrate-plan";

const NS = "vmafx-migrate-prod";
const RELEASE = "vmafx";
const KINDS = [
    "Deployment",
    "Service",
    "PersistentVolumeClaim",
    "ServiceAccount",
    "ConfigMap",
    "NetworkPolicy",
    "PodDisruptionBudget",
    "Role",
    "RoleBinding",
    "Secret",
    "Pod",
];

describe("migration from a Helm install: Deployment form with prod values and NetworkPolicies", function () {
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
    /** Each Deployment's pod template (as JSON) before the migration and after each of its steps. */
    const templates = new Map<string, string[]>();
    const recordTemplates = async () => {
        for (const d of await kube.list(["deployments.apps"], { namespace: NS })) {
            const list = templates.get(d.metadata.name) ?? [];
            list.push(JSON.stringify(d.spec.template));
            templates.set(d.metadata.name, list);
        }
    };

    const snapshot = () =>
        liveObjects(kube, NS, KINDS, [
            { kind: "ClusterRole", name: `${install.fullname}-operator-crds` },
            { kind: "ClusterRoleBinding", name: `${install.fullname}-operator-crds-binding` },
        ]);

    before(async function () {
        const env = await e2eEnv();
        cluster = env.cluster;
        kubectl = path.join(env.tc.bin, "kubectl");
        kube = testKube(cluster, kubectl);
        project = await projectCopy(env.workDir, env.tc, { name: "migrate-deployment" });
        // prod's ServiceMonitors and PodMonitor need the Prometheus Operator's CRDs.
        await monitoringCrds(cluster, env.workDir);
        const committed = (yaml.load(fs.readFileSync(path.join(project.dir, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> }).config;
        stack = await project.stack("prod", {
            skipAwait: true,
            config: { namespace: { ...committed["vmafx:namespace"], name: NS }, crds: { install: true, retainOnDelete: false } },
        });
        install = helmInstall(RELEASE, NS, "deployment", PROD_VALUES);
        say(`helm install ${RELEASE} --namespace ${NS} (fixture: ${install.objects.length} objects, ${install.hooks.length} hook, release record)`);
        await installRelease(cluster, install);
        initial = await snapshot();
    });

    after(async function () {
        say("pulumi destroy --stack prod (migration, Deployment form)");
        await stack.destroy({ color: "never" });
    });

    it("the fixture is the chart's install: Helm's labels, release annotations, field manager helm, the release record", function () {
        const problems: string[] = [];
        for (const o of install.objects) {
            const live = initial.get(`${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
            if (!live) continue;
            const m = live.obj.metadata;
            if (m.labels?.["helm.sh/chart"] !== "vmafx-0.1.0" || m.labels?.["app.kubernetes.io/managed-by"] !== "Helm")
                problems.push(`${o.kind} ${o.metadata.name}: labels ${JSON.stringify(m.labels)}`);
            if (m.annotations?.["meta.helm.sh/release-name"] !== RELEASE || m.annotations?.["meta.helm.sh/release-namespace"] !== NS)
                problems.push(`${o.kind} ${o.metadata.name}: annotations`);
            if (!(m.managedFields ?? []).some((f) => f.manager === "helm")) problems.push(`${o.kind} ${o.metadata.name}: no managedFields entry of helm`);
        }
        assert.deepStrictEqual(problems, []);
        const policies = [...initial.values()].filter((l) => l.obj.kind === "NetworkPolicy").map((l) => l.obj.metadata.name);
        assert.deepStrictEqual(policies.sort(), CHART_POLICY_SUFFIXES.map((s) => `${install.fullname}-${s}`).sort(), "the chart's nine NetworkPolicies");
        const record = initial.get(`Secret/${NS}/sh.helm.release.v1.${RELEASE}.v1`);
        assert.strictEqual(record?.obj.type, "helm.sh/release.v1");
    });

    it("the dry run prints the plan for every chart object and changes nothing", async function () {
        dryRun = await runMigrate({ cluster, kubectl, project, stack, release: RELEASE, namespace: NS, execute: false });
        console.log(dryRun.lines.join("\n"));
        assert.strictEqual(dryRun.result.exitCode, 0, dryRun.lines.join("\n"));
        assert.deepStrictEqual(dryRun.result.plan.problems, []);
        const by = (name: string, kind: string) => dryRun.result.plan.entries.find((e) => e.ref.kind === kind && e.ref.name === name);
        // The workloads and everything with the same name stay; none is replaced.
        for (const [kind, name] of [
            ["Deployment", install.fullname],
            ["Deployment", `${install.fullname}-node`],
            ["Deployment", `${install.fullname}-operator`],
            ["Service", install.fullname],
            ["PersistentVolumeClaim", `${install.fullname}-models`],
            ["ServiceAccount", install.fullname],
            ["NetworkPolicy", defaultDenyName(install.fullname)],
        ]) {
            const e = by(name, kind);
            assert.ok(e && (e.disposition === "adopted" || e.disposition === "updated"), `${kind} ${name}: ${e?.disposition} ${e?.reason}`);
        }
        assert.deepStrictEqual(
            dryRun.result.plan.entries.filter((e) => e.disposition === "replaced"),
            [],
            "nothing replaced in the Deployment form",
        );
        // The chart's differently named policies and RBAC objects are deleted once their successors exist.
        for (const suffix of CHART_POLICY_SUFFIXES.filter((s) => s !== "default-deny")) {
            const e = by(`${install.fullname}-${suffix}`, "NetworkPolicy");
            assert.strictEqual(e?.disposition, "removed", `${suffix}: ${e?.reason}`);
        }
        assert.strictEqual(by(`${install.fullname}-operator-crds`, "ClusterRole")?.disposition, "removed");
        assert.strictEqual(
            by(`${install.fullname}-operator-crds-binding`, "ClusterRoleBinding")?.successors?.[0]?.name,
            `${install.fullname}-${NS}-operator-crds-binding`,
        );
        assert.ok(
            dryRun.lines.some((l) => l.includes("Do NOT run `helm uninstall")),
            "the dry run warns about helm uninstall",
        );
        const after = await snapshot();
        assert.deepStrictEqual(
            [...after].filter(([k, v]) => initial.get(k)?.resourceVersion !== v.resourceVersion).map(([k]) => k),
            [],
            "the dry run changed nothing",
        );
    });

    it("--execute takes the release over, with the default-deny policy present before and after every step", async function () {
        const denyPresent = async () => !!(await kube.get("networkpolicies.networking.k8s.io", defaultDenyName(install.fullname), NS));
        denyAt.push({ step: "before", present: await denyPresent() });
        await recordTemplates();
        run = await runMigrate({
            cluster,
            kubectl,
            project,
            stack,
            release: RELEASE,
            namespace: NS,
            execute: true,
            afterStep: async (step) => {
                denyAt.push({ step, present: await denyPresent() });
                await recordTemplates();
            },
        });
        assert.strictEqual(run.result.exitCode, 0, run.lines.slice(-40).join("\n"));
        say(`default-deny after each step: ${denyAt.map((d) => `${d.step.slice(0, 40)}: ${d.present}`).join("; ")}`);
        assert.ok(denyAt.length >= 6, `checked at ${denyAt.length} points`);
        assert.deepStrictEqual(
            denyAt.filter((d) => !d.present),
            [],
            "default-deny present at every step",
        );
    });

    it("no Deployment, Service, PVC or ServiceAccount replaced: every object of the chart that stays has its UID", async function () {
        assert.ok(run, "the migration ran");
        const after = await snapshot();
        const compared: string[] = [];
        const changedUid: string[] = [];
        for (const [k, b] of initial) {
            const a = after.get(k);
            if (!a) continue;
            compared.push(k);
            if (a.uid !== b.uid) changedUid.push(`${k}: ${b.uid} -> ${a.uid}`);
        }
        assert.deepStrictEqual(changedUid, []);
        for (const kind of ["Deployment", "Service", "PersistentVolumeClaim", "ServiceAccount"]) {
            const chartOnes = install.objects.filter((o) => o.kind === kind).map((o) => `${kind}/${NS}/${o.metadata.name}`);
            const missing = chartOnes.filter((k) => !after.has(k));
            assert.deepStrictEqual(missing, [], `the chart's ${kind}s are all still there`);
            say(`${kind}: ${chartOnes.map((k) => `${k.split("/").pop()} ${initial.get(k)!.uid}`).join(", ")}: same UIDs after the migration`);
        }
        const staying = install.objects.filter(
            (o) => !run!.result.plan.entries.some((e) => e.disposition === "removed" && e.ref.kind === o.kind && e.ref.name === o.metadata.name),
        );
        assert.ok(compared.length >= staying.length, `${compared.length} objects compared, ${staying.length} of the chart's stay`);
    });

    it("no chart NetworkPolicy or RBAC object is left; the stack's exist; Helm's test Pod is gone", async function () {
        const policies = (await kube.list(["networkpolicies.networking.k8s.io"], { namespace: NS })).map((p) => p.metadata.name).sort();
        const chartOnly = CHART_POLICY_SUFFIXES.filter((s) => s !== "default-deny").map((s) => `${install.fullname}-${s}`);
        assert.deepStrictEqual(
            policies.filter((p) => chartOnly.includes(p)),
            [],
            "the chart's differently named policies are deleted",
        );
        const planned = run!.result.plan.entries
            .filter((e) => e.ref.kind === "NetworkPolicy" && e.disposition !== "removed")
            .map((e) => e.ref.name)
            .sort();
        assert.deepStrictEqual(policies, planned, "exactly the stack's policies");
        for (const [kind, name] of [
            ["clusterroles.rbac.authorization.k8s.io", `${install.fullname}-operator-crds`],
            ["clusterrolebindings.rbac.authorization.k8s.io", `${install.fullname}-operator-crds-binding`],
        ]) {
            assert.strictEqual(await kube.get(kind, name), undefined, `the chart's ${name} is deleted`);
            assert.ok(
                await kube.get(kind, name.replace(`${install.fullname}-`, `${install.fullname}-${NS}-`)),
                `the stack's namespace-qualified successor of ${name} exists`,
            );
        }
        assert.strictEqual(await kube.get("pods", `${install.fullname}-test-connection`, NS), undefined);
    });

    it("each Deployment's pod template changed at most once over all the steps (its pods roll at most once)", function () {
        // A new pod template is what makes the Deployment controller start a new ReplicaSet. (The generation is no
        // measure: a Deployment's generation also grows when only its annotations change, as in the last up.)
        const rolls: string[] = [];
        for (const o of install.objects.filter((x) => x.kind === "Deployment")) {
            const history = templates.get(o.metadata.name) ?? [];
            const changes = history.filter((t, i) => i > 0 && t !== history[i - 1]).length;
            rolls.push(`${o.metadata.name}: ${changes} pod template change${changes === 1 ? "" : "s"} over ${history.length - 1} steps`);
            assert.ok(history.length > 2, `${o.metadata.name}: recorded ${history.length} times`);
            assert.ok(changes <= 1, rolls.at(-1));
        }
        say(rolls.join("; "));
    });

    it("Helm's labels, release annotations and field ownership are gone; the stack's field manager owns the objects", async function () {
        const after = await snapshot();
        const left: string[] = [];
        const chartKeys = new Set(install.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`));
        for (const [k, a] of after) {
            if (!chartKeys.has(k)) continue;
            const m = a.obj.metadata;
            if (m.labels?.["helm.sh/chart"] || m.labels?.["app.kubernetes.io/managed-by"] === "Helm") left.push(`${k}: Helm's labels`);
            if (Object.keys(m.annotations ?? {}).some((x) => x.startsWith("meta.helm.sh/"))) left.push(`${k}: Helm's annotations`);
            if (Object.keys(m.annotations ?? {}).some((x) => x === "pulumi.com/patchForce" || x === "pulumi.com/patchFieldManager"))
                left.push(`${k}: adoption annotations`);
            if ((m.managedFields ?? []).some((f) => f.manager === "helm")) left.push(`${k}: managedFields of helm`);
            if (!(m.managedFields ?? []).some((f) => f.manager === "pulumi-kubernetes-vmafx")) left.push(`${k}: not owned by pulumi-kubernetes-vmafx`);
        }
        assert.deepStrictEqual(left, []);
        // What only the chart set is gone, e.g. the node's controller address pointing at a Service nobody creates.
        const node = after.get(`Deployment/${NS}/${install.fullname}-node`)!.obj;
        const env = (node.spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((e) => e.name);
        assert.ok(!env.includes("VMAFX_RCLONE_CONFIG"), `node env: ${env}`);
    });

    it("afterwards the stack is in step with the cluster: a preview has no changes; Helm's record is kept with the warning", async function () {
        const r = await stack.preview({ expectNoChanges: true, color: "never" });
        assert.ok(
            Object.entries(r.changeSummary).every(([op, n]) => op === "same" || n === 0),
            JSON.stringify(r.changeSummary),
        );
        const settings = await stack.workspace.stackSettings(stack.name);
        assert.ok(!("vmafx:migration" in (settings.config ?? {})), "vmafx:migration is removed from the stack file again");
        assert.ok(await kube.get("secrets", `sh.helm.release.v1.${RELEASE}.v1`, NS), "without --forget-helm the release record stays");
        assert.ok(
            run!.lines.some((l) => l.includes(`kubectl delete secret -n ${NS} -l owner=helm,name=${RELEASE}`)),
            "the command tells how to make Helm forget the release",
        );
    });
});
