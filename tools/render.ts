// `npm run render -- --stack <name> [--config-file <path>] --out <dir>`: the offline
// equivalent of `helm template`. Evaluates the program with the stack's config under the
// runtime's mocks and writes every Kubernetes object as YAML, one file per object, in
// creation order. Bad config exits non-zero with the validation message and writes nothing.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { parseArgs } from "util";
import { VmafxArgsError } from "@vmafx-k8s/vmafx/plan";
import { StackConfigFileError, kubernetesObjects, readStackConfig, runProgram } from "./offline/program";

/** Marks a directory as ours, so a re-render may clear it and nothing else is ever deleted. */
const MARKER = ".vmafx-render";
export const REDACTED = "<redacted: Secret data is not written by the offline render>";

/** Secret values never reach disk. */
export function redactSecrets(obj: Record<string, any>): Record<string, any> {
    if (obj.kind !== "Secret") return obj;
    const out = { ...obj };
    for (const field of ["data", "stringData"]) {
        if (out[field]) out[field] = Object.fromEntries(Object.keys(out[field]).map((k) => [k, REDACTED]));
    }
    return out;
}

/** `NN-<kind>-<name>.yaml`, NN the creation order. */
export function manifestFileName(index: number, obj: Record<string, any>): string {
    return `${String(index + 1).padStart(2, "0")}-${String(obj.kind).toLowerCase()}-${obj.metadata?.name}.yaml`;
}

export function toYaml(obj: Record<string, any>): string {
    return yaml.dump(obj, { noRefs: true, lineWidth: -1, sortKeys: false });
}

function prepareOutDir(out: string): void {
    if (fs.existsSync(out)) {
        const entries = fs.readdirSync(out);
        if (entries.length > 0 && !entries.includes(MARKER)) {
            throw new Error(`refusing to write into ${out}: it is not empty and was not written by this tool`);
        }
        fs.rmSync(out, { recursive: true, force: true });
    }
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, MARKER), "written by npm run render; the directory is replaced on every render\n");
}

export async function render(stack: string, out: string, configFile?: string): Promise<string[]> {
    const config = readStackConfig(stack, configFile);
    const run = await runProgram({ stack, config });
    const objects = kubernetesObjects(run).map(redactSecrets);
    prepareOutDir(out);
    const files = objects.map((obj, i) => {
        const file = manifestFileName(i, obj);
        fs.writeFileSync(path.join(out, file), toYaml(obj));
        return file;
    });
    return files;
}

async function main(): Promise<number> {
    let values;
    try {
        ({ values } = parseArgs({
            options: { stack: { type: "string" }, "config-file": { type: "string" }, out: { type: "string" } },
            strict: true,
        }));
    } catch (e) {
        console.error(`${(e as Error).message}\nusage: npm run render -- --stack <name> [--config-file <path>] --out <dir>`);
        return 2;
    }
    if (!values.stack || !values.out) {
        console.error("usage: npm run render -- --stack <name> [--config-file <path>] --out <dir>");
        return 2;
    }
    try {
        const files = await render(values.stack, path.resolve(values.out), values["config-file"]);
        console.log(`rendered ${files.length} objects of stack ${values.stack} into ${values.out}`);
        return 0;
    } catch (e) {
        if (e instanceof VmafxArgsError || e instanceof StackConfigFileError) {
            console.error(`error: ${e.message}`);
            return 1;
        }
        throw e;
    }
}

if (require.main === module) {
    main().then((code) => process.exit(code), (e) => {
        console.error(e);
        process.exit(1);
    });
}
