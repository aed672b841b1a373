// The outside-user proof (issue 10, item 4), the last step of `npm test`: `npm pack` every
// package, install only those tarballs (their registry dependencies come from the registry) into
// an empty project under the OS temp dir, and use them there as a user would:
//   (a) a TypeScript program importing VmafxStack type-checks with `tsc --noEmit`, a mistyped
//       arg fails tsc, and the compiled program registers under Pulumi mocks exactly the objects
//       of the repository's own plan, every one a child of the component;
//   (b) `npx --no-install vmafx-policy psa|check` from the installed tarball prints the same
//       stdout and exits with the same code as the repository's bin/vmafx-policy.js, on the
//       rendered prod stack and on a non-compliant manifest;
//   (c) the installed pack's runPack gives the same diagnostics as the repository's on the
//       rendered prod stack (no mandatory one) and on an open-egress copy (prod-egress).
// Prints one PASS/FAIL line per check and `outside: N passed, N failed`; exits 1 on a failure.
// Needs `npm run build` first (it packs the built dist/ directories). VMAFX_OUTSIDE_KEEP=1 keeps
// the temp directory.
import { spawn } from "child_process";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { VmafxStackArgs, WorkloadKind, buildPlan, makeContext, releaseSummary, validateArgs } from "@vmafx-k8s/vmafx/plan";

// dist/test/outside/run.js -> the repository root.
const ROOT = path.resolve(__dirname, "..", "..", "..");
const WORKSPACES = ["core", "components", "policy-pack"];
const COMPONENT_TYPE = "vmafx:index:VmafxStack";
/** What the outside project installs from the registry besides the tarballs. */
const REGISTRY_PACKAGES = ["typescript@5.9.3", "@types/node@20.19.8"];
const MINUTE = 60000;

/** The outside program's component: name, mock project and stack, typed args. */
const COMPONENT_NAME = "scoring";
const MOCK_PROJECT = "outside";
const MOCK_STACK = "test";
const ARGS: VmafxStackArgs = {
    workload: WorkloadKind.Deployment,
    namespace: { name: "scoring", podSecurityVersion: "v1.33" },
    deployment: { replicas: 2 },
    node: { enabled: true, replicas: 2 },
    podDisruptionBudget: { enabled: true, maxUnavailable: "1" },
    networkPolicy: {
        enabled: true,
        nodeToObjectStore: { ports: [443], destinations: [{ cidr: "10.20.0.0/16", except: ["10.20.128.0/20"] }] },
    },
};

// ---------------------------------------------------------------------------------------------
// Processes

interface Result {
    command: string;
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    timedOut: boolean;
}

/** The environment without what `npm run` adds (npm_config_*, npm_package_*, INIT_CWD), so a child npm configures itself as in a plain shell. */
function cleanEnv(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "INIT_CWD"));
}

/** Runs a command to completion; on timeout kills its whole process group. Never rejects. */
function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Result> {
    return new Promise((resolve) => {
        const text = `${command} ${args.join(" ")}`;
        const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => {
            timedOut = true;
            try {
                process.kill(-child.pid!, "SIGKILL");
            } catch {
                child.kill("SIGKILL");
            }
        }, timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            resolve({ command: text, code: null, signal: null, stdout, stderr: `${stderr}${e.message}`, timedOut });
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            resolve({ command: text, code, signal, stdout, stderr, timedOut });
        });
    });
}

function describeResult(r: Result): string {
    const status = r.timedOut ? "timed out" : r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
    const clip = (t: string) => (t.length > 6000 ? `${t.slice(0, 6000)}\n[... ${t.length - 6000} more characters]` : t);
    return `${r.command}: ${status}\n${clip(r.stdout)}${clip(r.stderr)}`;
}

function succeeded(r: Result): Result {
    if (r.code !== 0) throw new Error(describeResult(r));
    return r;
}

const node = (script: string, args: string[], cwd: string, timeoutMs = MINUTE) => run(process.execPath, [script, ...args], cwd, timeoutMs);
const npm = (args: string[], cwd: string, timeoutMs: number) => run("npm", args, cwd, timeoutMs);
const npx = (args: string[], cwd: string, timeoutMs = MINUTE) => run("npx", ["--no-install", ...args], cwd, timeoutMs);

