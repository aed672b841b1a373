// Validation of VmafxStack args: the JSON Schema generated from the args' one declaration
// (./args.ts plus the rules of ./args-rules.ts, `npm run generate`) checks shape, types, ranges
// and patterns through its precompiled validator; then come the checks that need several fields
// or the defaults. The stack loader and the component share it; only the key prefix differs
// (`vmafx:` for stack config, `args.` for library callers). Every message is in the key's own terms.
import { isDeferredValue, isOutput, mapLeaves } from "./outputs-check";
import { VmafxStackArgs } from "./args";
import { DNS_LABEL } from "./args-rules";
import { ResolvedArgs, resolveArgs } from "./defaults";
import { ArgsSchemaError, ArgsSchemaNode, argsSchema, validateArgsSchema } from "./generated/validate-args";
import { Cidr, canonicalCidr, cidrStrictlyContains, parseK8sCidr } from "@vmafx-k8s/core";
import { isIP } from "net";
import { TENANT_ROLES } from "./crds";
import { addressPort } from "./flows";
import { AUTH_ENV_NAMES, tenantSource } from "./workloads/controller";

type Path = (string | number)[];

/** One problem with the args: where, what was given, what is accepted. */
export interface ArgsIssue {
    readonly path: readonly (string | number)[];
    readonly value: unknown;
    readonly message: string;
}

/** Thrown for invalid args or stack config; the message lists every issue. */
export class VmafxArgsError extends Error {
    constructor(
        readonly issues: readonly ArgsIssue[],
        readonly keyPrefix: string,
    ) {
        super(formatIssues(issues, keyPrefix));
        this.name = "VmafxArgsError";
    }
}

/** `vmafx:networkPolicy.nodeToObjectStore.destinations[0].except[1]` style key. */
export function formatKey(path: readonly (string | number)[], prefix: string): string {
    let out = prefix;
    path.forEach((seg, i) => {
        if (typeof seg === "number") out += `[${seg}]`;
        else out += i === 0 ? seg : `.${seg}`;
    });
    return out;
}

