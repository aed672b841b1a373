// `npm run bench`: speed of the user-facing commands and of the policy pack, side by side in one run.
// Prints tables and each target with PASS or MISS; `--write` also writes them to docs/benchmarks.md
// (with the machine, the date and the commit). Not part of `npm test`; a few minutes on 2 cores.
//  1. Start-up: `render --stack prod --out <new dir>` and `vmafx-policy psa <one small manifest>`, each a
//     fresh node process, against `node -e 0`, alternating run by run (tools/bench/timing.ts); the ratio of
//     the medians is the figure (targets: at most 3x each).
//  2. `vmafx-policy psa` over a generated multi-document manifest set of at least 40 MiB (tools/bench/
//     manifest-set.ts: several files and a directory tree), MB/s of wall time (target: at least 20 MB/s),
//     default and --json output.
//  3. PSA: evaluatePod over a generated corpus of pods (compliant and violating, 1-4 containers,
//     init and ephemeral containers, pod- and container-level settings), evaluations per second on
//     the main thread (one core), at restricted:latest, baseline:latest and restricted:v1.25 (target:
//     restricted:latest; shown next to v0.1.0's recorded figure, PSA_EVALS_RECORDED, for reference).
//  4. Whole pack: N VmafxStack instances in one program (tools/bench/multi-stack.ts, run compiled)
//     evaluated under mocks with the prod stack config, then every policy of the pack with the prod
//     policy config, for N = 1, 10, 100; time per resource shows whether the cost grows linearly.
// Options: --runs <n> start-up runs per command (default 11, after 2 warm-up runs), --set-runs <n> runs
// over the manifest set (default 3), --set-mib <n> its size (default 40), --pods <n> (default 6000),
// --seconds <s> per PSA measurement (default 2), --stacks <list> (default 1,10,100; empty: skip),
// --write (write docs/benchmarks.md).
import { execSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { Obj, PsaLevel, evaluatePod } from "@vmafx-k8s/core";
import { ManifestSet, prng, writeManifestSet } from "./bench/manifest-set";
import { CommandTimes, TimedCommand, median, timeInterleaved } from "./bench/timing";
import { PROJECT_DIR } from "./project";
// The pack and the Pulumi runtime are loaded only for the whole-pack measurement, after the start-up
// measurements (a bench process holding @pulumi/pulumi would make every spawn slower).

/** Targets of issue 10 (speed). */
const RENDER_MAX_RATIO = 3;
const PSA_SMALL_MAX_RATIO = 3;
const PSA_MIN_MB_PER_S = 20;
/**
 * restricted:latest evaluations per second of v0.1.0's evaluator, recorded on another VM (2026-11). A figure
 * from another machine is no same-run baseline, so it is shown for reference only; the same-machine
 * comparison with v0.1.0 is in docs/benchmarks.md.
 */
const PSA_EVALS_RECORDED = 273_911;

function hardenedContainer(name: string, rnd: () => number): Obj {
    const c: Obj = {
        name,
        image: `registry.example.com/app/${name}:1.${Math.floor(rnd() * 20)}.0`,
        ports: [{ containerPort: 8000 + Math.floor(rnd() * 100), name: "http" }],
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
        resources: { limits: { cpu: "1", memory: "512Mi" } },
        livenessProbe: { httpGet: { path: "/healthz", port: "http" } },
    };
    // Half the pods set runAsNonRoot/seccomp per container instead of at pod level.
    if (rnd() < 0.3) c.securityContext.runAsNonRoot = true;
    return c;
}

type Tweak = (pod: Obj, rnd: () => number) => void;

const anyContainer = (pod: Obj, rnd: () => number): Obj => {
    const all = [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])];
    return all[Math.floor(rnd() * all.length)];
};

