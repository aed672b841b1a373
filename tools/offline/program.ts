// Runs the compiled Pulumi program in-process under the runtime's mocks, with a stack's config
// read from its stack file, and records every registered resource. The offline preview runs the
// pack over what it records; the tests prove the offline render's plan path gives the same objects.
// Neither needs the Pulumi CLI or a cluster.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROGRAM, PROJECT_DIR } from "../project";
import { PROJECT_NAME, StackConfig } from "./config";
import { inInstallOrder } from "./objects";

export { PROJECT_DIR };
export { PROJECT_NAME, StackConfigFileError, readStackConfig } from "./config";
export type { StackConfig } from "./config";

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

/**
 * Inputs as the engine hands them to a policy pack: secrets (`{<sig>: <secret sig>, value}`) by
 * their value, and values unknown at preview (the mocks' `{__pulumiUnknown: true}`) by the
 * engine's unknown sentinel string.
 */
export function asPolicyInputs(value: any): any {
    if (Array.isArray(value)) return value.map(asPolicyInputs);
    if (value && typeof value === "object") {
        if (value.__pulumiUnknown === true) return pulumi.runtime.unknownValue;
        if (value[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return asPolicyInputs(value.value);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asPolicyInputs(v)]));
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
    const project = opts.project ?? PROJECT_NAME;
    const recorded: { type: string; name: string; custom: boolean; inputs: Record<string, any> }[] = [];
    pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                recorded.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: asPolicyInputs(args.inputs) });
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
    // plain exception, instead of also rejecting the root stack's pending outputs. The path is
    // computed (a program file), hence require.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
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

/** Kubernetes objects among the recorded resources, in install order. */
export function kubernetesObjects(run: ProgramRun): Record<string, any>[] {
    return inInstallOrder(run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:")).map((r) => r.inputs));
}
