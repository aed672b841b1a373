// The real thing, without the Pulumi CLI: starts policy-pack/index.ts in a child process (it
// constructs the PolicyPack, whose gRPC server prints its port) and talks to it the way the CLI
// does: GetAnalyzerInfo, Configure with the shipped prod config, AnalyzeStack and Analyze. This
// checks that the pack loads (names, schemas, initialConfig accepted by @pulumi/policy) and that
// the policies behave the same behind the real policy server as in the in-process runner.
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Obj, defaultDenyPolicy, egressPolicy, namespace, podSpecOf, workload } from "./fixtures";
import { loadPolicyConfigFile } from "./lib/config";
import { effectiveConfig } from "./run";
import { k8s } from "./testing";

// Resolve the gRPC and protobuf packages through @pulumi/pulumi so the generated classes match
// (paths computed at run time, hence require).
/* eslint-disable @typescript-eslint/no-require-imports */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromPulumi = (m: string) => require(require.resolve(m, { paths: [pulumiDir] }));
const grpc = fromPulumi("@grpc/grpc-js");
const { Struct } = fromPulumi("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } = fromPulumi("google-protobuf/google/protobuf/empty_pb.js");
const pb = require("@pulumi/pulumi/proto/analyzer_pb.js");
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
/* eslint-enable @typescript-eslint/no-require-imports */

const PACK_DIR = __dirname;
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"]; // pulumirpc.EnforcementLevel order

interface Pack {
    child: ChildProcess;
    client: any;
}

function startPack(stack: string): Promise<Pack> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
            cwd: PACK_DIR,
            env: { ...process.env, PULUMI_NODEJS_STACK: stack, TS_NODE_PROJECT: path.join(PACK_DIR, "tsconfig.json") },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stderr?.on("data", (d) => (err += d));
        child.stdout?.on("data", (d) => {
            out += d;
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) resolve({ child, client: new AnalyzerClient(`127.0.0.1:${m[1]}`, grpc.credentials.createInsecure()) });
        });
        child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${out}${err}`)));
    });
}

function call<T>(client: any, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](req, (e: Error | null, res: T) => (e ? reject(e) : resolve(res))));
}

function analyzerResource(r: ReturnType<typeof k8s>): any {
    const res = new pb.AnalyzerResource();
    res.setType(r.type);
    res.setUrn(r.urn);
    res.setName(r.name);
    res.setProperties(Struct.fromJavaScript(r.props));
    res.setOptions(new pb.AnalyzerResourceOptions());
    return res;
}

/** `<level> <policy> <urn>: <message>`; the server prefixes the message with the policy description and a newline. */
function diagnostics(res: any): string[] {
    return res.getDiagnosticsList().map((d: any) => {
        const [description, ...message] = String(d.getMessage()).split("\n");
        assert.equal(description, d.getDescription());
        return `${LEVELS[d.getEnforcementlevel()]} ${d.getPolicyname()} ${d.getUrn()}: ${message.join("\n")}`;
    });
}

describe("policy pack behind the real policy server", function () {
    this.timeout(60000);
    // One pack process for both tests (starting one costs about 2 s): started for stack "dev", then
    // configured with the prod config file, which sets every level and environment explicitly.
    let pack: Pack | undefined;
    before(async () => {
        pack = await startPack("dev");
    });
    after(() => {
        pack?.client.close();
        pack?.child.kill();
    });

    it("loads and reports its policies, levels and a stack-dependent initialConfig", async () => {
        const info = await call<any>(pack!.client, "getAnalyzerInfo", new Empty());
        assert.equal(info.getName(), "vmafx");
        const levels = Object.fromEntries(info.getPoliciesList().map((p: any) => [p.getName(), LEVELS[p.getEnforcementlevel()]]));
        assert.deepEqual(levels, effectiveConfig({ stack: "prod" }).levels, "policy defaults are the prod levels");
        const initial = Object.fromEntries([...info.getInitialconfigMap().entries()].map(([k, v]: [string, any]) => [k, LEVELS[v.getEnforcementlevel()]]));
        assert.deepEqual(initial, { "prod-egress": "advisory", "namespace-labels": "advisory", "default-deny": "advisory" });
    });

    it("with the prod config: blocks open egress, fails closed on unknowns, flags hardening as advisory", async () => {
        const prod = pack!;
        const reconciled = effectiveConfig({ config: loadPolicyConfigFile(path.join(PACK_DIR, "..", "stacks", "policy-config.prod.json")), stack: "prod" });
        const configure = new pb.ConfigureAnalyzerRequest();
        for (const [name, level] of Object.entries(reconciled.levels)) {
            const c = new pb.PolicyConfig();
            c.setEnforcementlevel(LEVELS.indexOf(level));
            c.setProperties(Struct.fromJavaScript(reconciled.properties[name] as Obj));
            configure.getPolicyconfigMap().set(name, c);
        }
        await call(prod.client, "configure", configure);

        const open = k8s(egressPolicy("open", [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }]));
        const stackReq = new pb.AnalyzeStackRequest();
        stackReq.setResourcesList(
            [namespace("shop"), defaultDenyPolicy(), workload("Deployment", { name: "web" })]
                .map((m) => analyzerResource(k8s(m)))
                .concat([analyzerResource(open)]),
        );
        const stackDiags = diagnostics(await call(prod.client, "analyzeStack", stackReq));
        assert.equal(stackDiags.length, 1, stackDiags.join("\n"));
        assert.match(
            stackDiags[0],
            new RegExp(
                `^mandatory prod-egress ${open.urn.replace(/[$()*+.?[\\\]^{|}]/g, "\\$&")}: NetworkPolicy shop/open .* spec\\.egress\\[0\\]\\.to\\[0\\]\\.ipBlock\\.cidr = "0\\.0\\.0\\.0/0"`,
            ),
        );

        const unknown = workload("Deployment", { name: "web" });
        podSpecOf(unknown).securityContext.runAsNonRoot = pulumi.runtime.unknownValue;
        const unknownReq = new pb.AnalyzeStackRequest();
        unknownReq.setResourcesList([namespace("shop"), defaultDenyPolicy(), unknown].map((m) => analyzerResource(k8s(m))));
        const unknownDiags = diagnostics(await call(prod.client, "analyzeStack", unknownReq));
        assert.deepEqual(
            unknownDiags.map((d) => d.split(" ").slice(0, 2).join(" ")),
            ["mandatory pod-security"],
        );
        assert.match(unknownDiags[0], /spec\.template\.spec\.securityContext\.runAsNonRoot is unknown during preview, so Pod Security cannot be verified/);

        const latest = workload("Pod", { name: "p" });
        podSpecOf(latest).containers[0].image = "nginx:latest";
        const req = new pb.AnalyzeRequest();
        const r = k8s(latest);
        req.setType(r.type);
        req.setUrn(r.urn);
        req.setName(r.name);
        req.setProperties(Struct.fromJavaScript(r.props));
        req.setOptions(new pb.AnalyzerResourceOptions());
        const resourceDiags = diagnostics(await call(prod.client, "analyze", req));
        assert.equal(resourceDiags.length, 1, resourceDiags.join("\n"));
        assert.match(resourceDiags[0], /^advisory image-pinned .*container "app": spec\.containers\[0\]\.image = "nginx:latest" uses the mutable tag "latest"/);
    });
});
