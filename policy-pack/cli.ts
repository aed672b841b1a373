// vmafx-policy: the pack's checks over Kubernetes manifests (YAML or JSON) from any source (our offline render,
// `helm template`, kustomize, kubectl get -o yaml|json), for people and for CI.
//
//   vmafx-policy psa [--level baseline|restricted] [--version v1.N|latest] [options] <file-or-dir|->...
//     Pod Security Admission for every pod-bearing object (Pod, Deployment, StatefulSet, DaemonSet,
//     ReplicaSet, ReplicationController, Job, CronJob, PodTemplate) at the given level and version
//     (default restricted, latest). Other objects have nothing to evaluate: they are reported allowed
//     with "podBearing": false. --format json prints one line per object:
//     {"file","index","kind","name","allowed","violations":[{"check","message"}],"podBearing"} (and "exempted"
//     when an exemption applied).
//
//   vmafx-policy check [--environment prod|dev|<name>] [--config <policy-config.json>] [options] <file-or-dir|->...
//     Every policy of the pack over all objects as one stack, with the config file's levels and
//     settings. Environment: --environment, else the config file's, else dev. --format json prints one
//     line per violation: {"policy","enforcementLevel","file","index","kind","namespace","name","message"}.
//
//   Options of both: --format text|json|sarif|junit (--json = --format json), --summary (counts per policy and
//   per check instead of the findings; text or json), --namespace <ns> (the namespace of objects without one),
//   --allow-empty (no objects is fine), --exemptions <file> (repeatable; default VMAFX_POLICY_EXEMPTIONS),
//   --docs-url <base> (SARIF helpUri base for docs/policies/<id>.md).
//
//   vmafx-policy explain [<id>]        the documentation page of a policy or Pod Security check (docs/policies/)
//   vmafx-policy flows ...             the allowed-flow matrix of the NetworkPolicies (flows.ts)
//
// Exit codes (EXIT_CODES below; the README has the table): 0 all allowed / no mandatory violation; 1 a pod not
// allowed / a mandatory violation; 2 an input error (unreadable input, a document that is not a Kubernetes object,
// a Helm chart, empty input, a bad or expired exemption, bad flags or a bad config) and no violation among what
// was read; 3 both. A violation is never hidden by an input error: the readable objects are always evaluated.
import * as fs from "fs";
import { parseArgs } from "util";
import {
    ALL_CHECKS,
    ManifestObject,
    POD_TEMPLATE_PATHS,
    PsaLevel,
    evaluatePod,
    forEachManifest,
    loadManifests,
    parsePsaVersion,
    podBearingKindOf,
    podTemplateOf,
} from "@vmafx-k8s/core";
// Only `check` needs the pack (and with it @pulumi/policy and @pulumi/pulumi, most of a second to
// load); `psa` must start as fast as node itself, so the pack modules are required on use.
import type { PolicyConfigLayer } from "./lib/config";
import { PSA_GUIDE } from "./check-docs";
import { POD_SECURITY } from "./lib/check-ids";
import { AppliedExemption, ExemptionSubject, Exemptions, ExemptionsFile, isoToday, loadExemptionsFile } from "./lib/exemptions";
import { psaViolationMessage } from "./psa-format";
import { Finding, ObjectRef, Report, RuleInfo, exemptionText, exitCode, objectLabel, summaryJson, summaryTable } from "./report";

export { psaViolationMessage } from "./psa-format";

export interface Io {
    stdout: (line: string) => void;
    stderr: (line: string) => void;
    readStdin: () => string;
    /** Writes out what stdout has buffered (called before stderr is written and at the end). */
    flush?: () => void;
    /** Resolves when everything written has gone out (main waits for it before it returns the exit code). */
    drain?: () => Promise<void>;
    /** Today as YYYY-MM-DD, the date exemptions expire against (default: the clock's, UTC). */
    today?: () => string;
    /** The working directory SARIF paths are relative to (default process.cwd()). */
    cwd?: () => string;
    /** The environment (default process.env): VMAFX_POLICY_EXEMPTIONS. */
    env?: Record<string, string | undefined>;
}

