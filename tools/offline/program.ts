// Runs the Pulumi program in-process under the runtime's mocks, with a stack's config read
// from its stack file, and records every registered resource. The offline render and the
// offline preview share it; neither needs the Pulumi CLI or a cluster.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { PROGRAM, PROJECT_DIR } from "../project";

export { PROJECT_DIR };

export interface StackConfig {
    /** File the config came from. */
    readonly file: string;
    /** `namespace:key` -> value as the engine passes it (strings; objects as JSON). */
    readonly values: Record<string, string>;
    /** Keys that were `secure:` in the file; offline they hold a marker, not the secret. */
    readonly secretKeys: string[];
}

export class StackConfigFileError extends Error {}

/** Reads `Pulumi.<stack>.yaml` (or `configFile`) the way the CLI presents it to a program. */
export function readStackConfig(stack: string, configFile?: string, projectName = "vmafx"): StackConfig {
    const file = path.resolve(configFile ?? path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`));
    let doc: unknown;
    try {
        doc = yaml.load(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new StackConfigFileError(`cannot read stack config ${file}: ${(e as Error).message}`);
    }
    const config = (doc as { config?: unknown } | undefined)?.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new StackConfigFileError(`${file}: 'config' must be a map of keys to values`);
    }
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [rawKey, value] of Object.entries(config)) {
        const key = rawKey.includes(":") ? rawKey : `${projectName}:${rawKey}`;
        if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            values[key] = `<secret ${key}: encrypted in ${path.basename(file)}, not decrypted offline>`;
            secretKeys.push(key);
        } else {
            values[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    // Like the CLI, fill every key the project file declares with a default and the stack leaves unset.
    for (const [key, decl] of Object.entries(projectConfigDefaults(projectName))) {
        const full = `${projectName}:${key}`;
        if (!(full in values)) values[full] = typeof decl === "string" ? decl : JSON.stringify(decl);
    }
    return { file, values, secretKeys };
}

/** Defaults of the `config:` declarations in Pulumi.yaml. */
function projectConfigDefaults(projectName: string): Record<string, unknown> {
    const doc = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { name?: string; config?: Record<string, { default?: unknown }> };
    if (doc.name !== projectName) return {};
    const out: Record<string, unknown> = {};
    for (const [key, decl] of Object.entries(doc.config ?? {})) {
        if (decl && typeof decl === "object" && "default" in decl) out[key] = decl.default;
    }
    return out;
}

export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** Inputs as registered: for Kubernetes objects, the manifest. */
    readonly inputs: Record<string, any>;
    /** URN of the parent when it can be told from the URN's type chain. */
    readonly parentUrn?: string;
}

export interface ProgramRun {
    readonly resources: RecordedResource[];
    readonly outputs: Record<string, unknown>;
}

/** Replaces the wire format of secrets (`{<sig>: <secret sig>, value}`) by the value. */
function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object") {
        if (value[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return unwrapSecrets(value.value);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function typeChain(urn: string): string[] {
    // urn:pulumi:<stack>::<project>::<type$type$...>::<name>
    const parts = urn.split("::");
    return parts[2].split("$");
}

/** Evaluates `program` (default: the project's index.ts) for one stack and records what it registers. */
export async function runProgram(opts: { stack: string; config: StackConfig; program?: string; project?: string }): Promise<ProgramRun> {
    const project = opts.project ?? "vmafx";
    const recorded: { type: string; name: string; custom: boolean; inputs: Record<string, any> }[] = [];
    pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                recorded.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: unwrapSecrets(args.inputs) });
                return { id: args.custom === false ? "" : `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        project,
        opts.stack,
        false,
    );
    pulumi.runtime.setAllConfig(opts.config.values, opts.config.secretKeys);
    const program = path.resolve(opts.program ?? PROGRAM);
    delete require.cache[require.resolve(program)];
    // Required directly (not inside runInPulumiStack) so a config error surfaces once, as a
    // plain exception, instead of also rejecting the root stack's pending outputs.
    const exports: Record<string, unknown> = require(program);
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(exports)) {
        outputs[key] = pulumi.Output.isInstance(value) ? await new Promise((resolve) => value.apply(resolve)) : value;
    }
    await (pulumi.runtime as any).waitForRPCs();

    const monitor = pulumi.runtime.getMonitor() as any;
    const registered: Map<string, unknown> = monitor.getRegisteredResources();
    const urns = [...registered.keys()];
    const byTypeName = new Map<string, string>();
    for (const urn of urns) {
        const chain = typeChain(urn);
        byTypeName.set(`${chain[chain.length - 1]}::${urnName(urn)}`, urn);
    }
    const resources: RecordedResource[] = recorded.map((r) => {
        const urn = byTypeName.get(`${r.type}::${r.name}`) ?? "";
        const chain = urn ? typeChain(urn) : [];
        let parentUrn: string | undefined;
        if (chain.length > 1) {
            // Several parents may share the type chain (N components); children are named after theirs.
            const parents = urns
                .filter((u) => typeChain(u).join("$") === chain.slice(0, -1).join("$"))
                .filter((u) => r.name.startsWith(`${urnName(u)}-`))
                .sort((a, b) => urnName(b).length - urnName(a).length);
            parentUrn = parents[0];
        }
        return { urn, type: r.type, name: r.name, custom: r.custom, inputs: r.inputs, parentUrn };
    });
    return { resources, outputs };
}

/** Install order of kinds (as Helm applies them); unknown kinds go last. */
const KIND_ORDER = [
    "Namespace", "NetworkPolicy", "ServiceAccount", "Secret", "ConfigMap", "PersistentVolumeClaim", "ClusterRole",
    "ClusterRoleBinding", "Role", "RoleBinding", "Service", "Deployment", "StatefulSet", "Job", "Ingress", "PodDisruptionBudget",
];

function kindRank(kind: string): number {
    const i = KIND_ORDER.indexOf(kind);
    return i < 0 ? KIND_ORDER.length : i;
}

/**
 * Kubernetes objects among the recorded resources, in install order (kind, then namespace
 * and name), so output does not depend on the order asynchronous registrations finished.
 */
export function kubernetesObjects(run: ProgramRun): Record<string, any>[] {
    const key = (o: Record<string, any>) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
    return run.resources
        .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
        .map((r) => r.inputs)
        .sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
