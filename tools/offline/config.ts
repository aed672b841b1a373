// A stack's config read from its stack file the way the Pulumi CLI presents it to a program
// (`namespace:key` -> string, project defaults filled in), for the offline tools. Pure: fs and
// js-yaml only, so the render never loads the Pulumi SDK.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { PROJECT_DIR } from "../project";

/** Pulumi.yaml, read once: its name and its config declarations. */
const PROJECT_DOC = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
    name?: string;
    config?: Record<string, { default?: unknown }>;
};

/** The project's name (Pulumi.yaml `name`): what pulumi.getProject() returns, the program's release name. */
export const PROJECT_NAME: string = String(PROJECT_DOC.name);

export interface StackConfig {
    /** File the config came from. */
    readonly file: string;
    /** `namespace:key` -> value as the engine passes it (strings; objects as JSON). */
    readonly values: Record<string, string>;
    /** Keys that were `secure:` in the file; offline they hold a marker, not the secret. */
    readonly secretKeys: string[];
}

export class StackConfigFileError extends Error {}

/** The top-level keys of a Pulumi stack file (Pulumi.<stack>.yaml). */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

/** Reads `Pulumi.<stack>.yaml` (or `configFile`) the way the CLI presents it to a program. */
export function readStackConfig(stack: string, configFile?: string, projectName = PROJECT_NAME): StackConfig {
    const file = path.resolve(configFile ?? path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`));
    let doc: unknown;
    try {
        doc = yaml.load(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new StackConfigFileError(`cannot read stack config ${file}: ${(e as Error).message}`);
    }
    if (doc !== null && doc !== undefined && (typeof doc !== "object" || Array.isArray(doc))) {
        throw new StackConfigFileError(`${file}: a stack file is a map with a 'config:' key; this one is a ${Array.isArray(doc) ? "list" : typeof doc}`);
    }
    const top = (doc ?? {}) as Record<string, unknown>;
    // Keys a stack file may hold besides config (the CLI's own); anything else is config
    // written without its `config:` root, which the CLI would ignore and render all defaults.
    const strays = Object.keys(top).filter((k) => !STACK_FILE_KEYS.includes(k));
    if (strays.length > 0) {
        throw new StackConfigFileError(
            `${file}: top-level key${strays.length > 1 ? "s" : ""} ${strays.map((k) => JSON.stringify(k)).join(", ")} ${strays.length > 1 ? "are" : "is"} not stack-file settings; ` +
                `accepted: ${STACK_FILE_KEYS.join(", ")}. Config belongs under 'config:' (e.g. config:\n  ${strays[0].includes(":") ? strays[0] : `${projectName}:${strays[0]}`}: ...)`,
        );
    }
    const config = top.config ?? {};
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
    const doc = PROJECT_DOC;
    if (doc.name !== projectName) return {};
    const out: Record<string, unknown> = {};
    for (const [key, decl] of Object.entries(doc.config ?? {})) {
        if (decl && typeof decl === "object" && "default" in decl) out[key] = decl.default;
    }
    return out;
}
