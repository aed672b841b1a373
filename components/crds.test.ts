// The CRDs: structural schemas (what the API server requires of every v1 CRD), defaults valid
// against their own nodes, sample objects judged by the schemas as the API server judges them
// (unknown fields refused, as kubectl's default strict field validation does), the plan's CRD
// objects, the operator's ClusterRole against the CRD data, and the warnings of crds.retainOnDelete.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv, { ValidateFunction } from "ajv";
import type { VmafxStackArgs } from "./args";
import { BuildContext, Manifest, PlannedResource, makeContext } from "./context";
import {
    PrinterColumn,
    Schema,
    TENANT_ID_PATTERN,
    VMAFX_CRDS,
    VMAFX_GROUP,
    VmafxCrd,
    crdName,
    crdResources,
    crdWarnings,
    objectSchema,
    vmafxCrd,
} from "./crds";
import { buildPlan } from "./plan";
import { OPERATOR_CRDS, operatorClusterRules, operatorRbac } from "./rbac";
import { validateArgs } from "./schema";
import { planObjects, stackBuildContext } from "../tools/offline/objects";
import { PROJECT_NAME, readStackConfig } from "../tools/offline/config";

function context(args: VmafxStackArgs): BuildContext {
    return makeContext(validateArgs("vmafx", args, "args."));
}

// ---- the structural-schema rules of apiextensions.k8s.io/v1 -------------------------------------------------

/** Keywords a structural schema node may carry (the API server refuses $ref, definitions, patternProperties, …). */
const ALLOWED_KEYWORDS = new Set([
    "type",
    "description",
    "properties",
    "additionalProperties",
    "items",
    "required",
    "enum",
    "default",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
]);
const TYPES = new Set(["object", "array", "string", "integer", "number", "boolean"]);
/** Formats the API server validates per type; any other format is silently dropped, so it would check nothing. */
const FORMATS: Record<string, Set<string>> = {
    string: new Set(["uri", "date-time", "datetime", "date", "duration", "email", "hostname", "ipv4", "ipv6", "cidr", "uuid", "byte"]),
    integer: new Set(["int32", "int64"]),
    number: new Set(["float", "double"]),
};

function typeOf(v: unknown): string {
    if (Array.isArray(v)) return "array";
    if (v === null) return "null";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
}

function matchesType(v: unknown, type: string): boolean {
    const t = typeOf(v);
    return t === type || (type === "number" && t === "integer");
}

/**
 * Problems that make a schema non-structural or that the API server refuses, one line each with
 * the node's path. `root` marks the object's top level, where `metadata` may only be typed.
 */