function showValue(value: unknown): string {
    if (value === undefined) return "(unset)";
    if (isOutput(value)) return "(a Pulumi Output)";
    if (value instanceof Promise) return "(a Promise)";
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function formatIssues(issues: readonly ArgsIssue[], prefix: string): string {
    const lines = issues.map((i) => `  - ${formatKey(i.path, prefix)} = ${showValue(i.value)}: ${i.message}`);
    return `invalid VMAFX configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
    let cur: any = root;
    for (const seg of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = cur[seg];
    }
    return cur;
}

/** A JSON Pointer (`/networkPolicy/nodeToObjectStore/ports/0`) as path segments, numbers for list indexes. */
function pathOf(pointer: string, root: unknown): Path {
    const path: Path = [];
    let cur: unknown = root;
    for (const raw of pointer.split("/").slice(1)) {
        const text = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        const seg = Array.isArray(cur) ? Number(text) : text;
        path.push(seg);
        cur = cur !== null && typeof cur === "object" ? (cur as Record<string | number, unknown>)[seg] : undefined;
    }
    return path;
}

/** A node with its `$ref` (to one of the schema's definitions) followed. */
function deref(node: ArgsSchemaNode): ArgsSchemaNode {
    const name = node.$ref?.replace("#/definitions/", "");
    return name === undefined ? node : argsSchema.definitions![name];
}

/**
 * The schema node of the value at `path` (undefined for a key the schema does not know). The
 * schema has no conditional parts, so the value's place decides its node; a pulumi.Input<T>
 * field's node is its plain T.
 */
function schemaAt(path: readonly (string | number)[]): ArgsSchemaNode | undefined {
    let node: ArgsSchemaNode | undefined = argsSchema;
    for (const seg of path) {
        if (!node) return undefined;
        if (node.anyOf) node = deref(node.anyOf[0]);
        if (typeof seg === "number") node = node.items;
        else node = node.properties?.[seg] ?? (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);
        if (node) node = deref(node);
    }
    return node;
}

/** The node of the plain value: a pulumi.Input<T> field's node is an `anyOf` of T and an Output. */
function plain(node: ArgsSchemaNode): ArgsSchemaNode {
    return node.anyOf ? deref(node.anyOf[0]) : node;
}

function acceptedKeys(node: ArgsSchemaNode): string {
    return Object.keys(node.properties ?? {}).join(", ");
}

const PLURAL: { readonly [type: string]: string } = {
    integer: "whole numbers",
    number: "numbers",
    string: "strings",
    boolean: "true/false values",
    array: "lists",
    object: "objects",
};

/** What the values of a map accept, in the plural: "strings", "strings or Pulumi Outputs". */
function plural(node: ArgsSchemaNode, offerOutputs: boolean): string {
    const p = plain(node);
    const what = p.enum ? `values among ${p.enum.map((v) => JSON.stringify(v)).join(", ")}` : (PLURAL[p.type ?? ""] ?? "values");
    return node.anyOf && offerOutputs ? `${what} or Pulumi Outputs` : what;
}

/** What a (plain) schema node accepts, as a noun: "a whole number", "a map of strings". */
function noun(node: ArgsSchemaNode, offerOutputs: boolean): string {
    if (node.enum) return `one of ${node.enum.map((v) => JSON.stringify(v)).join(", ")}`;
    switch (node.type) {
        case "integer":
            return "a whole number";
        case "number":
            return "a number";
        case "string":
            return "a string";
        case "boolean":
            return "true or false";
        case "array":
            return "a list";
        case "object":
            if (node.additionalProperties === false) return "an object";
            if (typeof node.additionalProperties === "object") return `a map of ${plural(node.additionalProperties, offerOutputs)}`;
            return "an object";
    }
    return "a value of the declared type";
}

/**
 * The message of one failed check of the (plain) node at `e.instancePath`, in the key's terms,
 * never the library's wording. `input`: the field also takes a Pulumi Output; `offerOutputs`:
 * say so (not for stack config, where no Output can be written).
 */
function messageOf(e: ArgsSchemaError, node: ArgsSchemaNode, input: boolean, offerOutputs: boolean): string {
    const orOutput = input && offerOutputs ? " or a Pulumi Output" : "";
    switch (e.keyword) {
        case "type":
            return node.additionalProperties === false
                ? `must be an object${orOutput}; accepted keys here: ${acceptedKeys(node)}`
                : `must be ${noun(node, offerOutputs)}${orOutput}`;
        case "enum":
            return `must be ${noun(node, offerOutputs)}`;
        case "minimum":
            return `must be at least ${e.params.limit}`;
        case "maximum":
            return `must be at most ${e.params.limit}`;
        case "minLength":
            return e.params.limit === 1 ? "must not be empty" : `must be at least ${e.params.limit} characters long`;
        case "maxLength":
            return `must be at most ${e.params.limit} characters long`;
        case "pattern":
            return node["x-message"] ?? `must match the pattern ${node.pattern}`;
    }
    return `is not accepted here (${e.keyword})`;
}

/** The validator's failed checks as issues: one per problem, with the path and the value given. */
function schemaIssues(errors: readonly ArgsSchemaError[], input: unknown, offerOutputs: boolean): ArgsIssue[] {
    const issues: ArgsIssue[] = [];
    for (const e of errors) {
        // Only pulumi.Input<T> fields have an anyOf, of the plain value (branch 0) and an Output:
        // a value that is no Output failed the Output branch too, which says nothing more.
        if (e.keyword === "anyOf" || /\/anyOf\/[1-9]/.test(e.schemaPath)) continue;
        const path = pathOf(e.instancePath, input);
        const at = schemaAt(path) ?? {};
        const node = plain(at);
        if (e.keyword === "additionalProperties") {
            const key = String(e.params.additionalProperty);
            issues.push({ path: [...path, key], value: valueAt(input, [...path, key]), message: `unknown key; accepted keys here: ${acceptedKeys(node)}` });
        } else if (e.keyword === "required") {
            const key = String(e.params.missingProperty);
            issues.push({ path: [...path, key], value: undefined, message: `must be set; every entry here needs ${key}` });
        } else {
            issues.push({ path, value: valueAt(input, path), message: messageOf(e, node, at.anyOf !== undefined, offerOutputs) });
        }
    }
    return issues;
}

/**
 * The nearest enclosing value of `path` that can be dropped so its default applies: an optional
 * key or a map entry. Never a list item (the others would move) nor a required key; undefined
 * when only the whole args would do.
 */
function droppablePath(path: Path): Path | undefined {
    for (let p = path; p.length > 0; p = p.slice(0, -1)) {
        const key = p[p.length - 1];
        const at = schemaAt(p.slice(0, -1));
        const parent = at && plain(at);
        if (typeof key === "string" && parent?.type === "object" && !(parent.required ?? []).includes(key)) return p;
    }
    return undefined;
}

/** `value` without the key at `path`, copying only the objects and lists on the way (keys keep their order). */
function without(value: unknown, path: Path): unknown {
    if (value === null || typeof value !== "object") return value;
    const [head, ...rest] = path;
    if (Array.isArray(value)) return value.map((item, i) => (i === head ? without(item, rest) : item));
    const entries = Object.entries(value as Record<string, unknown>);
    return Object.fromEntries(entries.flatMap(([k, v]) => (k !== head ? [[k, v]] : rest.length > 0 ? [[k, without(v, rest)]] : [])));
}

/** One path lies inside the other (or they are the same). */
function overlaps(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
    return a.slice(0, b.length).every((seg, i) => seg === b[i]);
}

const RESTRICTED_SECCOMP = ["RuntimeDefault", "Localhost"];

/** A semantic issue and the fields its check read besides its own path. */
interface Finding {
    readonly issue: ArgsIssue;
    readonly reads: readonly Path[];
}

type Add = (path: Path, value: unknown, message: string, alsoReads?: Path[]) => void;

/** Checks that need several fields or the defaults; an empty list means valid. */
export function semanticIssues(raw: VmafxStackArgs, r: ResolvedArgs): ArgsIssue[] {
    return semanticFindings(raw, r).map((f) => f.issue);
}

function semanticFindings(raw: VmafxStackArgs, r: ResolvedArgs): Finding[] {
    const findings: Finding[] = [];
    const add: Add = (path, value, message, alsoReads = []) => findings.push({ issue: { path, value, message }, reads: [path, ...alsoReads] });

    if (r.workload === "Job" && r.job.command.length === 0) {
        add(
            ["job", "command"],
            r.job.command,
            "the Job workload needs a command (the image's default entrypoint is a server that never exits); accepted: a non-empty list of strings",
            [["workload"]],
        );
    }
    if (r.smokeTest.enabled && r.workload === "Job") {
        add(
            ["smokeTest", "enabled"],
            true,
            "the smoke test calls the server Service, which the Job workload does not have; accepted: false with workload Job",
            [["workload"]],
        );
    }
    if (r.gpu.resourceName && r.gpu.vendor === "cpu") {
        add(
            ["gpu", "resourceName"],
            r.gpu.resourceName,
            "a GPU resource name needs a GPU vendor; accepted: empty with vendor cpu, or vendor nvidia, amd or intel",
            [["gpu", "vendor"]],
        );
    }
    if (r.operator.enabled && r.operator.replicas > 1 && !r.operator.leaderElect) {
        add(
            ["operator", "leaderElect"],
            r.operator.leaderElect,
            `${r.operator.replicas} operator replicas need leader election; accepted: true, or operator.replicas 0 or 1`,
            [
                ["operator", "enabled"],
                ["operator", "replicas"],
            ],
        );
    }
    if (raw.podDisruptionBudget?.minAvailable && raw.podDisruptionBudget?.maxUnavailable) {
        add(
            ["podDisruptionBudget", "maxUnavailable"],
            raw.podDisruptionBudget.maxUnavailable,
            "minAvailable and maxUnavailable exclude each other; accepted: set only one",
            [["podDisruptionBudget", "minAvailable"]],
        );
    }
    for (const key of ["corpus", "output", "models"] as const) {
        const v = r.persistence[key];
        if (v.enabled && !v.existingClaim && !r.persistence.enabled) {
            add(
                ["persistence", key, "enabled"],
                true,
                `no claim would exist for this volume; accepted: persistence.enabled true (the component creates ${key}'s claim) or persistence.${key}.existingClaim set`,
                [
                    ["persistence", "enabled"],
                    ["persistence", key, "existingClaim"],
                ],
            );
        }
    }

    // Hardening must stay within Pod Security "restricted" (ADR-0930).
    const pod = r.security.pod;
    const ctr = r.security.container;
    if (pod.runAsNonRoot !== true) add(["security", "pod", "runAsNonRoot"], pod.runAsNonRoot, 'Pod Security "restricted" requires true');
    if (ctr.runAsNonRoot !== true) add(["security", "container", "runAsNonRoot"], ctr.runAsNonRoot, 'Pod Security "restricted" requires true');
    if (pod.runAsUser === 0) add(["security", "pod", "runAsUser"], 0, "UID 0 is root; accepted: a non-zero UID such as 65532");
    if (ctr.runAsUser === 0) add(["security", "container", "runAsUser"], 0, "UID 0 is root; accepted: a non-zero UID such as 65532");
    if (ctr.allowPrivilegeEscalation !== false)
        add(["security", "container", "allowPrivilegeEscalation"], ctr.allowPrivilegeEscalation, 'Pod Security "restricted" requires false');
    if (!ctr.dropCapabilities.includes("ALL"))
        add(["security", "container", "dropCapabilities"], ctr.dropCapabilities, 'Pod Security "restricted" requires the list to contain "ALL"');
    const extra = ctr.addCapabilities.filter((c) => c !== "NET_BIND_SERVICE");
    if (extra.length > 0)
        add(["security", "container", "addCapabilities"], ctr.addCapabilities, 'Pod Security "restricted" allows adding only NET_BIND_SERVICE');
    for (const [level, type] of [
        ["pod", pod.seccompProfileType],
        ["container", ctr.seccompProfileType],
    ] as const) {
        if (!RESTRICTED_SECCOMP.includes(type)) {
            add(["security", level, "seccompProfileType"], type, 'Pod Security "restricted" accepts RuntimeDefault or Localhost');
        }
    }
    if ((pod.seccompProfileType === "Localhost" || ctr.seccompProfileType === "Localhost") && !pod.seccompLocalhostProfile) {
        add(
            ["security", "pod", "seccompLocalhostProfile"],
            pod.seccompLocalhostProfile,
            "a Localhost seccomp profile needs its path; accepted: a path relative to the kubelet's seccomp directory",
            [
                ["security", "pod", "seccompProfileType"],
                ["security", "container", "seccompProfileType"],
            ],
        );
    }

    const np = r.networkPolicy;
    cidrIssues(["networkPolicy", "nodeToObjectStore", "destinations"], np.nodeToObjectStore.destinations, add);
    cidrIssues(["networkPolicy", "operatorToApiserver", "destinations"], np.operatorToApiserver.destinations, add);
    if (np.dns.nodeLocalDnsIp && isIP(np.dns.nodeLocalDnsIp) === 0) {
        add(["networkPolicy", "dns", "nodeLocalDnsIp"], np.dns.nodeLocalDnsIp, "must be an IPv4 or IPv6 address such as 169.254.20.10");
    }
    cidrIssues(["networkPolicy", "nodeToController", "destinations"], np.nodeToController.destinations, add);
    cidrIssues(["networkPolicy", "controllerToIdentityProvider", "destinations"], np.controllerToIdentityProvider.destinations, add);
    cidrIssues(["networkPolicy", "controllerToApiserver", "destinations"], np.controllerToApiserver.destinations, add);
    controllerFindings(r, add);
    monitoringFindings(r, add);
    return findings;
}