/**
 * The process's streams. stdout lines are buffered and written in blocks of about 64 KB: one write per line
 * costs a system call each (most of the time of `psa --json` on a large input). A pipe may take a block in
 * part and the rest later, so a write to the other stream waits until every earlier write has gone out:
 * stdout and stderr interleave line by line, in the order written, when both go to one pipe (`2>&1 |`).
 */
function processIo(): Io {
    let pending: string[] = [];
    let size = 0;
    const queue: [NodeJS.WriteStream, string][] = [];
    let inFlight = 0;
    let last: NodeJS.WriteStream | undefined;
    let drained: (() => void)[] = [];
    const pump = () => {
        while (queue.length > 0) {
            const [stream, text] = queue[0];
            if (stream !== last && inFlight > 0) return; // the other stream's writes first
            queue.shift();
            inFlight++;
            last = stream;
            stream.write(text, () => {
                inFlight--;
                pump();
            });
        }
        if (inFlight === 0 && drained.length > 0) {
            const waiting = drained;
            drained = [];
            for (const resolve of waiting) resolve();
        }
    };
    const write = (stream: NodeJS.WriteStream, text: string) => {
        queue.push([stream, text]);
        pump();
    };
    const flush = () => {
        if (pending.length === 0) return;
        const text = pending.join("\n") + "\n";
        pending = [];
        size = 0;
        write(process.stdout, text);
    };
    return {
        stdout: (line) => {
            pending.push(line);
            size += line.length + 1;
            if (size >= 65536) flush();
        },
        stderr: (line) => {
            flush();
            write(process.stderr, `${line}\n`);
        },
        readStdin: () => fs.readFileSync(0, "utf8"),
        flush,
        // Before the exit code is set, as with unbuffered writes: a pipe closed early (`| head`) still
        // ends the process through the stdout error handler of run(), with 0.
        drain: () => new Promise<void>((resolve) => (queue.length === 0 && inFlight === 0 ? resolve() : drained.push(resolve))),
    };
}

export const USAGE = [
    "usage:",
    "  vmafx-policy psa [--level baseline|restricted] [--version v1.N|latest] [options] <file-or-dir|->...",
    "  vmafx-policy check [--environment prod|dev|<name>] [--config <policy-config.json>] [options] <file-or-dir|->...",
    "  vmafx-policy flows [--format table|mermaid|json] [--from <sel> --to <sel> --port <n/proto>] <file-or-dir|->...",
    "  vmafx-policy explain [<policy or check ID>]",
    "options (psa, check): --format text|json|sarif|junit (--json: json), --summary, --namespace <ns>, --allow-empty,",
    "  --exemptions <file> (repeatable; default $VMAFX_POLICY_EXEMPTIONS), --docs-url <base URL of docs/policies/>",
    "exit codes: 0 ok, 1 not allowed / mandatory violation, 2 input error (unreadable, not an object, Helm chart, empty,",
    "  bad or expired exemption, bad flags or config) and no violation, 3 both",
].join("\n");

/** The exit codes, as the README's table shows them (cli.test.ts compares). */
export const EXIT_CODES: readonly (readonly [number, string])[] = [
    [0, "every object allowed (`psa`) / no mandatory violation (`check`), every input read"],
    [1, "a pod not allowed / a mandatory violation; every input read"],
    [
        2,
        "an input error and no violation: unreadable file, not a Kubernetes object, Helm chart or template, empty input, invalid or expired exemption, bad policy config, bad flags",
    ],
    [3, "both a violation and an input error (a violation is never hidden by an input error)"],
];

/** The namespace used for objects without metadata.namespace when --namespace is not given (as kubectl). */
const DEFAULT_NAMESPACE = "default";

/** Built-in kinds without a namespace: --namespace leaves them alone (as kubectl apply -n does). */
const CLUSTER_SCOPED = new Set([
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
]);

type Format = "text" | "json" | "sarif" | "junit";
const FORMATS: readonly Format[] = ["text", "json", "sarif", "junit"];

