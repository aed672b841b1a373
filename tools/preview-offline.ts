// `npm run preview:offline -- --stack <name> [--config-file <path>] [--policy-config <path>]`:
// `pulumi preview --policy-pack policy-pack --policy-pack-config stacks/policy-config.<name>.json`
// without the CLI, a cluster or a backend. Evaluates the program in-process under the runtime's
// mocks with the stack's config (as `npm run render` does), then runs every policy of the pack over
// the registered resources as one stack and prints the violations the way `pulumi preview` does.
// Environment: the policy config's `environment`, else the stack name.
// Exit codes (tools/exit-codes.ts, shared with render): 0 no mandatory violation, 1 bad stack or
// policy config, 2 bad flags, 3 a mandatory violation.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { VmafxArgsError } from "@vmafx-k8s/vmafx/plan";
import { PACK } from "@vmafx-k8s/policy-pack/policies";
import {
    Diagnostic,
    PackResource,
    PolicyConfigError,
    configEnvironment,
    formatViolations,
    hasMandatory,
    loadPolicyConfigFile,
    runPack,
    summarize,
} from "@vmafx-k8s/policy-pack/run";
import { EXIT } from "./exit-codes";
import { PROJECT_DIR, ProgramRun, StackConfigFileError, readStackConfig, runProgram } from "./offline/program";

const USAGE = "usage: npm run preview:offline -- --stack <name> [--config-file <Pulumi.<stack>.yaml>] [--policy-config <policy-config.json>]";

/** The recorded resources as the engine hands them to a policy pack. */
export function packResources(run: ProgramRun): PackResource[] {
    return run.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs, ...(r.parentUrn ? { parent: r.parentUrn } : {}) }));
}

export interface OfflinePreview {
    stack: string;
    environment: string;
    policyConfigFile?: string;
    resources: PackResource[];
    diagnostics: Diagnostic[];
}

export async function previewOffline(opts: { stack: string; configFile?: string; policyConfigFile?: string }): Promise<OfflinePreview> {
    const defaultPolicyConfig = path.join(PROJECT_DIR, "stacks", `policy-config.${opts.stack}.json`);
    const policyConfigFile = opts.policyConfigFile ?? (fs.existsSync(defaultPolicyConfig) ? defaultPolicyConfig : undefined);
    const config = policyConfigFile ? loadPolicyConfigFile(policyConfigFile) : undefined;
    const environment = (config && policyConfigFile && configEnvironment(config, policyConfigFile)) ?? opts.stack;
    const stackConfig = readStackConfig(opts.stack, opts.configFile);
    const run = await runProgram({ stack: opts.stack, config: stackConfig });
    const resources = packResources(run);
    const { diagnostics } = await runPack(resources, { config, configSource: policyConfigFile, stack: opts.stack });
    return { stack: opts.stack, environment, policyConfigFile, resources, diagnostics };
}

export async function main(argv: string[]): Promise<number> {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: { stack: { type: "string" }, "config-file": { type: "string" }, "policy-config": { type: "string" } },
            strict: true,
            allowPositionals: false,
        }));
    } catch (e) {
        console.error(`error: ${(e as Error).message}\n${USAGE}`);
        return EXIT.usage;
    }
    if (!values.stack) {
        console.error(`error: --stack is required\n${USAGE}`);
        return EXIT.usage;
    }
    let result: OfflinePreview;
    try {
        result = await previewOffline({ stack: values.stack, configFile: values["config-file"], policyConfigFile: values["policy-config"] });
    } catch (e) {
        if (e instanceof VmafxArgsError || e instanceof StackConfigFileError || e instanceof PolicyConfigError) {
            console.error(`error: ${e.message}`);
            return EXIT.badConfig;
        }
        throw e;
    }
    const configText = result.policyConfigFile ? path.relative(process.cwd(), result.policyConfigFile) : "no policy config file (schema defaults)";
    console.log(`Previewing stack ${result.stack} offline (${result.resources.length} resources registered under mocks)`);
    console.log(`Policy pack ${PACK.name} v${PACK.version} with ${configText}, environment ${result.environment}`);
    console.log("");
    const text = formatViolations(result.diagnostics, result.resources);
    if (text) console.log(text);
    console.log(`${summarize(result.diagnostics)}${hasMandatory(result.diagnostics) ? ": the preview would fail" : ""}`);
    return hasMandatory(result.diagnostics) ? EXIT.mandatoryViolation : EXIT.ok;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e) => {
            console.error(e);
            process.exit(70); // an internal error, outside the table
        },
    );
}
