// `npm run bench`: throughput of the policy pack, printed as tables and written to
// docs/benchmarks.md (with the machine and the date). Not part of `npm test`.
//  1. PSA: evaluatePod over a generated corpus of pods (compliant and violating, 1-4 containers,
//     init and ephemeral containers, pod- and container-level settings), evaluations per second on
//     the main thread (one core), at restricted:latest, baseline:latest and restricted:v1.25.
//  2. Whole pack: N VmafxStack instances in one program (tools/bench/multi-stack.ts) evaluated under
//     mocks with the prod stack config, then every policy of the pack with the prod policy config,
//     for N = 1, 10, 100; time per resource shows whether the cost grows linearly.
// Options: --pods <n> (default 6000), --stacks <list> (default 1,10,100), --seconds <s> per PSA
// measurement (default 2), --no-write (do not touch docs/benchmarks.md).
import { execSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { Obj, PsaLevel, evaluatePod } from "@vmafx-k8s/core";
import { PACK } from "@vmafx-k8s/policy-pack/policies";
import { loadPolicyConfigFile, runPack } from "@vmafx-k8s/policy-pack/run";
import { PROJECT_DIR, readStackConfig, runProgram } from "./offline/program";
import { packResources } from "./preview-offline";

/** mulberry32: a small deterministic PRNG, so every run measures the same corpus. */
function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

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
                volumes: [{ name: "tmp", emptyDir: {} }, { name: "cfg", configMap: { name: "cfg" } }],
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
    allowed: number;
}

function measurePsa(pods: Obj[], level: PsaLevel, version: string, seconds: number): PsaFigure {
    let allowed = 0;
    for (const p of pods) if (evaluatePod(p, level, version).allowed) allowed++; // warm-up, and the verdicts
    let evaluations = 0;
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round(seconds * 1e9));
    let elapsed = 0n;
    do {
        for (let i = 0; i < pods.length; i++) evaluatePod(pods[i], level, version);
        evaluations += pods.length;
        elapsed = process.hrtime.bigint() - start;
    } while (elapsed < budget);
    const s = Number(elapsed) / 1e9;
    return { label: `${level}:${version}`, evaluations, seconds: s, perSecond: evaluations / s, allowed };
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
    process.env.VMAFX_BENCH_STACKS = String(stacks);
    const t0 = process.hrtime.bigint();
    const run = await runProgram({ stack: "prod", config: readStackConfig("prod"), program: path.join(__dirname, "bench", "multi-stack.ts") });
    const programMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const resources = packResources(run);
    const config = loadPolicyConfigFile(path.join(PROJECT_DIR, "stacks", "policy-config.prod.json"));
    // The prod config allows the operator's service account vmafx/vmafx-operator to mount its API
    // token; the instances here have namespaces of their own, so allow their operators' accounts,
    // read from the operator Deployments as rendered.
    const operatorAccounts = resources
        .filter((r) => r.type === "kubernetes:apps/v1:Deployment" && r.props.metadata?.labels?.["app.kubernetes.io/component"] === "operator")
        .map((r) => `${r.props.metadata.namespace}/${r.props.spec.template.spec.serviceAccountName}`);
    if (operatorAccounts.length !== stacks) throw new Error(`expected ${stacks} operator Deployments, found ${operatorAccounts.length}`);
    config["sa-token-automount"].properties = {
        ...config["sa-token-automount"].properties,
        allowedServiceAccounts: operatorAccounts,
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

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(head: string[], rows: string[][]): string {
    return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { pods: { type: "string", default: "6000" }, stacks: { type: "string", default: "1,10,100" }, seconds: { type: "string", default: "2" }, "no-write": { type: "boolean", default: false } },
        strict: true,
    });
    const podCount = Number(values.pods);
    if (!Number.isInteger(podCount) || podCount < 1) throw new Error("--pods must be a positive integer");
    const stackCounts = String(values.stacks).split(",").map(Number);
    const seconds = Number(values.seconds);

    const pods = podCorpus(podCount);
    const containers = pods.reduce((n, p) => n + p.spec.containers.length + (p.spec.initContainers?.length ?? 0) + (p.spec.ephemeralContainers?.length ?? 0), 0);
    console.log(`PSA corpus: ${fmt(pods.length)} pods, ${fmt(containers)} containers (init and ephemeral included)`);
    const psa = [
        measurePsa(pods, "restricted", "latest", seconds),
        measurePsa(pods, "baseline", "latest", seconds),
        measurePsa(pods, "restricted", "v1.25", seconds),
    ];
    const psaTable = table(
        ["level:version", "allowed / pods", "evaluations", "seconds", "evaluations/s"],
        psa.map((f) => [f.label, `${fmt(f.allowed)} / ${fmt(pods.length)}`, fmt(f.evaluations), fmt(f.seconds, 2), fmt(f.perSecond)]),
    );
    console.log(psaTable);

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
    console.log(packTable);

    const m = machine();
    const date = new Date().toISOString().slice(0, 10);
    const doc = [
        "# Policy pack benchmarks",
        "",
        "Generated by `npm run bench` (tools/bench.ts); rerun it to refresh this file.",
        "",
        `- Date: ${date}`,
        `- Machine: ${m.cpu}, nproc ${m.nproc}, ${m.os}`,
        `- Node.js ${m.node}, ${PACK.name} policy pack v${PACK.version}`,
        "- Everything runs on the main thread, so each figure is for one core.",
        "",
        "## Pod Security evaluations",
        "",
        `Corpus: ${fmt(pods.length)} generated pods (seeded, so every run measures the same pods) with ${fmt(containers)} containers: ` +
            "1-4 containers, 0-2 init containers, an ephemeral container in about 10% of the pods; about 40% are compliant at " +
            "restricted and the rest carry 1-3 violations of baseline or restricted checks (privileged, host namespaces, " +
            "capabilities, runAsNonRoot/runAsUser, seccomp, hostPath and non-restricted volumes, hostPort, procMount, sysctls, " +
            `SELinux, AppArmor, probe hosts). Each measurement evaluates the whole corpus repeatedly for at least ${seconds} s ` +
            "with `evaluatePod(pod, level, version)`, after one warm-up pass. Target: at least 50,000 evaluations/s on one core.",
        "",
        psaTable,
        "",
        "## Whole pack on N VmafxStack instances",
        "",
        "One program instantiates N VmafxStack components with distinct names and namespaces from the prod stack config " +
            "(tools/bench/multi-stack.ts); it is evaluated in-process under mocks, then every policy of the pack runs over all " +
            "registered resources as one stack with stacks/policy-config.prod.json (resource policies per resource, stack " +
            "policies once; the operators' service accounts are added to allowedServiceAccounts as prod allows vmafx/vmafx-operator). The pack time is the median of 5 runs after 2 untimed warm-up runs; the program time (mocks, not the pack) is shown for scale. " +
            "A constant time per resource means the cost grows linearly with the resource count.",
        "",
        packTable,
        "",
    ].join("\n");
    if (!values["no-write"]) {
        const file = path.join(PROJECT_DIR, "docs", "benchmarks.md");
        fs.writeFileSync(file, doc);
        console.log(`wrote ${path.relative(process.cwd(), file)}`);
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
