// vmafx-policy flows: which connections a manifest set's NetworkPolicies allow (@vmafx-k8s/core's flow analyzer
// over workload pod templates, NetworkPolicies and Namespaces with their labels).
//
//   vmafx-policy flows [--namespace <ns>] [--format table|mermaid|json] [--json] <file-or-dir|->...
//     The allowed-flow matrix: one row per (from, to, port range) that is allowed, with the rules that allow it.
//     Endpoints: the workloads, and the pods and addresses the policies' rules name that are not workloads.
//   vmafx-policy flows --from <endpoint> --to <endpoint> --port <n|name>[/TCP|UDP|SCTP] [--json] <inputs>...
//     Allowed or denied, and the policies that decide it: exit 0 allowed, 1 denied.
//   vmafx-policy flows --from <endpoint> and/or --to <endpoint> [--format ...] <inputs>...
//     The matrix rows from and/or to those endpoints.
//
// Endpoints: Kind/name or namespace/Kind/name (a workload); key=value[,key=value][@namespace] (the workloads those
// labels select, else a pod with exactly those labels); pod:[key=value,...][@namespace] (a pod that is not among the
// manifests); an IP address or CIDR (addresses outside the cluster's pods). --namespace (default "default") is the
// namespace of objects without metadata.namespace and of endpoints without @namespace.
// Exit codes: 0 allowed / matrix printed; 1 a query denied; 2 unreadable input, bad flags or an unknown endpoint.
import { parseArgs } from "util";
import {
    EndpointSyntaxError,
    FlowDecision,
    FlowEndpoint,
    FlowRow,
    Protocol,
    QueryAnswer,
    decisionData,
    flowMatrix,
    flowMermaid,
    flowRows,
    loadManifests,
    modelFromManifests,
    portText,
    queryFlow,
    resolveEndpoint,
    sideText,
} from "@vmafx-k8s/core";
import type { Io } from "./cli";

export const FLOWS_USAGE = [
    "usage:",
    "  vmafx-policy flows [--namespace <ns>] [--format table|mermaid|json] <file-or-dir|->...",
    "  vmafx-policy flows --from <endpoint> --to <endpoint> --port <n|name>[/TCP|UDP|SCTP] [--json] <file-or-dir|->...",
    "  vmafx-policy flows [--from <endpoint>] [--to <endpoint>] [--format table|mermaid|json] <file-or-dir|->...",
    "endpoints: Kind/name, namespace/Kind/name, key=value[,key=value][@namespace], pod:[key=value,...][@namespace], an IP or CIDR",
    "exit codes: 0 allowed (or the matrix printed), 1 denied, 2 unreadable input, bad flags or an unknown endpoint",
].join("\n");

class FlowsUsageError extends Error {}

const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];

interface PortSpec {
    port: number | string;
    protocol: Protocol;
}

function parsePort(text: string): PortSpec {
    const [portText, protocolText = "TCP", ...rest] = text.split("/");
    const protocol = protocolText.toUpperCase() as Protocol;
    if (rest.length > 0 || !PROTOCOLS.includes(protocol)) throw new FlowsUsageError(`--port must be <port>[/TCP|UDP|SCTP], got ${JSON.stringify(text)}`);
    if (/^\d+$/.test(portText)) {
        const port = Number(portText);
        if (port < 1 || port > 65535) throw new FlowsUsageError(`--port must be in 1-65535, got ${portText}`);
        return { port, protocol };
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(portText)) throw new FlowsUsageError(`--port must be a number or a port name, got ${JSON.stringify(portText)}`);
    return { port: portText, protocol };
}

/** A named port is the destination's container port of that name and protocol. */
function portNumber(spec: PortSpec, to: FlowEndpoint): number {
    if (typeof spec.port === "number") return spec.port;
    const cp = to.kind === "addresses" ? undefined : (to.pod.ports ?? []).find((p) => p.name === spec.port && (p.protocol ?? "TCP") === spec.protocol);
    if (!cp) throw new FlowsUsageError(`${to.label} has no container port named ${spec.port} (${spec.protocol})`);
    return cp.containerPort;
}

/** "egress vmafx/p[0]; ingress not isolated": what allows a row, in a table cell. */
function allowedByCell(d: FlowDecision): string {
    const side = (direction: "egress" | "ingress") => {
        const v = d[direction];
        if (!v.applicable) return undefined;
        if (!v.isolated) return `${direction} not isolated`;
        return `${direction} ${v.allowedBy.map((r) => `${r.namespace}/${r.policy}[${r.rule}]`).join(", ")}`;
    };
    return [side("egress"), side("ingress")].filter((x) => x !== undefined).join("; ");
}

function table(header: string[], rows: string[][]): string[] {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
    return [line(header), ...rows.map(line)];
}

function rowJson(r: FlowRow): string {
    return JSON.stringify({
        from: r.from.label,
        to: r.to.label,
        protocol: r.protocol,
        ports: r.ports,
        ...(r.addresses ? { addresses: r.addresses } : {}),
        ...decisionData(r.decision, r.from, r.to),
    });
}

function printRows(io: Io, rows: FlowRow[], format: string, mermaid: () => string): void {
    if (format === "json") {
        for (const r of rows) io.stdout(rowJson(r));
    } else if (format === "mermaid") {
        io.stdout(mermaid());
    } else {
        const cells = rows.map((r) => [
            r.from.label,
            r.to.label,
            `${portText(r.protocol, r.ports)}${r.addresses ? ` to ${r.addresses.join(", ")}` : ""}`,
            allowedByCell(r.decision),
        ]);
        for (const l of table(["FROM", "TO", "PORT", "ALLOWED BY"], cells)) io.stdout(l.trimEnd());
        io.stdout(`${rows.length} allowed flow${rows.length === 1 ? "" : "s"}`);
    }
}

