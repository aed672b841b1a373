// The API server's NetworkPolicy validation on create (k8s.io/kubernetes pkg/apis/networking/validation
// ValidateNetworkPolicy, with the object-metadata and label-selector rules of k8s.io/apimachinery it calls), as
// field.Error texts: "<field path>: <type>: <value>: <detail>", e.g.
//   spec.egress[0].to[1].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`
// Field paths, error types and details are the API server's own, so a message can be compared with what
// `kubectl create --dry-run=server` prints (test/e2e/netpol-parity.ts does, against a real kube-apiserver).
// Not covered: metadata.ownerReferences and managedFields (set by controllers and the server, not by manifests),
// and what the API server rejects while decoding, before validation runs (unknown fields, a boolean port).
import { addressInNetwork, parseK8sCidr } from "../cidr";
import { LabelSelector, NetworkPolicyObject, NetworkPolicyPeer, NetworkPolicyPort } from "./types";

export interface ValidateOptions {
    /**
     * Validate CIDRs the strict way (StrictIPCIDRValidation, on by default since Kubernetes 1.36: no leading
     * zeros, no IPv4-mapped IPv6, no host bits set). Default true. With false, those forms pass as older API
     * servers let them (with warnings).
     */
    strictCidr?: boolean;
}

// field.Error bodies. Values print as Go does: strings quoted, numbers bare, lists as JSON.
const q = (v: unknown): string => JSON.stringify(v);
const invalid = (path: string, value: unknown, detail: string) => `${path}: Invalid value: ${q(value)}: ${detail}`;
const required = (path: string, detail: string) => `${path}: Required value${detail ? `: ${detail}` : ""}`;
const forbidden = (path: string, detail: string) => `${path}: Forbidden: ${detail}`;
const tooLong = (path: string, bytes: number) => `${path}: Too long: may not be more than ${bytes} bytes`;
const unsupported = (path: string, value: unknown, supported: string[]) =>
    `${path}: Unsupported value: ${q(value)}: supported values: ${supported.map(q).join(", ")}`;

/** The error types of field.Error as they appear in messages (ErrorType.String()). */
const ERROR_TYPES = [
    "Invalid value",
    "Required value",
    "Forbidden",
    "Unsupported value",
    "Too long",
    "Too many",
    "Duplicate value",
    "Not found",
    "Internal error",
];
const FIELD_ERROR = new RegExp(`(?:^|[\\s\\[,])((?:metadata|spec)(?:\\.[A-Za-z][A-Za-z0-9]*|\\[\\d+\\])*): (?:${ERROR_TYPES.join("|")})`, "g");

/**
 * The field.Error texts in `text`, each with its field path: one validator message, a `vmafx-policy check` report,
 * or the API server's report as kubectl prints it (`The NetworkPolicy "x" is invalid: <error>`, or one `* <error>`
 * line per error). A message runs to the end of its line or to the next error.
 */
export function fieldErrors(text: string): { path: string; message: string }[] {
    const found = [...text.matchAll(FIELD_ERROR)];
    return found.map((m, i) => {
        const start = m.index! + m[0].indexOf(m[1]);
        const end = i + 1 < found.length ? found[i + 1].index! + 1 : text.length;
        const message = text.slice(start, end).split("\n")[0].trim().replace(/,$/, "");
        return { path: m[1], message };
    });
}

/** The field paths of fieldErrors(text). */
export function fieldErrorPaths(text: string): string[] {
    return fieldErrors(text).map((e) => e.path);
}

// Go measures lengths in bytes.
const byteLength = (s: string): number => new TextEncoder().encode(s).length;

