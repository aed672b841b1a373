// Real rollouts and real packets for dev and prod, then `pulumi destroy`. The scenario starts the dataplane
// (harness/dataplane: kube-controller-manager, a test node, kube-router's NetworkPolicy firewall, all in network
// namespaces of this run) and runs `pulumi up` without skip-await annotations: Deployments roll out real Pods, the
// smoke-test Job completes only if its HTTP request to the server's /healthz gets through the NetworkPolicies.
// - dev, with the truth table's overrides (NetworkPolicies, operator; smoke test as committed): every flow of its
//   truth table (test/truth-tables.ts) as packets, compared with the analyzer; then the committed dev stack (policies
//   off): every one of those flows open; the kubectl checks of verify.ts; then the StatefulSet workload, rolled out
//   with its claims bound.
// - prod as committed: the kubectl checks, the vmafx.dev CRD admission checks (crds.ts), every flow of its truth
//   table as packets; a tightened object-store CIDR (pulumi up) closes the old address and keeps the new one open;
//   policies off open every flow again.
// - `pulumi destroy` of both leaves nothing but the retained CRDs, and no Namespace Terminating; the CRDs and the
//   survivor VmafxJob outlive it; the test network is gone and the machine's own firewall is as before.
import { Stack } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { admissionFindings, survivedFindings } from "../../../crds";
import { ObjectRef, appliedFindings, destroyedFindings, objectsInState, refKey } from "../../../verify";
import { resolveTruthTable, ResolvedTruthTable, truthTable } from "../../../../truth-tables";
import { addSummaryLine, Cluster, committedConfig, configMap, e2eEnv, Project, projectCopy, REPO_ROOT, run, say, Toolchain, waitFor } from "../../harness";
import { MONITORING_CRDS, PROMETHEUS_OPERATOR_MODULE, PROMETHEUS_OPERATOR_VERSION, monitoringCrds } from "../../harness/crds";
import { Dataplane, NODE_NAME, startDataplane } from "../../harness/dataplane";
import { cases, FlowCase, FlowResult, PacketFlows, resultLine } from "../../harness/dataplane/packets";
import { rolloutReport } from "../../harness/dataplane/rollout";
import { expectFindings } from "../../harness/pulumi";

type Config = Record<string, unknown>;

/** Every awaited object fails the up after this long instead of the provider's 10 minutes. */
const AWAIT_SECONDS = "240";
/** Labels of the test node: prod's nodeSelector (Pulumi.prod.yaml vmafx:scheduling) and a zone. */
const NODE_LABELS = { "nvidia.com/gpu.present": "true", "topology.kubernetes.io/zone": "e2e-a" };
/** prod's object-store range tightened from 10.20.0.0/16 (except 10.20.128.0/20) to one /24. */
const TIGHTENED_CIDR = "10.20.0.0/24";
const OLD_ONLY_ADDRESS = "10.20.5.10";
const KEPT_ADDRESS = "10.20.0.10";