/** The chart's controller and auth guards, the tenants' field rules, and the node's path to its controller. */
function controllerFindings(r: ResolvedArgs, add: Add) {
    const c = r.controller;
    const auth = r.auth;
    if (c.enabled !== auth.enabled) {
        const [key, other] = c.enabled ? (["controller", "auth"] as const) : (["auth", "controller"] as const);
        add(
            [key, "enabled"],
            true,
            c.enabled
                ? "the controller needs auth settings; accepted: auth.enabled true as well (auth.disabled true bypasses authentication in development)"
                : "auth settings are passed to the controller only; accepted: controller.enabled true as well, or auth.enabled false",
            [[other, "enabled"]],
        );
    }
    if (r.image.repository.includes("vmafx-controller")) {
        add(
            ["image", "repository"],
            r.image.repository,
            "names the controller image, but this is the scoring server's image; accepted: the server image, with the controller's under controller.image",
        );
    }
    for (const name of Object.keys(c.env)) {
        if ((AUTH_ENV_NAMES as readonly string[]).includes(name)) {
            add(["controller", "env", name], c.env[name], "auth settings come from auth.*; accepted: the matching auth key instead of this variable");
        }
    }
    const registry = tenantSource(r) === "kubernetes";
    if (auth.scoringRoots.length > 0) {
        if (!auth.enabled) {
            add(["auth", "scoringRoots"], auth.scoringRoots, "scoring roots are an auth setting; accepted: auth.enabled true, or an empty list", [
                ["auth", "enabled"],
            ]);
        } else if (registry) {
            add(
                ["auth", "scoringRoots"],
                auth.scoringRoots,
                "scoring roots are the single-provider setting; with a tenant registry they belong to each tenant; accepted: an empty list",
                [
                    ["auth", "tenantSource"],
                    ["auth", "tenants"],
                ],
            );
        }
        if (auth.scoringRoots.length > 32) add(["auth", "scoringRoots"], auth.scoringRoots, `${auth.scoringRoots.length} roots; accepted: at most 32`);
    }
    if (auth.enabled && auth.disabled && registry) {
        add(["auth", "disabled"], true, "a tenant registry authenticates every request; accepted: false with tenants or tenantSource kubernetes", [
            ["auth", "tenantSource"],
            ["auth", "tenants"],
        ]);
    }
    const seen = new Map<string, number>();
    auth.tenants.forEach((t, i) => {
        const at = ["auth", "tenants", i] as Path;
        const first = seen.get(t.tenantId);
        if (first !== undefined) {
            add([...at, "tenantId"], t.tenantId, `tenant IDs name the VmafxTenant objects, and auth.tenants[${first}] has this one; accepted: a unique ID`);
        } else {
            seen.set(t.tenantId, i);
        }
        for (const field of ["issuer", "jwksEndpoint"] as const) {
            const own = t.oidc?.[field];
            const value = own || auth[field];
            if (!value) {
                add([...at, "oidc", field], own, `every tenant needs an OIDC ${field}; accepted: an https URL here or in auth.${field}`, [["auth", field]]);
            } else if (!isHttpUrl(value)) {
                add(own ? [...at, "oidc", field] : ["auth", field], value, "must be an absolute http or https URL such as https://login.example.com/");
            }
        }
        // (allowedRoles' items are checked by the schema; one enum is declared at one field.)
        const roles = t.rbac?.allowedRoles;
        const role = t.rbac?.defaultRole;
        if (role && !(TENANT_ROLES as readonly string[]).includes(role)) {
            add([...at, "rbac", "defaultRole"], role, `must be one of ${TENANT_ROLES.join(", ")}`);
        } else if (role && roles && roles.length > 0 && !roles.includes(role)) {
            add([...at, "rbac", "defaultRole"], role, `must be one of the tenant's allowedRoles (${roles.join(", ")})`, [[...at, "rbac", "allowedRoles"]]);
        }
    });
    for (const field of ["issuer", "jwksEndpoint"] as const) {
        if (auth[field] && !isHttpUrl(auth[field]) && auth.tenants.length === 0) {
            add(["auth", field], auth[field], "must be an absolute http or https URL such as https://login.example.com/");
        }
    }

    const addr = r.node.controllerAddr;
    if (addr) {
        if (c.enabled) {
            add(
                ["node", "controllerAddr"],
                addr,
                "the nodes would dial this address instead of the release's own controller; accepted: empty with controller.enabled (the nodes then use the release's controller), or controller.enabled false",
                [["controller", "enabled"]],
            );
        } else if (addressPort(addr) === undefined) {
            add(["node", "controllerAddr"], addr, "must be host:port such as controller.example.com:9090 (an IPv6 host in brackets)");
        } else if (r.node.enabled && r.networkPolicy.enabled) {
            const np = r.networkPolicy.nodeToController;
            if (!np.enabled) {
                add(
                    ["networkPolicy", "nodeToController", "enabled"],
                    false,
                    `the nodes dial ${addr}, which the NetworkPolicies would then block; accepted: true with networkPolicy.nodeToController.destinations, or node.controllerAddr empty`,
                    [["node", "controllerAddr"]],
                );
            } else if (np.destinations.length === 0) {
                add(
                    ["networkPolicy", "nodeToController", "destinations"],
                    [],
                    `the nodes dial ${addr} outside the release; with NetworkPolicies on, give its address range (e.g. [{cidr: 10.30.0.0/24}]) so the egress is allowed`,
                    [["node", "controllerAddr"]],
                );
            }
        }
    }
}