/** validation.RegexError: the detail of a failed format check, with examples and the regex. */
function regexError(msg: string, re: string, ...examples: string[]): string {
    if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
    return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(" or ")}regex used for validation is '${re}')`;
}

const DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const anchored = (fmt: string) => new RegExp(`^${fmt}$`);
const DNS1123_LABEL = anchored(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN = anchored(DNS1123_SUBDOMAIN_FMT);
const LABEL_KEY_NAME = anchored(LABEL_KEY_FMT);
const LABEL_VALUE = anchored(LABEL_VALUE_FMT);
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/**
 * IsDNS1123Subdomain. Two copies exist upstream that differ only in the length unit: util/validation's
 * ("characters", used for object names) and api/validate/content's ("bytes", used for label-key prefixes).
 */
function dnsSubdomainErrors(value: string, unit: "characters" | "bytes"): string[] {
    const errs: string[] = [];
    if (byteLength(value) > 253) errs.push(`must be no more than 253 ${unit}`);
    if (!DNS1123_SUBDOMAIN.test(value)) {
        errs.push(
            regexError(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                DNS1123_SUBDOMAIN_FMT,
                "example.com",
            ),
        );
    }
    return errs;
}

/** IsDNS1123Label (util/validation): namespace names. */
function dnsLabelErrors(value: string): string[] {
    const errs: string[] = [];
    if (byteLength(value) > 63) errs.push("must be no more than 63 characters");
    if (!DNS1123_LABEL.test(value)) {
        errs.push(
            DNS1123_SUBDOMAIN.test(value)
                ? "must not contain dots"
                : regexError(
                      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                      DNS1123_LABEL_FMT,
                      "my-name",
                      "123-abc",
                  ),
        );
    }
    return errs;
}

/** content.IsLabelKey (IsQualifiedName): [prefix/]name, for label keys, annotation keys and finalizers. */
function labelKeyErrors(value: string): string[] {
    const parts = value.split("/");
    const errs: string[] = [];
    let name: string;
    if (parts.length === 1) {
        name = parts[0];
    } else if (parts.length === 2) {
        const prefix = parts[0];
        name = parts[1];
        if (prefix.length === 0) errs.push("prefix part must be non-empty");
        else errs.push(...dnsSubdomainErrors(prefix, "bytes").map((e) => `prefix part ${e}`));
    } else {
        return [
            `a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        ];
    }
    if (name.length === 0) errs.push("name part must be non-empty");
    else if (byteLength(name) > 63) errs.push("name part must be no more than 63 bytes");
    if (!LABEL_KEY_NAME.test(name)) errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")}`);
    return errs;
}

/** content.IsLabelValue. */
function labelValueErrors(value: string): string[] {
    const errs: string[] = [];
    if (byteLength(value) > 63) errs.push("must be no more than 63 bytes");
    if (!LABEL_VALUE.test(value)) {
        errs.push(
            regexError(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                LABEL_VALUE_FMT,
                "MyValue",
                "my_value",
                "12345",
            ),
        );
    }
    return errs;
}

/** ValidateLabels: each key (ValidateLabelName) and value, all reported at the map's path. */
function validateLabels(labels: Record<string, unknown>, path: string): string[] {
    const errs: string[] = [];
    for (const [key, value] of Object.entries(labels)) {
        errs.push(...labelKeyErrors(key).map((e) => invalid(path, key, e)));
        errs.push(...labelValueErrors(String(value)).map((e) => invalid(path, value, e)));
    }
    return errs;
}