// ---------------------------------------------------------------------------------------------
// Checks

interface Outcome {
    name: string;
    error?: string;
}

const outcomes: Outcome[] = [];

/** Starts a check now; its PASS/FAIL line is printed by report(), in the order checks were declared. */
function check(name: string, body: () => Promise<unknown> | unknown): Promise<Outcome> {
    return (async () => {
        try {
            await body();
            return { name };
        } catch (e) {
            return { name, error: e instanceof Error ? (e instanceof assert.AssertionError ? e.message : (e.stack ?? e.message)) : String(e) };
        }
    })();
}

async function report(pending: Promise<Outcome>[]): Promise<void> {
    for (const p of pending) {
        const o = await p;
        outcomes.push(o);
        console.log(`${o.error === undefined ? "PASS" : "FAIL"} ${o.name}`);
        if (o.error !== undefined) console.log(o.error.replace(/^/gm, "    "));
    }
}

/** Awaits a prerequisite of other checks: its value, or an error naming what failed. */
async function needed<T>(what: string, p: Promise<T>): Promise<T> {
    try {
        return await p;
    } catch (e) {
        throw new Error(`not run: ${what} failed (${(e as Error).message.split("\n")[0]})`, { cause: e });
    }
}

const startedAt = Date.now();
/** When each named step settled, in seconds since the start. */
const timings: string[] = [];

/**
 * Marks a started step as handled (a failure is reported by the checks awaiting it, not as an
 * unhandled rejection); with a label, records when it settled.
 */
