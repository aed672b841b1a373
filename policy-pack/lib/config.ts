// Policy pack config as the Pulumi CLI builds it, for runs without the CLI (the vmafx-policy
// command, the offline preview, tests). Mirrors pulumi/pulumi pkg/resource/analyzer/config.go:
//  - a --policy-pack-config file maps "all" or a policy name to a level string or to
//    {enforcementLevel?, ...properties};
//  - the config starts from each policy's level (else the pack's, else advisory) and its schema
//    defaults, then the pack's initialConfig is applied, then the file; within one layer "all"
//    sets every policy's level first, then each policy entry applies;
//  - the result is validated against each policy's configSchema.
// Deliberately stricter than the CLI: an unknown policy name or a property no schema declares is
// an error here (the CLI ignores both, so a typo would silently change nothing).
import * as fs from "fs";
import { EnforcementLevel, Policy, PolicyConfigSchema, PolicyPackConfig } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PolicyConfigEntry {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}

/** A parsed config layer: policy name (or "all") -> entry. */
export type PolicyConfigLayer = Record<string, PolicyConfigEntry>;

export class PolicyConfigError extends Error {
    constructor(
        readonly problems: string[],
        source: string,
    ) {
        super(`invalid policy pack config (${source}):\n  ${problems.join("\n  ")}`);
    }
}

function isLevel(v: unknown): v is EnforcementLevel {
    return typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);
}

/** Parses a --policy-pack-config document (or a PolicyPack initialConfig). */
export function parsePolicyConfig(doc: unknown, source: string): PolicyConfigLayer {
    if (doc === undefined || doc === null) return {};
    if (typeof doc !== "object" || Array.isArray(doc)) {
        throw new PolicyConfigError(['the top level must be an object mapping policy names (or "all") to a level or an object'], source);
    }
    const layer: PolicyConfigLayer = {};
    const problems: string[] = [];
    for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
        if (key === "environments" && Array.isArray(value)) continue; // ESC environments: not policy config
        if (typeof value === "string") {
            if (isLevel(value)) layer[key] = { enforcementLevel: value };
            else problems.push(`${key}: ${JSON.stringify(value)} is not a valid enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`);
        } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
                problems.push(
                    `${key}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not a valid enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`,
                );
                continue;
            }
            const entry: PolicyConfigEntry = {};
            if (enforcementLevel !== undefined) entry.enforcementLevel = enforcementLevel;
            if (Object.keys(properties).length > 0) entry.properties = properties;
            layer[key] = entry;
        } else {
            problems.push(`${key}: ${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
    }
    if (problems.length > 0) throw new PolicyConfigError(problems, source);
    return layer;
}

/** Reads and parses a --policy-pack-config JSON file. */
export function loadPolicyConfigFile(file: string): PolicyConfigLayer {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new PolicyConfigError([`cannot read: ${(e as Error).message}`], file);
    }
    if (text.trim() === "") return {};
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new PolicyConfigError([`not valid JSON: ${(e as Error).message}`], file);
    }
    return parsePolicyConfig(doc, file);
}

/** `layer` as a PolicyPack initialConfig. */
export function initialConfigLayer(config: PolicyPackConfig): PolicyConfigLayer {
    return parsePolicyConfig(config, "initialConfig");
}

/** The schema defaults of a policy's config. */
export function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(schema?.properties ?? {})) {
        if (s.default !== undefined) out[k] = structuredClone(s.default);
    }
    return out;
}

function typeOf(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "array";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
}

/** Validates a value against the JSON-schema subset the pack's schemas use. */
export function validateAgainstSchema(schema: PolicyConfigJSONSchema, value: unknown, path: string): string[] {
    const errs: string[] = [];
    if (schema.type !== undefined) {
        const types = Array.isArray(schema.type) ? schema.type : [schema.type];
        const t = typeOf(value);
        if (!types.some((want) => want === t || (want === "number" && t === "integer"))) {
            return [`${path}: expected ${types.join(" or ")}, got ${t} ${JSON.stringify(value)}`];
        }
    }
    if (schema.enum !== undefined && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        errs.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    }
    if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) {
        errs.push(`${path}: must be ${JSON.stringify(schema.const)}`);
    }
    if (typeof value === "string") {
        if (schema.minLength !== undefined && value.length < schema.minLength) errs.push(`${path}: must be at least ${schema.minLength} characters`);
        if (schema.maxLength !== undefined && value.length > schema.maxLength) errs.push(`${path}: must be at most ${schema.maxLength} characters`);
        if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
            errs.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
        }
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) errs.push(`${path}: must be >= ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum) errs.push(`${path}: must be <= ${schema.maximum}`);
    }
    if (Array.isArray(value)) {
        if (schema.minItems !== undefined && value.length < schema.minItems) errs.push(`${path}: needs at least ${schema.minItems} items`);
        if (schema.maxItems !== undefined && value.length > schema.maxItems) errs.push(`${path}: allows at most ${schema.maxItems} items`);
        if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) errs.push(`${path}: items must be unique`);
        if (schema.items !== undefined && typeof schema.items === "object" && !Array.isArray(schema.items)) {
            const itemSchema = schema.items;
            value.forEach((v, i) => errs.push(...validateAgainstSchema(itemSchema, v, `${path}[${i}]`)));
        }
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const o = value as Record<string, unknown>;
        for (const req of schema.required ?? []) if (!(req in o)) errs.push(`${path}.${req}: required`);
        for (const [k, v] of Object.entries(o)) {
            const s = schema.properties?.[k];
            if (s !== undefined && typeof s === "object") errs.push(...validateAgainstSchema(s, v, `${path}.${k}`));
            else if (s === undefined && schema.additionalProperties === false) errs.push(`${path}.${k}: unknown property`);
        }
    }
    return errs;
}

