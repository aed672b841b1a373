// Day-2 guarantees against the API server (issue 14 part 2). One prod-like stack steps through the changes an
// operator makes after the first `pulumi up`, each step checked three ways: the engine's per-resource steps
// (resourcePreEvent ops), the Automation API's summaries, and the live objects' uid/resourceVersion/generation
// before and after. A dev-like stack checks the no-change guarantees too.
//
// The stacks run in namespaces of their own (a destroyed namespace stays Terminating here: no namespace controller
// runs) and install the vmafx.dev CRDs with crds.retainOnDelete false, so that destroying them removes the CRDs
// again and the prod stack of the up/verify/destroy scenario, which runs later, installs them itself.
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import * as path from "path";
import { Cluster, committedConfig, configMap, e2eEnv, Project, projectCopy, say, waitFor } from "../../harness";
import { monitoringCrds } from "../../harness/crds";
import { Step, changes, describeSteps, steps } from "../../harness/pulumi";
import { Snapshot, diffSnapshots, snapshot, stateObjects } from "../../harness/state";
import { refKey } from "../../../verify";

const PROGRAM = "test/e2e/suite/scenarios/20-day2/program.ts";
const NP_TYPE = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

type Config = Record<string, unknown>;

/** A stack whose config is set as a whole per step: keys not in the next step's config go back to the stack file's
 * value (or are removed), so each step states all it differs in from the committed stack file. */
class SteppedStack {
    private current: Config = {};
    /** The config of the last successful up (undefined before the first). */
    private applied: string | undefined;
    constructor(
        readonly stack: Stack,
        private readonly committed: Config,
    ) {}

    async configure(next: Config): Promise<void> {
        for (const key of Object.keys(this.current)) {
            if (key in next) continue;
            const full = key.includes(":") ? key : `vmafx:${key}`;
            if (key in this.committed) await this.stack.setAllConfig(configMap({ [key]: this.committed[key] }));
            else await this.stack.removeConfig(full);
        }
        await this.stack.setAllConfig(configMap(next));
        this.current = { ...next };
    }

    /** Brings the stack to `config` with an up unless the last up applied exactly that: each step starts from its
     * own state, also when an earlier step failed or was not selected (--grep). */
    async ensure(config: Config): Promise<void> {
        if (this.applied === JSON.stringify(config)) return;
        say(`pulumi up --stack ${this.stack.name}: the step's starting point`);
        await this.configure(config);
        await this.up();
    }

    async up(opts: { expectNoChanges?: boolean } = {}): Promise<{ steps: Step[]; changes: Step[]; resourceChanges: Record<string, number> }> {
        const events: EngineEvent[] = [];
        const r = await this.stack.up({ ...opts, onEvent: (e) => events.push(e), color: "never" });
        this.applied = JSON.stringify(this.current);
        return { steps: steps(events), changes: changes(events), resourceChanges: r.summary.resourceChanges ?? {} };
    }

    async preview(): Promise<{ steps: Step[]; changes: Step[]; changeSummary: Record<string, number> }> {
        const events: EngineEvent[] = [];
        const r = await this.stack.preview({ onEvent: (e) => events.push(e), color: "never" });
        return { steps: steps(events), changes: changes(events), changeSummary: r.changeSummary };
    }
}

const COMPONENT = "vmafx";

/** Steps of Kubernetes objects (not the component, the stack or the provider). */
function kubernetesSteps(list: Step[]): Step[] {
    return list.filter((x) => x.type.startsWith("kubernetes:") && !x.type.startsWith("pulumi:providers:"));
}

/** Besides Kubernetes objects, only the component itself may change: an "update" of its recorded inputs (the args
 * it was constructed with), which touches nothing in the cluster. */
function assertComponentOnly(list: Step[]): void {
    const other = list.filter((x) => !x.type.startsWith("kubernetes:"));
    assert.deepStrictEqual(
        other.filter((x) => !(x.op === "update" && x.type === "vmafx:index:VmafxStack")).map((x) => `${x.op} ${x.type} ${x.name}`),
        [],
        "no change but Kubernetes objects and the component's own inputs",
    );
}

/** What a refresh found per resource: the ops of its resOutputsEvents other than "same" and "refresh". */
function refreshFindings(events: EngineEvent[]): Step[] {
    return events
        .filter((e) => e.resOutputsEvent && e.resOutputsEvent.metadata.op !== "same" && e.resOutputsEvent.metadata.op !== "refresh")
        .map((e) => {
            const m = e.resOutputsEvent!.metadata;
            return { op: m.op, urn: m.urn, type: m.type, name: m.urn.slice(m.urn.lastIndexOf("::") + 2), diffs: m.diffs ?? [], keys: m.keys ?? [] };
        });
}

