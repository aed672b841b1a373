// The args' JSON Schema and its precompiled validator: generated from components/args.ts plus
// components/args-rules.ts (`npm run generate`), committed, and never stale; a field added to
// args.ts without regenerating is caught; the validator runs without ajv's compiler.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, GpuVendor, TOP_LEVEL_KEYS, VmafxArgsError, WorkloadKind, isStringKey, validateArgs } from "@vmafx-k8s/vmafx/plan";
import { ARGS_RULES } from "@vmafx-k8s/vmafx/args-rules";
import { ARGS_FILE, ROOT_INTERFACE, readArgsDeclarations } from "../tools/args-declarations";
import { SCHEMA_FILE, VALIDATOR_FILE, argsJsonSchema, generateArgsFiles, loadValidator, withoutAnnotations } from "../tools/args-schema";

const ROOT = path.resolve(__dirname, "..");

/** The problems validateArgs reports for `args` as stack config (`vmafx:` keys, plain values), one line each (`key = value: message`). */
function problems(args: unknown): string[] {
    try {
        validateArgs("vmafx", args, "vmafx:", { plainValues: true });
    } catch (e) {
        assert.ok(e instanceof VmafxArgsError, String(e));
        return e.message
            .split("\n")
            .slice(1)
            .map((l) => l.replace(/^ {2}- /, ""));
    }
    return [];
}

/** Every node of the schema (definitions included), with its JSON Pointer. */
function nodes(schema: any, at = "#"): [string, any][] {
    const out: [string, any][] = [[at, schema]];
    for (const [k, v] of Object.entries<any>(schema.properties ?? {})) out.push(...nodes(v, `${at}/properties/${k}`));
    for (const [k, v] of Object.entries<any>(schema.definitions ?? {})) out.push(...nodes(v, `${at}/definitions/${k}`));
    if (schema.items) out.push(...nodes(schema.items, `${at}/items`));
    if (typeof schema.additionalProperties === "object") out.push(...nodes(schema.additionalProperties, `${at}/additionalProperties`));
    (schema.anyOf ?? []).forEach((v: any, i: number) => out.push(...nodes(v, `${at}/anyOf/${i}`)));
    return out;
}

function tmpArgs(edit: (source: string) => string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-args-"));
    const file = path.join(dir, "args.ts");
    fs.writeFileSync(file, edit(fs.readFileSync(ARGS_FILE, "utf8")));
    return file;
}

const NODE_POOL = "export interface NodePoolSettings {\n";

