// vmafx-policy: the pack's checks over YAML manifests from any source (our offline render,
// `helm template`, kustomize, kubectl get -o yaml).
//
//   vmafx-policy psa [--level baseline|restricted] [--version v1.N|latest] [--json] <file-or-dir|->...
//     Pod Security Admission for every pod-bearing object (Pod, Deployment, StatefulSet, DaemonSet,
//     ReplicaSet, ReplicationController, Job, CronJob, PodTemplate) at the given level and version
//     (default restricted, latest). Other objects have nothing to evaluate: they are reported allowed
//     with "podBearing": false. --json prints one line per object:
//     {"file","index","kind","name","allowed","violations":[{"check","message"}],"podBearing"}.
//
//   vmafx-policy check [--environment prod|dev|<name>] [--config <policy-config.json>] [--json] <file-or-dir|->...
//     Every policy of the pack over all objects as one stack, with the config file's levels and
//     settings. Environment: --environment, else the config file's, else dev. --json prints one
//     line per violation: {"policy","enforcementLevel","file","index","kind","namespace","name","message"}.
//
// Exit codes: 0 all allowed / no mandatory violation; 1 a pod not allowed / a mandatory violation;
// 2 unreadable input, a document that is not a Kubernetes object, bad flags or a bad config
// (the readable objects are still evaluated and printed).
import * as fs from "fs";
import { parseArgs } from "util";
import {
    ManifestObject,
    POD_TEMPLATE_PATHS,
    PsaLevel,
    PsaResult,
    evaluatePod,
    forEachManifest,
    joinFieldPath,
    loadManifests,
    parsePsaVersion,
    podBearingKindOf,
    podTemplateOf,
} from "@vmafx-k8s/core";
// Only `check` needs the pack (and with it @pulumi/policy and @pulumi/pulumi, most of a second to
// load); `psa` must start as fast as node itself, so the pack modules are required on use.
import type { PolicyConfigLayer } from "./lib/config";

export interface Io {
    stdout: (line: string) => void;
    stderr: (line: string) => void;
    readStdin: () => string;
    /** Writes out what stdout has buffered (called before stderr is written and at the end). */
    flush?: () => void;
    /** Resolves when everything written has gone out (main waits for it before it returns the exit code). */
    drain?: () => Promise<void>;
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
    "  vmafx-policy psa [--level baseline|restricted] [--version v1.N|latest] [--json] <file-or-dir|->...",
    "  vmafx-policy check [--environment prod|dev|<name>] [--config <policy-config.json>] [--json] <file-or-dir|->...",
    "exit codes: 0 ok, 1 not allowed / mandatory violation, 2 unreadable input or bad flags",
].join("\n");

function nameOf(o: Record<string, any>): string {
    const name = typeof o.metadata?.name === "string" ? o.metadata.name : "";
    const ns = typeof o.metadata?.namespace === "string" ? o.metadata.namespace : "";
    return ns ? `${ns}/${name}` : name;
}

/** One PSA violation as one line: reason (detail): where. Fix: ... */
export function psaViolationMessage(v: PsaResult["violations"][number], templatePath: string): string {
    const where = v.findings
        .map(
            (f) =>
                `${f.container !== undefined ? `container "${f.container}": ` : ""}${joinFieldPath(templatePath, f.path)}${f.value === undefined ? " is not set" : ` = ${JSON.stringify(f.value)}`}`,
        )
        .join("; ");
    return `${v.reason}${v.detail ? ` (${v.detail})` : ""}: ${where}. Fix: ${v.fix}.`;
}

interface PsaLine {
    file: string;
    index: number;
    kind: string;
    name: string;
    allowed: boolean;
    violations: { check: string; message: string }[];
    podBearing: boolean;
}

/** Evaluates one manifest object. */
export function psaLine(m: ManifestObject, level: PsaLevel, version: string): PsaLine & { rejection?: string } {
    const { line, rejection } = evaluateObject(m, level, version);
    return rejection === undefined ? line : { ...line, rejection };
}

/** psaLine's line (its keys in the order printed) and the rejection text apart, without copying either. */
function evaluateObject(m: ManifestObject, level: PsaLevel, version: string): { line: PsaLine; rejection?: string } {
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
    const violations = result.violations.map((v) => ({ check: v.check, message: psaViolationMessage(v, template.path) }));
    return {
        line: { file: m.file, index: m.index, kind: kindText, name, allowed: result.allowed, violations, podBearing: true },
        rejection: `violates PodSecurity "${result.level}:${result.version}"`,
    };
}

