// Typed manifests, proven by the compiler: a program that builds manifests through the plan's
// exported types (`Manifest`, `PlannedResource`, the pod builder's input) is type-checked, and
// each misspelt field, wrong kind or unknown role must be a type error naming it, while the
// correct program (Pulumi Inputs included) has none.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";

const REPO = path.resolve(__dirname, "..");
const source = (...p: string[]) => JSON.stringify(path.join(REPO, ...p));

const PRELUDE = `import type { BuildContext, Manifest, PlannedResource } from ${source("components", "release")};
import { hardenedPodSpec } from ${source("components", "workloads", "pod")};
declare const ctx: BuildContext;
const meta = { name: "x", namespace: "ns", labels: { app: "x" } };
const container = { name: "c", image: "i", imagePullPolicy: "IfNotPresent" };
`;

interface Case {
    readonly name: string;
    /** Text the error must contain (the misspelt field or role). */
    readonly mentions: string;
    readonly code: string;
}

/** Each must fail type checking with an error that mentions `mentions`. */
const WRONG: Case[] = [
    {
        name: "a misspelt pod securityContext in a Deployment",
        mentions: "securityContxt",
        code: `const m: Manifest = { apiVersion: "apps/v1", kind: "Deployment", metadata: meta,
            spec: { selector: { matchLabels: { app: "x" } }, template: { spec: { containers: [container], securityContxt: { runAsNonRoot: true } } } } };`,
    },
    {
        name: "misspelt containers in a StatefulSet's pod spec",
        mentions: "containerz",
        code: `const m: Manifest = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: meta,
            spec: { serviceName: "x", selector: {}, template: { spec: { containerz: [container] } } } };`,
    },
    {
        name: "a misspelt serviceAccountName in a Job's pod spec",
        mentions: "serviceAcountName",
        code: `const m: Manifest<"Job"> = { apiVersion: "batch/v1", kind: "Job", metadata: meta,
            spec: { template: { spec: { serviceAcountName: "x", containers: [container] } } } };`,
    },
    {
        name: "a misspelt container field",
        mentions: "imagePullPolcy",
        code: `const m: Manifest = { apiVersion: "apps/v1", kind: "Deployment", metadata: meta,
            spec: { selector: {}, template: { spec: { containers: [{ name: "c", image: "i", imagePullPolcy: "Always" }] } } } };`,
    },
    {
        name: "a misspelt NetworkPolicy field",
        mentions: "policyTyps",
        code: `const m: Manifest<"NetworkPolicy"> = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta,
            spec: { podSelector: {}, policyTyps: ["Ingress"] } };`,
    },
    {
        name: "a Service field in the wrong case",
        mentions: "clusterIp",
        code: `const m: Manifest = { apiVersion: "v1", kind: "Service", metadata: meta, spec: { clusterIp: "None" } };`,
    },
    {
        name: "a misspelt metadata field",
        mentions: "labls",
        code: `const m: Manifest = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", labls: {} } };`,
    },
    {
        name: "a kind under another kind's apiVersion",
        mentions: "Service",
        code: `const m: Manifest = { apiVersion: "apps/v1", kind: "Service", metadata: meta };`,
    },
    {
        name: "a field the kind does not have",
        mentions: "spec",
        code: `const m: Manifest = { apiVersion: "v1", kind: "ConfigMap", metadata: meta, spec: {} };`,
    },
    {
        name: "a misspelt field of the pod builder's input",
        mentions: "serviceAcountName",
        code: `const spec = hardenedPodSpec(ctx, { containers: [container], automountServiceAccountToken: false, serviceAcountName: "x" });`,
    },
    {
        name: "a container securityContext of its own (the pod builder adds the release hardening)",
        mentions: "securityContext",
        code: `const spec = hardenedPodSpec(ctx, { containers: [{ ...container, securityContext: { privileged: true } }], automountServiceAccountToken: false });`,
    },
    {
        name: "a planned resource whose manifest has a misspelt field",
        mentions: "replics",
        code: `const r: PlannedResource = { role: "node", manifest: { apiVersion: "apps/v1", kind: "Deployment", metadata: meta,
            spec: { replics: 2, selector: {}, template: { spec: { containers: [container] } } } } };`,
    },
    {
        name: "a dependsOn on a misspelt role",
        mentions: "server-servce",
        code: `const r: PlannedResource = { role: "ingress", manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: meta }, dependsOn: ["server-servce"] };`,
    },
    {
        name: "a role no builder declares",
        mentions: "servr",
        code: `const r: PlannedResource = { role: "servr", manifest: { apiVersion: "v1", kind: "ConfigMap", metadata: meta } };`,
    },
];

