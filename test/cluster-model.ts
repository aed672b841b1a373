// Turns a rendered release into the flow analyzer's model (namespaces, pods, policies) and
// turns the component's flow list into concrete probes: one endpoint pair per flow and port.
import * as ipaddr from "ipaddr.js";
import { addressInCidr, Cluster, Endpoint, evaluateFlow, IpEndpoint, NetworkPolicyObject, parseCidr, PodEndpoint, Protocol } from "@vmafx-k8s/core";
import { BuildContext, Flow, FlowEnd, Manifest } from "@vmafx-k8s/vmafx/plan";
import { podTemplates } from "./helpers";

export interface Model {
    cluster: Cluster;
    /** Release pods by component label. */
    release: Map<string, PodEndpoint>;
    namespace: string;
}

/** Builds the analyzer's view of a release: its policies, its Namespace labels, one pod per workload. */
export function modelOf(manifests: readonly Manifest[], ctx: BuildContext): Model {
    const namespace = ctx.naming.namespace;
    const nsManifest = manifests.find((m) => m.kind === "Namespace");
    const cluster: Cluster = {
        policies: manifests.filter((m) => m.kind === "NetworkPolicy") as unknown as NetworkPolicyObject[],
        namespaces: [{ name: namespace, labels: nsManifest?.metadata.labels ?? {} }],
    };
    const release = new Map<string, PodEndpoint>();
    for (const t of podTemplates(manifests)) {
        const component = t.metadata.labels["app.kubernetes.io/component"];
        release.set(component, {
            kind: "pod",
            name: t.owner,
            namespace,
            labels: t.metadata.labels,
            ports: t.spec.containers.flatMap((c: any) => c.ports ?? []),
        });
    }
    return { cluster, release, namespace };
}

/** Adds a namespace (if new) and returns a pod in it with the given labels. */
export function podIn(model: Model, namespace: string, labels: Record<string, string>, nsLabels: Record<string, string> = {}, name?: string): PodEndpoint {
    if (!model.cluster.namespaces.some((n) => n.name === namespace)) {
        model.cluster.namespaces.push({ name: namespace, labels: nsLabels });
    }
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
