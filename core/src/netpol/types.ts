// Types for the NetworkPolicy flow analyzer: the networking.k8s.io/v1 NetworkPolicy
// shape (as it appears in rendered YAML or resolved Pulumi inputs) and the endpoints
// and cluster the analyzer reasons about. No Pulumi imports.
//
// Enum-like fields (policyTypes, protocol, operator) are typed as plain strings on the
// input side so objects from arbitrary YAML fit; the analyzer ignores values the API
// server would reject and validateNetworkPolicy() reports them. `null` is accepted
// wherever YAML commonly produces it and means the same as an absent field.

export type PolicyType = "Ingress" | "Egress";
export type Protocol = "TCP" | "UDP" | "SCTP";
export type SelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist";

export interface LabelSelectorRequirement {
    key: string;
    /** "In" | "NotIn" | "Exists" | "DoesNotExist"; anything else matches nothing. */
    operator: SelectorOperator | string;
    values?: string[] | null;
}

export interface LabelSelector {
    matchLabels?: Record<string, string> | null;
    matchExpressions?: LabelSelectorRequirement[] | null;
}

export interface IPBlock {
    cidr: string;
    except?: string[] | null;
}

export interface NetworkPolicyPeer {
    podSelector?: LabelSelector | null;
    namespaceSelector?: LabelSelector | null;
    ipBlock?: IPBlock | null;
}

export interface NetworkPolicyPort {
    /** "TCP" (the default) | "UDP" | "SCTP". */
    protocol?: Protocol | string | null;
    /** A number, or a string naming a container port of the destination pod. */
    port?: number | string | null;
    /** Last port of a range starting at `port` (numeric `port` only). */
    endPort?: number | null;
}

export interface NetworkPolicyIngressRule {
    from?: NetworkPolicyPeer[] | null;
    ports?: NetworkPolicyPort[] | null;
}

export interface NetworkPolicyEgressRule {
    to?: NetworkPolicyPeer[] | null;
    ports?: NetworkPolicyPort[] | null;
}

export interface NetworkPolicySpec {
    /** Required by the API; `{}` (or absent) selects every pod of the namespace. */
    podSelector?: LabelSelector | null;
    /** "Ingress" | "Egress"; defaulted by effectivePolicyTypes() when absent or empty. */
    policyTypes?: (PolicyType | string)[] | null;
    ingress?: NetworkPolicyIngressRule[] | null;
    egress?: NetworkPolicyEgressRule[] | null;
}

export interface NetworkPolicyObject {
    apiVersion?: string;
    kind?: string;
    metadata: {
        name: string;
        generateName?: string | null;
        namespace?: string | null;
        labels?: Record<string, string> | null;
        annotations?: Record<string, string> | null;
        finalizers?: string[] | null;
    };
    spec: NetworkPolicySpec;
}

export interface ContainerPort {
    name?: string;
    containerPort: number;
    /** Defaults to "TCP". */
    protocol?: Protocol | string;
}

export interface PodEndpoint {
    kind: "pod";
    /** For messages only. */
    name?: string;
    namespace: string;
    labels: Record<string, string>;
    /** Only used to match `ipBlock` peers (how a CNI treats pod IPs in ipBlock varies). */
    ip?: string;
    /** All container ports of the pod; named ports in policies are resolved against them. */
    ports?: ContainerPort[];
}

/** An address outside the cluster's pods: no policies of its own, matched only by ipBlock. */
export interface IpEndpoint {
    kind: "ip";
    ip: string;
}

export type Endpoint = PodEndpoint | IpEndpoint;

export interface NamespaceInfo {
    name: string;
    /** `kubernetes.io/metadata.name: <name>` is always set by the analyzer (as the API server does). */
    labels?: Record<string, string>;
}

export interface Cluster {
    policies: NetworkPolicyObject[];
    /** Namespaces not listed here are treated as carrying only `kubernetes.io/metadata.name`. */
    namespaces: NamespaceInfo[];
    /** Namespace of policies without metadata.namespace; "default" when omitted. */
    defaultNamespace?: string;
}

/** One rule of one policy. `rule` indexes spec.ingress or spec.egress. */
export interface RuleRef {
    policy: string;
    namespace: string;
    rule: number;
}

export interface DirectionVerdict {
    /** False when this side is an IP endpoint: it has no policies, so it always allows. */
    applicable: boolean;
    isolated: boolean;
    allowed: boolean;
    /** Names of the policies that isolate the pod in this direction. */
    isolatedBy: string[];
    /** Every rule that allows the flow (empty when not isolated: nothing needed to allow it). */
    allowedBy: RuleRef[];
}

export interface FlowVerdict {
    allowed: boolean;
    /** Egress side of the source. */
    egress: DirectionVerdict;
    /** Ingress side of the destination. */
    ingress: DirectionVerdict;
}

export type InternetEgressForm =
    | "not isolated for egress"
    | "empty rule"
    | "rule without to"
    | "cidr 0.0.0.0/0"
    | "cidr ::/0"
    | "cidrs together cover 0.0.0.0/0"
    | "cidrs together cover ::/0";

export interface InternetEgressFinding {
    form: InternetEgressForm;
    /** Absent for "not isolated for egress" and for the "cidrs together cover" forms. */
    policy?: string;
    rule?: number;
    /** Index into spec.egress[rule].to, for the "cidr" forms. */
    peer?: number;
    /** e.g. "spec.egress[0].to[1].ipBlock.cidr" or "spec.egress[2]". */
    path?: string;
    /** The cidr as written, for the "cidr" forms. */
    cidr?: string;
    /** The except list of that ipBlock (may still leave most of the internet open). */
    except?: string[];
    /** The rule's ports; absent means every port and protocol. */
    ports?: NetworkPolicyPort[];
    /** For the "cidrs together cover" forms: the ipBlocks whose union covers the family. */
    parts?: { policy: string; rule: number; peer: number; path: string; cidr: string }[];
}