describe("args schema", function () {
    this.timeout(60000);
    const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));
    let generated: Map<string, string>;
    before(() => {
        generated = generateArgsFiles();
    });

    describe("generated files", () => {
        it("components/generated/ holds what `npm run generate` produces from args.ts and args-rules.ts now", () => {
            for (const [file, text] of generated) {
                assert.ok(fs.existsSync(file), `${path.relative(ROOT, file)} is missing: run \`npm run generate\``);
                assert.equal(fs.readFileSync(file, "utf8"), text, `${path.relative(ROOT, file)} is stale: run \`npm run generate\``);
            }
        });

        it("the validator carries args.schema.json without its descriptions, and a field named `description` keeps its node", () => {
            assert.deepEqual(loadValidator(fs.readFileSync(VALIDATOR_FILE, "utf8")).argsSchema, withoutAnnotations(schema));
            assert.doesNotMatch(JSON.stringify(withoutAnnotations(schema)), /"description":"/);
            assert.deepEqual(withoutAnnotations({ description: "x", type: "object", properties: { description: { description: "y", type: "string" } } }), {
                type: "object",
                properties: { description: { type: "string" } },
            });
        });

        it("a field added to args.ts without regenerating makes the staleness check fail, and the committed validator refuses it", () => {
            const file = tmpArgs((s) => s.replace(NODE_POOL, `${NODE_POOL}    /** Scheduler hint of the node pods. */\n    schedulerHint?: string;\n`));
            const regenerated = generateArgsFiles({ argsFile: file });
            assert.notEqual(regenerated.get(SCHEMA_FILE), fs.readFileSync(SCHEMA_FILE, "utf8"), "the staleness check would not notice the new field");
            assert.notEqual(regenerated.get(VALIDATOR_FILE), fs.readFileSync(VALIDATOR_FILE, "utf8"));
            assert.deepEqual(JSON.parse(regenerated.get(SCHEMA_FILE)!).definitions.NodePoolSettings.properties.schedulerHint, {
                description: "Scheduler hint of the node pods.",
                type: "string",
            });
            assert.match(problems({ node: { schedulerHint: "x" } }).join("\n"), /^vmafx:node\.schedulerHint = "x": unknown key; accepted keys here: enabled, /);
            // The regenerated validator accepts it.
            assert.equal(loadValidator(regenerated.get(VALIDATOR_FILE)!).validateArgsSchema({ node: { schedulerHint: "x" } }), true);
        });

        it("a number field without its rule, or a rule for no field, stops the generator with the key named", () => {
            const file = tmpArgs((s) => s.replace(NODE_POOL, `${NODE_POOL}    /** Seconds between heartbeats. */\n    heartbeatSeconds?: number;\n`));
            assert.throws(() => generateArgsFiles({ argsFile: file }), /NodePoolSettings\.heartbeatSeconds is a number and needs a rule/);
            assert.throws(
                () => argsJsonSchema(undefined, { ...ARGS_RULES, "NodePoolSettings.replica": { integer: true } }),
                /"NodePoolSettings\.replica" names no field of args\.ts/,
            );
            assert.throws(
                () => argsJsonSchema(undefined, { ...ARGS_RULES, "NodePoolSettings.controllerAddr": { minimum: 1 } }),
                /`minimum` applies to number fields, not to this string field/,
            );
        });

        it("the validator needs only ajv's runtime helpers, and the plan entry loads neither ajv's compiler nor zod", () => {
            loadValidator(fs.readFileSync(VALIDATOR_FILE, "utf8")); // throws on any other require
            const probe = `require("@vmafx-k8s/vmafx/plan"); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
            const r = spawnSync(process.execPath, ["-e", probe], { cwd: ROOT, encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
            const loaded = (JSON.parse(r.stdout) as string[]).filter((f) => f.includes(`${path.sep}node_modules${path.sep}`));
            assert.ok(
                loaded.some((f) => f.includes(path.join("ajv", "dist", "runtime"))),
                "the validator's runtime helper was not loaded",
            );
            assert.deepEqual(
                loaded.filter((f) => /[\\/](zod|ajv[\\/]dist[\\/](compile|core|ajv|vocabularies))[\\/.]/.test(f)),
                [],
            );
        });
    });

    describe("the schema", () => {
        it("is draft-07 with every object closed: unknown keys are errors everywhere", () => {
            assert.equal(schema.$schema, "http://json-schema.org/draft-07/schema#");
            const all = nodes(schema);
            const interfaces = readArgsDeclarations().interfaces;
            assert.deepEqual(Object.keys(schema.definitions).sort(), [...interfaces.keys()].filter((n) => n !== ROOT_INTERFACE).sort());
            for (const [at, node] of all) {
                if (node.type !== "object" || at.endsWith("/anyOf/1")) continue;
                const mapOfAny = node.additionalProperties === undefined && node.properties === undefined;
                assert.ok(node.additionalProperties === false || typeof node.additionalProperties === "object" || mapOfAny, `${at} is open`);
                if (node.properties) assert.equal(node.additionalProperties, false, `${at} declares properties but is open`);
            }
        });

        it("declares every field of args.ts, with its JSDoc, and nothing else", () => {
            const { interfaces } = readArgsDeclarations();
            for (const [name, iface] of interfaces) {
                const node = name === ROOT_INTERFACE ? schema : schema.definitions[name];
                assert.deepEqual(
                    Object.keys(node.properties),
                    iface.fields.map((f) => f.name),
                    name,
                );
                for (const f of iface.fields) assert.equal(node.properties[f.name].description, f.doc, `${name}.${f.name}`);
                assert.deepEqual(
                    node.required ?? [],
                    iface.fields.filter((f) => !f.optional).map((f) => f.name),
                    name,
                );
            }
        });

        it("declares every enum once: args.ts's enum objects and the rules' lists, each at one field", () => {
            assert.deepEqual(schema.properties.workload.enum, Object.values(WorkloadKind));
            assert.deepEqual(schema.definitions.GpuSettings.properties.vendor.enum, Object.values(GpuVendor));
            const lists = nodes(schema)
                .filter(([, n]) => n.enum)
                .map(([at, n]) => [at, JSON.stringify(n.enum)]);
            assert.ok(lists.length >= 14, `${lists.length} enums`);
            const seen = new Map<string, string>();
            for (const [at, list] of lists) {
                assert.ok(!seen.has(list), `${list} is declared at ${seen.get(list)} and ${at}`);
                seen.set(list, at);
            }
        });

        it("uses only keywords the validation messages word themselves", () => {
            const keywords = new Set(nodes(schema).flatMap(([, n]) => Object.keys(n)));
            const worded = [
                "type",
                "enum",
                "minimum",
                "maximum",
                "minLength",
                "maxLength",
                "pattern",
                "x-message",
                "anyOf",
                "x-pulumi-input",
                "required",
                "additionalProperties",
            ];
            const structural = ["$schema", "title", "description", "properties", "definitions", "items", "$ref", "const"];
            assert.deepEqual(
                [...keywords].filter((k) => !worded.includes(k) && !structural.includes(k)),
                [],
            );
            for (const [at, n] of nodes(schema)) if (n.pattern) assert.ok(n["x-message"], `${at} has a pattern without its message`);
        });

        it("accepts the defaults (but for the empty minAvailable, which stands for unset and was refused as a given value before too)", () => {
            const { validateArgsSchema } = loadValidator(fs.readFileSync(VALIDATOR_FILE, "utf8"));
            const { minAvailable, ...pdb } = DEFAULTS.podDisruptionBudget;
            assert.equal(minAvailable, "");
            assert.equal(validateArgsSchema({ ...DEFAULTS, podDisruptionBudget: pdb, releaseName: "vmafx" }), true, JSON.stringify(validateArgsSchema.errors));
        });

        it("TOP_LEVEL_KEYS and isStringKey come from it", () => {
            assert.deepEqual(TOP_LEVEL_KEYS, Object.keys(schema.properties));
            const strings = readArgsDeclarations()
                .interfaces.get(ROOT_INTERFACE)!
                .fields.filter((f) => f.type.kind === "string" || f.type.kind === "enum")
                .map((f) => f.name);
            assert.deepEqual(strings, ["releaseName", "nameOverride", "fullnameOverride", "appVersion", "workload"]);
            assert.deepEqual(TOP_LEVEL_KEYS.filter(isStringKey), strings);
        });
    });

    describe("messages, in the key's own terms", () => {
        it("numbers: whole, in range, within the safe integer range as zod's int() had it", () => {
            assert.deepEqual(problems({ node: { replicas: 1.5, grpcPort: 0, metricsPort: 65536 } }), [
                "vmafx:node.replicas = 1.5: must be a whole number",
                "vmafx:node.grpcPort = 0: must be at least 1",
                "vmafx:node.metricsPort = 65536: must be at most 65535",
            ]);
            assert.deepEqual(problems({ deployment: { replicas: 1e20 } }), [
                "vmafx:deployment.replicas = 100000000000000000000: must be at most 9007199254740991",
            ]);
            assert.deepEqual(problems({ deployment: { replicas: "2" } }), ['vmafx:deployment.replicas = "2": must be a whole number']);
            assert.deepEqual(problems({ networkPolicy: { operatorToApiserver: { ports: [443, 0.5] } } }), [
                "vmafx:networkPolicy.operatorToApiserver.ports[1] = 0.5: must be a whole number",
                "vmafx:networkPolicy.operatorToApiserver.ports[1] = 0.5: must be at least 1",
            ]);
        });

        it("unknown keys list the accepted keys of their object, at any depth", () => {
            assert.deepEqual(problems({ networkPolicy: { dns: { nodeLocalDNS: "169.254.20.10" } } }), [
                'vmafx:networkPolicy.dns.nodeLocalDNS = "169.254.20.10": unknown key; accepted keys here: enabled, namespaceSelector, podSelector, nodeLocalDnsIp',
            ]);
            assert.deepEqual(problems({ ingress: { hosts: [{ host: "a", paths: [{ path: "/", type: "Prefix" }] }] } }), [
                'vmafx:ingress.hosts[0].paths[0].type = "Prefix": unknown key; accepted keys here: path, pathType',
            ]);
        });

        it("enums list their values; types, patterns and lengths say what is accepted", () => {
            assert.deepEqual(problems({ gpu: { intelDriver: "i965" }, storage: { mode: 3 }, appVersion: "latest", gpu2: true }), [
                "vmafx:gpu2 = true: unknown key; accepted keys here: " + TOP_LEVEL_KEYS.join(", "),
                'vmafx:appVersion = "latest": must be a semantic version such as 3.2.1',
                'vmafx:gpu.intelDriver = "i965": must be one of "i915", "xe"',
                'vmafx:storage.mode = 3: must be one of "http-serve", "mount", "auto"',
            ]);
            assert.deepEqual(problems({ podDisruptionBudget: { enabled: 1, minAvailable: "half" } }), [
                "vmafx:podDisruptionBudget.enabled = 1: must be true or false",
                'vmafx:podDisruptionBudget.minAvailable = "half": must be an integer such as "1" or a percentage such as "50%"',
            ]);
        });

        it("a pulumi.Input<string> field takes a string or an Output, nothing else", () => {
            assert.deepEqual(problems({ storage: { rcloneConfig: pulumi.secret("[s3]\ntype = s3\n") } }), []);
            assert.deepEqual(problems({ storage: { rcloneConfig: "[s3]\ntype = s3\n" } }), []);
            assert.deepEqual(
                problems({ storage: { rcloneConfig: 5 } }),
                ["vmafx:storage.rcloneConfig = 5: must be a string"],
                "stack config cannot hold an Output, so none is offered",
            );
            const fromProgram = (args: unknown) => assert.throws(() => validateArgs("vmafx", args, "args."), VmafxArgsError);
            fromProgram({ storage: { rcloneConfig: 5 } });
            assert.throws(
                () => validateArgs("vmafx", { storage: { rcloneConfig: 5 } }, "args."),
                /args\.storage\.rcloneConfig = 5: must be a string or a Pulumi Output/,
            );
            assert.throws(
                () => validateArgs("vmafx", { storage: { rcloneConfig: { __pulumiOutput: false } } }, "args."),
                /args\.storage\.rcloneConfig = \{"__pulumiOutput":false\}: must be a string or a Pulumi Output/,
            );
        });

        it("never uses ajv's wording", () => {
            const all = problems({
                releaseName: "Bad",
                namespace: { name: 5, labels: { a: 1 } },
                image: { pullPolicy: "x", repository: "" },
                service: { extraPorts: [{ port: 99999 }] },
                persistence: { output: { mountPath: "out" } },
                scheduling: { affinity: [], tolerations: {} },
            });
            assert.ok(all.length >= 9, all.join("\n"));
            for (const line of all)
                assert.doesNotMatch(
                    line,
                    /must NOT|must be equal to one of the allowed values|must match pattern|must have required property|must be (integer|string|object|array|boolean|number)$|must be >=|must be <=|additional properties/,
                    line,
                );
        });
    });
});
