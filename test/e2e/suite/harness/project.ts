// Project copies: the repository as a clone holds it, plus the four built dist/ directories and a node_modules of
// links (see linkNodeModules), with a Pulumi.yaml that runs test/e2e/program/e2e-main.ts and names the built
// kubernetes provider. Each copy has its own file backend, PULUMI_HOME and passphrase, and sets them (and the
// variables that keep the CLI offline) only for its own Automation API workspaces, never for this process.
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import * as crypto from "crypto";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { RunOptions, RunResult, run } from "./exec";
import { REPO_ROOT, Toolchain } from "./toolchain";

export const WORKSPACES = ["core", "components", "policy-pack"] as const;
/** What `npm run build` writes, copied into every project copy. */
export const BUILT = ["dist", "core/dist", "components/dist", "policy-pack/dist"] as const;
export const DEFAULT_MAIN = "test/e2e/program/e2e-main.ts";

/** The variables that stop the CLI's network calls (update check, plugin downloads, registry look-ups). Not
 * PULUMI_SKIP_CONFIRMATIONS: the Automation API passes --yes where it is due, and the variable, which implies --yes,
 * makes `refresh({ previewOnly: true })` fail ("--yes and --preview-only cannot be used together"). */
export const OFFLINE_ENV: Record<string, string> = {
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    // An ambient Pulumi Cloud login must not be used: every backend here is a directory.
    PULUMI_ACCESS_TOKEN: "",
};

export interface StackOptions {
    /** Stack config: `<key>` means `vmafx:<key>`, a key with a colon is taken as is. Objects and arrays are set as
     * JSON without --path (the program parses `vmafx:*` values as JSON), strings as they are. */
    config?: Record<string, unknown>;
    /** A stack file (relative to the copy, or absolute) to start from, copied to Pulumi.<name>.yaml when the stack
     * is created, e.g. "Pulumi.prod.yaml" for a throwaway stack with prod's settings. */
    stackFile?: string;
    /** Run the program with VMAFX_E2E_SKIP_AWAIT=true (e2e-main.ts): needed for up/destroy against the test API
     * server. Use it for every operation of a stack that is ever up, so previews see the same program. */
    skipAwait?: boolean;
    /** Extra environment variables of this stack's workspace. */
    env?: Record<string, string>;
}

export interface ProjectOptions {
    /** Directory name under the work dir (default "project"); also names its state and PULUMI_HOME dirs. */
    name?: string;
    /** The program, relative to the copy (default test/e2e/program/e2e-main.ts). */
    main?: string;
    /** KUBECONFIG of the copy's workspaces: default <workDir>/kubeconfig (where startCluster writes it); null means
     * no cluster (a path that does not exist, so the provider plans offline). */
    kubeconfig?: string | null;
}

export interface Project {
    dir: string;
    /** The environment of this copy's workspaces (backend, PULUMI_HOME, passphrase, offline variables, KUBECONFIG). */
    env: Record<string, string>;
    stack(name: string, opts?: StackOptions): Promise<Stack>;
    /** The pulumi CLI of the toolchain with this copy's environment (cwd: the copy unless given). */
    pulumi(args: string[], opts?: RunOptions): Promise<RunResult>;
}

interface Created {
    project: Project;
    stack: Stack;
    skipAwait: boolean;
}

/** Every stack the harness made, so the root hook can destroy what a failed test left up. */
export const createdStacks: Created[] = [];

const IGNORED_NAMES = new Set(["node_modules", "dist", "rendered", ".pulumi"]);

/** The working tree without git data, installed packages or build output (what .gitignore leaves out), as a clone
 * holds it. */
export function copySources(dest: string, root: string = REPO_ROOT): void {
    fs.cpSync(root, dest, {
        recursive: true,
        verbatimSymlinks: true,
        filter: (src) => {
            const rel = path.relative(root, src);
            if (rel === "") return true;
            const parts = rel.split(path.sep);
            const base = parts[parts.length - 1];
            if (rel === ".git" || IGNORED_NAMES.has(base) || base.endsWith(".tsbuildinfo") || base.endsWith(".tgz")) return false;
            return !(parts.length === 3 && parts[0] === "examples" && parts[2] === "sdks");
        },
    });
}

function packageName(dir: string): string {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name;
}

/** The root's installed packages, one symlink per entry, except the workspace links node_modules/@vmafx-k8s/*,
 * which are made again as npm makes them (../../core, …) and so point at the copy's own packages. The program, the
 * component and the in-repo pack of a copy then all load the copy's built packages and one @pulumi/pulumi (Node.js
 * keys modules by their real path). */
export function linkNodeModules(dest: string, root: string = REPO_ROOT): void {
    const nm = path.join(root, "node_modules");
    fs.mkdirSync(path.join(dest, "node_modules"), { recursive: true });
    for (const entry of fs.readdirSync(nm)) {
        if (entry === "@vmafx-k8s") continue;
        fs.symlinkSync(path.join(nm, entry), path.join(dest, "node_modules", entry));
    }
    for (const w of WORKSPACES) {
        const name = packageName(path.join(root, w));
        const link = path.join(dest, "node_modules", name);
        fs.mkdirSync(path.dirname(link), { recursive: true });
        fs.symlinkSync(fs.readlinkSync(path.join(nm, name)), link);
        // A dependency npm could not hoist stays in the member's own node_modules.
        if (fs.existsSync(path.join(root, w, "node_modules"))) fs.symlinkSync(path.join(root, w, "node_modules"), path.join(dest, w, "node_modules"));
    }
}

