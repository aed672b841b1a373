// The API server's NetworkPolicy validation (pkg/apis/networking/validation, create path)
// for the parts the analyzer depends on, with field.Error-style messages
// ("spec.egress[0].to[1].ipBlock.except[0]: Invalid value: \"...\": must be a strict subset of `cidr`").
// Not covered: metadata beyond the name, unknown fields, types the schema would reject
// before validation runs (e.g. a boolean port).
import { cidrStrictlyContains, parseK8sCidr } from "../cidr";
import { LabelSelector, NetworkPolicyObject, NetworkPolicyPeer, NetworkPolicyPort } from "./types";

export interface ValidateOptions {
    /**
     * Validate CIDRs the strict way (StrictIPCIDRValidation, the newest upstream rules:
     * no leading zeros, no IPv4-mapped IPv6, no host bits set). Default true. With false,
     * those forms pass as older API servers let them (with warnings).
     */
    strictCidr?: boolean;
}

const q = (v: unknown): string => JSON.stringify(v);
const invalid = (path: string, value: unknown, detail: string) => `${path}: Invalid value: ${q(value)}: ${detail}`;
const required = (path: string, detail: string) => `${path}: Required value${detail ? `: ${detail}` : ""}`;
const forbidden = (path: string, detail: string) => `${path}: Forbidden: ${detail}`;
const unsupported = (path: string, value: unknown, supported: string[]) =>
    `${path}: Unsupported value: ${q(value)}: supported values: ${supported.map(q).join(", ")}`;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function dnsSubdomainErrors(value: string): string[] {
    const errs: string[] = [];
    if (value.length > 253) {
        errs.push("must be no more than 253 characters");
    }
    if (!DNS1123_SUBDOMAIN.test(value)) {
        errs.push(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        );
    }
    return errs;
}

/** IsQualifiedName: [prefix/]name, as used for label keys. */
function qualifiedNameErrors(value: string): string[] {
    const parts = value.split("/");
    let name = value;
    const errs: string[] = [];
    if (parts.length === 2) {
        const [prefix] = parts;
        name = parts[1];
        if (prefix.length === 0) {
            errs.push("prefix part must be non-empty");
        } else {
            errs.push(...dnsSubdomainErrors(prefix).map((e) => `prefix part ${e}`));
        }
    } else if (parts.length !== 1) {
        return [
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/'",
        ];
    }
    if (name.length === 0) {
        errs.push("name part must be non-empty");
    } else if (name.length > 63) {
        errs.push("name part must be no more than 63 characters");
    }
    if (name.length > 0 && !QUALIFIED_NAME_PART.test(name)) {
        errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
    }
    return errs;
}

function labelValueErrors(value: string): string[] {
    const errs: string[] = [];
    if (value.length > 63) {
        errs.push("must be no more than 63 characters");
    }
    if (!LABEL_VALUE.test(value)) {
        errs.push(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        );
    }
    return errs;
}

function validateLabelSelector(sel: LabelSelector, path: string): string[] {
    const errs: string[] = [];
    for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
        errs.push(...qualifiedNameErrors(key).map((e) => invalid(`${path}.matchLabels`, key, e)));
        errs.push(...labelValueErrors(String(value)).map((e) => invalid(`${path}.matchLabels`, value, e)));
    }
    (sel.matchExpressions ?? []).forEach((req, i) => {
        const reqPath = `${path}.matchExpressions[${i}]`;
        const values = req.values ?? [];
        switch (req.operator) {
            case "In":
            case "NotIn":
                if (values.length === 0) {
                    errs.push(required(`${reqPath}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
                }
                break;
            case "Exists":
            case "DoesNotExist":
                if (values.length > 0) {
                    errs.push(forbidden(`${reqPath}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                }
                break;
            default:
                errs.push(invalid(`${reqPath}.operator`, req.operator, "not a valid selector operator"));
        }
        errs.push(...qualifiedNameErrors(String(req.key)).map((e) => invalid(`${reqPath}.key`, req.key, e)));
        values.forEach((v, j) => errs.push(...labelValueErrors(String(v)).map((e) => invalid(`${reqPath}.values[${j}]`, v, e))));
    });
    return errs;
}

function portNumberErrors(value: number): string[] {
    return Number.isInteger(value) && value >= 1 && value <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];
}

/** IsValidPortName (IANA_SVC_NAME). */
function portNameErrors(value: string): string[] {
    const errs: string[] = [];
    if (value.length > 15) {
        errs.push("must be no more than 15 characters");
    }
    if (!/^[-a-z0-9]+$/.test(value)) {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!/[a-z]/.test(value)) {
        errs.push("must contain at least one letter (a-z)");
    }
    if (value.includes("--")) {
        errs.push("must not contain consecutive hyphens");
    }
    if (value.startsWith("-") || value.endsWith("-")) {
        errs.push("must not begin or end with a hyphen");
    }
    return errs;
}

