// NetworkPolicy v1 flow analysis: which policies isolate a pod, whether a flow between
// two endpoints is allowed, and which egress rules open a pod to the whole internet.
// Pure functions over plain objects; no Pulumi imports.
//
// Semantics (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
//  - A pod is isolated for a direction iff some policy in its namespace selects it and
//    that policy's effective policyTypes contain the direction. Not isolated = all allowed.
//    Isolated = allowed iff some rule of some such policy allows (union, no ordering, no deny).
//  - A rule allows when some peer matches AND some port entry matches; absent or empty
//    from/to = every peer (all pods everywhere and all addresses); absent or empty ports =
//    every port and protocol.
//  - A flow A -> B is allowed iff A's egress allows it (A a pod) AND B's ingress allows it
//    (B a pod). An IP endpoint has no policies. Traffic of a pod to itself is not special-cased.
import * as ipaddr from "ipaddr.js";
import { Cidr, addressInNetwork, parseAddress, parseK8sCidr, unionCoversFamily } from "../cidr";
import { selectorMatches } from "./selector";
import {
    Cluster,
    DirectionVerdict,
    Endpoint,
    FlowVerdict,
    InternetEgressFinding,
    NetworkPolicyObject,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    PodEndpoint,
    PolicyType,
    Protocol,
    RuleRef,
} from "./types";

/** Set on every namespace by the API server (Kubernetes >= 1.21). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];

/** The namespace a policy lives in: metadata.namespace, else cluster.defaultNamespace, else "default". */
export function policyNamespace(cluster: Pick<Cluster, "defaultNamespace">, policy: NetworkPolicyObject): string {
    return policy.metadata.namespace || cluster.defaultNamespace || "default";
}