const COMMON_OPTIONS = {
    format: { type: "string" },
    json: { type: "boolean", default: false },
    summary: { type: "boolean", default: false },
    namespace: { type: "string" },
    "allow-empty": { type: "boolean", default: false },
    exemptions: { type: "string", multiple: true },
    "docs-url": { type: "string" },
} as const;

interface CommonOptions {
    format: Format;
    summary: boolean;
    namespace?: string;
    allowEmpty: boolean;
    exemptionFiles: string[];
    docsUrl?: string;
}

/** The options of both commands; every problem goes into `problems`. */
function commonOptions(values: Record<string, unknown>, io: Io, problems: string[]): CommonOptions {
    const json = values.json === true;
    const given = values.format as string | undefined;
    let format: Format = json ? "json" : "text";
    if (given !== undefined) {
        if (!(FORMATS as readonly string[]).includes(given)) problems.push(`--format must be one of ${FORMATS.join(", ")}, got ${JSON.stringify(given)}`);
        else if (json && given !== "json") problems.push(`--json means --format json; it cannot be combined with --format ${given}`);
        else format = given as Format;
    }
    const summary = values.summary === true;
    if (summary && (format === "sarif" || format === "junit"))
        problems.push(`--summary works with --format text or json, not ${format} (which list every finding)`);
    const namespace = values.namespace as string | undefined;
    if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
        problems.push(`--namespace must be a Kubernetes namespace name (lower-case letters, digits and '-', at most 63), got ${JSON.stringify(namespace)}`);
    }
    const docsUrl = values["docs-url"] as string | undefined;
    if (docsUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(docsUrl))
        problems.push(`--docs-url must be an http(s) URL, got ${JSON.stringify(docsUrl)}`);
    const env = io.env ?? process.env;
    const files = (values.exemptions as string[] | undefined) ?? (env.VMAFX_POLICY_EXEMPTIONS ? [env.VMAFX_POLICY_EXEMPTIONS] : []);
    for (const f of files) if (f.trim() === "") problems.push("--exemptions must name a file");
    return { format, summary, namespace, allowEmpty: values["allow-empty"] === true, exemptionFiles: files, docsUrl };
}

function loadExemptions(options: CommonOptions, io: Io): Exemptions {
    const today = io.today?.() ?? isoToday();
    const files: ExemptionsFile[] = options.exemptionFiles.map((f) => loadExemptionsFile(f, today));
    return new Exemptions(files, today);
}

/** --namespace (or "default") for a namespaced object that has none; the objects are the reader's own copies. */
function applyNamespace(m: ManifestObject, namespace: string | undefined): void {
    if (namespace === undefined) return;
    const o = m.object;
    if (CLUSTER_SCOPED.has(String(o.kind))) return;
    if (o.metadata === null || typeof o.metadata !== "object" || Array.isArray(o.metadata)) o.metadata = {};
    if (typeof o.metadata.namespace !== "string" || o.metadata.namespace === "") o.metadata.namespace = namespace;
}

function str(v: unknown): string | undefined {
    return typeof v === "string" && v !== "" ? v : undefined;
}

function objectRef(m: ManifestObject, type?: string): ObjectRef {
    const md = m.object.metadata;
    return {
        file: m.file,
        index: m.index,
        ...(m.line !== undefined ? { line: m.line, column: m.column } : {}),
        kind: String(m.object.kind),
        ...(str(md?.namespace) ? { namespace: md.namespace } : {}),
        name: str(md?.name) ?? "",
        ...(type ? { type } : {}),
    };
}

function subjectOfObject(m: ManifestObject): ExemptionSubject {
    const md = m.object.metadata ?? {};
    const kind = String(m.object.kind);
    return {
        kind,
        namespace: str(md.namespace) ?? (CLUSTER_SCOPED.has(kind) ? "" : DEFAULT_NAMESPACE),
        name: str(md.name) ?? "",
        labels: md.labels ?? undefined,
        annotations: md.annotations ?? undefined,
        label: objectLabel(objectRef(m)),
    };
}