/** Points a Pulumi.yaml's `main` at `main` and adds the built kubernetes provider as `plugins.providers` (without
 * a version it matches any requested one, so the CLI never looks for a download). A textual edit, so the CLI
 * itself parses (and judges) the committed file. */
export function pointPulumiYaml(file: string, pluginDir: string, main: string | undefined): void {
    let text = fs.readFileSync(file, "utf8");
    if (/^plugins:/m.test(text)) throw new Error(`${file} already declares plugins; the e2e copy cannot add its provider`);
    if (main !== undefined) {
        const mains = text.match(/^main:.*$/gm) ?? [];
        if (mains.length > 1) throw new Error(`${file} has ${mains.length} top-level main: lines`);
        const line = `main: ${main}`;
        text = mains.length === 1 ? text.replace(/^main:.*$/m, line) : `${text.replace(/\n*$/, "\n")}${line}\n`;
    }
    text = `${text.replace(/\n*$/, "\n")}plugins:\n  providers:\n    - name: kubernetes\n      path: ${JSON.stringify(pluginDir)}\n`;
    fs.writeFileSync(file, text);
}

/** The workspace environment of a copy whose state lives in `stateDir`. */
export function workspaceEnv(workDir: string, name: string, kubeconfig: string | null | undefined): Record<string, string> {
    const stateDir = path.join(workDir, `${name}.state`);
    const home = path.join(workDir, `${name}.pulumi-home`);
    fs.mkdirSync(stateDir, { recursive: true });
    fs.mkdirSync(home, { recursive: true });
    return {
        ...OFFLINE_ENV,
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_HOME: home,
        PULUMI_CONFIG_PASSPHRASE: `e2e-${crypto.randomBytes(16).toString("hex")}`,
        KUBECONFIG: kubeconfig === null ? path.join(workDir, "no-cluster.kubeconfig") : (kubeconfig ?? path.join(workDir, "kubeconfig")),
    };
}

/** Config values as the Automation API sets them: path-less, objects as JSON. */
export function configMap(config: Record<string, unknown>): Record<string, { value: string }> {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `vmafx:${k}`, { value: typeof v === "string" ? v : JSON.stringify(v) }]),
    );
}

/** The vmafx:* values of a committed stack file, keyed without the prefix (as StackOptions.config takes them). */
export function committedConfig(file: string): Record<string, unknown> {
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k.replace(/^vmafx:/, ""), v]));
}

let pulumiCommand: Promise<PulumiCommand> | undefined;

/** The toolchain's CLI for the Automation API (PulumiCommand runs <root>/bin/pulumi). */
export function toolchainPulumi(tc: Toolchain): Promise<PulumiCommand> {
    pulumiCommand ??= PulumiCommand.get({ root: path.dirname(tc.bin), skipVersionCheck: true });
    return pulumiCommand;
}

/** An Automation API stack of a directory with a given environment (shared by project copies and other programs). */
export async function workspaceStack(dir: string, stackName: string, tc: Toolchain, envVars: Record<string, string>): Promise<Stack> {
    return LocalWorkspace.createOrSelectStack({ stackName, workDir: dir }, { envVars, pulumiCommand: await toolchainPulumi(tc) });
}

export async function projectCopy(workDir: string, tc: Toolchain, opts: ProjectOptions = {}): Promise<Project> {
    const name = opts.name ?? "project";
    const dir = path.join(workDir, name);
    if (fs.existsSync(dir)) throw new Error(`${dir} exists: give each project copy its own name`);
    copySources(dir);
    for (const d of BUILT) {
        if (!fs.existsSync(path.join(REPO_ROOT, d))) throw new Error(`${d} is missing: run npm run build`);
        fs.cpSync(path.join(REPO_ROOT, d), path.join(dir, d), { recursive: true });
    }
    linkNodeModules(dir);
    pointPulumiYaml(path.join(dir, "Pulumi.yaml"), tc.pluginDir, opts.main ?? DEFAULT_MAIN);
    const env = workspaceEnv(workDir, name, opts.kubeconfig);
    const project: Project = {
        dir,
        env,
        async stack(stackName, sopts = {}) {
            const file = path.join(dir, `Pulumi.${stackName}.yaml`);
            if (sopts.stackFile) {
                const from = path.resolve(dir, sopts.stackFile);
                if (from !== file) fs.copyFileSync(from, file);
            }
            const envVars = { ...env, ...(sopts.skipAwait ? { VMAFX_E2E_SKIP_AWAIT: "true" } : {}), ...sopts.env };
            const stack = await workspaceStack(dir, stackName, tc, envVars);
            if (sopts.config && Object.keys(sopts.config).length > 0) await stack.setAllConfig(configMap(sopts.config));
            createdStacks.push({ project, stack, skipAwait: !!sopts.skipAwait });
            return stack;
        },
        pulumi: (args, ropts = {}) =>
            run(path.join(tc.bin, "pulumi"), [...args, "--non-interactive"], {
                cwd: dir,
                ...ropts,
                env: { PATH: `${tc.bin}:${process.env.PATH}`, ...env, ...ropts.env },
            }),
    };
    return project;
}