function printAnswer(io: Io, a: QueryAnswer, json: boolean): void {
    if (json) {
        io.stdout(
            JSON.stringify({
                from: a.from.label,
                to: a.to.label,
                port: a.port,
                protocol: a.protocol,
                allowed: a.allowed,
                parts: a.parts.map((p) => ({
                    ...(p.addresses ? { addresses: p.addresses } : {}),
                    allowed: p.decision.allowed,
                    ...decisionData(p.decision, a.from, a.to),
                })),
            }),
        );
        return;
    }
    io.stdout(`${a.allowed ? "allowed" : "denied"}: ${a.from.label} -> ${a.to.label} ${a.protocol}/${a.port}`);
    const fromNs = a.from.kind === "addresses" ? undefined : a.from.pod.namespace;
    const toNs = a.to.kind === "addresses" ? undefined : a.to.pod.namespace;
    for (const p of a.parts) {
        const indent = p.addresses ? "    " : "  ";
        if (p.addresses) io.stdout(`  ${p.decision.allowed ? "allowed" : "denied"} for ${p.addresses.join(", ")}`);
        io.stdout(`${indent}egress of ${a.from.label}: ${sideText(p.decision.egress, "egress", fromNs)}`);
        io.stdout(`${indent}ingress of ${a.to.label}: ${sideText(p.decision.ingress, "ingress", toNs)}`);
    }
}

/** Runs `vmafx-policy flows <args>`; returns the exit code (0 allowed / matrix printed, 1 denied, 2 usage or input error). */
export async function flowsCommand(args: string[], io: Io): Promise<number> {
    try {
        return run(args, io);
    } catch (e) {
        const code = (e as { code?: string }).code;
        if (e instanceof FlowsUsageError || e instanceof EndpointSyntaxError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
            io.stderr(`error: ${(e as Error).message}`);
            if (!(e instanceof EndpointSyntaxError)) io.stderr(FLOWS_USAGE);
            return 2;
        }
        throw e;
    }
}

function run(args: string[], io: Io): number {
    const { values, positionals } = parseArgs({
        args,
        options: {
            namespace: { type: "string", default: "default" },
            format: { type: "string" },
            json: { type: "boolean", default: false },
            from: { type: "string" },
            to: { type: "string" },
            port: { type: "string" },
        },
        allowPositionals: true,
        strict: true,
    });
    const format = values.format ?? (values.json ? "json" : "table");
    if (!["table", "mermaid", "json"].includes(format)) throw new FlowsUsageError(`--format must be table, mermaid or json, got ${JSON.stringify(format)}`);
    if (values.json && values.format !== undefined && values.format !== "json") throw new FlowsUsageError("--json and --format differ");
    if (positionals.length === 0) throw new FlowsUsageError("give at least one file, directory or - (stdin)");
    const namespace = values.namespace as string;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) throw new FlowsUsageError(`--namespace must be a namespace name, got ${JSON.stringify(namespace)}`);
    const port = values.port !== undefined ? parsePort(values.port) : undefined;
    if (port && (values.from === undefined || values.to === undefined)) throw new FlowsUsageError("--port asks about one flow: give --from and --to too");
    if (port && format === "mermaid") throw new FlowsUsageError("a query (--port) prints a verdict, not a diagram: drop --format mermaid");

    const load = loadManifests(positionals, io.readStdin);
    for (const e of load.errors) io.stderr(`error: ${e}`);
    const inputError = load.errors.length > 0 ? 2 : 0;
    const model = modelFromManifests(
        load.objects.map((m) => m.object),
        namespace,
    );
    const froms = values.from !== undefined ? resolveEndpoint(model, values.from) : undefined;
    const tos = values.to !== undefined ? resolveEndpoint(model, values.to) : undefined;

    if (port) {
        const answers = froms!.flatMap((from) => tos!.map((to) => queryFlow(model, from, to, portNumber(port, to), port.protocol)));
        for (const a of answers) printAnswer(io, a, format === "json");
        return inputError || (answers.every((a) => a.allowed) ? 0 : 1);
    }
    const matrix = flowMatrix(model);
    if (!froms && !tos) {
        printRows(io, matrix.rows, format, () => flowMermaid(matrix));
        return inputError;
    }
    // Rows from and/or to the named endpoints; the other side ranges over the matrix's endpoints. A named
    // endpoint that is one of those (same label) is taken as that one, so a diagram draws it once.
    const known = (list: FlowEndpoint[] | undefined) => list?.map((e) => matrix.endpoints.find((m) => m.label === e.label) ?? e);
    const [f, t] = [known(froms), known(tos)];
    // As in the matrix, a pair of two outside endpoints is left out unless both were asked for.
    const rows = flowRows(matrix.cluster, f ?? matrix.endpoints, t ?? matrix.endpoints).filter(
        (r) => (f && t) || r.from.kind === "workload" || r.to.kind === "workload",
    );
    const endpoints = [...new Set([...matrix.endpoints, ...(f ?? []), ...(t ?? [])])];
    printRows(io, rows, format, () => flowMermaid({ endpoints, rows, cluster: matrix.cluster }));
    return inputError;
}
