// `npm run generate`: the JSON Schema of VmafxStackArgs and its precompiled validator, generated
// from the args' one declaration (components/args.ts, read by ./args-declarations) and the rules
// table (components/args-rules.ts). Writes components/generated/args.schema.json and
// components/generated/validate-args.ts (ajv's standalone code: no schema compiler at run time).
// Without --write it only checks: exit 1 when a generated file is stale.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import Ajv from "ajv";
import standaloneCode from "ajv/dist/standalone";
import { ARGS_RULES, FieldRule } from "@vmafx-k8s/vmafx/args-rules";
import { ArgsDeclarations, FieldType, ROOT_INTERFACE, readArgsDeclarations } from "./args-declarations";
import { PROJECT_DIR } from "./project";

export const GENERATED_DIR = path.join(PROJECT_DIR, "components", "generated");
export const SCHEMA_FILE = path.join(GENERATED_DIR, "args.schema.json");
export const VALIDATOR_FILE = path.join(GENERATED_DIR, "validate-args.ts");

/** Annotation keywords of the schema: a pattern's message, and the mark of a `pulumi.Input<T>` field. */
export const MESSAGE_KEYWORD = "x-message";
export const INPUT_KEYWORD = "x-pulumi-input";

type Schema = { [keyword: string]: unknown };

/** What the SDK puts on every Output (Output.isInstance and components/outputs-check.ts test exactly this). */
const PULUMI_OUTPUT: Schema = {
    description: "A Pulumi Output (an unknown or secret value, checked when it resolves).",
    type: "object",
    required: ["__pulumiOutput"],
    properties: { __pulumiOutput: { const: true } },
};

const KIND_OF_RULE: { [K in keyof Required<FieldRule>]: "number" | "string" | "array" } = {
    integer: "number",
    minimum: "number",
    maximum: "number",
    minLength: "string",
    maxLength: "string",
    pattern: "string",
    enum: "string",
    items: "array",
};

/**
 * The draft-07 schema of the args: VmafxStackArgs at the root, every other interface under
 * `definitions` (a field of that type is a `$ref`), every object closed (additionalProperties
 * false), every rule applied.
 */
export function argsJsonSchema(decls: ArgsDeclarations = readArgsDeclarations(), rules: typeof ARGS_RULES = ARGS_RULES): Schema {
    const used = new Set<string>();
    for (const key of Object.keys(rules)) {
        const [iface, field, ...rest] = key.split(".");
        if (rest.length > 0 || !decls.interfaces.get(iface)?.fields.some((f) => f.name === field)) {
            throw new Error(`components/args-rules.ts: "${key}" names no field of args.ts (keys are Interface.field)`);
        }
    }

    const node = (type: FieldType, rule: FieldRule | undefined, where: string, trail: readonly string[]): Schema => {
        const kind = type.kind === "input" ? type.inner.kind : type.kind;
        for (const k of Object.keys(rule ?? {}) as (keyof FieldRule)[]) {
            if (KIND_OF_RULE[k] !== kind)
                throw new Error(`components/args-rules.ts: ${where}: \`${k}\` applies to ${KIND_OF_RULE[k]} fields, not to this ${kind} field`);
        }
        switch (type.kind) {
            case "string":
                if (rule?.enum) return { enum: [...rule.enum] };
                return {
                    type: "string",
                    ...(rule?.minLength !== undefined && { minLength: rule.minLength }),
                    ...(rule?.maxLength !== undefined && { maxLength: rule.maxLength }),
                    ...(rule?.pattern && { pattern: patternSource(rule.pattern.regex, where), [MESSAGE_KEYWORD]: rule.pattern.message }),
                };
            case "number":
                if (rule?.integer === undefined) {
                    throw new Error(`components/args-rules.ts: ${where} is a number and needs a rule (at least \`integer: true\` or \`integer: false\`)`);
                }
                return {
                    type: rule.integer ? "integer" : "number",
                    // zod's int(), which the schema replaces, also bounded whole numbers to the safe range.
                    ...((rule.minimum !== undefined || rule.integer) && { minimum: rule.minimum ?? -Number.MAX_SAFE_INTEGER }),
                    ...((rule.maximum !== undefined || rule.integer) && { maximum: rule.maximum ?? Number.MAX_SAFE_INTEGER }),
                };
            case "boolean":
                return { type: "boolean" };
            case "any":
                return {};
            case "array":
                return { type: "array", items: node(type.items, rule?.items, `${where}[]`, trail) };
            case "map":
                return type.values.kind === "any"
                    ? { type: "object" }
                    : { type: "object", additionalProperties: node(type.values, undefined, `${where}.*`, trail) };
            case "enum":
                return { enum: [...decls.enums.get(type.name)!.values] };
            case "input":
                return { [INPUT_KEYWORD]: true, anyOf: [node(type.inner, rule, where, trail), PULUMI_OUTPUT] };
            case "interface":
                if (trail.includes(type.name)) throw new Error(`args.ts: ${[...trail, type.name].join(" → ")} is recursive`);
                if (!definitions.has(type.name)) {
                    definitions.set(type.name, {});
                    definitions.set(type.name, object(type.name, trail));
                }
                return { $ref: `#/definitions/${type.name}` };
        }
    };

    const definitions = new Map<string, Schema>();
    const object = (name: string, trail: readonly string[]): Schema => {
        const iface = decls.interfaces.get(name)!;
        const properties: Schema = {};
        for (const f of iface.fields) {
            const key = `${name}.${f.name}`;
            used.add(key);
            properties[f.name] = { ...(f.doc && { description: f.doc }), ...node(f.type, rules[key], key, [...trail, name]) };
        }
        const required = iface.fields.filter((f) => !f.optional).map((f) => f.name);
        return {
            ...(iface.doc && name !== ROOT_INTERFACE && { description: iface.doc }),
            type: "object",
            additionalProperties: false,
            properties,
            ...(required.length > 0 && { required }),
        };
    };

    const root = decls.interfaces.get(ROOT_INTERFACE)!;
    const top = object(ROOT_INTERFACE, []);
    const schema: Schema = {
        $schema: "http://json-schema.org/draft-07/schema#",
        title: ROOT_INTERFACE,
        ...(root.doc && { description: root.doc }),
        ...top,
        definitions: Object.fromEntries([...definitions].sort(([a], [b]) => a.localeCompare(b))),
    };
    const unused = Object.keys(rules).filter((k) => !used.has(k));
    if (unused.length > 0)
        throw new Error(
            `components/args-rules.ts: ${unused.join(", ")} ${unused.length === 1 ? "is a field" : "are fields"} not reachable from ${ROOT_INTERFACE}`,
        );
    return schema;
}