/** A namespace's labels, always including kubernetes.io/metadata.name=<name> (it cannot be overridden). */
export function namespaceLabels(cluster: Pick<Cluster, "namespaces">, name: string): Record<string, string> {
    const ns = cluster.namespaces.find((n) => n.name === name);
    return { ...(ns?.labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
}

/**
 * The policyTypes the API server stores (pkg/apis/networking/v1/defaults.go,
 * SetDefaults_NetworkPolicy): when policyTypes is absent or empty it becomes ["Ingress"],
 * plus "Egress" iff len(spec.egress) != 0 (so `egress: []` does NOT add Egress). An
 * explicit list is kept as written (values other than Ingress/Egress dropped, duplicates
 * removed); then rules of an unlisted direction are ignored.
 */
export function effectivePolicyTypes(policy: NetworkPolicyObject): PolicyType[] {
    const declared = policy.spec.policyTypes ?? [];
    if (declared.length === 0) {
        return (policy.spec.egress ?? []).length !== 0 ? ["Ingress", "Egress"] : ["Ingress"];
    }
    const types: PolicyType[] = [];
    for (const t of declared) {
        if ((t === "Ingress" || t === "Egress") && !types.includes(t)) {
            types.push(t);
        }
    }
    return types;
}

/** Policies in the pod's namespace that select it and whose effective policyTypes include `direction`. */
export function policiesSelecting(cluster: Cluster, pod: PodEndpoint, direction: PolicyType): NetworkPolicyObject[] {
    return cluster.policies.filter(
        (p) => policyNamespace(cluster, p) === pod.namespace && selectorMatches(p.spec.podSelector, pod.labels) && effectivePolicyTypes(p).includes(direction),
    );
}

function endpointAddress(endpoint: Endpoint): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
    if (endpoint.ip === undefined) {
        return undefined;
    }
    const address = parseAddress(endpoint.ip);
    if (!address) {
        const what = endpoint.kind === "pod" ? `pod ${endpoint.namespace}/${endpoint.name ?? "?"}` : "IP endpoint";
        throw new Error(`invalid IP address ${JSON.stringify(endpoint.ip)} for ${what}`);
    }
    return address;
}

function ipBlockNetwork(text: string): Cidr | undefined {
    return parseK8sCidr(text).cidr;
}

/**
 * Whether one peer of a rule of a policy in `policyNs` matches the endpoint.
 * ipBlock: the endpoint's address (an IP endpoint's, or a pod's `ip` when given) is in
 * cidr and in no except; an unparseable cidr matches nothing. Selectors: pods only;
 * podSelector alone = pods of the policy's namespace, namespaceSelector alone = all pods
 * of matching namespaces, both = pods matching podSelector in matching namespaces (AND).
 * A peer with none of the three (rejected by the API server) matches nothing; one that
 * mixes ipBlock with a selector (also rejected) is judged by its ipBlock.
 */
function peerMatches(cluster: Cluster, peer: NetworkPolicyPeer, policyNs: string, endpoint: Endpoint, address: ipaddr.IPv4 | ipaddr.IPv6 | undefined): boolean {
    if (peer.ipBlock != null) {
        const network = ipBlockNetwork(peer.ipBlock.cidr);
        if (!network || !address || !addressInNetwork(address, network)) {
            return false;
        }
        return !(peer.ipBlock.except ?? []).some((text) => {
            const except = ipBlockNetwork(text);
            return except !== undefined && addressInNetwork(address, except);
        });
    }
    if (peer.podSelector == null && peer.namespaceSelector == null) {
        return false;
    }
    if (endpoint.kind !== "pod") {
        return false;
    }
    const namespaceOk =
        peer.namespaceSelector != null
            ? selectorMatches(peer.namespaceSelector, namespaceLabels(cluster, endpoint.namespace))
            : endpoint.namespace === policyNs;
    return namespaceOk && (peer.podSelector == null || selectorMatches(peer.podSelector, endpoint.labels));
}

/**
 * Whether one port entry matches `port`/`protocol` towards `destination`. Protocol
 * defaults to TCP. No port = every port of the protocol. Numeric port with endPort =
 * [port, endPort]. A string port names a container port of the destination pod (same
 * name and protocol, container protocol defaulting to TCP) and never matches an IP
 * endpoint. Entries the API server rejects (endPort without a numeric port) are read by
 * their `port` alone.
 */
function portEntryMatches(entry: NetworkPolicyPort, destination: Endpoint, port: number, protocol: Protocol): boolean {
    if ((entry.protocol ?? "TCP") !== protocol) {
        return false;
    }
    if (entry.port == null) {
        return true;
    }
    if (typeof entry.port === "number") {
        if (entry.endPort != null) {
            return port >= entry.port && port <= entry.endPort;
        }
        return port === entry.port;
    }
    if (destination.kind !== "pod") {
        return false;
    }
    const name = entry.port;
    return (destination.ports ?? []).some((cp) => cp.name === name && (cp.protocol ?? "TCP") === protocol && cp.containerPort === port);
}

interface Side {
    direction: PolicyType;
    /** The pod whose policies are consulted. */
    subject: PodEndpoint;
    /** The other end, matched against from/to peers. */
    peer: Endpoint;
    peerAddress: ipaddr.IPv4 | ipaddr.IPv6 | undefined;
    /** Where the traffic goes: named ports resolve against it. */
    destination: Endpoint;
}

function notApplicable(): DirectionVerdict {
    return { applicable: false, isolated: false, allowed: true, isolatedBy: [], allowedBy: [] };
}

function evaluateSide(cluster: Cluster, side: Side, port: number, protocol: Protocol): DirectionVerdict {
    const policies = policiesSelecting(cluster, side.subject, side.direction);
    const allowedBy: RuleRef[] = [];
    for (const policy of policies) {
        const ns = policyNamespace(cluster, policy);
        const rules =
            side.direction === "Ingress"
                ? (policy.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports }))
                : (policy.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
        rules.forEach((rule, index) => {
            const peers = rule.peers ?? [];
            const ports = rule.ports ?? [];
            const peerOk = peers.length === 0 || peers.some((p) => peerMatches(cluster, p, ns, side.peer, side.peerAddress));
            const portOk = ports.length === 0 || ports.some((p) => portEntryMatches(p, side.destination, port, protocol));
            if (peerOk && portOk) {
                allowedBy.push({ policy: policy.metadata.name, namespace: ns, rule: index });
            }
        });
    }
    const isolated = policies.length > 0;
    return {
        applicable: true,
        isolated,
        allowed: !isolated || allowedBy.length > 0,
        isolatedBy: policies.map((p) => p.metadata.name),
        allowedBy: isolated ? allowedBy : [],
    };
}