/** metav1 ValidateLabelSelector (create: invalid values in matchExpressions are not allowed). */
function validateLabelSelector(sel: LabelSelector, path: string): string[] {
    const errs = validateLabels(sel.matchLabels ?? {}, `${path}.matchLabels`);
    (sel.matchExpressions ?? []).forEach((req, i) => {
        const reqPath = `${path}.matchExpressions[${i}]`;
        const values = req.values ?? [];
        switch (req.operator) {
            case "In":
            case "NotIn":
                if (values.length === 0) errs.push(required(`${reqPath}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
                break;
            case "Exists":
            case "DoesNotExist":
                if (values.length > 0) errs.push(forbidden(`${reqPath}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                break;
            default:
                errs.push(invalid(`${reqPath}.operator`, req.operator, "not a valid selector operator"));
        }
        errs.push(...labelKeyErrors(String(req.key)).map((e) => invalid(`${reqPath}.key`, req.key, e)));
        values.forEach((v, j) => errs.push(...labelValueErrors(String(v)).map((e) => invalid(`${reqPath}.values[${j}]`, v, e))));
    });
    return errs;
}

/** The standard finalizers a name without a '/' may be (core helper.IsStandardFinalizerName). */
const STANDARD_FINALIZERS = ["kubernetes", "orphan", "foregroundDeletion"];
const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

/** ValidateObjectMeta (namespaced, name = DNS subdomain) as kubernetes' core validation extends it. */
function validateMetadata(meta: NetworkPolicyObject["metadata"] | undefined): string[] {
    const errs: string[] = [];
    const m = meta ?? ({} as NetworkPolicyObject["metadata"]);
    if (m.generateName) {
        // NameIsDNSSubdomain with prefix: a trailing '-' is fine, random characters follow it.
        const g = m.generateName;
        const masked = g.length > 1 && g.endsWith("-") ? `${g.slice(0, -2)}a` : g;
        errs.push(...dnsSubdomainErrors(masked, "characters").map((e) => invalid("metadata.generateName", g, e)));
    }
    if (!m.name) errs.push(required("metadata.name", "name or generateName is required"));
    else errs.push(...dnsSubdomainErrors(m.name, "characters").map((e) => invalid("metadata.name", m.name, e)));
    // A missing namespace is filled in by kubectl (and by the analyzer's default namespace); a given one must be a DNS label.
    if (m.namespace) errs.push(...dnsLabelErrors(m.namespace).map((e) => invalid("metadata.namespace", m.namespace, e)));
    errs.push(...validateLabels(m.labels ?? {}, "metadata.labels"));
    const annotations = m.annotations ?? {};
    for (const key of Object.keys(annotations)) {
        // Annotation keys are qualified names in any case.
        errs.push(...labelKeyErrors(key.toLowerCase()).map((e) => invalid("metadata.annotations", key, e)));
    }
    const size = Object.entries(annotations).reduce((n, [k, v]) => n + byteLength(k) + byteLength(String(v)), 0);
    if (size > ANNOTATIONS_SIZE_LIMIT) errs.push(tooLong("metadata.annotations", ANNOTATIONS_SIZE_LIMIT));
    const finalizers = m.finalizers ?? [];
    for (const f of finalizers) errs.push(...labelKeyErrors(f).map((e) => invalid("metadata.finalizers", f, e)));
    if (finalizers.includes("orphan") && finalizers.includes("foregroundDeletion")) {
        errs.push(invalid("metadata.finalizers", finalizers, "finalizer orphan and foregroundDeletion cannot be both set"));
    }
    finalizers.forEach((f, i) => {
        if (!f.includes("/") && !STANDARD_FINALIZERS.includes(f)) {
            errs.push(invalid(`metadata.finalizers[${i}]`, f, "name is neither a standard finalizer name nor is it fully qualified"));
        }
    });
    return errs;
}

function portNumberErrors(value: number): string[] {
    return Number.isInteger(value) && value >= 1 && value <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];
}

/** IsValidPortName (IANA_SVC_NAME). */
function portNameErrors(value: string): string[] {
    const errs: string[] = [];
    if (byteLength(value) > 15) errs.push("must be no more than 15 characters");
    if (!/^[-a-z0-9]+$/.test(value)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    if (!/[a-z]/.test(value)) errs.push("must contain at least one letter (a-z)");
    if (value.includes("--")) errs.push("must not contain consecutive hyphens");
    if (value.startsWith("-") || value.endsWith("-")) errs.push("must not begin or end with a hyphen");
    return errs;
}

const PROTOCOLS = ["TCP", "UDP", "SCTP"];

function validatePort(port: NetworkPolicyPort, path: string): string[] {
    const errs: string[] = [];
    if (port.protocol != null && !PROTOCOLS.includes(port.protocol)) errs.push(unsupported(`${path}.protocol`, port.protocol, PROTOCOLS));
    if (port.port == null) {
        if (port.endPort != null) errs.push(invalid(`${path}.endPort`, port.endPort, "may not be specified when `port` is not specified"));
    } else if (typeof port.port === "number") {
        errs.push(...portNumberErrors(port.port).map((e) => invalid(`${path}.port`, port.port, e)));
        if (port.endPort != null) {
            if (port.endPort < port.port) errs.push(invalid(`${path}.endPort`, port.endPort, "must be greater than or equal to `port`"));
            errs.push(...portNumberErrors(port.endPort).map((e) => invalid(`${path}.endPort`, port.endPort, e)));
        }
    } else {
        if (port.endPort != null) errs.push(invalid(`${path}.endPort`, port.endPort, "may not be specified when `port` is non-numeric"));
        errs.push(...portNameErrors(String(port.port)).map((e) => invalid(`${path}.port`, port.port, e)));
    }
    return errs;
}

/** IsValidCIDRForLegacyField, plus the network and its prefix length as written (Go's Mask.Size()). */
function validateCidrValue(value: string, path: string, strict: boolean) {
    const parsed = parseK8sCidr(value);
    const errs: string[] = [];
    if (parsed.error) errs.push(invalid(path, value, parsed.error));
    else if (strict) errs.push(...parsed.strictErrors.map((e) => invalid(path, value, e)));
    return { cidr: parsed.cidr, maskLength: parsed.cidr ? Number(value.slice(value.indexOf("/") + 1)) : 0, errs };
}

/**
 * ValidateIPBlock. An except must be a strict subset of the cidr, judged as upstream does: the except's network
 * address lies in the cidr (an IPv4-mapped IPv6 network counting as the IPv4 network it maps) and its prefix
 * length as written is longer. So an except of the other address family always fails, and so does an IPv4
 * except of an IPv4-mapped cidr (`::ffff:0.0.0.0/96` except `10.0.0.0/8`: 96 is not shorter than 8), which the
 * address containment alone would let through.
 */
function validateIpBlock(ipBlock: { cidr: string; except?: string[] | null }, path: string, strict: boolean): string[] {
    if (!ipBlock.cidr) return [required(`${path}.cidr`, "")];
    const outer = validateCidrValue(ipBlock.cidr, `${path}.cidr`, strict);
    const errs = [...outer.errs];
    if (!outer.cidr) return errs;
    (ipBlock.except ?? []).forEach((text, i) => {
        const exceptPath = `${path}.except[${i}]`;
        const inner = validateCidrValue(text, exceptPath, strict);
        errs.push(...inner.errs);
        if (inner.cidr && !(addressInNetwork(inner.cidr.address, outer.cidr!) && outer.maskLength < inner.maskLength)) {
            errs.push(invalid(exceptPath, text, "must be a strict subset of `cidr`"));
        }
    });
    return errs;
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
        errs.push(...validateIpBlock(peer.ipBlock, `${path}.ipBlock`, strict));
    }
    if (count === 0) errs.push(required(path, "must specify a peer"));
    else if (count > 1 && peer.ipBlock != null) errs.push(forbidden(path, "may not specify both ipBlock and another peer"));
    return errs;
}

/**
 * What the API server would reject on create, as field.Error texts in its order; [] means it would accept the
 * object: metadata (generateName, name as a DNS subdomain, namespace as a DNS label, label and annotation keys
 * and values, annotation size, finalizers), spec.podSelector and every peer selector (operators, values, keys),
 * every port (protocol enum, 1-65535, endPort >= port and only with a numeric port, IANA_SVC_NAME port names),
 * every peer (at least one of the three, ipBlock alone; cidr and except valid CIDRs, each except a strict subset
 * of its cidr and so of the same family) and policyTypes (at most two, Ingress or Egress). Errors within one
 * label map come in the map's order (the API server's map order is random).
 */
export function validateNetworkPolicy(policy: NetworkPolicyObject, options: ValidateOptions = {}): string[] {
    const strict = options.strictCidr ?? true;
    const errs = validateMetadata(policy.metadata);
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
            if (t !== "Ingress" && t !== "Egress") errs.push(unsupported(`spec.policyTypes[${i}]`, t, ["Ingress", "Egress"]));
        });
    }
    return errs;
}