/**
 * The schema without its annotations for people (title, descriptions): what the validator is
 * compiled from and carries at run time, where they would only cost start-up time.
 */
export function withoutAnnotations(node: Schema): Schema {
    const out: Schema = {};
    for (const [k, v] of Object.entries(node)) {
        if (k === "title" || k === "description") continue;
        if ((k === "properties" || k === "definitions") && v && typeof v === "object") {
            out[k] = Object.fromEntries(Object.entries(v as { [name: string]: Schema }).map(([name, child]) => [name, withoutAnnotations(child)]));
        } else if ((k === "items" || k === "additionalProperties") && v && typeof v === "object") {
            out[k] = withoutAnnotations(v as Schema);
        } else if (k === "anyOf") {
            out[k] = (v as Schema[]).map(withoutAnnotations);
        } else {
            out[k] = v;
        }
    }
    return out;
}

function patternSource(regex: RegExp, where: string): string {
    if (regex.flags !== "") throw new Error(`components/args-rules.ts: ${where}: a pattern takes no flags (the schema compiles it with "u")`);
    try {
        new RegExp(regex.source, "u");
    } catch (e) {
        throw new Error(`components/args-rules.ts: ${where}: the pattern is not valid with the "u" flag: ${(e as Error).message}`, { cause: e });
    }
    return regex.source;
}

const VALIDATOR_HEADER = `// @ts-nocheck -- ajv's standalone code as ajv writes it; the typed exports are at the end.
// Generated by \`npm run generate\` (tools/args-schema.ts) from components/args.ts and
// components/args-rules.ts; do not edit. The validator of ./args.schema.json, precompiled by ajv
// (allErrors), so no schema compiler runs at run time: it needs only ajv's runtime helpers.
// test/args-schema.test.ts fails when this file is stale.
`;