function nameOf(o: Record<string, any>): string {
    const name = typeof o.metadata?.name === "string" ? o.metadata.name : "";
    const ns = typeof o.metadata?.namespace === "string" ? o.metadata.namespace : "";
    return ns ? `${ns}/${name}` : name;
}

interface PsaLine {
    file: string;
    index: number;
    kind: string;
    name: string;
    allowed: boolean;
    violations: { check: string; message: string }[];
    podBearing: boolean;
    exempted?: { check: string; message: string; reason: string; where: string; expires?: string }[];
}

/** Evaluates one manifest object. */
export function psaLine(m: ManifestObject, level: PsaLevel, version: string): PsaLine & { rejection?: string } {
    const { line, rejection } = evaluateObject(m, level, version);
    return rejection === undefined ? line : { ...line, rejection };
}

/** psaLine's line (its keys in the order printed) and the rejection text apart, without copying either. */
function evaluateObject(
    m: ManifestObject,
    level: PsaLevel,
    version: string,
    exemptions?: Exemptions,
): { line: PsaLine; rejection?: string; applied?: AppliedExemption[] } {
    const o = m.object;
    const kindText = String(o.kind);
    const name = typeof o.metadata?.name === "string" ? o.metadata.name : "";
    const kind = podBearingKindOf(o.apiVersion, o.kind);
    const template = kind ? podTemplateOf(o, kind) : undefined;
    if (!kind) return { line: { file: m.file, index: m.index, kind: kindText, name, allowed: true, violations: [], podBearing: false } };
    if (!template) {
        const where = POD_TEMPLATE_PATHS[kind] || "spec";
        const violations = [{ check: "podTemplate", message: `${where} is missing: there is no pod to evaluate and the API server would reject the object` }];
        return { line: { file: m.file, index: m.index, kind: kindText, name, allowed: false, violations, podBearing: true } };
    }
    const result = evaluatePod({ metadata: template.metadata, spec: template.spec }, level, version);
    let violations = result.violations.map((v) => ({ check: v.check, message: psaViolationMessage(v, template.path) }));
    const line: PsaLine = { file: m.file, index: m.index, kind: kindText, name, allowed: result.allowed, violations, podBearing: true };
    if (!result.allowed && exemptions) {
        // Only objects with violations are matched against exemptions: the common case pays nothing.
        const subject = subjectOfObject(m);
        const exempted: NonNullable<PsaLine["exempted"]> = [];
        const applied: AppliedExemption[] = [];
        violations = violations.filter((v) => {
            const e = exemptions.find(v.check, POD_SECURITY, subject);
            if (!e) return true;
            exempted.push({ ...v, reason: e.reason, where: e.where, ...(e.expires ? { expires: e.expires } : {}) });
            applied.push(e);
            return false;
        });
        if (exempted.length > 0) {
            line.violations = violations;
            line.allowed = violations.length === 0;
            line.exempted = exempted;
            return { line, rejection: `violates PodSecurity "${result.level}:${result.version}"`, applied };
        }
    }
    return { line, rejection: `violates PodSecurity "${result.level}:${result.version}"` };
}

/** The SARIF rules of psa: every Pod Security check, and the missing pod template. */
function psaRules(): RuleInfo[] {
    return [
        ...ALL_CHECKS.map((c) => ({
            id: c.id,
            summary: `Pod Security ${c.level} check ${c.id}`,
            description: PSA_GUIDE[c.id]?.what ?? c.id,
            fix: c.fix,
            documented: true,
            blocking: true,
        })),
        {
            id: "podTemplate",
            summary: "A pod-bearing object without its pod template",
            description: "The object's kind carries pods, but its pod template is missing: the API server would reject it.",
            documented: false,
            blocking: true,
        },
    ];
}