function onlySame(summary: Record<string, number>): boolean {
    return Object.entries(summary).every(([op, n]) => op === "same" || n === 0);
}

/** The live objects of the stack's state; every one of them must exist. */
async function live(cluster: Cluster, s: SteppedStack): Promise<Snapshot> {
    const refs = await stateObjects(s.stack);
    const snap = await snapshot(cluster, refs);
    const missing = refs.map((r) => refKey(r)).filter((k) => !snap.has(k));
    assert.deepStrictEqual(missing, [], "objects of the state missing in the cluster");
    assert.strictEqual(snap.size, refs.length, "one live object per object of the state");
    return snap;
}

describe("day-2 guarantees", function () {
    let cluster: Cluster;
    let project: Project;

    before(async function () {
        const env = await e2eEnv();
        cluster = env.cluster;
        project = await projectCopy(env.workDir, env.tc, { name: "day2", main: PROGRAM });
        // prod's ServiceMonitor and PodMonitor need the Prometheus Operator's CRDs.
        await monitoringCrds(cluster, env.workDir);
    });

    describe("dev", function () {
        let dev: SteppedStack;
        let base: Config;

        before(async function () {
            const committed = committedConfig(path.join(project.dir, "Pulumi.dev.yaml"));
            base = { namespace: { ...(committed.namespace as object), name: "vmafx-dev-day2" } };
            dev = new SteppedStack(await project.stack("dev", { skipAwait: true }), committed);
        });

        after(async function () {
            say("pulumi destroy --stack dev (day-2)");
            await dev.stack.destroy({ color: "never" });
        });

        it("pulumi up twice: the second up has no changes (expectNoChanges), and refresh finds no drift", async function () {
            await dev.ensure(base);
            const second = await dev.up({ expectNoChanges: true });
            assert.deepStrictEqual(describeSteps(second.changes), []);
            assert.ok(onlySame(second.resourceChanges), JSON.stringify(second.resourceChanges));
            const events: EngineEvent[] = [];
            const r = await dev.stack.refresh({ expectNoChanges: true, onEvent: (e) => events.push(e), color: "never" });
            assert.deepStrictEqual(describeSteps(refreshFindings(events)), []);
            assert.ok(onlySame(r.summary.resourceChanges ?? {}), JSON.stringify(r.summary.resourceChanges));
            say(`dev: second up ${JSON.stringify(second.resourceChanges)}, refresh ${JSON.stringify(r.summary.resourceChanges)}`);
        });
    });

    describe("prod", function () {
        const NS = "vmafx-day2";
        let prod: SteppedStack;
        let committed: Config;
        // The steps chain: each starts where the one before it ended, so the stack needs no extra update between
        // them (ensure() makes that update only when a step runs alone or after a failure).
        let base: Config;
        /** base with the object-store CIDR tightened (10.20.0.0/16 -> 10.20.128.0/17, which still holds the
         * excepted node subnet 10.20.128.0/20). */
        let tightened: Config;
        /** tightened with 2 server replicas and the image tag v3.2.2. */
        let scaled: Config;
        /** scaled with the StatefulSet workload. */
        let stateful: Config;

        before(async function () {
            committed = committedConfig(path.join(project.dir, "Pulumi.prod.yaml"));
            base = {
                namespace: { ...(committed.namespace as object), name: NS },
                crds: { install: true, retainOnDelete: false },
            };
            const np = structuredClone(committed.networkPolicy) as any;
            np.nodeToObjectStore.destinations[0].cidr = "10.20.128.0/17";
            tightened = { ...base, networkPolicy: np };
            scaled = { ...tightened, deployment: { replicas: 2 }, image: { tag: "v3.2.2" } };
            stateful = { ...scaled, workload: "StatefulSet" };
            prod = new SteppedStack(await project.stack("prod", { skipAwait: true }), committed);
            await prod.configure(base);
        });

        after(async function () {
            say("pulumi destroy --stack prod (day-2)");
            await prod.stack.destroy({ color: "never" });
            // The CRDs go with the stack (retainOnDelete false); the up/verify/destroy scenario installs them again,
            // so wait until the API server has removed them (their cleanup finalizer runs in the API server).
            await waitFor(
                "the day-2 stack's CRDs deleted",
                120_000,
                async () => (await cluster.list("customresourcedefinitions")).every((c) => !c.metadata.name.endsWith(".vmafx.dev")),
                1000,
            );
        });

        it("pulumi up twice: the second up has no changes (expectNoChanges)", async function () {
            await prod.ensure(base);
            say("pulumi up --expect-no-changes --stack prod (day-2)");
            const second = await prod.up({ expectNoChanges: true });
            assert.deepStrictEqual(describeSteps(second.changes), []);
            assert.ok(onlySame(second.resourceChanges), JSON.stringify(second.resourceChanges));
        });

        it("pulumi refresh finds no drift (expectNoChanges)", async function () {
            await prod.ensure(base);
            const events: EngineEvent[] = [];
            const r = await prod.stack.refresh({ expectNoChanges: true, onEvent: (e) => events.push(e), color: "never" });
            // A refresh reports one "refresh" step per resource; what it found is the op of the step's outputs.
            assert.deepStrictEqual(describeSteps(refreshFindings(events)), []);
            assert.ok(onlySame(r.summary.resourceChanges ?? {}), JSON.stringify(r.summary.resourceChanges));
            // The check above would also pass if refresh saw nothing; an out-of-band change of a field the stack
            // owns must show up. A preview-only refresh leaves the state as it was; the label is put back after.
            const label = "pod-security.kubernetes.io/warn";
            await cluster.kubectl(["label", "namespace", NS, `${label}=baseline`, "--overwrite"]);
            try {
                const events2: EngineEvent[] = [];
                const drift = await prod.stack.refresh({ previewOnly: true, onEvent: (e) => events2.push(e), color: "never" });
                assert.deepStrictEqual(
                    refreshFindings(events2).map((x) => `${x.op} ${x.type} ${x.name}`),
                    [`update kubernetes:core/v1:Namespace ${COMPONENT}-namespace`],
                    "a refresh after the namespace's warn label was changed with kubectl",
                );
                // (The preview-only refresh's summary counts the Namespace as "same"; its step events say "update".)
                say(
                    `refresh: no drift (${JSON.stringify(r.summary.resourceChanges)}); with ${label}=baseline set by kubectl it reports the Namespace's update (summary ${JSON.stringify(drift.summary.resourceChanges)})`,
                );
            } finally {
                await cluster.kubectl(["label", "namespace", NS, `${label}=restricted`, "--overwrite"]);
            }
        });

        it("tightening the object-store CIDR updates only that NetworkPolicy, in place", async function () {
            await prod.ensure(base);
            const before = await live(cluster, prod);
            await prod.configure(tightened);
            const preview = await prod.preview();
            const up = await prod.up();
            for (const r of [preview.changes, up.changes]) {
                assertComponentOnly(r);
                const k8s = kubernetesSteps(r);
                assert.deepStrictEqual(
                    k8s.map((x) => `${x.op} ${x.type}`),
                    [`update ${NP_TYPE}`],
                    describeSteps(r).join("\n"),
                );
                assert.ok(k8s[0].name.endsWith("-netpol-node-to-object-store-egress"), k8s[0].name);
            }
            const after = await live(cluster, prod);
            const d = diffSnapshots(before, after);
            assert.deepStrictEqual({ created: d.created, deleted: d.deleted, recreated: d.recreated }, { created: [], deleted: [], recreated: [] });
            assert.strictEqual(d.changed.length, 1, JSON.stringify(d.changed));
            const np = after.get(d.changed[0])!;
            assert.strictEqual(np.kind, "NetworkPolicy");
            assert.strictEqual(np.generation, (before.get(np.key)!.generation ?? 0) + 1);
            const cidrs = (np.obj.spec.egress as any[]).flatMap((e) => (e.to ?? []).map((t: any) => t.ipBlock?.cidr)).filter(Boolean);
            assert.ok(cidrs.includes("10.20.128.0/17") && !cidrs.includes("10.20.0.0/16"), `egress CIDRs of ${np.key}: ${cidrs}`);
            say(`updated in place: ${np.key} (same uid, generation ${np.generation}); ${d.unchanged.length} objects untouched`);
        });

        it("disabling NetworkPolicies deletes only them; enabling them again creates only them", async function () {
            await prod.ensure(tightened);
            const before = await live(cluster, prod);
            await prod.configure({ ...tightened, networkPolicy: { ...(tightened.networkPolicy as object), enabled: false } });
            const off = await prod.up();
            assertComponentOnly(off.changes);
            const deletes = kubernetesSteps(off.changes);
            assert.ok(deletes.length > 0, "the update deletes something");
            assert.deepStrictEqual(
                deletes.filter((x) => !(x.op === "delete" && x.type === NP_TYPE)).map((x) => `${x.op} ${x.type} ${x.name}`),
                [],
                "only NetworkPolicy deletes",
            );
            const middle = await live(cluster, prod);
            const d1 = diffSnapshots(before, middle);
            assert.ok(d1.deleted.length === deletes.length && d1.deleted.every((k) => k.startsWith("NetworkPolicy/")), JSON.stringify(d1.deleted));
            assert.deepStrictEqual({ created: d1.created, recreated: d1.recreated, changed: d1.changed }, { created: [], recreated: [], changed: [] });
            assert.deepStrictEqual(await cluster.list("networkpolicies", { namespace: NS }), []);
            say(`disabled: ${d1.deleted.length} NetworkPolicies deleted, ${d1.unchanged.length} objects untouched`);

            await prod.configure(tightened);
            const on = await prod.up();
            assertComponentOnly(on.changes);
            const creates = kubernetesSteps(on.changes);
            assert.deepStrictEqual(
                creates.filter((x) => !(x.op === "create" && x.type === NP_TYPE)).map((x) => `${x.op} ${x.type} ${x.name}`),
                [],
                "only NetworkPolicy creates",
            );
            assert.deepStrictEqual(creates.map((x) => x.name).sort(), deletes.map((x) => x.name).sort(), "the same NetworkPolicies come back");
            const d2 = diffSnapshots(middle, await live(cluster, prod));
            assert.deepStrictEqual(d2.created, d1.deleted);
            assert.deepStrictEqual({ deleted: d2.deleted, recreated: d2.recreated, changed: d2.changed }, { deleted: [], recreated: [], changed: [] });
            say(`enabled: ${d2.created.length} NetworkPolicies created, ${d2.unchanged.length} objects untouched`);
        });

        it("changing replicas and the image tag updates the server Deployment in place", async function () {
            await prod.ensure(tightened);
            const before = await live(cluster, prod);
            await prod.configure(scaled);
            const up = await prod.up();
            assertComponentOnly(up.changes);
            const k8s = kubernetesSteps(up.changes);
            say(`replicas 3 -> 2, image tag v3.2.2:\n  ${describeSteps(up.changes).join("\n  ")}`);
            assert.deepStrictEqual(
                k8s.map((x) => `${x.op} ${x.type} ${x.name}`),
                [`update kubernetes:apps/v1:Deployment ${COMPONENT}-server`],
            );
            const after = await live(cluster, prod);
            const d = diffSnapshots(before, after);
            assert.deepStrictEqual({ created: d.created, deleted: d.deleted, recreated: d.recreated }, { created: [], deleted: [], recreated: [] });
            assert.strictEqual(d.changed.length, 1, JSON.stringify(d.changed));
            const server = after.get(d.changed[0])!;
            assert.strictEqual(server.kind, "Deployment");
            assert.strictEqual(server.uid, before.get(server.key)!.uid);
            assert.strictEqual(server.generation, (before.get(server.key)!.generation ?? 0) + 1);
            assert.strictEqual(server.obj.spec.replicas, 2);
            const images = (server.obj.spec.template.spec.containers as any[]).map((c) => String(c.image));
            assert.ok(
                images.some((i) => i.endsWith(":v3.2.2")),
                JSON.stringify(images),
            );
            say(`updated in place: ${server.key} (same uid, generation ${server.generation}); ${d.unchanged.length} objects untouched`);
        });

        it("changing the workload kind replaces only the server workload, and the preview says so", async function () {
            await prod.ensure(scaled);
            const before = await live(cluster, prod);
            await prod.configure(stateful);
            // The Deployment and the StatefulSet have the same Pulumi name (<component>-server) but different types,
            // so they are different resources to the engine: it plans the StatefulSet's create and the Deployment's
            // delete (not one "replace" step), plus the headless Service a StatefulSet needs.
            const expected = [
                `create kubernetes:apps/v1:StatefulSet ${COMPONENT}-server`,
                `create kubernetes:core/v1:Service ${COMPONENT}-server-headless`,
                `delete kubernetes:apps/v1:Deployment ${COMPONENT}-server`,
            ];
            const preview = await prod.preview();
            assertComponentOnly(preview.changes);
            assert.deepStrictEqual(describeSteps(kubernetesSteps(preview.changes)), expected, "the preview");
            const up = await prod.up();
            assertComponentOnly(up.changes);
            assert.deepStrictEqual(describeSteps(kubernetesSteps(up.changes)), expected, "the update");
            const after = await live(cluster, prod);
            const d = diffSnapshots(before, after);
            const server = [...before.values()].find((o) => o.kind === "Deployment" && o.obj.metadata.labels?.["app.kubernetes.io/component"] === "server")!;
            assert.deepStrictEqual(
                { created: d.created, deleted: d.deleted, recreated: d.recreated, changed: d.changed },
                { created: [`Service/${NS}/${server.name}-headless`, `StatefulSet/${NS}/${server.name}`], deleted: [server.key], recreated: [], changed: [] },
            );
            say(`Deployment -> StatefulSet: ${expected.join("; ")}; ${d.unchanged.length} objects untouched`);
        });

        it("renaming the component with aliases replaces nothing; renaming the release replaces the objects named after it", async function () {
            await prod.ensure(stateful);
            const before = await live(cluster, prod);
            const renamed = { ...stateful, "vmafx-e2e:componentName": "vmafx-main" };

            // Without aliases every child gets a new URN (<new name>-<role>): the engine would create the "new"
            // objects, whose Kubernetes names are the old ones, and delete the old ones. (The release name, which
            // seeds the Kubernetes names, stays "vmafx": Pulumi.yaml declares it as the default of vmafx:releaseName.)
            await prod.configure(renamed);
            const bare = await prod.preview();
            const moved = before.size + 1; // the component and one child per object of the state
            assert.deepStrictEqual(
                { create: bare.changeSummary.create, delete: bare.changeSummary.delete },
                { create: moved, delete: moved },
                `rename without aliases: ${JSON.stringify(bare.changeSummary)}`,
            );

            // With the old name as an alias of the component, the children inherit it (their names start with the
            // component's), so every resource is "same".
            await prod.configure({ ...renamed, "vmafx-e2e:aliases": [COMPONENT] });
            const aliased = await prod.preview();
            assert.deepStrictEqual(describeSteps(aliased.changes), [], "rename with aliases");
            const up = await prod.up({ expectNoChanges: true });
            assert.ok(onlySame(up.resourceChanges), JSON.stringify(up.resourceChanges));
            const state = await prod.stack.exportStack();
            const urns: string[] = (state.deployment.resources ?? []).map((r: any) => r.urn);
            assert.ok(
                urns.some((u) => u.endsWith("vmafx:index:VmafxStack::vmafx-main")),
                "the state names the component vmafx-main",
            );
            assert.ok(!urns.some((u) => u.endsWith(`::${COMPONENT}-server`)), "no child keeps its old URN");
            const d = diffSnapshots(before, await live(cluster, prod));
            assert.deepStrictEqual(
                { created: d.created, deleted: d.deleted, recreated: d.recreated, changed: d.changed },
                { created: [], deleted: [], recreated: [], changed: [] },
            );
            say(
                `renamed vmafx -> vmafx-main: without aliases ${JSON.stringify(bare.changeSummary)}; with aliases ${JSON.stringify(up.resourceChanges)}, ${d.unchanged.length} objects untouched`,
            );

            // Renaming the release renames the Kubernetes objects, which Kubernetes cannot do in place: no alias
            // helps, every object named after the release is replaced (create-replacement, replace,
            // delete-replaced: the new name first). The Namespace (named by namespace.name), the CRDs and the
            // tenants keep their names and only get the new instance label, in place. Only previewed.
            await prod.configure({ ...renamed, "vmafx-e2e:aliases": [COMPONENT], releaseName: "vmafx-renamed" });
            const release = await prod.preview();
            const opsByName = new Map<string, Set<string>>();
            for (const x of kubernetesSteps(release.changes))
                opsByName.set(`${x.type} ${x.name}`, new Set([...(opsByName.get(`${x.type} ${x.name}`) ?? []), x.op]));
            const replaced = [...opsByName].filter(([, ops]) => [...ops].sort().join() === "create-replacement,delete-replaced,replace").map(([k]) => k);
            const inPlace = [...opsByName].filter(([, ops]) => [...ops].join() === "update").map(([k]) => k);
            const kept = new Set(["Namespace", "CustomResourceDefinition", "VmafxTenant"]);
            assert.strictEqual(
                replaced.length + inPlace.length,
                before.size,
                `every object is replaced or updated: ${describeSteps(release.changes).join("\n")}`,
            );
            assert.deepStrictEqual(
                inPlace.map((k) => k.split(" ")[0].split(":").pop()).filter((kind) => !kept.has(kind!)),
                [],
                `updated in place: ${inPlace.join(", ")}`,
            );
            assert.ok(
                replaced.every((k) => !kept.has(k.split(" ")[0].split(":").pop()!)),
                `replaced: ${replaced.join(", ")}`,
            );
            say(
                `release renamed (preview): ${replaced.length} objects replaced, ${inPlace.length} updated in place (${inPlace.map((k) => k.split(" ")[1]).join(", ")})`,
            );
        });
    });
});