/** One violation each (of a baseline or a restricted check). */
const TWEAKS: Tweak[] = [
    (p, r) => (anyContainer(p, r).securityContext.privileged = true),
    (p) => (p.spec.hostNetwork = true),
    (p) => (p.spec.hostPID = true),
    (p, r) => (anyContainer(p, r).securityContext.allowPrivilegeEscalation = true),
    (p, r) => (anyContainer(p, r).securityContext.capabilities = { add: ["SYS_ADMIN"] }),
    (p, r) => delete anyContainer(p, r).securityContext.capabilities,
    (p) => (p.spec.securityContext.runAsNonRoot = false),
    (p, r) => (anyContainer(p, r).securityContext.runAsUser = 0),
    (p) => (p.spec.securityContext.seccompProfile = { type: "Unconfined" }),
    (p) => p.spec.volumes.push({ name: "host", hostPath: { path: "/var/run" } }),
    (p, r) => (anyContainer(p, r).ports = [{ containerPort: 80, hostPort: 80 }]),
    (p, r) => (anyContainer(p, r).securityContext.procMount = "Unmasked"),
    (p) => (p.spec.securityContext.sysctls = [{ name: "kernel.msgmax", value: "65536" }]),
    (p, r) => (anyContainer(p, r).securityContext.seLinuxOptions = { type: "spc_t" }),
    (p, r) => (anyContainer(p, r).livenessProbe = { httpGet: { host: "10.0.0.1", port: 80 } }),
    (p) => p.spec.volumes.push({ name: "nfs", nfs: { server: "nfs.example.com", path: "/exports" } }),
    (p) => (p.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/c0": "unconfined" }),
];

/** `count` pods: about 40% compliant at restricted, the rest with 1-3 violations. */
export function podCorpus(count: number, seed = 42): Obj[] {
    const rnd = prng(seed);
    const pods: Obj[] = [];
    for (let i = 0; i < count; i++) {
        const containers = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, c) => hardenedContainer(`c${c}`, rnd));
        const initContainers = Array.from({ length: Math.floor(rnd() * 3) }, (_, c) => hardenedContainer(`init${c}`, rnd));
        const pod: Obj = {
            metadata: { name: `pod-${i}`, labels: { app: `app-${i % 50}` } },
            spec: {
                securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
                containers,
                ...(initContainers.length > 0 ? { initContainers } : {}),
                ...(rnd() < 0.1 ? { ephemeralContainers: [hardenedContainer("debug", rnd)] } : {}),
                volumes: [
                    { name: "tmp", emptyDir: {} },
                    { name: "cfg", configMap: { name: "cfg" } },
                ],
            },
        };
        if (rnd() >= 0.4) {
            const n = 1 + Math.floor(rnd() * 3);
            for (let t = 0; t < n; t++) TWEAKS[Math.floor(rnd() * TWEAKS.length)](pod, rnd);
        }
        pods.push(pod);
    }
    return pods;
}

interface PsaFigure {
    label: string;
    evaluations: number;
    seconds: number;
    perSecond: number;
    /** Per second of the process's CPU time (user + system): what a busy machine's other processes take away from the wall-clock figure. */
    perCpuSecond: number;
    allowed: number;
}

function measurePsa(pods: Obj[], level: PsaLevel, version: string, seconds: number): PsaFigure {
    let allowed = 0;
    for (const p of pods) if (evaluatePod(p, level, version).allowed) allowed++; // warm-up, and the verdicts
    let evaluations = 0;
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round(seconds * 1e9));
    let elapsed: bigint;
    do {
        for (let i = 0; i < pods.length; i++) evaluatePod(pods[i], level, version);
        evaluations += pods.length;
        elapsed = process.hrtime.bigint() - start;
    } while (elapsed < budget);
    const cpu = process.cpuUsage(cpu0);
    const s = Number(elapsed) / 1e9;
    return {
        label: `${level}:${version}`,
        evaluations,
        seconds: s,
        perSecond: evaluations / s,
        perCpuSecond: evaluations / ((cpu.user + cpu.system) / 1e6),
        allowed,
    };
}

interface PackFigure {
    stacks: number;
    resources: number;
    programMs: number;
    packMs: number;
    usPerResource: number;
    violations: number;
}