/** Monitors scrape through the NetworkPolicy bundle, so its metrics flows must be open. */
function monitoringFindings(r: ResolvedArgs, add: Add) {
    const m = r.monitoring;
    if (!m.enabled) return;
    if (r.networkPolicy.enabled && !r.networkPolicy.metrics.enabled) {
        add(
            ["networkPolicy", "metrics", "enabled"],
            false,
            "monitoring.enabled renders monitors whose scrapes the NetworkPolicies would block; accepted: true (with the scraper's selectors), or monitoring.enabled false",
            [["monitoring", "enabled"]],
        );
    }
    const interval = durationMs(m.serviceMonitor.interval);
    const timeout = durationMs(m.serviceMonitor.scrapeTimeout);
    if (interval !== undefined && timeout !== undefined && timeout > interval) {
        add(
            ["monitoring", "serviceMonitor", "scrapeTimeout"],
            m.serviceMonitor.scrapeTimeout,
            `longer than the interval ${m.serviceMonitor.interval}, which Prometheus refuses; accepted: a duration up to the interval`,
            [["monitoring", "serviceMonitor", "interval"]],
        );
    }
}

const DURATION_UNITS_MS: Record<string, number> = { y: 31536000000, w: 604800000, d: 86400000, h: 3600000, m: 60000, s: 1000, ms: 1 };

