// The suite's shared environment: one toolchain, one build, one work dir and one loopback API server per mocha run,
// started by the root hook (hooks.ts) and torn down by it, also when a test fails. Scenarios call e2eEnv().
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Cluster, startCluster } from "./cluster";
import { stopDataplane } from "./dataplane";
import { run } from "./exec";
import { createdStacks, WORKSPACES } from "./project";
import { say } from "./summary";
import { REPO_ROOT, Toolchain, toolchain } from "./toolchain";

export * from "./cluster";
export * from "./exec";
export * from "./project";
export * from "./summary";
export * from "./toolchain";

export interface E2eEnv {
    tc: Toolchain;
    cluster: Cluster;
    workDir: string;
}

let pending: Promise<E2eEnv> | undefined;
let started: E2eEnv | undefined;
let createdWorkDir: string | undefined;

export function e2eEnv(): Promise<E2eEnv> {
    pending ??= setUp();
    return pending;
}

/** `npm run build` (tsc -b: only what changed): the copies load compiled JavaScript, never a stale dist/. */
async function buildWorkspace(): Promise<void> {
    await run("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, timeoutMs: 600_000 });
    for (const w of WORKSPACES) {
        const name = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, w, "package.json"), "utf8")).name;
        const link = path.join(REPO_ROOT, "node_modules", name);
        if (!fs.existsSync(link) || !fs.lstatSync(link).isSymbolicLink() || fs.realpathSync(link) !== fs.realpathSync(path.join(REPO_ROOT, w))) {
            throw new Error(`${link} is not npm's workspace link to ${w}/ (run npm ci)`);
        }
    }
}

async function setUp(): Promise<E2eEnv> {
    const t0 = Date.now();
    const tc = await toolchain();
    say(`toolchain ready in ${Math.round((Date.now() - t0) / 1000)}s: ${tc.bin}`);
    await buildWorkspace();
    createdWorkDir = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), "vmafx-e2e."));
    const workDir = createdWorkDir;
    const t1 = Date.now();
    const cluster = await startCluster(workDir, tc);
    // Checks that shell out to kubectl themselves (verify.ts, crds.ts, netpol-parity.ts) reach the test cluster; the
    // Pulumi workspaces get their KUBECONFIG from their own environment.
    process.env.KUBECONFIG = cluster.kubeconfig;
    say(`kube-apiserver ${cluster.server} ready in ${Math.round((Date.now() - t1) / 1000)}s; work dir ${workDir}`);
    started = { tc, cluster, workDir };
    return started;
}

/** Destroys the stacks a failed test left up (while the API server, and the dataplane if a scenario started it, still
 * run), stops the dataplane and the servers and removes the work dir unless VMAFX_E2E_KEEP=1. */
export async function tearDown(): Promise<void> {
    if (started) {
        // One entry per stack (a scenario may select the same stack more than once).
        const unique = new Map(createdStacks.map((c) => [`${c.project.dir}\0${c.stack.name}`, c]));
        for (const { stack, project } of unique.values()) {
            try {
                const state = await stack.exportStack();
                const left = (state.deployment?.resources ?? []).filter(
                    (r: any) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
                );
                if (left.length === 0) continue;
                say(`cleanup: pulumi destroy --stack ${stack.name} of ${project.dir} (${left.length} resources left)`);
                // Destroy works from the state, whose objects carry the test annotations when they were applied
                // with skipAwait.
                await stack.destroy({ color: "never" });
            } catch (e) {
                console.log(`cleanup: destroy of ${stack.name} in ${project.dir} failed: ${(e as Error).message.slice(0, 2000)}`);
            }
        }
        // After the destroys, which need the controllers and the test node when a scenario started them.
        await stopDataplane().catch((e) => console.log(`cleanup: stopping the dataplane failed: ${(e as Error).message}`));
        await started.cluster.stop();
    }
    if (createdWorkDir) {
        if (process.env.VMAFX_E2E_KEEP) console.log(`e2e: work dir kept at ${createdWorkDir}`);
        else fs.rmSync(createdWorkDir, { recursive: true, force: true });
    }
    started = undefined;
    createdWorkDir = undefined;
}