/**
 * Is a connection from `from` to `to` on `port`/`protocol` allowed? Egress is judged on
 * the source (when a pod), ingress on the destination (when a pod); both must allow.
 * Throws on a port outside 1-65535, an unknown protocol or an unparseable endpoint IP.
 */
export function evaluateFlow(cluster: Cluster, from: Endpoint, to: Endpoint, port: number, protocol: Protocol = "TCP"): FlowVerdict {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new RangeError(`port must be an integer in 1-65535, got ${port}`);
    }
    if (!PROTOCOLS.includes(protocol)) {
        throw new RangeError(`protocol must be one of ${PROTOCOLS.join(", ")}, got ${String(protocol)}`);
    }
    const fromAddress = endpointAddress(from);
    const toAddress = endpointAddress(to);
    const egress =
        from.kind === "pod"
            ? evaluateSide(cluster, { direction: "Egress", subject: from, peer: to, peerAddress: toAddress, destination: to }, port, protocol)
            : notApplicable();
    const ingress =
        to.kind === "pod"
            ? evaluateSide(cluster, { direction: "Ingress", subject: to, peer: from, peerAddress: fromAddress, destination: to }, port, protocol)
            : notApplicable();
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/**
 * For the prod egress guard: every way `pod` can reach the whole internet through its
 * egress policies. One finding per egress rule (of a policy selecting the pod for Egress)
 * without `to` ("empty rule" when it has no ports either, else "rule without to"), one
 * per ipBlock peer whose cidr is a /0 ("cidr 0.0.0.0/0" or "cidr ::/0", whatever the
 * except list or ports say), and "cidrs together cover <family>" when the other ipBlocks
 * of all those rules together span a family with no single /0 (ports and excepts are not
 * considered). A pod no policy isolates for egress yields one "not isolated for egress".
 */
export function openInternetEgress(cluster: Cluster, pod: PodEndpoint): InternetEgressFinding[] {
    const policies = policiesSelecting(cluster, pod, "Egress");
    if (policies.length === 0) {
        return [{ form: "not isolated for egress" }];
    }
    const findings: InternetEgressFinding[] = [];
    const parts: { network: Cidr; policy: string; rule: number; peer: number; path: string; cidr: string }[] = [];
    for (const policy of policies) {
        const name = policy.metadata.name;
        (policy.spec.egress ?? []).forEach((rule, ruleIndex) => {
            const to = rule.to ?? [];
            const ports = rule.ports ?? [];
            const portsField = ports.length > 0 ? { ports } : {};
            if (to.length === 0) {
                findings.push({
                    form: ports.length === 0 ? "empty rule" : "rule without to",
                    policy: name,
                    rule: ruleIndex,
                    path: `spec.egress[${ruleIndex}]`,
                    ...portsField,
                });
                return;
            }
            to.forEach((peer, peerIndex) => {
                if (peer.ipBlock == null) {
                    return;
                }
                const network = ipBlockNetwork(peer.ipBlock.cidr);
                if (!network) {
                    return;
                }
                const path = `spec.egress[${ruleIndex}].to[${peerIndex}].ipBlock.cidr`;
                if (network.prefixLength === 0) {
                    findings.push({
                        form: network.family === "ipv4" ? "cidr 0.0.0.0/0" : "cidr ::/0",
                        policy: name,
                        rule: ruleIndex,
                        peer: peerIndex,
                        path,
                        cidr: peer.ipBlock.cidr,
                        except: [...(peer.ipBlock.except ?? [])],
                        ...portsField,
                    });
                } else {
                    parts.push({ network, policy: name, rule: ruleIndex, peer: peerIndex, path, cidr: peer.ipBlock.cidr });
                }
            });
        });
    }
    for (const [family, form, whole] of [
        ["ipv4", "cidrs together cover 0.0.0.0/0", "cidr 0.0.0.0/0"],
        ["ipv6", "cidrs together cover ::/0", "cidr ::/0"],
    ] as const) {
        const ofFamily = parts.filter((p) => p.network.family === family);
        if (
            !findings.some((f) => f.form === whole) &&
            ofFamily.length > 0 &&
            unionCoversFamily(
                ofFamily.map((p) => p.network),
                family,
            )
        ) {
            findings.push({ form, parts: ofFamily.map((p) => ({ policy: p.policy, rule: p.rule, peer: p.peer, path: p.path, cidr: p.cidr })) });
        }
    }
    return findings;
}