/** The same shapes written right: must type-check, Pulumi Inputs (here Promises) included. */
const RIGHT: Case[] = [
    {
        name: "a Deployment with Input values",
        mentions: "",
        code: `const m: Manifest = { apiVersion: "apps/v1", kind: "Deployment", metadata: meta,
            spec: { replicas: Promise.resolve(2), selector: { matchLabels: { app: "x" } },
                template: { spec: { containers: [{ name: "c", image: Promise.resolve("i"), imagePullPolicy: "Always" }], securityContext: { runAsNonRoot: true } } } } };`,
    },
    {
        name: "a planned StatefulSet depending on its headless Service",
        mentions: "",
        code: `const r: PlannedResource = { role: "server", manifest: { apiVersion: "apps/v1", kind: "StatefulSet", metadata: meta,
            spec: { serviceName: "x-headless", selector: {}, template: { spec: hardenedPodSpec(ctx, { containers: [container], automountServiceAccountToken: false, serviceAccountName: "x" }) } } },
            dependsOn: ["server-headless"] };`,
    },
    {
        name: "a NetworkPolicy and a ConfigMap",
        mentions: "",
        code: `const ms: Manifest[] = [
            { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: meta, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
            { apiVersion: "v1", kind: "ConfigMap", metadata: meta, data: { a: "b" } },
        ];
        const r: PlannedResource = { role: "netpol-custom", manifest: ms[0], dependsOn: ["namespace"] };`,
    },
];

interface Checked {
    readonly name: string;
    readonly errors: string[];
}

/** Type-checks one program with every case in its own block; returns each case's errors. */
function typeCheck(cases: Case[]): Checked[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-typed-manifests-"));
    try {
        let text = PRELUDE;
        const ranges: { name: string; from: number; to: number }[] = [];
        for (const c of cases) {
            const from = text.split("\n").length;
            text += `{\n${c.code}\n}\n`;
            ranges.push({ name: c.name, from, to: text.split("\n").length - 1 });
        }
        const file = path.join(dir, "program.ts");
        fs.writeFileSync(file, text);
        const program = ts.createProgram([file], {
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            target: ts.ScriptTarget.ES2022,
            module: ts.ModuleKind.CommonJS,
            moduleResolution: ts.ModuleResolutionKind.Node10,
            types: ["node"],
            typeRoots: [path.join(REPO, "node_modules", "@types")],
        });
        const sourceFile = program.getSourceFile(file)!;
        const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
        const located = diagnostics.map((d) => ({
            line: sourceFile.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
            message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
        }));
        const prelude = located.filter((d) => d.line <= PRELUDE.split("\n").length);
        assert.deepEqual(prelude, [], "the program's imports and declarations type-check");
        return ranges.map((r) => ({ name: r.name, errors: located.filter((d) => d.line >= r.from && d.line <= r.to).map((d) => d.message) }));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("typed manifests: the compiler refuses what Kubernetes would not accept", function () {
    this.timeout(120_000);
    let checked: Checked[] = [];

    before(() => {
        checked = typeCheck([...WRONG, ...RIGHT]);
    });

    for (const c of WRONG) {
        it(`fails type checking: ${c.name}`, () => {
            const { errors } = checked.find((x) => x.name === c.name)!;
            assert.ok(errors.length > 0, `${c.name} type-checks:\n${c.code}`);
            assert.ok(
                errors.some((e) => e.includes(c.mentions)),
                `no error mentions ${c.mentions}:\n${errors.join("\n")}`,
            );
        });
    }

    for (const c of RIGHT) {
        it(`type-checks: ${c.name}`, () => {
            assert.deepEqual(checked.find((x) => x.name === c.name)!.errors, []);
        });
    }
});
