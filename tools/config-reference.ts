// The stack config reference and the `config:` declarations of Pulumi.yaml, read off
// components/args.ts (names, types, JSDoc) and components/defaults.ts (defaults), so neither
// the README nor the project file can drift from the code.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as yaml from "js-yaml";
import { DEFAULTS } from "@vmafx-k8s/vmafx/plan";
import { RCLONE_CONFIG_KEY } from "../stacks";
import { PROJECT_DIR } from "./project";

// The sources of the component package in this repository: the docs describe what they declare.
const ARGS_FILE = path.join(PROJECT_DIR, "components", "args.ts");

interface Prop {
    name: string;
    type: string;
    doc: string;
}

function interfacesOf(file: string): Map<string, Prop[]> {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const out = new Map<string, Prop[]>();
    source.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node)) return;
        out.set(node.name.text, node.members.filter(ts.isPropertySignature).map((m) => ({
            name: (m.name as ts.Identifier).text,
            type: m.type ? m.type.getText(source).replace(/\s+/g, " ") : "unknown",
            doc: ts.getJSDocCommentsAndTags(m).map((d) => (typeof d.comment === "string" ? d.comment : "")).join(" ").trim(),
        })));
    });
    return out;
}

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
    const interfaces = interfacesOf(ARGS_FILE);
    const rows: string[][] = [];
    const walk = (iface: string, prefix: string[]) => {
        for (const p of interfaces.get(iface) ?? []) {
            const keyPath = [...prefix, p.name];
            const nested = interfaces.has(p.type) ? p.type : undefined;
            if (nested) {
                walk(nested, keyPath);
                continue;
            }
            // The rclone config is a secret, so it has a top-level key of its own (stacks/index.ts).
            const key = keyPath.join(".") === "storage.rcloneConfig"
                ? `vmafx:${RCLONE_CONFIG_KEY}`
                : keyPath.length === 1 ? `vmafx:${p.name}` : `vmafx:${keyPath[0]} → ${keyPath.slice(1).join(".")}`;
            const shownType = p.type.replace(/pulumi\.Input<string>/, "string (secret)").replace(/\{ \[key: string\]: string \}/, "map of string").replace(/\{ \[key: string\]: any \}/, "object");
            rows.push([`\`${key}\``, shownType, p.name === "releaseName" ? "the project name" : show(valueAt(keyPath)), p.doc]);
        }
    };
    walk("VmafxStackArgs", []);
    return rows;
}

export function configReference(): string {
    const rows = configRows().map((r) => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`);
    return [
        "| Key | Type | Default | Meaning |",
        "| --- | --- | --- | --- |",
        ...rows,
    ].join("\n");
}

const SCALAR_TYPES: Record<string, string> = { string: "string", number: "integer", boolean: "boolean", WorkloadKind: "string" };

/**
 * The project-level `config:` block of Pulumi.yaml. The CLI treats a declared key without a
 * default as required, so every key gets one: the component's default for scalars and lists,
 * `{}` (= the component's defaults) for objects, "" (= none) for the rclone secret.
 */
export function projectConfig(projectName: string): Record<string, Record<string, unknown>> {
    const top = interfacesOf(ARGS_FILE).get("VmafxStackArgs") ?? [];
    const interfaces = interfacesOf(ARGS_FILE);
    const out: Record<string, Record<string, unknown>> = {};
    for (const p of top) {
        const scalar = SCALAR_TYPES[p.type];
        if (scalar) {
            out[p.name] = { type: scalar, description: p.doc, default: p.name === "releaseName" ? projectName : valueAt([p.name]) };
        } else if (p.type.endsWith("[]")) {
            out[p.name] = { type: "array", items: { type: "string" }, description: p.doc, default: valueAt([p.name]) };
        } else {
            const fields = (interfaces.get(p.type) ?? []).map((f) => f.name);
            const doc = fields.length > 0 ? `${p.doc} Object with ${fields.join(", ")}; unset fields take the component's defaults.` : `${p.doc} Map of string to string.`;
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
        description: "VMAFX video-quality scoring on Kubernetes, hardened for Pod Security \"restricted\"",
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