async function measurePack(stacks: number): Promise<PackFigure> {
    const { loadPolicyConfigFile, runPack } = await import("@vmafx-k8s/policy-pack/run");
    const { readStackConfig, runProgram } = await import("./offline/program");
    const { packResources } = await import("./preview-offline");
    process.env.VMAFX_BENCH_STACKS = String(stacks);
    const t0 = process.hrtime.bigint();
    // The program runs compiled, from dist/tools/bench beside this file.
    const run = await runProgram({ stack: "prod", config: readStackConfig("prod"), program: path.join(__dirname, "bench", "multi-stack.js") });
    const programMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const resources = packResources(run);
    const config = loadPolicyConfigFile(path.join(PROJECT_DIR, "stacks", "policy-config.prod.json"));
    // The prod config allows the API-calling service accounts vmafx/vmafx-operator and
    // vmafx/vmafx-controller to mount their tokens; the instances here have namespaces of their own,
    // so allow their accounts, read from the operator and controller Deployments as rendered.
    const apiCallers = ["operator", "controller"];
    const allowedAccounts = resources
        .filter((r) => r.type === "kubernetes:apps/v1:Deployment" && apiCallers.includes(r.props.metadata?.labels?.["app.kubernetes.io/component"]))
        .map((r) => `${r.props.metadata.namespace}/${r.props.spec.template.spec.serviceAccountName}`);
    if (allowedAccounts.length !== stacks * apiCallers.length) {
        throw new Error(`expected ${stacks * apiCallers.length} operator and controller Deployments, found ${allowedAccounts.length}`);
    }
    config["sa-token-automount"].properties = {
        ...config["sa-token-automount"].properties,
        allowedServiceAccounts: allowedAccounts,
    };
    for (let i = 0; i < 2; i++) await runPack(resources, { config, stack: "prod" }); // warm-up (JIT), not timed
    const times: number[] = [];
    let violations = 0;
    for (let i = 0; i < 5; i++) {
        const t = process.hrtime.bigint();
        violations = (await runPack(resources, { config, stack: "prod" })).diagnostics.length;
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    const packMs = times[Math.floor(times.length / 2)];
    return { stacks, resources: resources.length, programMs, packMs, usPerResource: (packMs * 1000) / resources.length, violations };
}

/** One small manifest for the start-up measurement: a Deployment that restricted refuses, and its Service. */
const SMALL_MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:1.4.2
          ports:
            - containerPort: 8080
          securityContext:
            allowPrivilegeEscalation: false
            runAsNonRoot: true
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
`;

function machine(): { cpu: string; nproc: string; node: string; os: string } {
    let cpu = os.cpus()[0]?.model ?? "unknown";
    try {
        const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
        if (m) cpu = m[1].trim();
    } catch {
        // not Linux: keep os.cpus()
    }
    let nproc = String(os.cpus().length);
    try {
        nproc = execSync("nproc", { encoding: "utf8" }).trim();
    } catch {
        // keep os.cpus().length
    }
    return { cpu, nproc, node: process.version, os: `${os.type()} ${os.release()} ${os.arch()}` };
}

function commit(): string {
    try {
        const head = execSync("git rev-parse --short HEAD", { cwd: PROJECT_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
        const dirty = execSync("git status --porcelain", { cwd: PROJECT_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
        return dirty ? `${head} with local changes` : head;
    } catch {
        return "unknown";
    }
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const loadAverage = () =>
    os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(", ");

function table(head: string[], rows: string[][]): string {
    return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function positiveInt(name: string, value: string | undefined): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
    return n;
}

interface Target {
    name: string;
    measured: string;
    /** Undefined for a figure shown without a same-run baseline to judge it against. */
    pass?: boolean;
}

/** `N objects, M pod-bearing, K not allowed by ...`, the last line of `vmafx-policy psa`. */
function psaSummary(stdout: string): { objects: number; podBearing: number; notAllowed: number } {
    const m = /(\d+) objects, (\d+) pod-bearing, (\d+) not allowed by Pod Security/.exec(stdout.slice(stdout.lastIndexOf("\n", stdout.length - 2) + 1));
    if (!m) throw new Error(`vmafx-policy psa printed no summary line: ${stdout.slice(-300)}`);
    return { objects: Number(m[1]), podBearing: Number(m[2]), notAllowed: Number(m[3]) };
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            runs: { type: "string", default: "11" },
            "set-runs": { type: "string", default: "3" },
            "set-mib": { type: "string", default: "40" },
            pods: { type: "string", default: "6000" },
            seconds: { type: "string", default: "2" },
            stacks: { type: "string", default: "1,10,100" },
            write: { type: "boolean", default: false },
        },
        strict: true,
    });
    const runs = positiveInt("runs", values.runs);
    const setRuns = positiveInt("set-runs", values["set-runs"]);
    const setMib = positiveInt("set-mib", values["set-mib"]);
    const podCount = positiveInt("pods", values.pods);
    const seconds = Number(values.seconds);
    if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, got ${JSON.stringify(values.seconds)}`);
    const stackCounts = String(values.stacks)
        .split(",")
        .filter((s) => s.trim() !== "")
        .map((s) => positiveInt("stacks", s));

    const started = new Date();
    const loadAtStart = loadAverage();
    const m = machine();
    console.log(`${m.cpu}, nproc ${m.nproc}, Node.js ${m.node}; load average ${loadAtStart}`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-bench-"));
    const targets: Target[] = [];
    try {
        // 1. Start-up against node -e 0.
        const small = path.join(tmp, "small.yaml");
        fs.writeFileSync(small, SMALL_MANIFEST);
        const renderJs = path.join(PROJECT_DIR, "dist", "tools", "render.js");
        const cliJs = path.join(PROJECT_DIR, "policy-pack", "bin", "vmafx-policy.js");
        const startup: TimedCommand[] = [
            { label: "node -e 0", args: () => ["-e", "0"] },
            { label: "render --stack prod --out <new dir>", args: (i) => [renderJs, "--stack", "prod", "--out", path.join(tmp, `render-${i}`)] },
            {
                label: "vmafx-policy psa <one small manifest>",
                args: () => [cliJs, "psa", small],
                ok: [1],
                check: (out) => {
                    const s = psaSummary(out);
                    if (s.objects !== 2 || s.notAllowed !== 1) throw new Error(`psa on the small manifest: ${out}`);
                },
            },
        ];
        console.log(`\nstart-up: ${runs} runs of each command after 2 warm-up runs, alternating`);
        const times = timeInterleaved(startup, runs, 2);
        const base = median(times[0].wallMs);
        const startupRows = times.map((t: CommandTimes) => [
            `\`${t.label}\``,
            fmt(median(t.wallMs), 1),
            `${fmt(Math.min(...t.wallMs), 1)}–${fmt(Math.max(...t.wallMs), 1)}`,
            t.cpuMs.length ? fmt(median(t.cpuMs)) : "n/a",
            `${(median(t.wallMs) / base).toFixed(2)}×`,
        ]);
        const startupTable = table(["command", "median wall (ms)", "min–max (ms)", "median CPU (ms)", "median / median of `node -e 0`"], startupRows);
        console.log(startupTable);
        const renderRatio = median(times[1].wallMs) / base;
        const psaRatio = median(times[2].wallMs) / base;
        targets.push({
            name: `\`render --stack prod\` ≤ ${RENDER_MAX_RATIO}× \`node -e 0\``,
            measured: `${renderRatio.toFixed(2)}×`,
            pass: renderRatio <= RENDER_MAX_RATIO,
        });
        targets.push({
            name: `\`vmafx-policy psa\` on one small manifest ≤ ${PSA_SMALL_MAX_RATIO}× \`node -e 0\``,
            measured: `${psaRatio.toFixed(2)}×`,
            pass: psaRatio <= PSA_SMALL_MAX_RATIO,
        });

        // 2. vmafx-policy psa over a large manifest set.
        const setDir = path.join(tmp, "set");
        fs.mkdirSync(setDir);
        const g0 = process.hrtime.bigint();
        const set: ManifestSet = writeManifestSet(setDir, setMib * 1024 * 1024);
        const genSeconds = Number(process.hrtime.bigint() - g0) / 1e9;
        const mb = set.bytes / 1e6;
        console.log(
            `\nmanifest set: ${fmt(mb, 1)} MB (${fmt(set.bytes / 2 ** 20, 1)} MiB) in ${set.files} files (${set.inputs.length - 1} given, the rest under a directory), ` +
                `${fmt(set.objects)} objects, ${fmt(set.podBearing)} pod-bearing; generated in ${fmt(genSeconds, 1)} s`,
        );
        let notAllowed = -1;
        const checkSet = (out: string, json: boolean) => {
            if (json) {
                const lines = out.split("\n").filter((l) => l !== "").length;
                if (lines !== set.objects) throw new Error(`psa --json printed ${lines} lines for ${set.objects} objects`);
                return;
            }
            const s = psaSummary(out);
            if (s.objects !== set.objects || s.podBearing !== set.podBearing)
                throw new Error(`psa read ${s.objects} objects, ${s.podBearing} pod-bearing; the set has ${set.objects}, ${set.podBearing}`);
            notAllowed = s.notAllowed;
        };
        const setCommands: TimedCommand[] = [
            { label: "vmafx-policy psa <set>", args: () => [cliJs, "psa", ...set.inputs], ok: [1], check: (out) => checkSet(out, false) },
            { label: "vmafx-policy psa --json <set>", args: () => [cliJs, "psa", "--json", ...set.inputs], ok: [1], check: (out) => checkSet(out, true) },
        ];
        console.log(`vmafx-policy psa over the set: ${setRuns} runs of each, alternating`);
        const setTimes = timeInterleaved(setCommands, setRuns, 0);
        const setRows = setTimes.map((t) => [
            `\`${t.label}\``,
            fmt(median(t.wallMs)),
            fmt(mb / (median(t.wallMs) / 1000), 1),
            t.cpuMs.length ? fmt(median(t.cpuMs)) : "n/a",
            t.cpuMs.length ? fmt(mb / (median(t.cpuMs) / 1000), 1) : "n/a",
        ]);
        const setTable = table(["command", "median wall (ms)", "MB/s (wall)", "median CPU (ms)", "MB/s (CPU)"], setRows);
        console.log(setTable);
        const mbPerS = mb / (median(setTimes[0].wallMs) / 1000);
        targets.push({
            name: `\`vmafx-policy psa\` on ≥ 40 MiB of manifests ≥ ${PSA_MIN_MB_PER_S} MB/s`,
            measured: `${fmt(mbPerS, 1)} MB/s`,
            pass: mbPerS >= PSA_MIN_MB_PER_S,
        });
        fs.rmSync(setDir, { recursive: true, force: true });

        // 3. PSA evaluations per second.
        const pods = podCorpus(podCount);
        const containers = pods.reduce(
            (n, p) => n + p.spec.containers.length + (p.spec.initContainers?.length ?? 0) + (p.spec.ephemeralContainers?.length ?? 0),
            0,
        );
        console.log(`\nPSA corpus: ${fmt(pods.length)} pods, ${fmt(containers)} containers (init and ephemeral included)`);
        const psa = [
            measurePsa(pods, "restricted", "latest", seconds),
            measurePsa(pods, "baseline", "latest", seconds),
            measurePsa(pods, "restricted", "v1.25", seconds),
        ];
        const psaTable = table(
            ["level:version", "allowed / pods", "evaluations", "seconds", "evaluations/s", "per CPU-second"],
            psa.map((f) => [f.label, `${fmt(f.allowed)} / ${fmt(pods.length)}`, fmt(f.evaluations), fmt(f.seconds, 2), fmt(f.perSecond), fmt(f.perCpuSecond)]),
        );
        console.log(psaTable);
        targets.push({
            name: `PSA evaluations/s at restricted:latest (v0.1.0 recorded ${fmt(PSA_EVALS_RECORDED)}/s on another VM)`,
            measured: `${fmt(psa[0].perSecond)}/s (${fmt(psa[0].perCpuSecond)} per CPU-second)`,
        });

        // 4. The whole pack on N stacks.
        const packs: PackFigure[] = [];
        for (const n of stackCounts) {
            packs.push(await measurePack(n));
            const f = packs[packs.length - 1];
            console.log(`whole pack, ${n} VmafxStack: ${f.resources} resources, ${fmt(f.packMs, 1)} ms`);
        }
        const packTable = table(
            ["VmafxStack instances", "resources", "program under mocks (ms)", "whole pack, median of 5 (ms)", "µs per resource", "violations"],
            packs.map((f) => [fmt(f.stacks), fmt(f.resources), fmt(f.programMs), fmt(f.packMs, 1), fmt(f.usPerResource, 1), fmt(f.violations)]),
        );
        if (packs.length) console.log(packTable);

        const targetTable = table(
            ["target", "measured", ""],
            targets.map((t) => [t.name, t.measured, t.pass === undefined ? "figure" : t.pass ? "PASS" : "MISS"]),
        );
        console.log(`\ntargets (load average at the end: ${loadAverage()})`);
        console.log(targetTable);

        if (!values.write) return;
        const { PACK } = await import("@vmafx-k8s/policy-pack/policies");
        const doc = [
            "# Benchmarks",
            "",
            "Generated by `npm run bench -- --write` (tools/bench.ts); `npm run bench` prints the same tables without writing this file.",
            "",
            `- Date: ${started.toISOString().slice(0, 10)}`,
            `- Machine: ${m.cpu}, nproc ${m.nproc}, ${m.os}; load average ${loadAtStart} at the start, ${loadAverage()} at the end`,
            `- Node.js ${m.node}, ${PACK.name} policy pack v${PACK.version}, commit ${commit()}`,
            "- In-process figures (PSA, whole pack) are for one core, on the main thread.",
            "- Wall-clock figures fall on a busy machine (a load average above nproc means other processes take turns on the " +
                "cores); the start-up ratios compare commands measured side by side, and the CPU columns (user + system time) " +
                "show what the commands themselves cost.",
            "",
            "## Targets",
            "",
            targetTable,
            "",
            "## Start-up against `node -e 0`",
            "",
            `Each command is a fresh \`node\` process, spawned ${runs} times after 2 warm-up runs; the commands alternate run by run ` +
                "(in a rotating order), so that a busy machine slows the baseline and the commands alike, and the figure is the ratio of " +
                "the medians. `render` writes the prod stack into a new directory each run (compiled JavaScript, the component's plan, " +
                "no Pulumi runtime); `vmafx-policy psa` reads one small manifest (a Deployment that restricted refuses, and its " +
                "Service). CPU is user + system time of the process.",
            "",
            startupTable,
            "",
            "## `vmafx-policy psa` on a large manifest set",
            "",
            `A generated, seeded set (tools/bench/manifest-set.ts) of ${fmt(mb, 1)} MB (${fmt(set.bytes / 2 ** 20, 1)} MiB): ${set.files} files, ` +
                `${set.inputs.length - 1} given on the command line (three multi-document streams and a \`kind: List\`) and the rest in a ` +
                `directory tree of files of 10 KB to 1.5 MB; ${fmt(set.objects)} objects, a realistic mix of Deployments, StatefulSets, ` +
                "DaemonSets, Jobs, CronJobs, Pods, Services, ConfigMaps (with embedded config files as block scalars) and ServiceAccounts, " +
                `written as block-style YAML; ${fmt(set.podBearing)} pod-bearing objects with 1-6 containers, init containers, env, ` +
                `probes, volumes, of which ${fmt(notAllowed)} are not allowed by restricted:latest. ` +
                `${setRuns} runs of each command, alternating; MB/s is the set's size over the median wall time of the whole command ` +
                "(start-up, reading, evaluation and output included; output to a pipe); MB/s (CPU) divides by the command's CPU time.",
            "",
            setTable,
            "",
            "## Pod Security evaluations",
            "",
            `Corpus: ${fmt(pods.length)} generated pods (seeded, so every run measures the same pods) with ${fmt(containers)} containers: ` +
                "1-4 containers, 0-2 init containers, an ephemeral container in about 10% of the pods; about 40% are compliant at " +
                "restricted and the rest carry 1-3 violations of baseline or restricted checks (privileged, host namespaces, " +
                "capabilities, runAsNonRoot/runAsUser, seccomp, hostPath and non-restricted volumes, hostPort, procMount, sysctls, " +
                `SELinux, AppArmor, probe hosts). Each measurement evaluates the whole corpus repeatedly for at least ${seconds} s ` +
                "with `evaluatePod(pod, level, version)`, after one warm-up pass; per CPU-second divides by the process's CPU time " +
                "instead of the wall-clock time.",
            "",
            psaTable,
            "",
            ...(packs.length
                ? [
                      "## Whole pack on N VmafxStack instances",
                      "",
                      "One program instantiates N VmafxStack components with distinct names and namespaces from the prod stack config " +
                          "(tools/bench/multi-stack.ts, compiled); it is evaluated in-process under mocks, then every policy of the pack runs over all " +
                          "registered resources as one stack with stacks/policy-config.prod.json (resource policies per resource, stack " +
                          "policies once; the operators' and controllers' service accounts are added to allowedServiceAccounts as prod allows vmafx/vmafx-operator and vmafx/vmafx-controller). " +
                          "The pack time is the median of 5 runs after 2 untimed warm-up runs; the program time (mocks, not the pack) is shown for scale. " +
                          "A constant time per resource means the cost grows linearly with the resource count.",
                      "",
                      packTable,
                      "",
                  ]
                : []),
        ].join("\n");
        const file = path.join(PROJECT_DIR, "docs", "benchmarks.md");
        fs.writeFileSync(file, doc);
        console.log(`wrote ${path.relative(process.cwd(), file)}`);
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (e) => {
            console.error(e);
            process.exit(1);
        },
    );
}
