// Turns a rendered release into the flow analyzer's model (core's modelFromManifests: namespaces, one pod per
// workload, policies) and turns the component's flow list into concrete probes: one endpoint pair per flow and port.
import * as ipaddr from "ipaddr.js";
import * as yaml from "js-yaml";
import {
    addressInCidr,
    Cluster,
    DirectionVerdict,
    Endpoint,
    ensureNamespace,
    evaluateFlow,
    IpEndpoint,
    modelFromManifests,
    parseCidr,
    PodEndpoint,
    Protocol,
} from "@vmafx-k8s/core";
import { BuildContext, Flow, FlowEnd, Manifest } from "@vmafx-k8s/vmafx/plan";
import { flowsCommand } from "@vmafx-k8s/policy-pack/flows";

export interface Model {
    cluster: Cluster;
    /** Release pods by component label. */
    release: Map<string, PodEndpoint>;
    namespace: string;
}

/** Builds the analyzer's view of a release: its policies, its Namespace labels, one pod per workload. */
export function modelOf(manifests: readonly Manifest[], ctx: BuildContext): Model {
    const namespace = ctx.naming.namespace;
    const model = modelFromManifests(manifests as unknown as Record<string, any>[], namespace);
    const release = new Map<string, PodEndpoint>();
    for (const w of model.workloads) release.set(w.pod.labels["app.kubernetes.io/component"], w.pod);
    return { cluster: model.cluster, release, namespace };
}

/** Adds a namespace (if new) and returns a pod in it with the given labels. */
export function podIn(model: Model, namespace: string, labels: Record<string, string>, nsLabels: Record<string, string> = {}, name?: string): PodEndpoint {
    ensureNamespace(model, namespace, nsLabels);
    return { kind: "pod", name: name ?? `${namespace}/${Object.values(labels).join("-") || "any"}`, namespace, labels };
}

/** An address inside `cidr` and outside every `except`, preferring documentation ranges. */
export function sampleAddress(cidr: string, except: readonly string[]): string {
    const c = parseCidr(cidr)!;
    const excluded = except.map((e) => parseCidr(e)!);
    const ok = (a: string) => addressInCidr(a, c) && !excluded.some((e) => addressInCidr(a, e));
    const bytes = c.address.toByteArray();
    const candidates = ["203.0.113.10", "2001:db8::10"];
    // A host address first; the network address itself only for a single-address range.
    for (const i of [...Array.from({ length: 63 }, (_, k) => k + 1), 0]) {
        const b = [...bytes];
        b[b.length - 1] = (b[b.length - 1] + i) & 0xff;
        candidates.push(ipaddr.fromByteArray(b).toString());
    }
    const found = candidates.find(ok);
    if (!found) throw new Error(`no sample address in ${cidr} outside ${except.join(", ")}`);
    return found;
}

export interface Probe {
    readonly label: string;
    readonly from: Endpoint;
    readonly to: Endpoint;
    readonly port: number;
    readonly protocol: Protocol;
}

function endpoints(model: Model, end: FlowEnd, index: number): { label: string; endpoint: Endpoint }[] {
    switch (end.kind) {
        case "component": {
            const pod = model.release.get(end.component);
            if (!pod) throw new Error(`no ${end.component} pod in the release`);
            return [{ label: end.component, endpoint: pod }];
        }
        case "release":
            return [...model.release.entries()].map(([component, pod]) => ({ label: component, endpoint: pod }));
        case "external":
            return end.peers.map((p, i) => {
                if (p.kind === "cidr") {
                    const ip = sampleAddress(p.cidr, p.except);
                    return { label: `${p.description} ${ip}`, endpoint: { kind: "ip", ip } as IpEndpoint };
                }
                const nsLabels = p.namespaceSelector?.matchLabels ?? {};
                const ns = p.namespaceSelector ? (nsLabels["kubernetes.io/metadata.name"] ?? `peer-${index}-${i}`) : model.namespace;
                const labels = p.podSelector.matchLabels ?? {};
                return { label: `${p.description} (${ns})`, endpoint: podIn(model, ns, labels, nsLabels) };
            });
    }
}