describe("real rollouts, every truth-table flow as real packets, and pulumi destroy of dev and prod", function () {
    let tc: Toolchain;
    let cluster: Cluster;
    let workDir: string;
    let project: Project;
    let dp: Dataplane;
    let flows: PacketFlows;
    const stacks = new Map<string, Stack>();
    const exports = new Map<string, string>();
    /** Every object any up of a stack made, for the destroy check. */
    const refs = new Map<string, Map<string, ObjectRef>>();
    const committed = new Map<string, Config>();
    const overridden = new Map<string, Set<string>>();
    const results: FlowResult[] = [];
    const record = () => path.join(workDir, "crds-survivor.json");
    const kubectl = () => path.join(tc.bin, "kubectl");
    const dev: ResolvedTruthTable = resolveTruthTable(truthTable("dev"));
    const prod: ResolvedTruthTable = resolveTruthTable(truthTable("prod"));

    before(async function () {
        ({ tc, cluster, workDir } = await e2eEnv());
        project = await projectCopy(workDir, tc, { name: "project" });
        for (const s of ["dev", "prod"]) committed.set(s, committedConfig(path.join(project.dir, `Pulumi.${s}.yaml`)));
        dp = await startDataplane(await e2eEnv(), NODE_LABELS);
        flows = new PacketFlows(dp, cluster);
    });

    after(async function () {
        await flows?.cleanup().catch(() => undefined);
    });

    async function stack(s: string): Promise<Stack> {
        let st = stacks.get(s);
        if (!st) {
            st = await project.stack(s, { env: { VMAFX_E2E_TIMEOUT_SECONDS: AWAIT_SECONDS } });
            stacks.set(s, st);
        }
        return st;
    }

    /** Sets `config` over the committed stack file: keys set earlier and not now go back to the committed value. */
    async function configure(s: string, config: Config): Promise<Stack> {
        const st = await stack(s);
        const before = overridden.get(s) ?? new Set<string>();
        for (const key of before) {
            if (key in config) continue;
            if (key in committed.get(s)!) await st.setAllConfig(configMap({ [key]: committed.get(s)![key] }));
            else await st.removeConfig(`vmafx:${key}`);
        }
        if (Object.keys(config).length > 0) await st.setAllConfig(configMap(config));
        overridden.set(s, new Set(Object.keys(config)));
        return st;
    }

    async function up(s: string, config: Config, why: string): Promise<void> {
        const st = await configure(s, config);
        say(`pulumi up --stack ${s}: ${why}`);
        const t0 = Date.now();
        await st.up({ color: "never" });
        const state = await st.exportStack();
        const file = path.join(workDir, `state-${s}.json`);
        fs.writeFileSync(file, JSON.stringify(state));
        exports.set(s, file);
        const all = refs.get(s) ?? new Map<string, ObjectRef>();
        for (const r of objectsInState(state)) all.set(refKey(r), r);
        refs.set(s, all);
        const namespace = String((await st.outputs()).namespace.value);
        const report = await rolloutReport(cluster, namespace, NODE_NAME);
        assert.deepStrictEqual(report.problems, [], `rollout of ${s}`);
        say(`${s} up in ${Math.round((Date.now() - t0) / 1000)}s, rolled out: ${report.summary}`);
    }

    async function packets(rt: ResolvedTruthTable, table: string, list: readonly FlowCase[]): Promise<void> {
        await flows.prepare(rt, list);
        const got = await flows.check(rt, table, list);
        results.push(...got);
        for (const r of got) console.log(resultLine(r));
        const failed = got.filter((r) => !r.pass);
        const skipped = list.length - got.length;
        say(`${table}: ${got.length - failed.length} passed, ${failed.length} failed${skipped ? ` (${skipped} IPv6 flows not sent: analyzer only)` : ""}`);
        assert.deepStrictEqual(failed.map(resultLine), [], `${table}: packets and analyzer agree with the truth table`);
    }

    /** The objects of a stack's last up. */
    const latestRefs = (s: string): ObjectRef[] => {
        assert.ok(exports.has(s), `pulumi up --stack ${s} ran`);
        return objectsInState(JSON.parse(fs.readFileSync(exports.get(s)!, "utf8")));
    };

    const allOpen = (list: readonly FlowCase[]): FlowCase[] => list.map((c) => ({ probe: c.probe, expected: "allowed" }));

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

    it("dev with NetworkPolicies and the operator: pulumi up with real rollouts, the smoke-test Job's request gets through the policies", async function () {
        // prod's stack installs the vmafx.dev CRDs; dev's operator uses them.
        await up("dev", { ...dev.table.overrides, crds: { install: false } }, "the truth table's overrides, real rollout");
    });

    it("dev: every flow of its truth table as real packets agrees with the analyzer", async function () {
        await packets(dev, "dev", cases(dev));
    });

    it("a Deployment whose pod template breaks Pod Security restricted gets no Pods: its ReplicaSet's creation is refused", async function () {
        const namespace = dev.model.namespace;
        const deployment = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "e2e-privileged", namespace },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: "e2e-privileged" } },
                template: {
                    metadata: { labels: { app: "e2e-privileged" } },
                    spec: { containers: [{ name: "c", image: "registry.invalid/e2e/privileged:1", securityContext: { privileged: true } }] },
                },
            },
        };
        await cluster.kubectl(["create", "-f", "-"], { input: JSON.stringify(deployment) });
        let message = "";
        try {
            await waitFor("the ReplicaSet reports ReplicaFailure", 60_000, async () => {
                const rs = (await cluster.list("replicasets", { namespace, selector: "app=e2e-privileged" }))[0];
                message = rs?.status?.conditions?.find((c: any) => c.type === "ReplicaFailure")?.message ?? "";
                return message !== "";
            });
            assert.match(message, /violates PodSecurity "restricted:v1\.33"/);
            assert.deepStrictEqual(await cluster.list("pods", { namespace, selector: "app=e2e-privileged" }), []);
            say(`ReplicaSet of e2e-privileged: ${message.slice(0, 200)}`);
        } finally {
            await cluster.kubectl(["delete", "deployment", "e2e-privileged", "-n", namespace, "--wait=true", "--timeout=60s"]);
        }
    });

    it("dev as committed (NetworkPolicies off, no operator): every flow of the dev truth table is open", async function () {
        await up("dev", {}, "back to the committed stack file");
        await packets(dev, "dev-policies-off", allOpen(cases(dev)));
    });

    it("kubectl checks of dev (verify.ts applied)", async function () {
        const out = path.join(workDir, "render-dev");
        await run("npm", ["run", "--silent", "render", "--", "--stack", "dev", "--out", out], { cwd: REPO_ROOT, timeoutMs: 300_000 });
        expectFindings(await appliedFindings("dev", latestRefs("dev"), out, kubectl()), "kubectl checks of dev");
    });

    it("dev with the StatefulSet workload (pulumi up): it rolls out, its Pods' state claims bound to volumes", async function () {
        await up("dev", { workload: "StatefulSet" }, "workload StatefulSet, real rollout");
        const namespace = dev.model.namespace;
        const sets = await cluster.list("statefulsets", { namespace });
        assert.strictEqual(sets.length, 1, "one StatefulSet");
        const claims = await cluster.list("persistentvolumeclaims", { namespace });
        const unbound = claims.filter((c: any) => c.status?.phase !== "Bound").map((c: any) => `${c.metadata.name}: ${c.status?.phase}`);
        assert.ok(claims.length >= (sets[0].spec.replicas ?? 1), `a claim per replica: ${claims.map((c: any) => c.metadata.name).join(", ")}`);
        assert.deepStrictEqual(unbound, [], "every claim Bound");
        say(`StatefulSet ${sets[0].metadata.name}: claims ${claims.map((c: any) => `${c.metadata.name} -> ${c.spec.volumeName}`).join(", ")}`);
    });

    it("prod as committed: pulumi up with real rollouts", async function () {
        await monitoringCrds(cluster, workDir);
        await up("prod", {}, "the committed stack file, real rollout");
    });

    it("kubectl checks of prod (verify.ts applied)", async function () {
        const out = path.join(workDir, "render-prod");
        await run("npm", ["run", "--silent", "render", "--", "--stack", "prod", "--out", out], { cwd: REPO_ROOT, timeoutMs: 300_000 });
        expectFindings(await appliedFindings("prod", latestRefs("prod"), out, kubectl()), "kubectl checks of prod");
    });

    it("the vmafx.dev CRDs: installed by one stack with retainOnDelete, admission of valid and invalid custom resources, the survivor created (crds.ts admission)", async function () {
        const p = stacks.get("prod");
        assert.ok(p && exports.has("dev") && exports.has("prod"), "both stacks are up");
        const namespace = String((await p.outputs()).namespace.value);
        expectFindings(admissionFindings(kubectl(), namespace, [exports.get("dev")!, exports.get("prod")!], record()), "CRD admission");
    });

    it("prod: every flow of its truth table as real packets agrees with the analyzer", async function () {
        await packets(prod, "prod", cases(prod));
    });

    it(`prod: tightening the object-store range to ${TIGHTENED_CIDR} (pulumi up) closes ${OLD_ONLY_ADDRESS} and keeps ${KEPT_ADDRESS} open`, async function () {
        const node = prod.model.release.get("node")!;
        const flow = (ip: string, expected: "allowed" | "denied"): FlowCase => ({
            probe: { label: `node -> object store ${ip}:443`, from: node, to: { kind: "ip", ip }, port: 443, protocol: "TCP" },
            expected,
        });
        await packets(prod, "prod-objectstore-before", [flow(OLD_ONLY_ADDRESS, "allowed"), flow(KEPT_ADDRESS, "allowed")]);
        const np = committed.get("prod")!.networkPolicy as Record<string, any>;
        const tightened = {
            ...np,
            nodeToObjectStore: {
                ...np.nodeToObjectStore,
                destinations: [{ cidr: TIGHTENED_CIDR }, ...np.nodeToObjectStore.destinations.filter((d: any) => d.cidr.includes(":"))],
            },
        };
        await up("prod", { networkPolicy: tightened }, `object-store range ${TIGHTENED_CIDR}`);
        await packets(prod, "prod-objectstore-tightened", [flow(OLD_ONLY_ADDRESS, "denied"), flow(KEPT_ADDRESS, "allowed")]);
    });

    it("prod with NetworkPolicies off (pulumi up): every flow of the prod truth table is open", async function () {
        const np = committed.get("prod")!.networkPolicy as Record<string, any>;
        await up("prod", { networkPolicy: { ...np, enabled: false } }, "networkPolicy.enabled false");
        await packets(prod, "prod-policies-off", allOpen(cases(prod)));
    });

    it("packets and analyzer: the results table", function () {
        const failed = results.filter((r) => !r.pass).length;
        const line = `packets: ${results.length - failed} passed, ${failed} failed (${new Set(results.map((r) => r.table)).size} tables)`;
        say(line);
        addSummaryLine(line);
        assert.ok(results.length > 0, "flows were sent");
        assert.strictEqual(failed, 0, line);
    });

    for (const s of ["prod", "dev"]) {
        it(`pulumi destroy --stack ${s}: nothing of it is left but its retained CRDs, and no Namespace Terminating (verify.ts destroyed)`, async function () {
            const st = stacks.get(s);
            assert.ok(st && refs.has(s), `pulumi up --stack ${s} ran`);
            if (s === "prod") await flows.cleanup();
            say(`pulumi destroy --stack ${s}`);
            const t0 = Date.now();
            await st.destroy({ color: "never" });
            say(`${s} destroyed in ${Math.round((Date.now() - t0) / 1000)}s`);
            expectFindings(await destroyedFindings(s, [...refs.get(s)!.values()], kubectl(), { controllers: true }), `objects of ${s} after destroy`);
        });
    }

    it("the CRDs and the VmafxJob e2e-crs/e2e-survivor survived pulumi destroy (crds.ts survived)", function () {
        expectFindings(survivedFindings(kubectl(), record()), "after destroy");
    });

    it("the test network is gone, and the machine's own iptables, ip6tables, ipsets, interfaces and routes are as before", async function () {
        const prefix = `vmafx-e2e-${dp.topology.runId}-`;
        // A stack an earlier failure left up is destroyed while the controllers and the test node still run.
        for (const [s, st] of stacks) {
            const left = ((await st.exportStack()).deployment?.resources ?? []).filter((r: any) => r.type.startsWith("kubernetes:"));
            if (left.length === 0) continue;
            say(`pulumi destroy --stack ${s}: ${left.length} objects left by a failed step`);
            await st.destroy({ color: "never" });
        }
        await flows.cleanup();
        await dp.stop();
        const left = (await run("ip", ["netns", "list"])).stdout.split("\n").filter((l) => l.startsWith(prefix));
        assert.deepStrictEqual(left, [], "network namespaces of this run left");
        assert.deepStrictEqual(await dp.hostUntouched(), [], "the machine's own network state changed");
        assert.deepStrictEqual(dp.agent.errors, [], "the test node agent's own errors");
        say(`test network removed (${prefix}*); the machine's iptables, ip6tables, ipsets, interfaces and routes are unchanged`);
    });
});