/** Writes errors and warnings to stderr, then the document of a collected report (or its summary). */
function writeReport(report: Report, options: CommonOptions, io: Io, version: string, summaryExtra: Record<string, unknown>, text: () => string[]): void {
    for (const e of report.errors) io.stderr(`error: ${e}`);
    for (const w of report.warnings) io.stderr(`warning: ${w}`);
    if (options.format === "sarif") {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { sarifText } = require("./sarif") as typeof import("./sarif");
        io.stdout(sarifText(report, { version, docsBase: options.docsUrl, cwd: io.cwd?.() }));
    } else if (options.format === "junit") {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { junitXml } = require("./junit") as typeof import("./junit");
        io.stdout(junitXml(report));
    } else if (options.format === "json") {
        io.stdout(JSON.stringify(summaryJson(report, summaryExtra)));
    } else {
        for (const l of text()) io.stdout(l);
    }
}

function packageVersion(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require("@vmafx-k8s/policy-pack/package.json") as { version: string }).version;
}

async function psaCommand(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseArgs({
        args,
        options: { level: { type: "string", default: "restricted" }, version: { type: "string", default: "latest" }, ...COMMON_OPTIONS },
        allowPositionals: true,
        strict: true,
    });
    const problems: string[] = [];
    const level = values.level as string;
    if (level !== "baseline" && level !== "restricted") problems.push(`--level must be baseline or restricted, got ${JSON.stringify(level)}`);
    const version = values.version as string;
    if (parsePsaVersion(version) === undefined) problems.push(`--version must be latest or v1.N (e.g. v1.33), got ${JSON.stringify(version)}`);
    const options = commonOptions(values, io, problems);
    if (positionals.length === 0) problems.push("give at least one file, directory or - (stdin)");
    if (problems.length > 0) throw new UsageError(problems.join("\nerror: "));
    const exemptions = loadExemptions(options, io);
    // SARIF, JUnit and --summary are written at the end, from what is collected; text and JSON lines stream.
    const collect = options.summary || options.format === "sarif" || options.format === "junit";
    const streamJson = options.format === "json" && !options.summary;
    const streamText = options.format === "text" && !options.summary;
    const objects: ObjectRef[] = [];
    const findings: Finding[] = [];
    // Object by object as the documents are read (nothing is kept but the current file's lines, which
    // forEachManifest may void when the file is read again).
    let total = { objects: 0, notAllowed: 0, podBearing: 0, exempted: 0 };
    const empty = () => ({ lines: [] as string[], objects: 0, notAllowed: 0, podBearing: 0, exempted: 0, refs: [] as ObjectRef[], findings: [] as Finding[] });
    let file = empty();
    const errors = forEachManifest(
        positionals,
        io.readStdin,
        {
            object: (m) => {
                applyNamespace(m, options.namespace);
                const { line, rejection } = evaluateObject(m, level as PsaLevel, version, exemptions);
                file.objects++;
                if (line.podBearing) file.podBearing++;
                if (!line.allowed) file.notAllowed++;
                if (line.exempted) file.exempted += line.exempted.length;
                if (streamJson) {
                    file.lines.push(JSON.stringify(line));
                } else if (streamText && (!line.allowed || line.exempted)) {
                    const what = line.allowed ? "allowed by exemptions" : (rejection ?? "not allowed");
                    file.lines.push(`${line.file}#${line.index} ${line.kind} ${nameOf(m.object)}: ${what}`);
                    for (const v of line.violations) file.lines.push(`  - ${v.check}: ${v.message}`);
                    for (const v of line.exempted ?? []) file.lines.push(`  - ${v.check}: exempted: ${exemptionText(v)} (${v.message})`);
                }
                if (collect) {
                    const ref = objectRef(m);
                    if (!line.podBearing) ref.notApplicable = "not pod-bearing: no Pod Security check applies";
                    file.refs.push(ref);
                    for (const v of line.violations)
                        file.findings.push({ policy: POD_SECURITY, check: v.check, blocking: true, message: v.message, object: ref });
                    for (const v of line.exempted ?? []) {
                        const exemption: AppliedExemption = {
                            source: v.where.startsWith("annotation") ? "annotation" : "file",
                            where: v.where,
                            reason: v.reason,
                            expires: v.expires,
                        };
                        file.findings.push({ policy: POD_SECURITY, check: v.check, blocking: true, message: v.message, object: ref, exemption });
                    }
                }
            },
            restart: () => {
                file = empty();
            },
            end: () => {
                for (const l of file.lines) io.stdout(l);
                total = {
                    objects: total.objects + file.objects,
                    notAllowed: total.notAllowed + file.notAllowed,
                    podBearing: total.podBearing + file.podBearing,
                    exempted: total.exempted + file.exempted,
                };
                for (const r of file.refs) objects.push(r);
                for (const f of file.findings) findings.push(f);
                file = empty();
            },
        },
        { positions: options.format === "sarif" || options.format === "junit", allowEmpty: options.allowEmpty },
    );
    const allErrors = [...errors, ...exemptions.problems()];
    const warnings = exemptions.unused();
    const code = exitCode(total.notAllowed > 0, allErrors.length);
    const target = `Pod Security "${level}:${version}"`;
    const last = `${total.objects} objects, ${total.podBearing} pod-bearing, ${total.notAllowed} not allowed by ${target}${total.exempted > 0 ? `, ${total.exempted} exempted` : ""}`;
    if (!collect) {
        for (const e of allErrors) io.stderr(`error: ${e}`);
        for (const w of warnings) io.stderr(`warning: ${w}`);
        if (options.format === "text") io.stdout(last);
        return code;
    }
    const report: Report = {
        command: "psa",
        title: target,
        rules: psaRules(),
        ruleOf: (f) => f.check,
        suites: [POD_SECURITY],
        objects,
        findings,
        errors: allErrors,
        warnings,
        exitCode: code,
    };
    writeReport(report, options, io, packageVersion(), { podBearing: total.podBearing, notAllowed: total.notAllowed, level, version }, () => [
        `${target}: ${total.objects} objects, ${total.podBearing} pod-bearing`,
        ...summaryTable(report),
        last,
    ]);
    return code;
}