function structuralProblems(node: Schema, at = "", root = true): string[] {
    const problems: string[] = [];
    const here = at || "<root>";
    for (const key of Object.keys(node)) {
        if (!ALLOWED_KEYWORDS.has(key)) problems.push(`${here}: keyword ${key} is not allowed in a structural schema`);
    }
    if (!node.type || !TYPES.has(node.type)) {
        problems.push(`${here}: no type (every node needs one)`);
        return problems;
    }
    if (node.type === "object") {
        if (node.properties && node.additionalProperties) problems.push(`${here}: properties and additionalProperties on one node`);
        const isMetadata = root === false && at === ".metadata";
        if (!node.properties && !node.additionalProperties && !isMetadata) {
            problems.push(`${here}: object without properties or additionalProperties (every field would be pruned)`);
        }
        if (isMetadata && Object.keys(node).some((k) => k !== "type")) problems.push(`${here}: metadata may only be typed`);
        for (const r of node.required ?? []) {
            if (!node.properties?.[r]) problems.push(`${here}: required field ${r} is not a property`);
        }
        for (const [name, child] of Object.entries(node.properties ?? {})) {
            problems.push(...structuralProblems(child, `${at}.${name}`, false));
        }
        if (node.additionalProperties) problems.push(...structuralProblems(node.additionalProperties, `${at}.*`, false));
    } else if (node.properties || node.additionalProperties || node.required) {
        problems.push(`${here}: properties, additionalProperties or required on a ${node.type}`);
    }
    if (node.type === "array") {
        if (!node.items) problems.push(`${here}: array without items`);
        else problems.push(...structuralProblems(node.items, `${at}[]`, false));
        const listType = node["x-kubernetes-list-type"];
        const keys = node["x-kubernetes-list-map-keys"];
        if (keys && listType !== "map") problems.push(`${here}: x-kubernetes-list-map-keys without x-kubernetes-list-type map`);
        if (listType === "map") {
            if (!keys || keys.length === 0) problems.push(`${here}: x-kubernetes-list-type map without x-kubernetes-list-map-keys`);
            for (const k of keys ?? []) {
                const key = node.items?.properties?.[k];
                const scalar = key && ["string", "integer", "number", "boolean"].includes(key.type);
                const set = node.items?.required?.includes(k) || key?.default !== undefined;
                if (!scalar || !set) problems.push(`${here}: list-map key ${k} must be a scalar property that is required or defaulted`);
            }
        }
    } else if (node.items || node["x-kubernetes-list-type"]) {
        problems.push(`${here}: items or a list type on a ${node.type}`);
    }
    if (node.format && !FORMATS[node.type]?.has(node.format)) problems.push(`${here}: format ${node.format} is not validated for ${node.type}`);
    for (const v of node.enum ?? []) {
        if (!matchesType(v, node.type)) problems.push(`${here}: enum value ${JSON.stringify(v)} is not a ${node.type}`);
    }
    if (node.default !== undefined && !matchesType(node.default, node.type)) {
        problems.push(`${here}: default ${JSON.stringify(node.default)} is not a ${node.type}`);
    }
    if (node.pattern !== undefined) {
        try {
            new RegExp(node.pattern, "u");
        } catch (e) {
            problems.push(`${here}: pattern does not compile: ${(e as Error).message}`);
        }
    }
    return problems;
}

/** Every node of a schema with its path, depth first. */
function nodes(node: Schema, at = ""): [string, Schema][] {
    return [
        [at || "<root>", node],
        ...Object.entries(node.properties ?? {}).flatMap(([k, v]) => nodes(v, `${at}.${k}`)),
        ...(node.additionalProperties ? nodes(node.additionalProperties, `${at}.*`) : []),
        ...(node.items ? nodes(node.items, `${at}[]`) : []),
    ];
}

// ---- the schemas as JSON Schema, judged as the API server judges objects ------------------------------------

/** Go's url.ParseRequestURI, which the API server's `uri` format uses: an absolute URI or an absolute path, no blanks. */
const REQUEST_URI = /^(?:[A-Za-z][A-Za-z0-9+.-]*:|\/)[^\s]*$/;
/** RFC 3339 date-time, as the API server's `date-time` format accepts it. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function ajv(): Ajv {
    const a = new Ajv({ allErrors: true, strict: true, useDefaults: true });
    a.addFormat("uri", { type: "string", validate: (s: string) => REQUEST_URI.test(s) });
    a.addFormat("date-time", { type: "string", validate: (s: string) => DATE_TIME.test(s) });
    a.addFormat("int32", { type: "number", validate: (n: number) => n >= -(2 ** 31) && n < 2 ** 31 });
    a.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
    return a;
}

/**
 * The node as JSON Schema: every object with properties is closed (an unknown field is refused,
 * as kubectl's strict field validation refuses it) and the x-kubernetes-* extensions, which JSON
 * Schema does not know, are left out.
 */
function asJsonSchema(node: Schema): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
        if (k.startsWith("x-kubernetes-") || k === "description") continue;
        if (k === "properties") out[k] = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([p, s]) => [p, asJsonSchema(s)]));
        else if (k === "additionalProperties" || k === "items") out[k] = asJsonSchema(v as Schema);
        else out[k] = v;
    }
    if (node.type === "object" && node.properties) out.additionalProperties = false;
    return out;
}