const VALIDATOR_TYPES = `
/** A node of the args' JSON Schema (./args.schema.json). */
export interface ArgsSchemaNode {
    readonly description?: string;
    readonly $ref?: string;
    readonly definitions?: { readonly [name: string]: ArgsSchemaNode };
    readonly type?: "object" | "array" | "string" | "number" | "integer" | "boolean";
    readonly properties?: { readonly [key: string]: ArgsSchemaNode };
    readonly required?: readonly string[];
    readonly additionalProperties?: boolean | ArgsSchemaNode;
    readonly items?: ArgsSchemaNode;
    readonly enum?: readonly unknown[];
    readonly const?: unknown;
    readonly anyOf?: readonly ArgsSchemaNode[];
    readonly minimum?: number;
    readonly maximum?: number;
    readonly minLength?: number;
    readonly maxLength?: number;
    readonly pattern?: string;
    /** What to tell the user when \`pattern\` fails. */
    readonly "${MESSAGE_KEYWORD}"?: string;
    /** A \`pulumi.Input<T>\` field: the plain value or a Pulumi Output (\`anyOf\`). */
    readonly "${INPUT_KEYWORD}"?: boolean;
}

/** One failed check, as ajv reports it: where, and which keyword of the value's schema node. */
export interface ArgsSchemaError {
    /** JSON Pointer to the value, e.g. \`/networkPolicy/nodeToObjectStore/ports/0\`. */
    readonly instancePath: string;
    /** Where the keyword is, relative to the schema or definition that holds it. */
    readonly schemaPath: string;
    readonly keyword: string;
    readonly params: { readonly [param: string]: any };
}

export interface ArgsSchemaValidator {
    /** True when \`data\` matches the schema; otherwise \`errors\` lists every failed check. */
    (data: unknown): boolean;
    errors?: ArgsSchemaError[] | null;
}

export const validateArgsSchema: ArgsSchemaValidator = VALIDATE;

/** The schema the validator was compiled from: ./args.schema.json without its title and descriptions. */
export const argsSchema: ArgsSchemaNode = SCHEMA;
`;

/** The generated files' contents, by path: what `npm run generate` writes. */
export function generateArgsFiles(options: { argsFile?: string; rules?: typeof ARGS_RULES } = {}): Map<string, string> {
    const schema = argsJsonSchema(readArgsDeclarations(options.argsFile), options.rules);
    // One function per definition (inlineRefs false), so each interface's checks exist once in the
    // code; no ajv messages (schema.ts words every message itself).
    const ajv = new Ajv({ allErrors: true, inlineRefs: false, messages: false, strict: true, code: { source: true, esm: true, lines: true } });
    ajv.addKeyword(MESSAGE_KEYWORD);
    ajv.addKeyword(INPUT_KEYWORD);
    const compiled = withoutAnnotations(schema);
    const code = standaloneCode(ajv, ajv.compile(compiled));

    // ajv's own exports (untyped) make way for typed ones.
    const head = /^"use strict";\nexport const validate = (validate\d+);\nexport default \1;\n/.exec(code);
    if (!head) throw new Error("ajv's standalone code no longer starts as this generator expects (ajv is pinned: check its upgrade)");
    const body = code.slice(head[0].length).trimEnd();
    const validator = `${VALIDATOR_HEADER}${body}\n${VALIDATOR_TYPES.replace("VALIDATE", head[1]).replace("SCHEMA", JSON.stringify(compiled))}`;

    // The module must export exactly this schema, and run with nothing but ajv's runtime.
    const exported = loadValidator(validator);
    if (JSON.stringify(exported.argsSchema) !== JSON.stringify(compiled)) throw new Error("the generated validator does not carry the generated schema");
    return new Map([
        [SCHEMA_FILE, `${JSON.stringify(schema, null, 2)}\n`],
        [VALIDATOR_FILE, validator],
    ]);
}

/** Compiles and loads a generated validator module from its text. */
export function loadValidator(source: string): { validateArgsSchema: ((data: unknown) => boolean) & { errors?: any[] | null }; argsSchema: Schema } {
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const module = { exports: {} as any };
    const requireRuntime = (id: string) => {
        if (!id.startsWith("ajv/dist/runtime/")) throw new Error(`the generated validator requires ${id}, not only ajv's runtime`);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(id);
    };
    new Function("require", "module", "exports", js)(requireRuntime, module, module.exports);
    return module.exports;
}

if (require.main === module) {
    const write = process.argv.includes("--write");
    const stale: string[] = [];
    for (const [file, text] of generateArgsFiles()) {
        const rel = path.relative(process.cwd(), file);
        const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
        if (current === text) continue;
        if (write) {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, text);
            console.log(`wrote ${rel}`);
        } else {
            stale.push(rel);
        }
    }
    if (stale.length > 0) {
        console.error(`stale: ${stale.join(", ")}; run \`npm run generate\``);
        process.exit(1);
    }
}
