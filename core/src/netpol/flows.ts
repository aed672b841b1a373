// The allowed-flow matrix of a manifest model, queries between two endpoints, and the matrix as a Mermaid
// diagram: everything `vmafx-policy flows` prints and what `npm run docs` draws, on top of evaluateFlow.
//
// Endpoints are the model's workloads, the pods and addresses the policies' rules name (a peer selector that
// selects no workload of the manifests stands for pods outside them, e.g. Prometheus in another namespace; an
// ipBlock for its addresses), and what a query names. Verdicts are exact, not sampled: ports are split at every
// port, range and container port any policy or the destination mentions, addresses at every cidr and except of
// any ipBlock, and evaluateFlow judges one port (address) of each piece, on which every rule agrees.
import * as ipaddr from "ipaddr.js";
import { parseAddress, parseK8sCidr } from "../cidr";
import { evaluateFlow, namespaceLabels, policyNamespace } from "./analyze";
import { ManifestModel, Workload } from "./model";
import { selectorMatches } from "./selector";
import { Cluster, DirectionVerdict, Endpoint, LabelSelector, NamespaceInfo, NetworkPolicyPeer, PodEndpoint, Protocol, RuleRef } from "./types";

export const FLOW_PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];

type Family = "ipv4" | "ipv6";

/** Addresses start..end (inclusive) of one family. */
export interface AddressRange {
    family: Family;
    start: bigint;
    end: bigint;
}

export type FlowEndpoint =
    | { kind: "workload"; label: string; workload: Workload; pod: PodEndpoint }
    /** A pod that is not among the manifests, with the labels and namespace given. */
    | { kind: "pod"; label: string; pod: PodEndpoint; namespaceLabel: string }
    /** Addresses outside the cluster's pods (disjoint ranges, sorted). */
    | { kind: "addresses"; label: string; ranges: AddressRange[] };

/** What decided one verdict, side by side (a side of an address endpoint is not applicable). */
export interface FlowDecision {
    allowed: boolean;
    egress: DirectionVerdict;
    ingress: DirectionVerdict;
}

/** One allowed (from, to, protocol, port range) of the matrix. */
export interface FlowRow {
    from: FlowEndpoint;
    to: FlowEndpoint;
    /** "any": every port of every protocol. */
    protocol: Protocol | "any";
    /** First and last port; 1-65535 is every port. */
    ports: [number, number];
    /** When only part of an address endpoint is allowed: that part, as CIDRs. */
    addresses?: string[];
    decision: FlowDecision;
}

export interface FlowMatrix {
    endpoints: FlowEndpoint[];
    rows: FlowRow[];
    /** The model's cluster plus the namespaces the endpoints need (those that selectors name). */
    cluster: Cluster;
}

export class EndpointSyntaxError extends Error {}

// --- addresses -------------------------------------------------------------------------------------------------

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