/** Milliseconds of a Prometheus duration, or undefined when it is not one (the schema reports that). */
function durationMs(text: string): number | undefined {
    const parts = [...text.matchAll(/([0-9]+)(ms|y|w|d|h|m|s)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) return undefined;
    return parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS_MS[p[2]], 0);
}

function isHttpUrl(text: string): boolean {
    try {
        const u = new URL(text);
        return (u.protocol === "https:" || u.protocol === "http:") && u.hostname !== "";
    } catch {
        return false;
    }
}

function cidrIssues(path: Path, destinations: readonly { cidr: string; except?: string[] }[], add: Add) {
    destinations.forEach((d, i) => {
        const cidr = strictNetwork([...path, i, "cidr"], d.cidr, "an IPv4 or IPv6 range such as 203.0.113.0/24 or 2001:db8::/32", add);
        if (!cidr) return;
        (d.except ?? []).forEach((e, j) => {
            const inner = strictNetwork([...path, i, "except", j], e, "an IPv4 or IPv6 range inside the destination's cidr", add);
            if (inner && !cidrStrictlyContains(cidr, inner)) {
                add(
                    [...path, i, "except", j],
                    e,
                    `not strictly inside ${d.cidr}, so the API server would reject the policy; accepted: a smaller range inside ${d.cidr}, or remove it`,
                    [[...path, i, "cidr"]],
                );
            }
        });
    });
}