function started<T>(p: Promise<T>, label?: string): Promise<T> {
    p.catch(() => undefined).finally(() => {
        if (label) timings.push(`${label} ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    });
    return p;
}

// ---------------------------------------------------------------------------------------------
// The steps

interface PackOutput {
    name: string;
    version: string;
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string; size: number }[];
}

async function pack(workspace: string, destination: string): Promise<PackOutput> {
    const r = succeeded(await npm(["pack", "--pack-destination", destination, "--json", "--ignore-scripts"], path.join(ROOT, workspace), 2 * MINUTE));
    const out = JSON.parse(r.stdout) as PackOutput[];
    assert.equal(out.length, 1, `npm pack in ${workspace} packed ${out.length} packages`);
    assert.ok(fs.existsSync(path.join(destination, out[0].filename)), `${out[0].filename} was not written`);
    return out[0];
}

/** `apps/v1` + `Deployment` -> `kubernetes:apps/v1:Deployment`, `v1` -> `kubernetes:core/v1:...`. */
function typeToken(apiVersion: string, kind: string): string {
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

const PROJECT_TSCONFIG = {
    compilerOptions: {
        target: "es2022",
        module: "commonjs",
        moduleResolution: "node",
        lib: ["es2022"],
        types: ["node"],
        strict: true,
        esModuleInterop: true,
        skipLibCheck: true,
        rootDir: "src",
        outDir: "out",
    },
    include: ["src/**/*.ts"],
};

/** The same program under Node16 resolution, where only `exports` (and its `types` conditions) count. */
const NODE16_TSCONFIG = { extends: "./tsconfig.json", compilerOptions: { module: "node16", moduleResolution: "node16", noEmit: true } };

const BAD_TSCONFIG = { extends: "./tsconfig.json", compilerOptions: { rootDir: "bad", noEmit: true }, include: ["bad/**/*.ts"] };

/**
 * The emit of the type-checked program: no check (that is the --noEmit run) and no resolution of
 * imports, so tsc parses only the program, not the 80k lines of the SDKs' declarations; the
 * JavaScript is the same as a full `tsc -p tsconfig.json` would write.
 */
const EMIT_TSCONFIG = { extends: "./tsconfig.json", compilerOptions: { noCheck: true, noResolve: true, types: [] } };

/** The outside user's program: typed args, Pulumi mocks, then a JSON report of what was registered. */
function programSource(): string {
    return `// An outside user's program: VmafxStack from the installed tarball, run under Pulumi's mocks.
import * as pulumi from "@pulumi/pulumi";
import { VmafxStack, VmafxStackArgs, WorkloadKind } from "@vmafx-k8s/vmafx";
import { validateArgs } from "@vmafx-k8s/vmafx/plan";

const args: VmafxStackArgs = { ...${JSON.stringify(ARGS)}, workload: WorkloadKind.${ARGS.workload} };

/** What the mock monitor records; structural, so no deep import of the SDK is needed. */
interface Registry {
    getRegisteredResources(): Map<string, { urn: string; state: Record<string, any> }>;
}

const registered: { type: string; name: string; custom: boolean }[] = [];
pulumi.runtime.setMocks(
    {
        newResource: (a: pulumi.runtime.MockResourceArgs) => {
            registered.push({ type: a.type, name: a.name, custom: a.custom ?? true });
            return { id: a.custom === false ? undefined : \`\${a.name}-id\`, state: a.inputs };
        },
        call: (a: pulumi.runtime.MockCallArgs) => a.inputs,
    },
    ${JSON.stringify(MOCK_PROJECT)},
    ${JSON.stringify(MOCK_STACK)},
);

validateArgs(${JSON.stringify(COMPONENT_NAME)}, args, "args.");
const stack = new VmafxStack(${JSON.stringify(COMPONENT_NAME)}, args);
let outputs: Record<string, unknown> | undefined;
pulumi.all([stack.urn, stack.namespace, stack.workloadKind, stack.serviceUrl, stack.kubectlCommands]).apply(([urn, namespace, workloadKind, serviceUrl, kubectlCommands]) => {
    outputs = { urn, namespace, workloadKind, serviceUrl, kubectlCommands };
});

let reported = false;
process.on("beforeExit", () => {
    if (reported) return;
    reported = true;
    const monitor = pulumi.runtime.getMonitor() as unknown as Partial<Registry> | undefined;
    if (!monitor || typeof monitor.getRegisteredResources !== "function") throw new Error("the Pulumi runtime is not running under mocks");
    const resources = [...monitor.getRegisteredResources().values()].map((r) => ({ urn: r.urn, state: r.state }));
    process.stdout.write(JSON.stringify({ registered, resources, outputs }) + "\\n");
});
`;
}

const BAD_PROGRAM = `import { VmafxStack, VmafxStackArgs } from "@vmafx-k8s/vmafx";

const args: VmafxStackArgs = {
    deployment: { replicas: "two" },
};
new VmafxStack("bad", args);
`;
/** 1-based line of `replicas: "two"` in BAD_PROGRAM. */
const BAD_LINE = BAD_PROGRAM.split("\n").findIndex((l) => l.includes('replicas: "two"')) + 1;

const NON_COMPLIANT = `# A privileged Pod and a NetworkPolicy open to the internet.
apiVersion: v1
kind: Namespace
metadata:
  name: outside-bad
---
apiVersion: v1
kind: Pod
metadata:
  name: privileged
  namespace: outside-bad
spec:
  containers:
    - name: shell
      image: busybox:1.36
      securityContext:
        privileged: true
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: open-egress
  namespace: outside-bad
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
`;

/**
 * A user's script: loads manifests with @vmafx-k8s/core and runs the pack's policies with
 * @vmafx-k8s/policy-pack/run, both resolved from the directory given first (the outside project,
 * or the repository for the reference run). Prints JSON.
 */
const PACK_SCRIPT = `"use strict";
// Runs the policy pack over YAML manifests: node pack-run.js <resolve-from> <manifest dir>
const path = require("path");
const fs = require("fs");
const [from, dir] = process.argv.slice(2);
const resolve = (id) => fs.realpathSync(require.resolve(id, { paths: [from] }));
const core = require(resolve("@vmafx-k8s/core"));
const pack = require(resolve("@vmafx-k8s/policy-pack/run"));

function token(apiVersion, kind) {
    return "kubernetes:" + (apiVersion.includes("/") ? apiVersion : "core/" + apiVersion) + ":" + kind;
}

function resources(objects) {
    return objects.map((m) => {
        const type = token(m.object.apiVersion, m.object.kind);
        const name = path.basename(m.file) + "#" + m.index;
        return { type, name, urn: "urn:pulumi:prod::outside::" + type + "::" + name, props: m.object };
    });
}

async function main() {
    const load = core.loadManifests([dir], () => "");
    if (load.errors.length > 0) throw new Error(load.errors.join("\\n"));
    const prod = await pack.runPack(resources(load.objects), { stack: "prod", environment: "prod" });
    // The same objects with every NetworkPolicy egress ipBlock opened to the internet.
    const open = JSON.parse(JSON.stringify(load.objects));
    const opened = [];
    for (const m of open) {
        if (m.object.kind !== "NetworkPolicy") continue;
        for (const rule of m.object.spec.egress || []) {
            for (const peer of rule.to || []) {
                if (!peer.ipBlock) continue;
                peer.ipBlock = { cidr: "0.0.0.0/0" };
                if (!opened.includes(m.object.metadata.name)) opened.push(m.object.metadata.name);
            }
        }
    }
    const openEgress = await pack.runPack(resources(open), { stack: "prod", environment: "prod" });
    const strip = (run) => run.diagnostics.map((d) => ({ policy: d.policy, enforcementLevel: d.enforcementLevel, message: d.message, urn: d.urn }));
    process.stdout.write(JSON.stringify({
        resolved: { core: resolve("@vmafx-k8s/core"), run: resolve("@vmafx-k8s/policy-pack/run") },
        objects: load.objects.length,
        opened,
        prod: strip(prod),
        openEgress: strip(openEgress),
    }) + "\\n");
}

main().catch((e) => {
    process.stderr.write(String(e && e.stack ? e.stack : e) + "\\n");
    process.exit(1);
});
`;

interface Identity {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
}

interface ProgramOutput {
    registered: { type: string; name: string; custom: boolean }[];
    resources: { urn: string; state: Record<string, any> }[];
    outputs: Record<string, unknown>;
}

interface PackScriptOutput {
    resolved: { core: string; run: string };
    objects: number;
    opened: string[];
    prod: { policy: string; enforcementLevel: string; message: string; urn?: string }[];
    openEgress: { policy: string; enforcementLevel: string; message: string; urn?: string }[];
}

function isInside(dir: string, file: string): boolean {
    const rel = path.relative(dir, file);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

function writeJson(file: string, value: unknown): void {
    fs.writeFileSync(file, `${JSON.stringify(value, null, 4)}\n`);
}

function printTarball(p: PackOutput): void {
    console.log(`tarball ${p.name}@${p.version} ${p.filename}: ${p.files.length} files, ${p.size} bytes packed, ${p.unpackedSize} unpacked`);
    for (const f of [...p.files].sort((a, b) => (a.path < b.path ? -1 : 1))) console.log(`    ${f.path} (${f.size} B)`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
    const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
    if (rootPackage.name !== "vmafx-deployment") throw new Error(`${ROOT} is not the repository root (package ${rootPackage.name})`);
    const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-outside-")));
    if (isInside(fs.realpathSync(ROOT), work)) {
        fs.rmSync(work, { recursive: true, force: true });
        throw new Error(`the temp dir ${work} is inside the repository ${ROOT}: npm would take the project for part of the workspace (set TMPDIR elsewhere)`);
    }
    const tarballs = path.join(work, "tarballs");
    const project = path.join(work, "project");
    const rendered = path.join(work, "rendered", "prod");
    const badDir = path.join(work, "non-compliant");
    const badFile = path.join(badDir, "non-compliant.yaml");
    for (const d of [tarballs, project, badDir]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(badFile, NON_COMPLIANT);
    writeJson(path.join(project, "package.json"), {
        name: "vmafx-outside-user",
        version: "1.0.0",
        private: true,
        description: "An empty project outside the repository",
    });
    fs.writeFileSync(path.join(project, "pack-run.js"), PACK_SCRIPT);
    const keep = process.env.VMAFX_OUTSIDE_KEEP === "1";

    try {
        // Every step starts as soon as what it needs is there; the checks await the steps.
        const packs = started(Promise.all(WORKSPACES.map((w) => pack(w, tarballs))), "pack");
        const render = started(node(path.join(ROOT, "dist", "tools", "render.js"), ["--stack", "prod", "--out", rendered], ROOT).then(succeeded), "render");
        const installed = started(
            packs.then(async (ps) => {
                const tgzs = ps.map((p) => path.join(tarballs, p.filename));
                succeeded(
                    await npm(
                        ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--save-exact", ...tgzs, ...REGISTRY_PACKAGES],
                        project,
                        5 * MINUTE,
                    ),
                );
                return ps;
            }),
            "install",
        );
        const prefix = started(npm(["prefix"], project, MINUTE).then(succeeded));

        // (a) the TypeScript program: type-checks (two resolutions), the mistyped one, then the
        // emit without checking (the check is the --noEmit run) and plain JavaScript under mocks.
        const programReady = started(
            installed.then(() => {
                fs.mkdirSync(path.join(project, "src"));
                fs.mkdirSync(path.join(project, "bad"));
                fs.writeFileSync(path.join(project, "src", "program.ts"), programSource());
                fs.writeFileSync(path.join(project, "bad", "bad.ts"), BAD_PROGRAM);
                writeJson(path.join(project, "tsconfig.json"), PROJECT_TSCONFIG);
                writeJson(path.join(project, "tsconfig.node16.json"), NODE16_TSCONFIG);
                writeJson(path.join(project, "tsconfig.bad.json"), BAD_TSCONFIG);
                writeJson(path.join(project, "tsconfig.emit.json"), EMIT_TSCONFIG);
            }),
        );
        // The project's own tsc (node_modules/.bin/tsc), started by node directly: npx adds a second of npm per run.
        const tsc = (args: string[]) => node(path.join(project, "node_modules", "typescript", "bin", "tsc"), args, project, 3 * MINUTE);
        const typecheck = started(
            programReady.then(() => tsc(["--noEmit", "-p", "tsconfig.json"])),
            "tsc",
        );
        const typecheck16 = started(
            programReady.then(() => tsc(["-p", "tsconfig.node16.json"])),
            "tsc node16",
        );
        const typecheckBad = started(
            programReady.then(() => tsc(["-p", "tsconfig.bad.json"])),
            "tsc mistyped",
        );
        const programRun = started(
            programReady
                .then(() => tsc(["-p", "tsconfig.emit.json"]))
                .then(succeeded)
                .then(() => node(path.join(project, "out", "program.js"), [], project))
                .then(succeeded)
                .then((r) => JSON.parse(r.stdout.trim().split("\n").pop()!) as ProgramOutput),
            "program",
        );

        // (b) the CLI: the installed bin and the repository's, same arguments.
        const prodPolicyConfig = path.join(ROOT, "stacks", "policy-config.prod.json");
        const cases: { what: string; args: string[]; exit: number; expect: RegExp }[] = [
            {
                what: "psa on the rendered prod stack",
                args: ["psa", "--level", "restricted", "--version", "latest", rendered],
                exit: 0,
                expect: /0 not allowed by Pod Security "restricted:latest"/,
            },
            {
                what: "check --environment prod on the rendered prod stack",
                args: ["check", "--environment", "prod", rendered],
                exit: 0,
                expect: /policy violations: 0 mandatory/,
            },
            {
                what: "check --config stacks/policy-config.prod.json on the rendered prod stack",
                args: ["check", "--config", prodPolicyConfig, rendered],
                exit: 0,
                expect: /policy violations: 0 mandatory, 0 advisory/,
            },
            {
                what: "psa on the non-compliant manifest",
                args: ["psa", badFile],
                exit: 1,
                expect: /Pod outside-bad\/privileged: violates PodSecurity[\s\S]*- privileged:/,
            },
            {
                what: "check --environment prod on the non-compliant manifest",
                args: ["check", "--environment", "prod", badFile],
                exit: 1,
                expect: /^(?=[\s\S]*\[mandatory\] +vmafx v[\d.]+ +prod-egress )(?=[\s\S]*\[mandatory\] +vmafx v[\d.]+ +pod-security )/,
            },
            {
                what: "check --environment prod --json on the non-compliant manifest",
                args: ["check", "--environment", "prod", "--json", badFile],
                exit: 1,
                expect: /"policy":"prod-egress","enforcementLevel":"mandatory"/,
            },
        ];
        const repoBin = path.join(ROOT, "policy-pack", "bin", "vmafx-policy.js");
        const cliRuns = cases.map((c, i) => {
            const input: Promise<unknown> = c.args.includes(rendered) ? render : Promise.resolve();
            return {
                input,
                reference: started(input.then(() => node(repoBin, c.args, ROOT))),
                outside: started(
                    Promise.all([installed, input]).then(() => npx(["vmafx-policy", ...c.args], project)),
                    i === cases.length - 1 ? "last npx vmafx-policy" : undefined,
                ),
            };
        });

        // (c) a user's script running the pack: from the temp project, and from the repository.
        const packOutside = started(
            Promise.all([installed, render])
                .then(() => node(path.join(project, "pack-run.js"), [project, rendered], project))
                .then(succeeded),
            "pack script",
        );
        const packReference = started(render.then(() => node(path.join(project, "pack-run.js"), [ROOT, rendered], ROOT)).then(succeeded));
        const parse = async (p: Promise<Result>) => JSON.parse((await p).stdout) as PackScriptOutput;

        // The repository's own plan for the same args.
        const resolvedArgs = validateArgs(COMPONENT_NAME, ARGS, "args.");
        const plan = buildPlan(makeContext(resolvedArgs));
        const summary = releaseSummary(makeContext(resolvedArgs));
        const componentUrn = `urn:pulumi:${MOCK_STACK}::${MOCK_PROJECT}::${COMPONENT_TYPE}::${COMPONENT_NAME}`;
        const childUrn = (apiVersion: string, kind: string, role: string) =>
            `urn:pulumi:${MOCK_STACK}::${MOCK_PROJECT}::${COMPONENT_TYPE}$${typeToken(apiVersion, kind)}::${COMPONENT_NAME}-${role}`;

        const setup: Promise<Outcome>[] = [
            check(`pack: npm pack of ${WORKSPACES.join(", ")} gives @vmafx-k8s/* tarballs at version ${rootPackage.version}`, async () => {
                const ps = await packs;
                assert.deepEqual(ps.map((p) => p.name).sort(), ["@vmafx-k8s/core", "@vmafx-k8s/policy-pack", "@vmafx-k8s/vmafx"]);
                for (const p of ps) {
                    assert.equal(p.version, rootPackage.version, `${p.name} is at ${p.version}`);
                    assert.ok(p.files.some((f) => f.path === "package.json"));
                }
            }),
            check("project: the temp project is outside the repository and npm takes it as its own root (npm prefix)", async () => {
                assert.ok(!isInside(fs.realpathSync(ROOT), project), `${project} is inside ${ROOT}`);
                assert.equal((await prefix).stdout.trim(), project);
            }),
            check(
                `install: only the 3 tarballs plus ${REGISTRY_PACKAGES.join(", ")}; the packages are extracted copies, every other package comes from the registry`,
                async () => {
                    const ps = await installed;
                    const pkg = JSON.parse(fs.readFileSync(path.join(project, "package.json"), "utf8")) as { dependencies: Record<string, string> };
                    assert.deepEqual(Object.keys(pkg.dependencies).sort(), [...ps.map((p) => p.name), "typescript", "@types/node"].sort());
                    const lock = JSON.parse(fs.readFileSync(path.join(project, "package-lock.json"), "utf8")) as {
                        packages: Record<string, { version?: string; resolved?: string; integrity?: string; link?: boolean }>;
                    };
                    for (const p of ps) {
                        const dir = path.join(project, "node_modules", ...p.name.split("/"));
                        assert.ok(!fs.lstatSync(dir).isSymbolicLink(), `${dir} is a symlink`);
                        assert.equal(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version, p.version);
                        const entry = lock.packages[`node_modules/${p.name}`];
                        assert.ok(
                            entry && !entry.link && entry.resolved === `file:../tarballs/${p.filename}`,
                            `${p.name} in package-lock.json: ${JSON.stringify(entry)}`,
                        );
                    }
                    for (const [where, entry] of Object.entries(lock.packages)) {
                        if (where === "") continue;
                        assert.ok(!entry.link, `${where} is a link`);
                        if (entry.resolved?.startsWith("file:../tarballs/")) continue;
                        // Registry packages: an https URL, or none where npm omits it (omit-lockfile-registry-resolved).
                        assert.ok(
                            (entry.resolved === undefined || entry.resolved.startsWith("https://")) && entry.integrity,
                            `${where} was not installed from the registry: ${JSON.stringify(entry)}`,
                        );
                    }
                    const bin = path.join(project, "node_modules", ".bin", "vmafx-policy");
                    assert.equal(fs.realpathSync(bin), path.join(project, "node_modules", "@vmafx-k8s", "policy-pack", "bin", "vmafx-policy.js"));
                },
            ),
        ];

        const usage: Promise<Outcome>[] = [
            check("(a) tsc --noEmit passes on a program importing VmafxStack with typed args (networkPolicy on, object-store CIDR narrowed)", async () => {
                await needed("install", installed);
                succeeded(await typecheck);
            }),
            check("(a) tsc --noEmit passes on the same program under module/moduleResolution node16 (the exports map's types)", async () => {
                await needed("install", installed);
                succeeded(await typecheck16);
            }),
            check(`(a) a mistyped arg (replicas: "two") fails tsc with exactly one error, TS2322 at bad/bad.ts line ${BAD_LINE}`, async () => {
                await needed("install", installed);
                const r = await typecheckBad;
                assert.ok(r.code !== 0 && !r.timedOut, describeResult(r));
                const errors = r.stdout.split("\n").filter((l) => / error TS\d+:/.test(l));
                assert.equal(errors.length, 1, r.stdout);
                assert.match(
                    errors[0],
                    new RegExp(`^bad/bad\\.ts\\(${BAD_LINE},\\d+\\): error TS2322: Type 'string' is not assignable to type 'number'`),
                    r.stdout,
                );
            }),
            check(
                `(a) the compiled program registers under mocks the component plus exactly the ${plan.length} objects (kinds, names) of the repository's plan for the same args`,
                async () => {
                    await needed("install", installed);
                    const out = await programRun;
                    const expected = [componentUrn, ...plan.map((p) => childUrn(p.manifest.apiVersion, p.manifest.kind, p.role))].sort();
                    assert.deepEqual(out.resources.map((r) => r.urn).sort(), expected);
                    assert.equal(out.registered.length, expected.length, `newResource was called ${out.registered.length} times`);
                    assert.deepEqual(
                        out.registered.filter((r) => !r.custom).map((r) => `${r.type}::${r.name}`),
                        [`${COMPONENT_TYPE}::${COMPONENT_NAME}`],
                    );
                    const objects = (list: Identity[]) => list.map((m) => `${m.apiVersion}/${m.kind} ${m.metadata.namespace ?? ""}/${m.metadata.name}`).sort();
                    const registered = out.resources.filter((r) => r.urn !== componentUrn).map((r) => r.state as Identity);
                    assert.deepEqual(objects(registered), objects(plan.map((p) => p.manifest)));
                },
            ),
            check(`(a) every registered Kubernetes object is a child of the component (URN type ${COMPONENT_TYPE}$kubernetes:...)`, async () => {
                await needed("install", installed);
                const out = await programRun;
                const children = out.resources.filter((r) => r.urn !== componentUrn);
                assert.equal(children.length, plan.length);
                for (const r of children) {
                    const chain = r.urn.split("::")[2].split("$");
                    assert.deepEqual([chain.length, chain[0]], [2, COMPONENT_TYPE], r.urn);
                    assert.match(chain[1], /^kubernetes:/, r.urn);
                }
            }),
            check("(a) each object's inputs equal the plan's manifest; the component's outputs equal the plan's release summary", async () => {
                await needed("install", installed);
                const out = await programRun;
                const byUrn = new Map(out.resources.map((r) => [r.urn, r.state]));
                for (const p of plan) {
                    const urn = childUrn(p.manifest.apiVersion, p.manifest.kind, p.role);
                    assert.deepEqual(byUrn.get(urn), JSON.parse(JSON.stringify(p.manifest)), urn);
                }
                assert.deepEqual(out.outputs, {
                    urn: componentUrn,
                    namespace: summary.namespace,
                    workloadKind: summary.workloadKind,
                    serviceUrl: summary.serviceUrl,
                    kubectlCommands: summary.kubectlCommands,
                });
            }),
            ...cases.map((c, i) =>
                check(`(b) npx --no-install vmafx-policy ${c.what}: same stdout and exit code (${c.exit}) as the repository's`, async () => {
                    await needed("install", installed);
                    await needed("render", cliRuns[i].input);
                    const ref = await cliRuns[i].reference;
                    const out = await cliRuns[i].outside;
                    const show = (r: Result) => describeResult(r).split(work).join("<tmp>");
                    assert.equal(ref.code, c.exit, `repository: ${show(ref)}`);
                    assert.match(ref.stdout, c.expect, `repository: ${show(ref)}`);
                    assert.equal(out.code, ref.code, `installed: ${show(out)}`);
                    assert.equal(out.stdout, ref.stdout, `installed stdout differs:\n${show(out)}\nrepository:\n${show(ref)}`);
                    assert.equal(out.stderr, ref.stderr, "stderr");
                }),
            ),
            check(
                "(c) a script in the temp project loads @vmafx-k8s/core and @vmafx-k8s/policy-pack/run from its node_modules (the reference run: from the repository)",
                async () => {
                    await needed("install", installed);
                    await needed("render", render);
                    const out = await parse(packOutside);
                    const ref = await parse(packReference);
                    for (const file of Object.values(out.resolved)) assert.ok(isInside(path.join(project, "node_modules", "@vmafx-k8s"), file), file);
                    for (const file of Object.values(ref.resolved))
                        assert.ok(isInside(fs.realpathSync(ROOT), file) && !file.includes(`${path.sep}node_modules${path.sep}`), file);
                },
            ),
            check("(c) the installed pack's runPack on the rendered prod stack: diagnostics equal the repository's, 0 mandatory", async () => {
                await needed("install", installed);
                await needed("render", render);
                const out = await parse(packOutside);
                const ref = await parse(packReference);
                assert.ok(out.objects > 10, `${out.objects} objects`);
                assert.deepEqual(out.prod, ref.prod);
                assert.deepEqual(
                    out.prod.filter((d) => d.enforcementLevel === "mandatory"),
                    [],
                );
            }),
            check(
                "(c) the installed pack's runPack on an open-egress copy: the prod-egress mandatory violation, diagnostics equal the repository's",
                async () => {
                    await needed("install", installed);
                    await needed("render", render);
                    const out = await parse(packOutside);
                    const ref = await parse(packReference);
                    assert.ok(out.opened.length > 0, "no NetworkPolicy with an ipBlock to open");
                    assert.deepEqual(out.openEgress, ref.openEgress);
                    assert.ok(
                        out.openEgress.some((d) => d.policy === "prod-egress" && d.enforcementLevel === "mandatory"),
                        JSON.stringify(out.openEgress.map((d) => `${d.enforcementLevel} ${d.policy}`)),
                    );
                },
            ),
        ];

        await report(setup);
        for (const p of await packs.catch((): PackOutput[] => [])) printTarball(p);
        await report(usage);
        // Nothing may still run when the temp dir goes.
        await Promise.allSettled([
            packs,
            render,
            installed,
            prefix,
            typecheck,
            typecheck16,
            typecheckBad,
            programRun,
            packOutside,
            packReference,
            ...cliRuns.flatMap((r) => [r.reference, r.outside]),
        ]);
    } finally {
        const seconds = () => ((Date.now() - startedAt) / 1000).toFixed(1);
        console.log(`steps settled at: ${timings.join(", ")}; checks done at ${seconds()} s`);
        if (keep) console.log(`kept ${work} (VMAFX_OUTSIDE_KEEP=1)`);
        else fs.rmSync(work, { recursive: true, force: true });
        console.log(`wall time ${seconds()} s, temp dir ${keep ? "kept" : "removed"}`);
    }
    const failed = outcomes.filter((o) => o.error !== undefined).length;
    console.log(`outside: ${outcomes.length - failed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (e) => {
        console.error(e);
        console.log("outside: 0 passed, 1 failed");
        process.exit(1);
    },
);