const validators = new Map<string, ValidateFunction>();
function validatorOf(crd: VmafxCrd): ValidateFunction {
    let v = validators.get(crd.kind);
    if (!v) {
        v = ajv().compile(asJsonSchema(objectSchema(crd)));
        validators.set(crd.kind, v);
    }
    return v;
}

/** Errors of an object of the kind (none when admitted); defaults are filled into `obj`, as the API server fills them. */
function judge(kind: string, obj: Record<string, unknown>): string[] {
    const v = validatorOf(vmafxCrd(kind));
    return v(obj) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}

function object(kind: string, spec: unknown, status?: unknown): Record<string, any> {
    return {
        apiVersion: `${VMAFX_GROUP}/v1`,
        kind,
        metadata: { name: "sample", namespace: "vmafx" },
        ...(spec === undefined ? {} : { spec: JSON.parse(JSON.stringify(spec)) }),
        ...(status === undefined ? {} : { status }),
    };
}

const OIDC = { issuer: "https://login.example.com/a/", jwksEndpoint: "https://login.example.com/a/keys" };

/** Per kind: objects the API server admits (with the spec it stores) and objects it refuses (with where). */
const SAMPLES: {
    kind: string;
    valid: { name: string; spec: unknown; status?: unknown; stored?: unknown }[];
    invalid: { name: string; spec?: unknown; status?: unknown; error: RegExp }[];
}[] = [
    {
        kind: "VmafxJob",
        valid: [
            {
                name: "the two URIs only, defaults filled in",
                spec: { reference: "s3://corpus/ref.mp4", distorted: "s3://corpus/dist.mp4" },
                stored: { reference: "s3://corpus/ref.mp4", distorted: "s3://corpus/dist.mp4", backend: "cpu", priority: 0 },
            },
            {
                name: "every field, with a status",
                spec: { reference: "file:///corpus/ref.y4m", distorted: "file:///corpus/d.y4m", model: "vmaf_v0.6.1", backend: "cuda", priority: 7 },
                status: {
                    phase: "Succeeded",
                    score: 93.41,
                    assignedNode: "node-0",
                    controllerJobID: "j-17",
                    startedAt: "2026-10-04T10:00:00Z",
                    finishedAt: "2026-10-04T10:01:12.5+02:00",
                    message: "",
                },
            },
        ],
        invalid: [
            {
                name: "a backend outside the enum",
                spec: { reference: "a", distorted: "b", backend: "vulkan" },
                error: /\/spec\/backend must be equal to one of/,
            },
            { name: "a negative priority", spec: { reference: "a", distorted: "b", priority: -1 }, error: /\/spec\/priority must be >= 0/ },
            { name: "a fractional priority", spec: { reference: "a", distorted: "b", priority: 1.5 }, error: /\/spec\/priority must be integer/ },
            { name: "no reference", spec: { distorted: "b" }, error: /\/spec must have required property 'reference'/ },
            { name: "no spec", error: /\/ must have required property 'spec'/ },
            { name: "an unknown spec field", spec: { reference: "a", distorted: "b", referense: "a" }, error: /\/spec must NOT have additional properties/ },
            {
                name: "a phase outside the enum",
                spec: { reference: "a", distorted: "b" },
                status: { phase: "Done" },
                error: /\/status\/phase must be equal to one of/,
            },
            {
                name: "a startedAt that is no date-time",
                spec: { reference: "a", distorted: "b" },
                status: { startedAt: "yesterday" },
                error: /\/status\/startedAt must match format/,
            },
        ],
    },
    {
        kind: "VmafxNode",
        valid: [
            { name: "a vendor only", spec: { gpuVendor: "cpu" }, stored: { gpuVendor: "cpu" } },
            {
                name: "every field, with a status",
                spec: { gpuVendor: "nvidia", capacity: 4, image: "ghcr.io/vmafx/vmafx-node:v3.2.1" },
                status: { healthy: true, lastHeartbeat: "2026-10-04T10:00:00Z", assignedJobs: 2, detectedDevice: "NVIDIA L4" },
            },
        ],
        invalid: [
            { name: "no vendor", spec: { capacity: 1 }, error: /\/spec must have required property 'gpuVendor'/ },
            { name: "a vendor outside the enum", spec: { gpuVendor: "apple" }, error: /\/spec\/gpuVendor must be equal to one of/ },
            { name: "capacity 0", spec: { gpuVendor: "amd", capacity: 0 }, error: /\/spec\/capacity must be >= 1/ },
            { name: "a healthy that is a string", spec: { gpuVendor: "amd" }, status: { healthy: "yes" }, error: /\/status\/healthy must be boolean/ },
        ],
    },
    {
        kind: "VmafxModelTraining",
        valid: [
            {
                name: "the registry only, checkpoint defaults filled in",
                spec: { outputRegistry: "oci://registry.example.com/vmafx/models" },
                stored: { outputRegistry: "oci://registry.example.com/vmafx/models", checkpoint: { interval: "10m", minSamples: 1000 } },
            },
            {
                name: "every field",
                spec: {
                    baseModel: "vmaf_v0.6.1",
                    algorithm: "online-sgd-ema",
                    outputRegistry: "oci://r/m",
                    dataSource: { nodeSelector: { "vmafx.dev/pool": "a" } },
                    checkpoint: { interval: "1h" },
                },
                status: { phase: "Running", currentSamples: 12000, lastCheckpoint: "2026-10-04T10:00:00Z", modelVersion: "3" },
                stored: {
                    baseModel: "vmaf_v0.6.1",
                    algorithm: "online-sgd-ema",
                    outputRegistry: "oci://r/m",
                    dataSource: { nodeSelector: { "vmafx.dev/pool": "a" } },
                    checkpoint: { interval: "1h", minSamples: 1000 },
                },
            },
        ],
        invalid: [
            { name: "no registry", spec: { baseModel: "m" }, error: /\/spec must have required property 'outputRegistry'/ },
            { name: "another algorithm", spec: { outputRegistry: "r", algorithm: "adam" }, error: /\/spec\/algorithm must be equal to one of/ },
            {
                name: "a selector value that is no string",
                spec: { outputRegistry: "r", dataSource: { nodeSelector: { a: 1 } } },
                error: /nodeSelector\/a must be string/,
            },
            {
                name: "a phase outside the enum",
                spec: { outputRegistry: "r" },
                status: { phase: "Succeeded" },
                error: /\/status\/phase must be equal to one of/,
            },
        ],
    },
    {
        kind: "VmafxTenant",
        valid: [
            {
                name: "ID and provider only, defaults filled in",
                spec: { tenantId: "studio-a", oidc: OIDC },
                stored: {
                    tenantId: "studio-a",
                    enabled: true,
                    oidc: { ...OIDC, tenantClaim: "tid", rolesClaim: "vmafx_roles" },
                    rbac: { defaultRole: "vmafx:reader", allowedRoles: ["vmafx:reader", "vmafx:writer"] },
                },
            },
            { name: "a two-character ID", spec: { tenantId: "a1", oidc: OIDC } },
            { name: "a 64-character ID", spec: { tenantId: `a${"-".repeat(62)}z`, oidc: OIDC } },
            {
                name: "a suspended tenant with its own roles and claims",
                spec: {
                    tenantId: "0studio",
                    enabled: false,
                    oidc: { ...OIDC, audience: "vmafx", tenantClaim: "org", rolesClaim: "roles" },
                    rbac: { defaultRole: "vmafx:admin", allowedRoles: ["vmafx:admin"] },
                },
                status: {
                    observedGeneration: 3,
                    conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-10-04T10:00:00Z", reason: "Loaded", message: "" }],
                },
            },
        ],
        invalid: [
            { name: "an uppercase ID", spec: { tenantId: "Studio", oidc: OIDC }, error: /\/spec\/tenantId must match pattern/ },
            { name: "a one-character ID", spec: { tenantId: "a", oidc: OIDC }, error: /\/spec\/tenantId must NOT have fewer than 2 characters/ },
            { name: "a 65-character ID", spec: { tenantId: "a".repeat(65), oidc: OIDC }, error: /\/spec\/tenantId must NOT have more than 64 characters/ },
            { name: "an ID ending in '-'", spec: { tenantId: "studio-", oidc: OIDC }, error: /\/spec\/tenantId must match pattern/ },
            { name: "no provider", spec: { tenantId: "studio" }, error: /\/spec must have required property 'oidc'/ },
            {
                name: "no JWKS URL",
                spec: { tenantId: "studio", oidc: { issuer: OIDC.issuer } },
                error: /\/spec\/oidc must have required property 'jwksEndpoint'/,
            },
            {
                name: "an issuer that is no URI",
                spec: { tenantId: "studio", oidc: { ...OIDC, issuer: "login example" } },
                error: /\/spec\/oidc\/issuer must match format "uri"/,
            },
            {
                name: "the vmafx:node role",
                spec: { tenantId: "studio", oidc: OIDC, rbac: { defaultRole: "vmafx:node" } },
                error: /\/spec\/rbac\/defaultRole must be equal to one of/,
            },
            {
                name: "an allowed role outside the enum",
                spec: { tenantId: "studio", oidc: OIDC, rbac: { allowedRoles: ["vmafx:reader", "root"] } },
                error: /\/spec\/rbac\/allowedRoles\/1 must be equal to one of/,
            },
            {
                name: "a condition without a reason",
                spec: { tenantId: "studio", oidc: OIDC },
                status: { conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-10-04T10:00:00Z", message: "" }] },
                error: /\/status\/conditions\/0 must have required property 'reason'/,
            },
        ],
    },
];

/** The schema node a printer column's `.spec.a.b` / `.status.a` path names, if any. */
function nodeAt(schema: Schema, jsonPath: string): Schema | undefined {
    let node: Schema | undefined = schema;
    for (const part of jsonPath.replace(/^\./, "").split(".")) node = node?.properties?.[part];
    return node;
}

function columnMatches(column: PrinterColumn, node: Schema | undefined): boolean {
    if (column.jsonPath === ".metadata.creationTimestamp") return column.type === "date";
    if (!node) return false;
    if (column.type === "date") return node.type === "string" && node.format === "date-time";
    return node.type === column.type;
}

describe("CRDs (components/crds.ts)", () => {
    describe("the structural-schema checker finds what the API server refuses", () => {
        const cases: [string, Schema, RegExp][] = [
            ["an untyped node", { type: "object", properties: { a: {} as Schema } }, /\.a: no type/],
            ["an object with no fields", { type: "object", properties: { a: { type: "object" } } }, /\.a: object without properties/],
            ["an array without items", { type: "object", properties: { a: { type: "array" } } }, /\.a: array without items/],
            [
                "properties beside additionalProperties",
                { type: "object", properties: { a: { type: "object", properties: { b: { type: "string" } }, additionalProperties: { type: "string" } } } },
                /\.a: properties and additionalProperties/,
            ],
            ["a $ref", { type: "object", properties: { a: { type: "string", $ref: "#/x" } as Schema } }, /keyword \$ref is not allowed/],
            ["a default of another type", { type: "object", properties: { a: { type: "integer", default: "0" } } }, /\.a: default "0" is not a integer/],
            ["an enum value of another type", { type: "object", properties: { a: { type: "string", enum: [1] } } }, /\.a: enum value 1 is not a string/],
            ["a format the API server ignores", { type: "object", properties: { a: { type: "string", format: "url" } } }, /format url is not validated/],
            ["a required field that is not a property", { type: "object", required: ["b"], properties: { a: { type: "string" } } }, /required field b/],
            [
                "a list-map key that may be missing",
                {
                    type: "object",
                    properties: {
                        a: {
                            type: "array",
                            "x-kubernetes-list-type": "map",
                            "x-kubernetes-list-map-keys": ["k"],
                            items: { type: "object", properties: { k: { type: "string" } } },
                        },
                    },
                },
                /list-map key k/,
            ],
        ];
        for (const [name, schema, problem] of cases) {
            it(name, () => {
                const found = structuralProblems(schema);
                assert.ok(
                    found.some((p) => problem.test(p)),
                    `expected ${problem}, got ${JSON.stringify(found)}`,
                );
            });
        }
    });

    for (const crd of VMAFX_CRDS) {
        describe(`${crd.kind} (${crdName(crd)})`, () => {
            const schema = objectSchema(crd);

            it("is structural: every node typed, objects with fields, arrays with items, nothing the API server refuses", () => {
                assert.deepEqual(structuralProblems(schema), []);
            });

            it("requires spec, so a missing spec cannot skip the required fields under it", () => {
                assert.deepEqual(schema.required, ["spec"]);
                assert.ok((crd.spec.required ?? []).length > 0, `${crd.kind} spec has no required fields`);
            });

            it("every default is valid against its own node", () => {
                const defaulted = nodes(schema).filter(([, n]) => n.default !== undefined);
                assert.ok(defaulted.length > 0 || crd.kind === "VmafxNode", `${crd.kind} has no defaults`);
                for (const [at, node] of defaulted) {
                    const v = ajv().compile(asJsonSchema({ ...node, default: undefined }));
                    const value = JSON.parse(JSON.stringify(node.default));
                    assert.ok(v(value), `default of ${at} ${JSON.stringify(node.default)}: ${JSON.stringify(v.errors)}`);
                }
            });

            it("printer columns name schema fields of their type", () => {
                for (const column of crd.columns) {
                    const node = nodeAt(schema, column.jsonPath);
                    assert.ok(columnMatches(column, node), `${column.name} ${column.jsonPath} (${column.type}) vs ${JSON.stringify(node)}`);
                }
                assert.equal(crd.columns[crd.columns.length - 1].name, "Age");
            });

            const samples = SAMPLES.find((s) => s.kind === crd.kind)!;
            for (const s of samples.valid) {
                it(`admits ${s.name}`, () => {
                    const obj = object(crd.kind, s.spec, s.status);
                    assert.deepEqual(judge(crd.kind, obj), []);
                    if (s.stored) assert.deepEqual(obj.spec, s.stored);
                });
            }
            for (const s of samples.invalid) {
                it(`refuses ${s.name}`, () => {
                    const errors = judge(crd.kind, object(crd.kind, s.spec, s.status));
                    assert.ok(
                        errors.some((e) => s.error.test(e)),
                        `expected ${s.error}, got ${JSON.stringify(errors)}`,
                    );
                });
            }
        });
    }

    it("the VmafxJob printer columns are Phase, Score, Node, Age", () => {
        assert.deepEqual(
            vmafxCrd("VmafxJob").columns.map((c) => c.name),
            ["Phase", "Score", "Node", "Age"],
        );
    });

    describe("the plan", () => {
        const crdsOf = (planned: PlannedResource[]) => planned.filter((p) => p.manifest.kind === "CustomResourceDefinition");

        it("installs the four CRDs when the operator is on, with fixed names, roles and the release's labels", () => {
            const ctx = context({ operator: { enabled: true } });
            const planned = crdResources(ctx);
            assert.deepEqual(
                planned.map((p) => [p.role, p.manifest.metadata.name]),
                [
                    ["crd-vmafxjobs", "vmafxjobs.vmafx.dev"],
                    ["crd-vmafxnodes", "vmafxnodes.vmafx.dev"],
                    ["crd-vmafxmodeltrainings", "vmafxmodeltrainings.vmafx.dev"],
                    ["crd-vmafxtenants", "vmafxtenants.vmafx.dev"],
                ],
            );
            for (const p of planned) {
                assert.deepEqual(p.manifest.metadata.labels, ctx.naming.labels());
                assert.equal(p.manifest.metadata.namespace, undefined, "a CRD is cluster-scoped");
            }
        });

        it("names do not depend on the release, so no argument can make Pulumi replace a CRD", () => {
            const names = (args: VmafxStackArgs, name: string) =>
                crdResources(makeContext(validateArgs(name, args, "args."))).map((p) => p.manifest.metadata.name);
            assert.deepEqual(
                names({ operator: { enabled: true } }, "vmafx"),
                names({ operator: { enabled: true }, fullnameOverride: "other", namespace: { name: "x" } }, "prod"),
            );
        });

        it("each CRD: group vmafx.dev, v1 served and stored, Namespaced, status subresource, short name and category", () => {
            for (const p of crdResources(context({ operator: { enabled: true } }))) {
                const m = p.manifest as Manifest<"CustomResourceDefinition">;
                const spec = m.spec as any;
                const crd = VMAFX_CRDS.find((c) => crdName(c) === m.metadata.name)!;
                assert.equal(spec.group, "vmafx.dev");
                assert.equal(spec.scope, "Namespaced");
                assert.deepEqual(spec.names, {
                    kind: crd.kind,
                    listKind: `${crd.kind}List`,
                    plural: crd.plural,
                    singular: crd.singular,
                    shortNames: [crd.shortName],
                    categories: ["vmafx"],
                });
                assert.equal(spec.versions.length, 1);
                const [v] = spec.versions;
                assert.deepEqual([v.name, v.served, v.storage], ["v1", true, true]);
                assert.deepEqual(v.subresources, { status: {} });
                assert.deepEqual(v.schema.openAPIV3Schema, objectSchema(crd));
            }
            assert.deepEqual(
                VMAFX_CRDS.map((c) => c.shortName),
                ["vmjob", "vmnode", "vmtrain", "vmtenant"],
            );
        });

        it("installs them by default when the operator or the controller is on, and not otherwise", () => {
            assert.equal(crdResources(context({})).length, 0);
            assert.equal(crdResources(context({ operator: { enabled: true } })).length, 4);
            const controller = { enabled: true };
            const auth = { enabled: true, issuer: "https://id.example.com/", jwksEndpoint: "https://id.example.com/keys" };
            assert.equal(crdResources(context({ controller, auth })).length, 4);
            assert.equal(crdResources(context({ crds: { install: true } })).length, 4);
        });

        it("crds.install=false renders none, even with the operator on", () => {
            const ctx = context({ operator: { enabled: true }, crds: { install: false } });
            assert.deepEqual(crdResources(ctx), []);
            assert.deepEqual(crdsOf(buildPlan(ctx)), []);
        });

        it("retainOnDelete defaults to true, and crds.retainOnDelete=false turns it off", () => {
            for (const p of crdResources(context({ operator: { enabled: true } }))) assert.equal(p.retainOnDelete, true, p.role);
            for (const p of crdResources(context({ operator: { enabled: true }, crds: { retainOnDelete: false } })))
                assert.equal(p.retainOnDelete, false, p.role);
        });

        it("the whole plan registers the CRDs, retained, and nothing else with retainOnDelete", () => {
            const planned = buildPlan(context({ operator: { enabled: true } }));
            assert.deepEqual(
                crdsOf(planned).map((p) => p.role),
                VMAFX_CRDS.map((c) => `crd-${c.plural}`),
            );
            assert.deepEqual(
                planned.filter((p) => p.retainOnDelete).map((p) => p.manifest.kind),
                VMAFX_CRDS.map(() => "CustomResourceDefinition"),
            );
        });
    });

    describe("RBAC against the CRD data", () => {
        it("the operator's ClusterRole covers exactly the kinds it reconciles, with status and finalizers, and not VmafxTenant", () => {
            const reconciled = VMAFX_CRDS.filter((c) => c.reconciledByOperator).map((c) => c.plural);
            assert.deepEqual(reconciled, ["vmafxjobs", "vmafxnodes", "vmafxmodeltrainings"]);
            assert.deepEqual([...OPERATOR_CRDS], reconciled);
            const rbac = operatorRbac(context({ operator: { enabled: true } }));
            const role = rbac.find((p) => p.manifest.kind === "ClusterRole")!.manifest as Manifest<"ClusterRole">;
            const rules = role.rules as { apiGroups: string[]; resources: string[] }[];
            assert.deepEqual(rules, operatorClusterRules());
            assert.ok(rules.every((r) => r.apiGroups.length === 1 && r.apiGroups[0] === VMAFX_GROUP));
            const resources = rules.flatMap((r) => r.resources).sort();
            assert.deepEqual(resources, reconciled.flatMap((p) => [p, `${p}/finalizers`, `${p}/status`]).sort());
            assert.ok(!resources.some((r) => r.startsWith("vmafxtenants")));
        });

        it("every vmafx.dev resource any role of the full plan grants is one of the CRDs (or its subresource)", () => {
            const ctx = stackBuildContext(readStackConfig("prod"), PROJECT_NAME);
            const plurals = new Set(VMAFX_CRDS.map((c) => c.plural));
            const granted = buildPlan(ctx)
                .filter((p) => p.manifest.kind === "ClusterRole" || p.manifest.kind === "Role")
                .flatMap((p) => ((p.manifest as Manifest<"Role">).rules ?? []) as { apiGroups?: string[]; resources?: string[] }[])
                .filter((r) => r.apiGroups?.includes(VMAFX_GROUP))
                .flatMap((r) => r.resources ?? []);
            assert.ok(granted.length > 0);
            for (const r of granted) assert.ok(plurals.has(r.split("/")[0]), `${r} is not a vmafx.dev CRD`);
        });
    });

    describe("custom resources of the committed stacks are valid against the CRDs", () => {
        for (const stack of ["dev", "prod"]) {
            it(stack, () => {
                const objects = planObjects(readStackConfig(stack), PROJECT_NAME).filter((o) => String(o.apiVersion).startsWith(`${VMAFX_GROUP}/`));
                for (const o of objects) {
                    const copy = JSON.parse(JSON.stringify(o));
                    assert.deepEqual(judge(o.kind, copy), [], `${o.kind}/${o.metadata.name}`);
                }
                if (stack === "prod") assert.ok(objects.length > 0, "prod renders no vmafx.dev objects (its tenants)");
            });
        }
    });

    it("docs/crds.md states every kind, plural, short name, column, enum value, default and the tenant ID pattern", () => {
        const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "crds.md"), "utf8");
        const missing: string[] = [];
        const need = (text: string, what: string) => {
            if (!doc.includes(text)) missing.push(`${what}: ${text}`);
        };
        for (const crd of VMAFX_CRDS) {
            for (const text of [crd.kind, crd.plural, crd.shortName]) need(`\`${text}\``, crd.kind);
            for (const c of crd.columns) need(c.name, `${crd.kind} column`);
            for (const [at, node] of nodes(objectSchema(crd))) {
                for (const v of node.enum ?? []) need(`\`${v}\``, `${crd.kind}${at} enum`);
                const d = node.default;
                if (Array.isArray(d)) need(`[${d.join(", ")}]`, `${crd.kind}${at} default`);
                else if (d !== undefined && typeof d !== "object") need(`default \`${d}\``, `${crd.kind}${at} default`);
            }
        }
        need(`\`${TENANT_ID_PATTERN}\``, "tenant ID pattern");
        assert.deepEqual(missing, []);
    });

    describe("crdWarnings", () => {
        it("says nothing while the CRDs are retained (the default)", () => {
            assert.deepEqual(crdWarnings(context({ operator: { enabled: true } })), []);
            assert.deepEqual(crdWarnings(context({})), []);
        });

        it("warns, naming every CRD and kind, when installed CRDs are not retained", () => {
            const warnings = crdWarnings(context({ operator: { enabled: true }, crds: { retainOnDelete: false } }));
            assert.equal(warnings.length, 1);
            for (const c of VMAFX_CRDS) {
                assert.ok(warnings[0].includes(crdName(c)), crdName(c));
                assert.ok(warnings[0].includes(c.kind), c.kind);
            }
            assert.match(warnings[0], /deletes/);
        });

        it("warns when the CRDs are neither installed nor retained: state from an earlier update decides", () => {
            const warnings = crdWarnings(context({ crds: { install: false, retainOnDelete: false } }));
            assert.equal(warnings.length, 1);
            assert.match(warnings[0], /first run an update with crds.retainOnDelete true/);
        });
    });
});