/** Every concrete (source, destination, port) an intended flow stands for. */
export function probesOf(model: Model, flows: Flow[]): Probe[] {
    const probes: Probe[] = [];
    flows.forEach((flow, i) => {
        for (const from of endpoints(model, flow.from, i)) {
            for (const to of endpoints(model, flow.to, i)) {
                for (const p of flow.ports) {
                    probes.push({
                        label: `${flow.id}: ${from.label} -> ${to.label} ${p.protocol}/${p.port}`,
                        from: from.endpoint,
                        to: to.endpoint,
                        port: p.port,
                        protocol: p.protocol,
                    });
                }
            }
        }
    });
    return probes;
}

export function allowed(model: Model, p: { from: Endpoint; to: Endpoint; port: number; protocol: Protocol }): boolean {
    return evaluateFlow(model.cluster, p.from, p.to, p.port, p.protocol).allowed;
}

/** A probe's endpoint as `vmafx-policy flows` names it: a release workload by namespace/Kind/name, another pod by its labels, an address as itself. */
export function flowsEndpointText(model: Model, e: Endpoint): string {
    if (e.kind === "ip") return e.ip;
    if ([...model.release.values()].includes(e)) return `${e.namespace}/${e.name}`;
    return `pod:${Object.entries(e.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",")}@${e.namespace}`;
}

/**
 * The manifests `vmafx-policy flows` reads for probes of `model`: the release's, plus a Namespace object with its
 * labels for every namespace the probes added (podIn).
 */
export function flowsInput(model: Model, manifests: readonly Manifest[]): string {
    const declared = new Set(manifests.filter((m) => m.kind === "Namespace").map((m) => m.metadata.name));
    const namespaces = model.cluster.namespaces
        .filter((n) => !declared.has(n.name))
        .map((n) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: n.name, labels: n.labels ?? {} } }));
    return [...manifests, ...namespaces].map((m) => yaml.dump(m, { noRefs: true })).join("---\n");
}

/** What `vmafx-policy flows --json` says decides one side: the isolating policies and the allowing rules. */
function deciding(v: { isolatedBy: string[]; allowedBy: { policy: string; rule: number }[] }) {
    return { isolatedBy: v.isolatedBy, allowedBy: v.allowedBy };
}

function decidingOf(v: DirectionVerdict, namespace: string | undefined) {
    return deciding({
        isolatedBy: v.isolatedBy.map((p) => `${namespace}/${p}`),
        allowedBy: v.allowedBy.map((r) => ({ policy: `${r.namespace}/${r.policy}`, rule: r.rule })),
    });
}

/**
 * Asks `vmafx-policy flows --from --to --port --json` about a probe over `input` (flowsInput) and returns its exit
 * code, the deciding policies it names on each side, and the same as the analyzer (evaluateFlow) has them.
 */
export async function askFlows(model: Model, input: string, p: { from: Endpoint; to: Endpoint; port: number; protocol: Protocol }) {
    const out: string[] = [];
    const args = ["--from", flowsEndpointText(model, p.from), "--to", flowsEndpointText(model, p.to), "--port", `${p.port}/${p.protocol}`];
    const code = await flowsCommand([...args, "--json", "--namespace", model.namespace, "-"], {
        stdout: (l) => out.push(l),
        stderr: (l) => out.push(l),
        readStdin: () => input,
    });
    const answers = out.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const said = answers.flatMap((a) =>
        a.parts.map((part: any) => ({ allowed: part.allowed, egress: deciding(part.egress), ingress: deciding(part.ingress) })),
    );
    const v = evaluateFlow(model.cluster, p.from, p.to, p.port, p.protocol);
    const ns = (e: Endpoint) => (e.kind === "pod" ? e.namespace : undefined);
    const analyzer = [{ allowed: v.allowed, egress: decidingOf(v.egress, ns(p.from)), ingress: decidingOf(v.ingress, ns(p.to)) }];
    return { code, output: out.join("\n"), said, analyzer, verdict: v };
}