async function checkCommand(args: string[], io: Io): Promise<number> {
    const { PolicyConfigError, configEnvironment, loadPolicyConfigFile } = await import("./lib/config");
    const { manifestResource } = await import("./manifests");
    const { PACK, POLICIES } = await import("./policies");
    const { hasMandatory, runPack } = await import("./run");
    const { values, positionals } = parseArgs({
        args,
        options: { environment: { type: "string" }, config: { type: "string" }, ...COMMON_OPTIONS },
        allowPositionals: true,
        strict: true,
    });
    const problems: string[] = [];
    if (values.environment !== undefined && values.environment.trim() === "") problems.push("--environment must not be empty");
    const options = commonOptions(values, io, problems);
    if (positionals.length === 0) problems.push("give at least one file, directory or - (stdin)");
    if (problems.length > 0) throw new UsageError(problems.join("\nerror: "));
    let config: PolicyConfigLayer | undefined;
    let environment: string;
    try {
        config = values.config ? loadPolicyConfigFile(values.config) : undefined;
        environment = values.environment ?? (config && values.config ? configEnvironment(config, values.config) : undefined) ?? "dev";
    } catch (e) {
        if (e instanceof PolicyConfigError) {
            io.stderr(`error: ${e.message}`);
            return 2;
        }
        throw e;
    }
    const exemptions = loadExemptions(options, io);
    const load = loadManifests(positionals, io.readStdin, {
        positions: options.format === "sarif" || options.format === "junit",
        allowEmpty: options.allowEmpty,
    });
    for (const m of load.objects) applyNamespace(m, options.namespace);
    const resources = load.objects.map(manifestResource);
    const refByUrn = new Map(resources.map((r, i) => [r.urn, objectRef(load.objects[i], r.type)]));
    const byUrn = new Map(resources.map((r, i) => [r.urn, load.objects[i]]));
    let run;
    try {
        run = await runPack(resources, { config, configSource: values.config, environment: values.environment, stack: environment, exemptions });
    } catch (e) {
        if (e instanceof PolicyConfigError) {
            io.stderr(`error: ${e.message}`);
            return 2;
        }
        throw e;
    }
    const pscheck = (policy: string, message: string) => (policy === POD_SECURITY ? (/, check ([A-Za-z_]+): /.exec(message)?.[1] ?? policy) : policy);
    const findings: Finding[] = [
        ...run.diagnostics.map((d): Finding => ({
            policy: d.policy,
            check: pscheck(d.policy, d.message),
            blocking: d.enforcementLevel === "mandatory",
            level: d.enforcementLevel,
            message: d.message,
            ...(d.urn && refByUrn.has(d.urn) ? { object: refByUrn.get(d.urn) } : {}),
        })),
        ...run.suppressed.map((s): Finding => {
            const level = run.config.levels[s.policy] === "advisory" ? "advisory" : "mandatory";
            return {
                policy: s.policy,
                check: s.check,
                blocking: level === "mandatory",
                level,
                message: s.message,
                ...(s.urn && refByUrn.has(s.urn) ? { object: refByUrn.get(s.urn) } : {}),
                exemption: s.exemption,
            };
        }),
    ];
    const errors = [...load.errors, ...run.exemptionProblems];
    const warnings = exemptions.unused();
    const code = exitCode(hasMandatory(run.diagnostics), errors.length);
    const title = `${PACK.name} v${PACK.version}, environment ${environment}${values.config ? `, config ${values.config}` : ""}`;
    const descriptions = new Map(POLICIES.map((p) => [p.name, p.description]));
    const exempted = findings.filter((f) => f.exemption);
    const totals = () => {
        const m = run.diagnostics.filter((d) => d.enforcementLevel === "mandatory").length;
        return `policy violations: ${m} mandatory, ${run.diagnostics.length - m} advisory${exempted.length > 0 ? `, ${exempted.length} exempted` : ""}`;
    };
    if (options.format === "json" && !options.summary) {
        for (const d of run.diagnostics) {
            const m = d.urn ? byUrn.get(d.urn) : undefined;
            io.stdout(
                JSON.stringify({
                    policy: d.policy,
                    enforcementLevel: d.enforcementLevel,
                    file: m?.file ?? null,
                    index: m?.index ?? null,
                    kind: m ? String(m.object.kind) : null,
                    namespace: typeof m?.object.metadata?.namespace === "string" ? m.object.metadata.namespace : null,
                    name: typeof m?.object.metadata?.name === "string" ? m.object.metadata.name : null,
                    message: d.message,
                }),
            );
        }
        for (const f of exempted) {
            io.stdout(
                JSON.stringify({
                    policy: f.policy,
                    enforcementLevel: f.level,
                    file: f.object?.file ?? null,
                    index: f.object?.index ?? null,
                    kind: f.object?.kind ?? null,
                    namespace: f.object?.namespace ?? null,
                    name: f.object?.name ?? null,
                    message: f.message,
                    exempted: { check: f.check, ...f.exemption },
                }),
            );
        }
        for (const e of errors) io.stderr(`error: ${e}`);
        for (const w of warnings) io.stderr(`warning: ${w}`);
        return code;
    }
    const report: Report = {
        command: "check",
        title,
        rules: [
            ...POLICIES.map((p) => ({
                id: p.name,
                summary: `vmafx policy ${p.name}`,
                description: p.description,
                documented: true,
                blocking: run.config.levels[p.name] !== "advisory",
            })),
            ...psaRules().filter((r) => r.documented),
        ],
        ruleOf: (f) => f.check,
        suites: POLICIES.filter((p) => run.config.levels[p.name] !== "disabled").map((p) => p.name),
        objects: [...refByUrn.values()],
        findings,
        errors,
        warnings,
        exitCode: code,
    };
    writeReport(report, options, io, PACK.version, { environment }, () => {
        const lines = [
            `${PACK.name} v${PACK.version}: ${load.objects.length} objects, environment ${environment}${values.config ? `, config ${values.config}` : ""}`,
        ];
        if (options.summary) return [...lines, ...summaryTable(report), totals()];
        const open = findings.filter((f) => !f.exemption);
        if (open.length > 0) {
            lines.push("Policy Violations:");
            // Grouped by policy, mandatory first: each policy's description once, then its violations.
            const order = [...POLICIES.map((p) => p.name)].sort((a, b) => {
                const rank = (n: string) => (open.some((f) => f.policy === n && f.level === "mandatory") ? 0 : 1);
                return rank(a) - rank(b);
            });
            for (const policy of order) {
                const group = open.filter((f) => f.policy === policy).sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1));
                if (group.length === 0) continue;
                lines.push(`${policy}: ${descriptions.get(policy) ?? ""}`);
                for (const f of group) {
                    const where = f.object ? ` (${f.object.file}#${f.object.index}: ${f.object.type})` : "";
                    lines.push(`    [${f.level}]  ${PACK.name} v${PACK.version}  ${policy}${where}`);
                    for (const l of f.message.split("\n")) lines.push(`    ${l}`);
                    lines.push("");
                }
            }
        }
        if (exempted.length > 0) {
            lines.push("Exempted:");
            for (const f of exempted)
                lines.push(
                    `    [${f.policy}${f.check !== f.policy ? `/${f.check}` : ""}] ${f.object ? objectLabel(f.object) : "(stack)"}: ${exemptionText(f.exemption!)}`,
                );
            lines.push("");
        }
        lines.push(totals());
        return lines;
    });
    return code;
}

