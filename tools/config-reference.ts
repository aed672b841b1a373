// The stack config reference and the `config:` declarations of Pulumi.yaml, read off
// components/args.ts (names, types, JSDoc) and components/defaults.ts (defaults), so neither
// the README nor the project file can drift from the code.
import * as yaml from "js-yaml";
import { DEFAULTS, DERIVED_DEFAULTS } from "@vmafx-k8s/vmafx/plan";
import { ARGS_RULES } from "@vmafx-k8s/vmafx/args-rules";
import { RCLONE_CONFIG_KEY } from "../stacks";
import { ROOT_INTERFACE, readArgsDeclarations } from "./args-declarations";

function valueAt(path: string[]): unknown {
    let cur: any = DEFAULTS;
    for (const p of path) cur = cur?.[p];
    return cur;
}

function show(value: unknown): string {
    if (value === undefined) return "";
    if (value === "") return '`""`';
    return `\`${JSON.stringify(value)}\``;
}

/** Rows `key | type | default | description`, depth first, for every field of VmafxStackArgs. */
export function configRows(): string[][] {
    const { interfaces } = readArgsDeclarations();
    const rows: string[][] = [];
    const walk = (iface: string, prefix: string[]) => {
        for (const p of interfaces.get(iface)?.fields ?? []) {
            const keyPath = [...prefix, p.name];
            if (p.type.kind === "interface") {
                walk(p.type.name, keyPath);
                continue;
            }
            // The rclone config is a secret, so it has a top-level key of its own (stacks/index.ts).
            const key =
                keyPath.join(".") === "storage.rcloneConfig"
                    ? `vmafx:${RCLONE_CONFIG_KEY}`
                    : keyPath.length === 1
                      ? `vmafx:${p.name}`
                      : `vmafx:${keyPath[0]} → ${keyPath.slice(1).join(".")}`;
            // Stack config holds plain values: a pulumi.Input<T> field is a T here (only programs pass
            // Outputs); the rclone config is the one secret.
            const plainType = p.typeText.replace(/pulumi\.Input<([^<>]+)>/g, "$1");
            const shownType = (key === `vmafx:${RCLONE_CONFIG_KEY}` ? `${plainType} (secret)` : plainType)
                .replace(/\{ \[key: string\]: string \}/, "map of string")
                .replace(/\{ \[key: string\]: any \}/, "object");
            const shownDefault = p.name === "releaseName" ? "the project name" : (DERIVED_DEFAULTS[keyPath.join(".")] ?? show(valueAt(keyPath)));
            rows.push([`\`${key}\``, shownType, shownDefault, p.doc]);
        }
    };
    walk(ROOT_INTERFACE, []);
    return rows;
}

export function configReference(): string {
    const rows = configRows().map((r) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`);
    return ["| Key | Type | Default | Meaning |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** Pulumi config types of scalar fields (a number is an integer when its rule says so). */
const SCALAR_TYPES: Record<string, string> = { string: "string", number: "number", boolean: "boolean", enum: "string" };

/**
 * The project-level `config:` block of Pulumi.yaml. The CLI treats a declared key without a
 * default as required, so every key gets one: the component's default for scalars and lists,
 * `{}` (= the component's defaults) for objects, "" (= none) for the rclone secret.
 */
export function projectConfig(projectName: string): Record<string, Record<string, unknown>> {
    const { interfaces } = readArgsDeclarations();
    const out: Record<string, Record<string, unknown>> = {};
    for (const p of interfaces.get(ROOT_INTERFACE)!.fields) {
        const type = p.type.kind === "input" ? p.type.inner : p.type;
        const scalar = type.kind === "number" && ARGS_RULES[`${ROOT_INTERFACE}.${p.name}`]?.integer ? "integer" : SCALAR_TYPES[type.kind];
        if (scalar) {
            out[p.name] = { type: scalar, description: p.doc, default: p.name === "releaseName" ? projectName : valueAt([p.name]) };
        } else if (type.kind === "array") {
            out[p.name] = { type: "array", items: { type: "string" }, description: p.doc, default: valueAt([p.name]) };
        } else {
            const fields = type.kind === "interface" ? interfaces.get(type.name)!.fields.map((f) => f.name) : [];
            const doc =
                fields.length > 0
                    ? `${p.doc} Object with ${fields.join(", ")}; unset fields take the component's defaults.`
                    : `${p.doc} Map of string to string.`;
            out[p.name] = { description: doc, default: {} };
        }
    }
    out[RCLONE_CONFIG_KEY] = {
        secret: true,
        description: "rclone.conf contents for the node pool (pulumi config set --secret rcloneConfig < rclone.conf); empty means none.",
        default: "",
    };
    return out;
}

/** Pulumi.yaml: the project header plus the generated config declarations. */
export function projectFile(): string {
    const project = {
        name: "vmafx",
        description: 'VMAFX video-quality scoring on Kubernetes, hardened for Pod Security "restricted"',
        runtime: { name: "nodejs", options: { typescript: true } },
        main: "index.ts",
    };
    return [
        "# Generated by `npm run docs` from components/args.ts and components/defaults.ts; do not edit by hand.",
        "# Stack files set these keys as vmafx:<key>; stacks/ validates them (components/schema.ts).",
        yaml.dump(project, { lineWidth: -1 }).trimEnd(),
        yaml.dump({ config: projectConfig(project.name) }, { lineWidth: -1 }).trimEnd(),
        "",
    ].join("\n");
}