/**
 * A network as config must write it (core's strict parser: decimal dotted quads without leading
 * zeros, no IPv4-mapped IPv6, no host bits). Reports the first reason it is not one.
 */
function strictNetwork(path: Path, text: string, accepted: string, add: Add): Cidr | undefined {
    const parsed = parseK8sCidr(text);
    if (!parsed.cidr) {
        add(path, text, `not a CIDR; accepted: ${accepted}`);
        return undefined;
    }
    const [strict] = parsed.strictErrors;
    if (strict === "must not have bits set beyond the prefix length") {
        add(path, text, `host bits are set; accepted: the network address, here ${canonicalCidr(parsed.cidr)}`);
    } else if (strict) {
        add(path, text, `${strict}; accepted: ${accepted}, written as the API server's strict validation demands`);
    }
    return parsed.cidr;
}

/**
 * Validates and resolves args; throws VmafxArgsError naming every bad key. Nothing is
 * registered before this returns. Schema and semantic problems come in one report: when the
 * schema refuses some values, the semantic checks still run on the args without them (their
 * defaults apply), and report what they find, except findings that read a refused value.
 */
export function validateArgs(componentName: string, args: unknown, keyPrefix: string, options: ValidateOptions = {}): ResolvedArgs {
    const input = args ?? {};
    const deferred = options.deferred ?? [];
    const isDeferred = (path: readonly (string | number)[]) => deferred.some((d) => overlaps(path, d));
    // An Output where the args' shape is decided (a flag, a list, a map, a non-Input field)
    // cannot be planned with: one issue for it, none for what lies inside it.
    const misplaced = misplacedOutputs(input);
    const inMisplaced = (path: readonly (string | number)[]) => misplaced.some((m) => overlaps(path, m.path));
    // A deferred value is checked when it resolves; here it is treated like a refused one: not
    // reported, left out of the semantic checks, and every finding that reads it is dropped.
    const issues = [
        ...misplaced,
        ...(validateArgsSchema(input) ? [] : schemaIssues(validateArgsSchema.errors ?? [], input, !options.plainValues)).filter(
            (i) => !isDeferred(i.path) && !inMisplaced(i.path),
        ),
    ];
    let checked: unknown = input;
    const dropped: Path[] = [];
    for (const d of deferred) {
        const p = droppablePath([...d]);
        if (!p) continue;
        checked = without(checked, p);
        dropped.push(p);
    }
    for (const issue of issues) {
        const p = droppablePath([...issue.path]);
        if (!p) {
            checked = undefined;
            break;
        }
        if (dropped.some((d) => overlaps(d, p) && d.length <= p.length)) continue;
        checked = without(checked, p);
        dropped.push(p);
    }
    // Without the refused values the args must pass, or the semantic checks would see bad types.
    if (checked !== undefined && (issues.length === 0 || validateArgsSchema(checked))) {
        const raw = checked as VmafxStackArgs;
        const resolved = resolveArgs(componentName, raw);
        const findings = semanticFindings(raw, resolved);
        if (!DNS_LABEL.test(resolved.releaseName)) {
            findings.unshift({
                issue: {
                    path: ["releaseName"],
                    value: resolved.releaseName,
                    message: "the release name (default: the component name) must be a DNS label: lowercase letters, digits and '-'",
                },
                reads: [["releaseName"]],
            });
        }
        issues.push(...findings.filter((f) => !f.reads.some((r) => dropped.some((d) => overlaps(r, d)))).map((f) => f.issue));
        // With deferred values the plan runs on their placeholders, not on the defaults that
        // stood in for them during the checks.
        if (issues.length === 0) return deferred.length > 0 ? resolveArgs(componentName, input as VmafxStackArgs) : resolved;
    }
    throw new VmafxArgsError(issues, keyPrefix);
}

