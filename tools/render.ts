// `npm run render -- --stack <name> [--config-file <path>] --out <dir|->`: the offline equivalent
// of `helm template`. Computes the stack's Kubernetes objects from the component's pure plan
// with the stack file's config (no Pulumi runtime, no CLI, no cluster) and writes them as YAML,
// one file per object in install order, or as one multi-document stream on stdout with `--out -`.
// Secret data is never written. Exit codes: tools/exit-codes.ts (1 bad config, nothing written;
// 2 bad flags or an --out directory this tool did not write).
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { parseArgs } from "util";
import { VmafxArgsError } from "@vmafx-k8s/vmafx/plan";
import { PROJECT_NAME, StackConfigFileError, readStackConfig } from "./offline/config";
import { planObjects } from "./offline/objects";
import { EXIT } from "./exit-codes";

/** Marks a directory as ours, so a re-render may clear it and nothing else is ever deleted. */
const MARKER = ".vmafx-render";
export const REDACTED = "<redacted: Secret data is not written by the offline render>";
const USAGE = "usage: npm run render -- --stack <name> [--config-file <path>] --out <dir|->";

/** A problem with where the output should go (exit 2), as opposed to bad config (exit 1). */
export class RenderOutputError extends Error {}

/** Secret values never reach disk. */
export function redactSecrets(obj: Record<string, any>): Record<string, any> {
    if (obj.kind !== "Secret") return obj;
    const out = { ...obj };
    for (const field of ["data", "stringData"]) {
        if (out[field]) out[field] = Object.fromEntries(Object.keys(out[field]).map((k) => [k, REDACTED]));
    }
    return out;
}

/** `NN-<kind>-<name>.yaml`, NN the install order. */
export function manifestFileName(index: number, obj: Record<string, any>): string {
    return `${String(index + 1).padStart(2, "0")}-${String(obj.kind).toLowerCase()}-${obj.metadata?.name}.yaml`;
}

export function toYaml(obj: Record<string, any>): string {
    return yaml.dump(obj, { noRefs: true, lineWidth: -1, sortKeys: false });
}

/** The objects `render` writes for a stack (Secret data redacted). Throws VmafxArgsError or StackConfigFileError. */
export function renderObjects(stack: string, configFile?: string): Record<string, any>[] {
    return planObjects(readStackConfig(stack, configFile), PROJECT_NAME).map(redactSecrets);
}

function prepareOutDir(out: string): void {
    if (fs.existsSync(out)) {
        if (!fs.statSync(out).isDirectory()) throw new RenderOutputError(`--out ${out} exists and is not a directory`);
        const entries = fs.readdirSync(out);
        if (entries.length > 0 && !entries.includes(MARKER)) {
            throw new RenderOutputError(
                `refusing to write into ${out}: it is not empty and was not written by this tool (choose an empty or new directory, or --out - for stdout)`,
            );
        }
        fs.rmSync(out, { recursive: true, force: true });
    }
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, MARKER), "written by npm run render; the directory is replaced on every render\n");
}

/** Renders into `out` (replacing an earlier render there); returns the file names in install order. */
export function render(stack: string, out: string, configFile?: string): string[] {
    const objects = renderObjects(stack, configFile);
    prepareOutDir(out);
    return objects.map((obj, i) => {
        const file = manifestFileName(i, obj);
        fs.writeFileSync(path.join(out, file), toYaml(obj));
        return file;
    });
}

/** The multi-document YAML stream of `--out -`. */
export function renderStream(stack: string, configFile?: string): string {
    return renderObjects(stack, configFile)
        .map((o) => `---\n${toYaml(o)}`)
        .join("");
}

export function main(argv: string[]): number {
    let values;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: { stack: { type: "string" }, "config-file": { type: "string" }, out: { type: "string" } },
            strict: true,
        }));
    } catch (e) {
        console.error(`error: ${(e as Error).message}\n${USAGE}`);
        return EXIT.usage;
    }
    if (!values.stack || !values.out) {
        console.error(`error: ${!values.stack ? "--stack" : "--out"} is required\n${USAGE}`);
        return EXIT.usage;
    }
    try {
        if (values.out === "-") {
            process.stdout.write(renderStream(values.stack, values["config-file"]));
            return EXIT.ok;
        }
        const files = render(values.stack, path.resolve(values.out), values["config-file"]);
        console.log(`rendered ${files.length} objects of stack ${values.stack} into ${values.out}`);
        return EXIT.ok;
    } catch (e) {
        if (e instanceof VmafxArgsError || e instanceof StackConfigFileError) {
            console.error(`error: ${e.message}`);
            return EXIT.badConfig;
        }
        if (e instanceof RenderOutputError) {
            console.error(`error: ${e.message}`);
            return EXIT.usage;
        }
        throw e;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
