// hostProbesAndHostLifecycle (baseline)
// Reads:   spec.{initContainers,containers,ephemeralContainers}[*].{livenessProbe,readinessProbe,startupProbe}
//          .{httpGet,tcpSocket}.host and [*].lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host
//          (tcpSocket is a deprecated lifecycle handler but still examined; exec and grpc have no host).
// Allows:  unset or "" (any non-empty host fails, loopback addresses such as 127.0.0.1 and ::1 included).
// Variants: v1.34 (check added; before v1.34 hosts are allowed).
import type { CheckDefinition, CheckFailure, ContainerRef, Obj, PodContext, PsaFinding } from "../types";
import { containerFinding, joinQuote, obj, pluralize, sortedUnique, str } from "../util";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const LIFECYCLE_HANDLERS = ["postStart", "preStop"] as const;

interface Acc {
    names?: string[];
    hosts?: string[];
    findings?: PsaFinding[];
}

function inspectHandler(handler: Obj | undefined, ref: ContainerRef, prefix: string, acc: Acc): void {
    if (handler === undefined) return;
    const httpGet = obj(handler.httpGet);
    if (httpGet !== undefined) {
        const host = str(httpGet.host);
        if (host !== "") {
            (acc.names ??= []).push(ref.name);
            (acc.hosts ??= []).push(host);
            (acc.findings ??= []).push(containerFinding(ref, prefix + ".httpGet.host", httpGet.host));
        }
    }
    const tcpSocket = obj(handler.tcpSocket);
    if (tcpSocket !== undefined) {
        const host = str(tcpSocket.host);
        if (host !== "") {
            (acc.names ??= []).push(ref.name);
            (acc.hosts ??= []).push(host);
            (acc.findings ??= []).push(containerFinding(ref, prefix + ".tcpSocket.host", tcpSocket.host));
        }
    }
}

function hostProbesAndHostLifecycle_1_34(ctx: PodContext): CheckFailure | undefined {
    let acc: Acc | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const c = cs[i].container;
        for (let p = 0; p < PROBES.length; p++) {
            const probe = obj(c[PROBES[p]]);
            if (probe !== undefined) inspectHandler(probe, cs[i], PROBES[p], (acc ??= {}));
        }
        const lifecycle = obj(c.lifecycle);
        if (lifecycle === undefined) continue;
        for (let h = 0; h < LIFECYCLE_HANDLERS.length; h++) {
            const handler = obj(lifecycle[LIFECYCLE_HANDLERS[h]]);
            if (handler !== undefined) inspectHandler(handler, cs[i], "lifecycle." + LIFECYCLE_HANDLERS[h], (acc ??= {}));
        }
    }
    if (acc === undefined || acc.names === undefined) return undefined;
    // Upstream keeps both containers and hosts in sets: unique and byte-sorted.
    const names = sortedUnique(acc.names);
    const hosts = sortedUnique(acc.hosts!);
    return {
        reason: "probe or lifecycle host",
        detail: `${pluralize("container", "containers", names.length)} ${joinQuote(names)} ${pluralize("uses", "use", names.length)} ${pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.length)} ${joinQuote(hosts)}`,
        findings: acc.findings!,
    };
}

export const hostProbesAndHostLifecycle: CheckDefinition = {
    id: "hostProbesAndHostLifecycle",
    level: "baseline",
    fix: "remove host from probe and lifecycle httpGet/tcpSocket handlers (they target the pod IP when unset)",
    versions: [{ minVersion: 34, check: hostProbesAndHostLifecycle_1_34 }],
};