/** Outputs and Promises standing where no `pulumi.Input<T>` is declared. */
function misplacedOutputs(args: unknown): ArgsIssue[] {
    const out: ArgsIssue[] = [];
    mapLeaves(args, (value, path) => {
        if (isDeferredValue(value) && !isInputField(path)) {
            const node = schemaAt(path);
            const what = node ? noun(plain(node), false) : "a plain value";
            out.push({
                path,
                value,
                message: `must be known when the program runs (it decides which resources exist), so an Output cannot stand here; accepted: ${what}`,
            });
        }
        return value;
    });
    return out;
}

export interface ValidateOptions {
    /**
     * Paths of values that are not known yet (Outputs, replaced by placeholders): they are
     * validated later, with the whole args, when they resolve.
     */
    readonly deferred?: readonly (readonly (string | number)[])[];
    /** The values come from stack config, where no Output can be written: messages do not offer Outputs. */
    readonly plainValues?: boolean;
}

/** True when the field at `path` is declared `pulumi.Input<T>`, so an Output may stand there. */
export function isInputField(path: readonly (string | number)[]): boolean {
    return schemaAt(path)?.anyOf !== undefined;
}

/** True when the field at `path` holds a number (so an Output there needs a number placeholder). */
export function isNumberField(path: readonly (string | number)[]): boolean {
    const node = schemaAt(path);
    const type = node && plain(node).type;
    return type === "integer" || type === "number";
}

/** Keys accepted at the top level (the stack config keys under `vmafx:`). */
export const TOP_LEVEL_KEYS: readonly string[] = Object.keys(argsSchema.properties ?? {});

/** Top-level keys whose value is a plain string, so stack config values must not be JSON-parsed. */
export function isStringKey(key: string): boolean {
    const node = argsSchema.properties?.[key];
    return node !== undefined && (node.type === "string" || (node.enum !== undefined && node.enum.every((v) => typeof v === "string")));
}