async function psaCommand(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseArgs({
        args,
        options: {
            level: { type: "string", default: "restricted" },
            version: { type: "string", default: "latest" },
            json: { type: "boolean", default: false },
        },
        allowPositionals: true,
        strict: true,
    });
    const level = values.level as string;
    if (level !== "baseline" && level !== "restricted") throw new UsageError(`--level must be baseline or restricted, got ${JSON.stringify(level)}`);
    const version = values.version as string;
    if (parsePsaVersion(version) === undefined) throw new UsageError(`--version must be latest or v1.N (e.g. v1.33), got ${JSON.stringify(version)}`);
    if (positionals.length === 0) throw new UsageError("give at least one file, directory or - (stdin)");
    // Object by object as the documents are read (nothing is kept but the current file's lines, which
    // forEachManifest may void when the file is read again).
    let objects = 0;
    let notAllowed = 0;
    let podBearing = 0;
    let file = { lines: [] as string[], objects: 0, notAllowed: 0, podBearing: 0 };
    const errors = forEachManifest(positionals, io.readStdin, {
        object: (m) => {
            const { line, rejection } = evaluateObject(m, level, version);
            file.objects++;
            if (line.podBearing) file.podBearing++;
            if (!line.allowed) file.notAllowed++;
            if (values.json) {
                file.lines.push(JSON.stringify(line));
            } else if (!line.allowed) {
                file.lines.push(`${line.file}#${line.index} ${line.kind} ${nameOf(m.object)}: ${rejection ?? "not allowed"}`);
                for (const v of line.violations) file.lines.push(`  - ${v.check}: ${v.message}`);
            }
        },
        restart: () => {
            file = { lines: [], objects: 0, notAllowed: 0, podBearing: 0 };
        },
        end: () => {
            for (const l of file.lines) io.stdout(l);
            objects += file.objects;
            notAllowed += file.notAllowed;
            podBearing += file.podBearing;
            file = { lines: [], objects: 0, notAllowed: 0, podBearing: 0 };
        },
    });
    for (const e of errors) io.stderr(`error: ${e}`);
    if (!values.json) {
        io.stdout(`${objects} objects, ${podBearing} pod-bearing, ${notAllowed} not allowed by Pod Security "${level}:${version}"`);
    }
    return errors.length > 0 ? 2 : notAllowed > 0 ? 1 : 0;
}

async function checkCommand(args: string[], io: Io): Promise<number> {
    const { PolicyConfigError, configEnvironment, loadPolicyConfigFile } = await import("./lib/config");
    const { manifestResource } = await import("./manifests");
    const { PACK } = await import("./policies");
    const { formatViolations, hasMandatory, runPack, summarize } = await import("./run");
    const { values, positionals } = parseArgs({
        args,
        options: { environment: { type: "string" }, config: { type: "string" }, json: { type: "boolean", default: false } },
        allowPositionals: true,
        strict: true,
    });
    if (positionals.length === 0) throw new UsageError("give at least one file, directory or - (stdin)");
    if (values.environment !== undefined && values.environment.trim() === "") throw new UsageError("--environment must not be empty");
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
    const load = loadManifests(positionals, io.readStdin);
    const resources = load.objects.map(manifestResource);
    const byUrn = new Map(resources.map((r, i) => [r.urn, load.objects[i]]));
    let run;
    try {
        run = await runPack(resources, { config, configSource: values.config, environment: values.environment, stack: environment });
    } catch (e) {
        if (e instanceof PolicyConfigError) {
            io.stderr(`error: ${e.message}`);
            return 2;
        }
        throw e;
    }
    if (values.json) {
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
    } else {
        io.stdout(
            `${PACK.name} v${PACK.version}: ${load.objects.length} objects, environment ${environment}${values.config ? `, config ${values.config}` : ""}`,
        );
        const text = formatViolations(run.diagnostics, resources);
        if (text) io.stdout(text);
        io.stdout(summarize(run.diagnostics));
    }
    for (const e of load.errors) io.stderr(`error: ${e}`);
    return load.errors.length > 0 ? 2 : hasMandatory(run.diagnostics) ? 1 : 0;
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