async function explainCommand(args: string[], io: Io): Promise<number> {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    const { DOC_IDS } = await import("./check-docs");
    if (positionals.length > 1) throw new UsageError("explain takes one policy or check ID");
    const id = positionals[0];
    if (id === undefined) {
        io.stdout("policies and Pod Security checks (vmafx-policy explain <id>; docs/policies/<id>.md):");
        for (const i of DOC_IDS) io.stdout(`  ${i}`);
        return 0;
    }
    if (!DOC_IDS.includes(id)) {
        io.stderr(`error: unknown policy or check ${JSON.stringify(id)}; known: ${DOC_IDS.join(", ")}`);
        return 2;
    }
    // A policy's page reads the policy objects; a Pod Security check's needs only core.
    const { isPolicyId, psaCheckPage } = await import("./explain");
    const page = isPolicyId(id) ? (await import("./policies")).checkPage(id) : psaCheckPage(id);
    for (const l of page.replace(/\n$/, "").split("\n")) io.stdout(l);
    return 0;
}

class UsageError extends Error {}

/** Runs the command; returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
    try {
        return await runCommand(argv, io);
    } finally {
        io.flush?.();
        await io.drain?.();
    }
}

async function runCommand(argv: readonly string[], io: Io): Promise<number> {
    const [command, ...rest] = argv;
    try {
        if (command === "psa") return await psaCommand(rest, io);
        if (command === "check") return await checkCommand(rest, io);
        if (command === "explain") return await explainCommand(rest, io);
        if (command === "flows") {
            const { flowsCommand } = await import("./flows");
            return await flowsCommand(rest, io);
        }
        if (command === "--help" || command === "-h" || command === "help") {
            io.stdout(USAGE);
            return 0;
        }
        io.stderr(command === undefined ? USAGE : `unknown command ${JSON.stringify(command)}\n${USAGE}`);
        return 2;
    } catch (e) {
        const code = (e as { code?: string }).code;
        if (e instanceof UsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
            io.stderr(`error: ${(e as Error).message}\n${USAGE}`);
            return 2;
        }
        throw e;
    }
}

/** Entry point of bin/vmafx-policy.js. */
export function run(argv: readonly string[]): void {
    // A closed pipe (`vmafx-policy psa --json dir | head`) is not an error of ours.
    process.stdout.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code !== "EPIPE") throw e;
        process.exit(process.exitCode ?? 0);
    });
    main(argv).then(
        (code) => {
            process.exitCode = code;
        },
        (e) => {
            process.stderr.write(`vmafx-policy: ${(e as Error).stack ?? e}\n`);
            process.exitCode = 2;
        },
    );
}