function toBigInt(bytes: number[]): bigint {
    return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function addressText(family: Family, value: bigint): string {
    const bytes: number[] = [];
    for (let i = BITS[family] / 8 - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
    return ipaddr.fromByteArray(bytes).toString();
}

/** The addresses of a CIDR as the API server reads it (legacy parsing), or undefined. */
function cidrRange(text: string): AddressRange | undefined {
    const c = parseK8sCidr(text).cidr;
    if (!c) return undefined;
    const size = 1n << BigInt(BITS[c.family] - c.prefixLength);
    const start = toBigInt(c.address.toByteArray()) & ~(size - 1n);
    return { family: c.family, start, end: start + size - 1n };
}

function subtract(ranges: AddressRange[], cut: AddressRange): AddressRange[] {
    return ranges.flatMap((r) => {
        if (r.family !== cut.family || cut.end < r.start || cut.start > r.end) return [r];
        const out: AddressRange[] = [];
        if (cut.start > r.start) out.push({ family: r.family, start: r.start, end: cut.start - 1n });
        if (cut.end < r.end) out.push({ family: r.family, start: cut.end + 1n, end: r.end });
        return out;
    });
}

/** The fewest CIDRs that cover exactly the range. */
function rangeCidrs(r: AddressRange): string[] {
    const out: string[] = [];
    const bits = BITS[r.family];
    let start = r.start;
    while (start <= r.end) {
        let size = 0;
        while (size < bits && (start & ((1n << BigInt(size + 1)) - 1n)) === 0n && start + (1n << BigInt(size + 1)) - 1n <= r.end) size++;
        out.push(`${addressText(r.family, start)}/${bits - size}`);
        start += 1n << BigInt(size);
    }
    return out;
}

/** The ipBlock's addresses: cidr minus every except of the same family. */
function ipBlockRanges(block: { cidr: string; except?: string[] | null }): AddressRange[] {
    const whole = cidrRange(block.cidr);
    if (!whole) return [];
    let ranges = [whole];
    for (const e of block.except ?? []) {
        const cut = cidrRange(e);
        if (cut) ranges = subtract(ranges, cut);
    }
    return ranges;
}

/** Every cidr and except of every ipBlock of the cluster's policies: what address verdicts can change at. */
function ipBlockCuts(cluster: Cluster): AddressRange[] {
    const cuts: AddressRange[] = [];
    for (const p of cluster.policies) {
        for (const peer of [...(p.spec.ingress ?? []).flatMap((r) => r.from ?? []), ...(p.spec.egress ?? []).flatMap((r) => r.to ?? [])]) {
            if (peer.ipBlock == null) continue;
            for (const text of [peer.ipBlock.cidr, ...(peer.ipBlock.except ?? [])]) {
                const r = cidrRange(text);
                if (r) cuts.push(r);
            }
        }
    }
    return cuts;
}

/** `ranges` split wherever a cut starts or ends, so that each piece lies inside or outside every cut. */
function splitRanges(ranges: AddressRange[], cuts: AddressRange[]): AddressRange[] {
    return ranges.flatMap((r) => {
        const points = new Set<bigint>([r.start]);
        for (const c of cuts) {
            if (c.family !== r.family) continue;
            if (c.start > r.start && c.start <= r.end) points.add(c.start);
            if (c.end >= r.start && c.end < r.end) points.add(c.end + 1n);
        }
        const starts = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        return starts.map((start, i) => ({ family: r.family, start, end: i + 1 < starts.length ? starts[i + 1] - 1n : r.end }));
    });
}

// --- ports -----------------------------------------------------------------------------------------------------

/** Port pieces [first, last] of 1-65535 on which every port entry of every policy, and `to`'s container ports, agree. */
function portPieces(cluster: Cluster, to: FlowEndpoint): [number, number][] {
    const starts = new Set<number>([1]);
    const add = (first: number, last: number) => {
        if (Number.isInteger(first) && first >= 1 && first <= 65535) starts.add(first);
        if (Number.isInteger(last) && last >= 1 && last < 65535) starts.add(last + 1);
    };
    for (const p of cluster.policies) {
        for (const rule of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) {
            for (const entry of rule.ports ?? []) {
                if (typeof entry.port === "number") add(entry.port, entry.endPort ?? entry.port);
            }
        }
    }
    if (to.kind !== "addresses") for (const cp of to.pod.ports ?? []) add(cp.containerPort, cp.containerPort);
    const sorted = [...starts].sort((a, b) => a - b);
    return sorted.map((s, i) => [s, i + 1 < sorted.length ? sorted[i + 1] - 1 : 65535]);
}

// --- evaluation ------------------------------------------------------------------------------------------------

/** The analyzer's endpoint for one point of a flow endpoint: an address endpoint's first address in `part` (else its first). */
function concrete(e: FlowEndpoint, part: AddressRange | undefined): Endpoint {
    if (e.kind !== "addresses") return e.pod;
    const at = part ?? e.ranges[0];
    return { kind: "ip", ip: addressText(at.family, at.start) };
}

function decide(cluster: Cluster, from: Endpoint, to: Endpoint, port: number, protocol: Protocol): FlowDecision {
    const v = evaluateFlow(cluster, from, to, port, protocol);
    return { allowed: v.allowed, egress: v.egress, ingress: v.ingress };
}

const decisionKey = (d: FlowDecision) =>
    JSON.stringify([d.allowed, d.egress.isolatedBy, d.egress.allowedBy, d.ingress.isolatedBy, d.ingress.allowedBy, d.egress.applicable, d.ingress.applicable]);

/**
 * The address pieces of a pair: those of its address side split at every ipBlock bound (one undefined piece when
 * no side is an address endpoint), and a judge of one piece. Of two address endpoints (no policy applies to
 * either) the source's first piece is judged with the destination's first address.
 */
function addressPieces(cluster: Cluster, from: FlowEndpoint, to: FlowEndpoint) {
    const side = from.kind === "addresses" ? "from" : to.kind === "addresses" ? "to" : undefined;
    const ranges = from.kind === "addresses" ? from.ranges : to.kind === "addresses" ? to.ranges : [];
    const pieces: (AddressRange | undefined)[] = side ? splitRanges(ranges, ipBlockCuts(cluster)) : [undefined];
    const judge = (part: AddressRange | undefined, port: number, protocol: Protocol) =>
        decide(cluster, concrete(from, side === "from" ? part : undefined), concrete(to, side === "to" ? part : undefined), port, protocol);
    return { pieces: from.kind === "addresses" && to.kind === "addresses" ? pieces.slice(0, 1) : pieces, judge };
}

/** Every allowed (protocol, port range, address part) of one pair, pieces with the same decision merged. */
function pairRows(cluster: Cluster, from: FlowEndpoint, to: FlowEndpoint): FlowRow[] {
    const { pieces, judge } = addressPieces(cluster, from, to);
    const ports = portPieces(cluster, to);
    const perProtocol = FLOW_PROTOCOLS.map((protocol) => {
        // One signature per port piece: the allowed decisions, each with the address pieces it holds for.
        const signed = ports.map(([first, last]) => {
            const groups = new Map<string, { decision: FlowDecision; parts: AddressRange[] }>();
            for (const part of pieces) {
                const d = judge(part, first, protocol);
                if (!d.allowed) continue;
                const key = decisionKey(d);
                const g = groups.get(key) ?? { decision: d, parts: [] };
                if (part) g.parts.push(part);
                groups.set(key, g);
            }
            const signature = JSON.stringify([...groups].map(([k, g]) => [k, g.parts.map((p) => `${p.start}-${p.end}`)]));
            return { first, last, signature, groups: [...groups.values()] };
        });
        const merged: typeof signed = [];
        for (const s of signed) {
            const prev = merged[merged.length - 1];
            if (prev && prev.signature === s.signature && prev.last + 1 === s.first) merged[merged.length - 1] = { ...prev, last: s.last };
            else merged.push(s);
        }
        return { protocol, merged };
    });
    const everything = (p: (typeof perProtocol)[number]) => p.merged.length === 1 && p.merged[0].groups.length > 0;
    const sameEverywhere = perProtocol.every(everything) && perProtocol.every((p) => p.merged[0].signature === perProtocol[0].merged[0].signature);
    const rows: FlowRow[] = [];
    for (const { protocol, merged } of sameEverywhere ? [{ protocol: "any" as const, merged: perProtocol[0].merged }] : perProtocol) {
        for (const m of merged) {
            for (const g of m.groups) {
                const whole = g.parts.length === pieces.filter((p) => p !== undefined).length;
                rows.push({
                    from,
                    to,
                    protocol,
                    ports: [m.first, m.last],
                    ...(whole ? {} : { addresses: mergeRanges(g.parts).flatMap(rangeCidrs) }),
                    decision: g.decision,
                });
            }
        }
    }
    return rows;
}

function mergeRanges(parts: AddressRange[]): AddressRange[] {
    const out: AddressRange[] = [];
    for (const p of [...parts].sort((a, b) => (a.family !== b.family ? (a.family < b.family ? -1 : 1) : a.start < b.start ? -1 : a.start > b.start ? 1 : 0))) {
        const last = out[out.length - 1];
        if (last && last.family === p.family && last.end + 1n === p.start) out[out.length - 1] = { ...last, end: p.end };
        else out.push({ ...p });
    }
    return out;
}

// --- endpoints the policies name ---------------------------------------------------------------------------------

/** Labels a selector selects (matchLabels, the first value of each In, an empty value for Exists), or undefined when none do. */
function labelsSelectedBy(sel: LabelSelector | null | undefined): Record<string, string> | undefined {
    const labels: Record<string, string> = { ...(sel?.matchLabels ?? {}) };
    for (const req of sel?.matchExpressions ?? []) {
        if (req.operator === "In" && !(req.key in labels)) labels[req.key] = (req.values ?? [])[0] ?? "";
        else if (req.operator === "Exists" && !(req.key in labels)) labels[req.key] = "";
    }
    return selectorMatches(sel, labels) ? labels : undefined;
}

const labelText = (labels: Record<string, string>) =>
    Object.keys(labels)
        .sort()
        .map((k) => `${k}=${labels[k]}`)
        .join(",");

/** `pod:<labels>@<namespace>`: the query syntax for a pod outside the manifests. */
function podEndpoint(namespace: string, labels: Record<string, string>, namespaceLabel = namespace): FlowEndpoint {
    return {
        kind: "pod",
        label: `pod:${labelText(labels)}@${namespaceLabel}`,
        pod: { kind: "pod", name: `pod:${labelText(labels)}@${namespaceLabel}`, namespace, labels },
        namespaceLabel,
    };
}

const ANY_NAMESPACE = "(any namespace)";

/** The namespaces a peer's namespace part stands for, adding the ones selectors imply to `extra`. */
function peerNamespaces(cluster: Cluster, peer: NetworkPolicyPeer, policyNs: string, extra: NamespaceInfo[]): { name: string; label: string }[] {
    const sel = peer.namespaceSelector;
    if (sel == null) return [{ name: policyNs, label: policyNs }];
    const known = [...cluster.namespaces, ...extra];
    const matching = known.filter((n) => selectorMatches(sel, namespaceLabels({ namespaces: known }, n.name))).map((n) => ({ name: n.name, label: n.name }));
    const named = sel.matchLabels?.["kubernetes.io/metadata.name"];
    if (named !== undefined && !known.some((n) => n.name === named)) {
        const labels = labelsSelectedBy(sel);
        if (!labels) return matching;
        extra.push({ name: named, labels });
        matching.push({ name: named, label: named });
    }
    if (named !== undefined) return matching;
    // Selectors without a name also stand for namespaces the manifests do not declare.
    const labels = labelsSelectedBy(sel);
    if (!labels) return matching;
    const text = Object.keys(labels).length === 0 ? ANY_NAMESPACE : `(namespaces ${labelText(labels)})`;
    if (!extra.some((n) => n.name === text)) extra.push({ name: text, labels });
    return [...matching, { name: text, label: text }];
}

function addressEndpoint(label: string, ranges: AddressRange[]): FlowEndpoint {
    return { kind: "addresses", label, ranges };
}

const ANYWHERE: readonly { cidr: string }[] = [{ cidr: "0.0.0.0/0" }, { cidr: "::/0" }];

/** The endpoints of the matrix: the workloads, then the pods and addresses the rules name that are not workloads. */
function matrixEndpoints(model: ManifestModel): { endpoints: FlowEndpoint[]; cluster: Cluster } {
    const extra: NamespaceInfo[] = [];
    const pods = new Map<string, FlowEndpoint>();
    const addresses = new Map<string, FlowEndpoint>();
    const addBlock = (block: { cidr: string; except?: string[] | null }) => {
        const ranges = ipBlockRanges(block);
        const label = block.except?.length ? `${block.cidr} except ${block.except.join(", ")}` : block.cidr;
        if (ranges.length > 0 && !addresses.has(label)) addresses.set(label, addressEndpoint(label, ranges));
    };
    for (const policy of model.cluster.policies) {
        const ns = policyNamespace(model.cluster, policy);
        const rules = [...(policy.spec.ingress ?? []).map((r) => r.from), ...(policy.spec.egress ?? []).map((r) => r.to)];
        for (const peers of rules) {
            if (!peers || peers.length === 0) {
                ANYWHERE.forEach(addBlock);
                pods.set(ANY_NAMESPACE, podEndpoint(ANY_NAMESPACE, {}, ANY_NAMESPACE));
                continue;
            }
            for (const peer of peers) {
                if (peer.ipBlock != null) {
                    addBlock(peer.ipBlock);
                    continue;
                }
                if (peer.podSelector == null && peer.namespaceSelector == null) continue;
                const labels = labelsSelectedBy(peer.podSelector);
                if (!labels) continue;
                const selectsAll = Object.keys(peer.podSelector?.matchLabels ?? {}).length === 0 && (peer.podSelector?.matchExpressions ?? []).length === 0;
                for (const target of peerNamespaces(model.cluster, peer, ns, extra)) {
                    // A selector that picks workloads of the manifests means them; `{}` also means pods the manifests do not hold.
                    if (!selectsAll && model.workloads.some((w) => w.namespace === target.name && selectorMatches(peer.podSelector, w.pod.labels))) continue;
                    const e = podEndpoint(target.name, labels, target.label);
                    if (!pods.has(e.label)) pods.set(e.label, e);
                }
            }
        }
    }
    const byLabel = (a: FlowEndpoint, b: FlowEndpoint) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
    const workloads: FlowEndpoint[] = model.workloads.map((w) => ({ kind: "workload", label: w.ref, workload: w, pod: w.pod }));
    const cluster = { ...model.cluster, namespaces: [...model.cluster.namespaces, ...extra] };
    const sortedAddresses = [...addresses.values()].sort((a, b) => {
        const ra = (a as { ranges: AddressRange[] }).ranges[0];
        const rb = (b as { ranges: AddressRange[] }).ranges[0];
        if (ra.family !== rb.family) return ra.family < rb.family ? -1 : 1;
        return ra.start < rb.start ? -1 : ra.start > rb.start ? 1 : byLabel(a, b);
    });
    return { endpoints: [...workloads, ...[...pods.values()].sort(byLabel), ...sortedAddresses], cluster };
}

/** Every allowed flow from one of `froms` to one of `tos` (an endpoint's flows to itself and address-to-address pairs left out). */
export function flowRows(cluster: Cluster, froms: readonly FlowEndpoint[], tos: readonly FlowEndpoint[]): FlowRow[] {
    const rows: FlowRow[] = [];
    for (const from of froms) {
        for (const to of tos) {
            if (from === to || (from.kind === "workload" && to.kind === "workload" && from.workload === to.workload)) continue;
            if (from.kind === "addresses" && to.kind === "addresses") continue;
            rows.push(...pairRows(cluster, from, to));
        }
    }
    return rows;
}

/**
 * Every allowed flow between the endpoints of the model where at least one side is a workload of the manifests
 * (pairs of two outside endpoints are not the manifests' business), a workload's flows to itself left out. An
 * address endpoint allowed only in part gets no row: the part is allowed by rules whose ipBlocks are endpoints
 * of their own, allowed as a whole.
 */
export function flowMatrix(model: ManifestModel): FlowMatrix {
    const { endpoints, cluster } = matrixEndpoints(model);
    const workloads = endpoints.filter((e) => e.kind === "workload");
    const others = endpoints.filter((e) => e.kind !== "workload");
    const rows = [...flowRows(cluster, workloads, endpoints), ...flowRows(cluster, others, workloads)].filter((r) => !r.addresses);
    const order = (r: FlowRow) => endpoints.indexOf(r.from) * endpoints.length + endpoints.indexOf(r.to);
    // Stable: rows of one pair keep their protocol and port order.
    rows.sort((a, b) => order(a) - order(b));
    return { endpoints, rows, cluster };
}

// --- queries ---------------------------------------------------------------------------------------------------

// A label key: an optional DNS-subdomain prefix and a name (the API server's rules, without length limits).
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function parseLabels(text: string, what: string): Record<string, string> {
    const labels: Record<string, string> = {};
    if (text === "") return labels;
    for (const term of text.split(",")) {
        const eq = term.indexOf("=");
        const key = eq < 0 ? "" : term.slice(0, eq).trim();
        if (!LABEL_KEY.test(key)) throw new EndpointSyntaxError(`${JSON.stringify(what)}: ${JSON.stringify(term)} is not label-key=value`);
        labels[key] = term.slice(eq + 1).trim();
    }
    return labels;
}

/**
 * The endpoints a query names:
 *  - `Kind/name` or `namespace/Kind/name`: a workload of the manifests (kind case-insensitive);
 *  - `key=value,...[@namespace]`: the workloads those labels select (in that namespace, else in any), or when they
 *    select none, a pod outside the manifests with exactly those labels (in that namespace, else the default);
 *  - `pod:[key=value,...][@namespace]`: a pod outside the manifests with exactly those labels (none: no labels);
 *  - an IP address or a CIDR: those addresses.
 * Throws EndpointSyntaxError for text of none of these forms and for a workload the manifests do not hold.
 */
export function resolveEndpoint(model: ManifestModel, text: string): FlowEndpoint[] {
    const t = text.trim();
    if (t.startsWith("pod:")) {
        const [labels, ns] = splitNamespace(t.slice(4), model.defaultNamespace);
        return [podEndpoint(ns, parseLabels(labels, text))];
    }
    const address = parseAddress(t);
    if (address) {
        const bytes = address.toByteArray();
        const value = toBigInt(bytes);
        return [addressEndpoint(t, [{ family: address.kind(), start: value, end: value }])];
    }
    if (t.includes("/") && !t.includes("=")) {
        const range = /^[0-9a-fA-F.:]+\/\d+$/.test(t) ? cidrRange(t) : undefined;
        if (range) return [addressEndpoint(t, [range])];
        const parts = t.split("/");
        if (parts.length === 2 || parts.length === 3) {
            const [ns, kind, name] = parts.length === 3 ? parts : [undefined, parts[0], parts[1]];
            const found = model.workloads.filter(
                (w) => w.kind.toLowerCase() === kind.toLowerCase() && w.name === name && (ns === undefined || w.namespace === ns),
            );
            if (found.length === 0)
                throw new EndpointSyntaxError(`no workload ${t} in the manifests (workloads: ${model.workloads.map((w) => w.ref).join(", ") || "none"})`);
            return found.map((w) => ({ kind: "workload", label: w.ref, workload: w, pod: w.pod }));
        }
    }
    if (t.includes("=") || t.includes("@")) {
        const [labelPart, ns] = splitNamespace(t, undefined);
        const labels = parseLabels(labelPart, text);
        const selected = model.workloads.filter((w) => (ns === undefined || w.namespace === ns) && selectorMatches({ matchLabels: labels }, w.pod.labels));
        if (selected.length > 0) return selected.map((w) => ({ kind: "workload", label: w.ref, workload: w, pod: w.pod }));
        return [podEndpoint(ns ?? model.defaultNamespace, labels)];
    }
    throw new EndpointSyntaxError(
        `${JSON.stringify(text)} is not an endpoint: use Kind/name, namespace/Kind/name, key=value[,key=value][@namespace], pod:[labels][@namespace], an IP address or a CIDR`,
    );
}

function splitNamespace<T extends string | undefined>(text: string, fallback: T): [string, string | T] {
    const at = text.lastIndexOf("@");
    if (at < 0) return [text, fallback];
    const ns = text.slice(at + 1).trim();
    if (!ns) throw new EndpointSyntaxError(`${JSON.stringify(text)}: no namespace after @`);
    return [text.slice(0, at), ns];
}

/** One verdict of a query; `addresses` when an address endpoint splits into parts that are decided apart. */
export interface QueryPart {
    addresses?: string[];
    decision: FlowDecision;
}

export interface QueryAnswer {
    from: FlowEndpoint;
    to: FlowEndpoint;
    port: number;
    protocol: Protocol;
    /** Allowed for every part. */
    allowed: boolean;
    parts: QueryPart[];
}

/** Is `from` -> `to` on port/protocol allowed, and what decides it. The model's cluster is used as it is. */
export function queryFlow(model: ManifestModel, from: FlowEndpoint, to: FlowEndpoint, port: number, protocol: Protocol): QueryAnswer {
    const { pieces, judge } = addressPieces(model.cluster, from, to);
    const groups = new Map<string, { decision: FlowDecision; parts: AddressRange[] }>();
    for (const part of pieces) {
        const d = judge(part, port, protocol);
        const g = groups.get(decisionKey(d)) ?? { decision: d, parts: [] };
        if (part) g.parts.push(part);
        groups.set(decisionKey(d), g);
    }
    const split = groups.size > 1;
    const parts = [...groups.values()].map((g) => ({ ...(split ? { addresses: mergeRanges(g.parts).flatMap(rangeCidrs) } : {}), decision: g.decision }));
    return { from, to, port, protocol, allowed: parts.every((p) => p.decision.allowed), parts };
}

// --- text --------------------------------------------------------------------------------------------------------

/** "TCP 443", "TCP 32000-32768", "UDP any", "any". */
export function portText(protocol: Protocol | "any", ports: [number, number]): string {
    if (protocol === "any") return "any";
    const [first, last] = ports;
    return `${protocol} ${first === 1 && last === 65535 ? "any" : first === last ? first : `${first}-${last}`}`;
}

const ruleText = (r: RuleRef, direction: "ingress" | "egress") => `${r.namespace}/${r.policy} ${direction}[${r.rule}]`;

/** What decided one side, for people: who isolates it and which rules allow the flow (or that none does). */
export function sideText(v: DirectionVerdict, direction: "ingress" | "egress", namespace?: string): string {
    if (!v.applicable) return "no policies (not a pod)";
    if (!v.isolated) return "not isolated";
    const by = v.isolatedBy.map((p) => (namespace ? `${namespace}/${p}` : p)).join(", ");
    return v.allowed ? `allowed by ${v.allowedBy.map((r) => ruleText(r, direction)).join(", ")} (isolated by ${by})` : `no rule allows it (isolated by ${by})`;
}

const namespaceOf = (e: FlowEndpoint) => (e.kind === "addresses" ? undefined : e.pod.namespace);

/** The deciding policies of a decision as plain data (for JSON). */
export function decisionData(d: FlowDecision, from: FlowEndpoint, to: FlowEndpoint) {
    const side = (v: DirectionVerdict, ns: string | undefined) => ({
        applicable: v.applicable,
        isolated: v.isolated,
        allowed: v.allowed,
        isolatedBy: v.isolatedBy.map((p) => `${ns}/${p}`),
        allowedBy: v.allowedBy.map((r) => ({ policy: `${r.namespace}/${r.policy}`, rule: r.rule })),
    });
    return { egress: side(d.egress, namespaceOf(from)), ingress: side(d.ingress, namespaceOf(to)) };
}

/** The decision of a row or query part in one line: "egress: ...; ingress: ...". */
export function decisionText(d: FlowDecision, from: FlowEndpoint, to: FlowEndpoint): string {
    return `egress: ${sideText(d.egress, "egress", namespaceOf(from))}; ingress: ${sideText(d.ingress, "ingress", namespaceOf(to))}`;
}

// --- Mermaid -----------------------------------------------------------------------------------------------------

const mermaidText = (s: string) => s.replace(/"/g, "#quot;");

/**
 * The matrix as a Mermaid flowchart: workloads and outside pods grouped by namespace, addresses apart, one edge
 * per pair with its ports. Outside endpoints without an allowed flow are left out. Deterministic: the order is
 * the matrix's.
 */
export function flowMermaid(matrix: FlowMatrix): string {
    const edges = new Map<string, { from: FlowEndpoint; to: FlowEndpoint; ports: Map<string, string[]> }>();
    for (const r of matrix.rows) {
        const key = `${matrix.endpoints.indexOf(r.from)}>${matrix.endpoints.indexOf(r.to)}`;
        const e = edges.get(key) ?? { from: r.from, to: r.to, ports: new Map() };
        // "TCP 443, 6443; UDP 53": ports grouped by protocol (and by address part).
        const [protocol, ...rest] = portText(r.protocol, r.ports).split(" ");
        const group = `${protocol}${r.addresses ? ` to ${r.addresses.join(", ")}` : ""}`;
        const list = e.ports.get(group) ?? [];
        if (rest.length > 0 && !list.includes(rest[0])) list.push(rest[0]);
        e.ports.set(group, list);
        edges.set(key, e);
    }
    const edgeText = (ports: Map<string, string[]>) =>
        [...ports].map(([group, list]) => (list.length === 0 ? group : group.replace(/^(\S+)/, `$1 ${list.join(", ")}`))).join("; ");
    const used = new Set<FlowEndpoint>([...edges.values()].flatMap((e) => [e.from, e.to]));
    const shown = matrix.endpoints.filter((e) => e.kind === "workload" || used.has(e));
    const id = (e: FlowEndpoint) => `e${matrix.endpoints.indexOf(e)}`;
    const node = (e: FlowEndpoint) => {
        if (e.kind === "workload") return `${id(e)}["${mermaidText(`${e.workload.kind}/${e.workload.name}`)}"]`;
        if (e.kind === "pod") return `${id(e)}(["${mermaidText(Object.keys(e.pod.labels).length ? `pods ${labelText(e.pod.labels)}` : "any pod")}"])`;
        return `${id(e)}[/"${mermaidText(e.label)}"/]`;
    };
    const lines = ["flowchart LR"];
    const groups: string[] = [];
    for (const e of shown) {
        const g = e.kind === "workload" ? e.workload.namespace : e.kind === "pod" ? e.namespaceLabel : undefined;
        if (g !== undefined && !groups.includes(g)) groups.push(g);
    }
    groups.forEach((g, i) => {
        lines.push(`    subgraph ns${i}["${mermaidText(g.startsWith("(") ? g.slice(1, -1) : `namespace ${g}`)}"]`);
        for (const e of shown) {
            const eg = e.kind === "workload" ? e.workload.namespace : e.kind === "pod" ? e.namespaceLabel : undefined;
            if (eg === g) lines.push(`        ${node(e)}`);
        }
        lines.push("    end");
    });
    for (const e of shown) if (e.kind === "addresses") lines.push(`    ${node(e)}`);
    for (const e of edges.values()) lines.push(`    ${id(e.from)} -->|"${mermaidText(edgeText(e.ports))}"| ${id(e.to)}`);
    return lines.join("\n");
}