export interface ReconciledConfig {
    /** Effective level per policy. */
    levels: Record<string, EnforcementLevel>;
    /** What getConfig() returns per policy (schema defaults, then the layers). */
    properties: Record<string, Record<string, unknown>>;
}

/** Builds the effective config like the CLI; throws PolicyConfigError when it does not validate. */
export function reconcilePolicyConfig(
    policies: readonly Policy[],
    packLevel: EnforcementLevel | undefined,
    layers: readonly { layer: PolicyConfigLayer; source: string }[],
): ReconciledConfig {
    const levels: Record<string, EnforcementLevel> = {};
    const properties: Record<string, Record<string, unknown>> = {};
    for (const p of policies) {
        levels[p.name] = p.enforcementLevel ?? packLevel ?? "advisory";
        properties[p.name] = schemaDefaults(p.configSchema);
    }
    const problems: string[] = [];
    for (const { layer, source } of layers) {
        const all = layer.all?.enforcementLevel;
        if (all !== undefined) for (const name of Object.keys(levels)) levels[name] = all;
        if (layer.all?.properties)
            problems.push(`${source}: "all" only takes an enforcement level; the CLI ignores its properties (${Object.keys(layer.all.properties).join(", ")})`);
        for (const [name, entry] of Object.entries(layer)) {
            if (name === "all") continue;
            if (!(name in levels)) {
                problems.push(`${source}: unknown policy "${name}" (policies: ${Object.keys(levels).join(", ")})`);
                continue;
            }
            if (entry.enforcementLevel !== undefined) levels[name] = entry.enforcementLevel;
            Object.assign(properties[name], entry.properties ?? {});
        }
    }
    for (const p of policies) {
        const schema = p.configSchema;
        for (const key of Object.keys(properties[p.name])) {
            if (!schema?.properties[key])
                problems.push(`${p.name}.${key}: not a config property of this policy (${Object.keys(schema?.properties ?? {}).join(", ") || "none"})`);
        }
        if (schema) {
            problems.push(...validateAgainstSchema({ type: "object", properties: schema.properties, required: schema.required }, properties[p.name], p.name));
        }
    }
    if (problems.length > 0) throw new PolicyConfigError(problems, layers.map((l) => l.source).join(" + ") || "defaults");
    return { levels, properties };
}

/** The one `environment` the policies of a config layer set (undefined when none; an error when they differ). */
export function configEnvironment(layer: PolicyConfigLayer, source: string): string | undefined {
    const values = new Set(
        Object.values(layer)
            .map((e) => e.properties?.environment)
            .filter((v): v is string => typeof v === "string"),
    );
    if (values.size > 1) throw new PolicyConfigError([`policies set different environments: ${[...values].join(", ")}`], source);
    return values.size === 1 ? [...values][0] : undefined;
}