function validatePort(port: NetworkPolicyPort, path: string): string[] {
    const errs: string[] = [];
    if (port.protocol != null && !["TCP", "UDP", "SCTP"].includes(port.protocol)) {
        errs.push(unsupported(`${path}.protocol`, port.protocol, ["TCP", "UDP", "SCTP"]));
    }
    if (port.port != null) {
        if (typeof port.port === "number") {
            errs.push(...portNumberErrors(port.port).map((e) => invalid(`${path}.port`, port.port, e)));
            if (port.endPort != null) {
                if (port.endPort < port.port) {
                    errs.push(invalid(`${path}.endPort`, port.endPort, "must be greater than or equal to `port`"));
                }
                errs.push(...portNumberErrors(port.endPort).map((e) => invalid(`${path}.endPort`, port.endPort, e)));
            }
        } else {
            if (port.endPort != null) {
                errs.push(invalid(`${path}.endPort`, port.endPort, "may not be specified when `port` is non-numeric"));
            }
            errs.push(...portNameErrors(String(port.port)).map((e) => invalid(`${path}.port`, port.port, e)));
        }
    } else if (port.endPort != null) {
        errs.push(invalid(`${path}.endPort`, port.endPort, "may not be specified when `port` is not specified"));
    }
    return errs;
}

function validateCidrValue(value: string, path: string, strict: boolean) {
    const parsed = parseK8sCidr(value);
    const errs: string[] = [];
    if (parsed.error) {
        errs.push(invalid(path, value, parsed.error));
    } else if (strict) {
        errs.push(...parsed.strictErrors.map((e) => invalid(path, value, e)));
    }
    return { cidr: parsed.cidr, errs };
}

function validatePeer(peer: NetworkPolicyPeer, path: string, strict: boolean): string[] {
    const errs: string[] = [];
    let count = 0;
    if (peer.podSelector != null) {
        count++;
        errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
    }
    if (peer.namespaceSelector != null) {
        count++;
        errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
    }
    if (peer.ipBlock != null) {
        count++;
        const ipPath = `${path}.ipBlock`;
        if (!peer.ipBlock.cidr) {
            errs.push(required(`${ipPath}.cidr`, ""));
        } else {
            const outer = validateCidrValue(peer.ipBlock.cidr, `${ipPath}.cidr`, strict);
            errs.push(...outer.errs);
            if (outer.cidr) {
                (peer.ipBlock.except ?? []).forEach((text, i) => {
                    const exceptPath = `${ipPath}.except[${i}]`;
                    const inner = validateCidrValue(text, exceptPath, strict);
                    errs.push(...inner.errs);
                    // A different family is never contained, so it fails here too (as upstream).
                    if (inner.cidr && !cidrStrictlyContains(outer.cidr!, inner.cidr)) {
                        errs.push(invalid(exceptPath, text, "must be a strict subset of `cidr`"));
                    }
                });
            }
        }
    }
    if (count === 0) {
        errs.push(required(path, "must specify a peer"));
    } else if (count > 1 && peer.ipBlock != null) {
        errs.push(forbidden(path, "may not specify both ipBlock and another peer"));
    }
    return errs;
}

/**
 * What the API server would reject on create, as field.Error-style messages; [] means
 * the parts checked here would be accepted: metadata.name (DNS subdomain), the pod
 * selector and peer selectors (operators, values, label keys and values), every port
 * (protocol enum, 1-65535, endPort >= port and only with a numeric port, port names),
 * every peer (at least one of the three, ipBlock alone), ipBlock cidr/except (valid
 * CIDRs, each except a strict subset of the cidr and so of the same family), and
 * policyTypes (at most two, Ingress/Egress).
 */
export function validateNetworkPolicy(policy: NetworkPolicyObject, options: ValidateOptions = {}): string[] {
    const strict = options.strictCidr ?? true;
    const errs: string[] = [];
    const name = policy.metadata?.name;
    if (!name) {
        errs.push(required("metadata.name", "name or generateName is required"));
    } else {
        errs.push(...dnsSubdomainErrors(name).map((e) => invalid("metadata.name", name, e)));
    }
    const spec = policy.spec ?? {};
    errs.push(...validateLabelSelector(spec.podSelector ?? {}, "spec.podSelector"));
    (spec.ingress ?? []).forEach((rule, i) => {
        (rule.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `spec.ingress[${i}].ports[${j}]`)));
        (rule.from ?? []).forEach((p, j) => errs.push(...validatePeer(p, `spec.ingress[${i}].from[${j}]`, strict)));
    });
    (spec.egress ?? []).forEach((rule, i) => {
        (rule.ports ?? []).forEach((p, j) => errs.push(...validatePort(p, `spec.egress[${i}].ports[${j}]`)));
        (rule.to ?? []).forEach((p, j) => errs.push(...validatePeer(p, `spec.egress[${i}].to[${j}]`, strict)));
    });
    const types = spec.policyTypes ?? [];
    if (types.length > 2) {
        errs.push(invalid("spec.policyTypes", types, "may not specify more than two policyTypes"));
    } else {
        types.forEach((t, i) => {
            if (t !== "Ingress" && t !== "Egress") {
                errs.push(unsupported(`spec.policyTypes[${i}]`, t, ["Ingress", "Egress"]));
            }
        });
    }
    return errs;
}
