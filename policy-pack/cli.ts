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
import { ManifestObject, POD_TEMPLATE_PATHS, PsaLevel, PsaResult, evaluatePod, joinFieldPath, loadManifests, parsePsaVersion, podBearingKindOf, podTemplateOf } from "@vmafx-k8s/core";
// Only `check` needs the pack (and with it @pulumi/policy and @pulumi/pulumi, most of a second to
// load); `psa` must start as fast as node itself, so the pack modules are required on use.
import type { PolicyConfigLayer } from "./lib/config";

export interface Io {
    stdout: (line: string) => void;
    stderr: (line: string) => void;
    readStdin: () => string;
}

const processIo: Io = {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    readStdin: () => fs.readFileSync(0, "utf8"),
};

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
        .map((f) => `${f.container !== undefined ? `container "${f.container}": ` : ""}${joinFieldPath(templatePath, f.path)}${f.value === undefined ? " is not set" : ` = ${JSON.stringify(f.value)}`}`)
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
    const o = m.object;
    const base = { file: m.file, index: m.index, kind: String(o.kind), name: typeof o.metadata?.name === "string" ? o.metadata.name : "" };
    const kind = podBearingKindOf(o.apiVersion, o.kind);
    const template = kind ? podTemplateOf(o, kind) : undefined;
    if (!kind) return { ...base, allowed: true, violations: [], podBearing: false };
    if (!template) {
        const where = POD_TEMPLATE_PATHS[kind] || "spec";
        return { ...base, allowed: false, violations: [{ check: "podTemplate", message: `${where} is missing: there is no pod to evaluate and the API server would reject the object` }], podBearing: true };
    }
    const result = evaluatePod({ metadata: template.metadata, spec: template.spec }, level, version);
    return {
        ...base,
        allowed: result.allowed,
        violations: result.violations.map((v) => ({ check: v.check, message: psaViolationMessage(v, template.path) })),
        podBearing: true,
        rejection: `violates PodSecurity "${result.level}:${result.version}"`,
    };
}

async function psaCommand(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseArgs({
        args,
        options: { level: { type: "string", default: "restricted" }, version: { type: "string", default: "latest" }, json: { type: "boolean", default: false } },
        allowPositionals: true,
        strict: true,
    });
    const level = values.level as string;
    if (level !== "baseline" && level !== "restricted") throw new UsageError(`--level must be baseline or restricted, got ${JSON.stringify(level)}`);
    const version = values.version as string;
    if (parsePsaVersion(version) === undefined) throw new UsageError(`--version must be latest or v1.N (e.g. v1.33), got ${JSON.stringify(version)}`);
    if (positionals.length === 0) throw new UsageError("give at least one file, directory or - (stdin)");
    const load = loadManifests(positionals, io.readStdin);
    let notAllowed = 0;
    let podBearing = 0;
    for (const m of load.objects) {
        const { rejection, ...line } = psaLine(m, level, version);
        if (line.podBearing) podBearing++;
        if (!line.allowed) notAllowed++;
        if (values.json) {
            io.stdout(JSON.stringify(line));
        } else if (!line.allowed) {
            io.stdout(`${line.file}#${line.index} ${line.kind} ${nameOf(m.object)}: ${rejection ?? "not allowed"}`);
            for (const v of line.violations) io.stdout(`  - ${v.check}: ${v.message}`);
        }
    }
    for (const e of load.errors) io.stderr(`error: ${e}`);
    if (!values.json) {
        io.stdout(`${load.objects.length} objects, ${podBearing} pod-bearing, ${notAllowed} not allowed by Pod Security "${level}:${version}"`);
    }
    return load.errors.length > 0 ? 2 : notAllowed > 0 ? 1 : 0;
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
        io.stdout(`${PACK.name} v${PACK.version}: ${load.objects.length} objects, environment ${environment}${values.config ? `, config ${values.config}` : ""}`);
        const text = formatViolations(run.diagnostics, resources);
        if (text) io.stdout(text);
        io.stdout(summarize(run.diagnostics));
    }
    for (const e of load.errors) io.stderr(`error: ${e}`);
    return load.errors.length > 0 ? 2 : hasMandatory(run.diagnostics) ? 1 : 0;
}

class UsageError extends Error {}

/** Runs the command; returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
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
