// Exemptions as code: an object is exempted from a check by an annotation on the object itself, or by an entry of
// an exemptions file that matches it. The same rules serve `vmafx-policy psa`, `vmafx-policy check` and the
// CrossGuard pack (policies/exempt.ts), so an exemption reviewed once means the same everywhere.
//
//   metadata:
//     annotations:
//       policy.vmafx.dev/exempt: runAsNonRoot,image-pinned        # check IDs (docs/policies/<id>.md)
//       policy.vmafx.dev/exempt-reason: "vendor image runs as root; tracked in OPS-123"   # required
//       policy.vmafx.dev/exempt-expires: "2026-12-31"             # optional, last day it applies
//
//   # exemptions file (YAML or JSON), given by --exemptions or, for the pack, VMAFX_POLICY_EXEMPTIONS
//   exemptions:
//     - checks: [privileged]                 # policy names or Pod Security check IDs; pod-security = all PSA checks
//       match: {kind: DaemonSet, namespace: kube-system, name: cni, labels: {app: cni}}   # every key given must match
//       reason: the CNI agent configures the node's network
//       expires: 2026-12-31                  # required: the last day it applies
//       owner: platform-team                 # optional
//
// An exemption that has expired, or lacks a reason, does not apply and is an error; an exemptions file that does
// not validate names every problem with its file, entry index and field path. Pod Security itself is not bypassed
// where a declared Namespace enforces a level: see policies/pod-security.ts.
import * as fs from "fs";
import type * as JsYaml from "js-yaml";
import type { ErrorObject, ValidateFunction } from "ajv";
import { CHECK_IDS, POD_SECURITY, isPsaCheck } from "./check-ids";

export const EXEMPT_ANNOTATION = "policy.vmafx.dev/exempt";
export const EXEMPT_REASON_ANNOTATION = "policy.vmafx.dev/exempt-reason";
export const EXEMPT_EXPIRES_ANNOTATION = "policy.vmafx.dev/exempt-expires";

export interface ExemptionMatch {
    kind?: string;
    namespace?: string;
    name?: string;
    labels?: Record<string, string>;
}

/** One entry of an exemptions file, as written. */
export interface ExemptionEntry {
    checks: string[];
    match: ExemptionMatch;
    reason: string;
    /** YYYY-MM-DD, the last day the exemption applies. */
    expires: string;
    owner?: string;
}

/** An exemption that applied to a finding. */
export interface AppliedExemption {
    source: "annotation" | "file";
    /** `exemptions.yaml exemptions[2]`, or `annotation policy.vmafx.dev/exempt`. */
    where: string;
    reason: string;
    expires?: string;
    owner?: string;
}

/** What an exemption is matched against: the object (or Pulumi resource) a finding is about. */
export interface ExemptionSubject {
    kind: string;
    /** The effective namespace ("" for cluster-scoped objects is fine: only a `namespace` match reads it). */
    namespace: string;
    name: string;
    labels?: Record<string, unknown>;
    annotations?: Record<string, unknown>;
    /** How problems name the object: `Deployment shop/web (a.yaml#0)`. */
    label: string;
}

/** The JSON schema of an exemptions file (ajv reports each problem with its field path). */
export const EXEMPTIONS_FILE_SCHEMA = {
    type: "object",
    additionalProperties: false,
    required: ["exemptions"],
    properties: {
        exemptions: {
            type: "array",
            items: {
                type: "object",
                additionalProperties: false,
                required: ["checks", "match", "reason", "expires"],
                properties: {
                    checks: { type: "array", minItems: 1, uniqueItems: true, items: { type: "string", minLength: 1 } },
                    match: {
                        type: "object",
                        additionalProperties: false,
                        minProperties: 1,
                        properties: {
                            kind: { type: "string", minLength: 1 },
                            namespace: { type: "string", minLength: 1 },
                            name: { type: "string", minLength: 1 },
                            labels: { type: "object", minProperties: 1, additionalProperties: { type: "string" } },
                        },
                    },
                    reason: { type: "string", pattern: "\\S" },
                    expires: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
                    owner: { type: "string", minLength: 1 },
                },
            },
        },
    },
} as const;

/** Today as YYYY-MM-DD (UTC): what `expires` is compared with. */
export function isoToday(now: Date = new Date()): string {
    return now.toISOString().slice(0, 10);
}

/** True for a YYYY-MM-DD string that names a real day. */
export function isIsoDate(s: string): boolean {
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s)) return false;
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const knownChecksText = () =>
    `policy names (${[...CHECK_IDS].filter((c) => !isPsaCheck(c)).join(", ")}) or Pod Security check IDs (${[...CHECK_IDS].filter(isPsaCheck).join(", ")})`;

function unknownChecks(checks: readonly string[]): string[] {
    return checks.filter((c) => !CHECK_IDS.has(c));
}

let validator: ValidateFunction | undefined;

function validate(doc: unknown): ErrorObject[] {
    if (!validator) {
        // Required on first use: only runs that are given an exemptions file pay for loading and compiling.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const Ajv = (require("ajv") as typeof import("ajv")).default;
        validator = new Ajv({ allErrors: true, strict: true, verbose: true }).compile(EXEMPTIONS_FILE_SCHEMA);
    }
    return validator(doc) ? [] : [...(validator.errors ?? [])];
}

/** `/exemptions/2/match` -> `exemptions[2].match`. */
function fieldPath(instancePath: string, extra?: string): string {
    const parts = instancePath.split("/").slice(1);
    if (extra !== undefined) parts.push(extra);
    let out = "";
    for (const p of parts) out += /^[0-9]+$/.test(p) ? `[${p}]` : out === "" ? p : `.${p}`;
    return out || "(top level)";
}

/** One ajv error as `field.path: what is wrong (what is accepted)`. */
function problemText(e: ErrorObject, doc: unknown): string {
    const value = e.instancePath
        .split("/")
        .slice(1)
        .reduce<any>((v, k) => (v == null ? undefined : v[k]), doc);
    const shown = value === undefined ? "" : ` (got ${JSON.stringify(value)})`;
    switch (e.keyword) {
        case "required":
            return `${fieldPath(e.instancePath, (e.params as { missingProperty: string }).missingProperty)}: is required`;
        case "additionalProperties": {
            const key = (e.params as { additionalProperty: string }).additionalProperty;
            const schema = e.parentSchema as { properties?: Record<string, unknown> } | undefined;
            return `${fieldPath(e.instancePath, key)}: unknown key; accepted keys here: ${Object.keys(schema?.properties ?? {}).join(", ")}`;
        }
        case "pattern":
            return e.instancePath.endsWith("/expires")
                ? `${fieldPath(e.instancePath)}: must be a date YYYY-MM-DD${shown} (quote it or not: both are read as text)`
                : `${fieldPath(e.instancePath)}: must not be empty${shown}`;
        case "minProperties":
            return e.instancePath.endsWith("/match")
                ? `${fieldPath(e.instancePath)}: must name at least one of kind, namespace, name, labels (an exemption for everything is not one)`
                : `${fieldPath(e.instancePath)}: must not be empty`;
        default:
            return `${fieldPath(e.instancePath)}: ${e.message}${shown}`;
    }
}

/** An exemptions file, read and checked: the usable entries and every problem found. */
export interface ExemptionsFile {
    file: string;
    /** Entries that apply (valid and not expired), with their index in the file. */
    entries: { index: number; entry: ExemptionEntry }[];
    /** Every problem, each naming the file and the entry index. */
    problems: string[];
    /** Entries that expired (also among the problems). */
    expired: number;
}

/** Checks the text of an exemptions file (YAML or JSON) as of `today` (YYYY-MM-DD). */
export function parseExemptions(text: string, file: string, today: string): ExemptionsFile {
    const result: ExemptionsFile = { file, entries: [], problems: [], expired: 0 };
    let doc: unknown;
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const yaml = require("js-yaml") as typeof JsYaml;
        // The core schema leaves `expires: 2026-12-31` a string (the default schema would make it a Date).
        doc = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA });
    } catch (e) {
        result.problems.push(`${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
        return result;
    }
    const errors = validate(doc);
    for (const e of errors) result.problems.push(`${file}: ${problemText(e, doc)}`);
    const list = (doc as { exemptions?: unknown })?.exemptions;
    if (!Array.isArray(list)) return result;
    list.forEach((entry: any, index) => {
        const at = `${file}: exemptions[${index}]`;
        // An entry with a schema problem is not used; its other problems are still named.
        let usable = !errors.some((e) => e.instancePath === `/exemptions/${index}` || e.instancePath.startsWith(`/exemptions/${index}/`));
        if (entry === null || typeof entry !== "object") return;
        if (Array.isArray(entry.checks)) {
            const unknown = unknownChecks(entry.checks.filter((c: unknown) => typeof c === "string"));
            if (unknown.length > 0) {
                result.problems.push(`${at}.checks: unknown check ${unknown.map((c) => JSON.stringify(c)).join(", ")}; accepted: ${knownChecksText()}`);
                usable = false;
            }
        }
        if (typeof entry.expires === "string" && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(entry.expires)) {
            if (!isIsoDate(entry.expires)) {
                result.problems.push(`${at}.expires: ${JSON.stringify(entry.expires)} is not a calendar date`);
                usable = false;
            } else if (entry.expires < today) {
                result.problems.push(
                    `${at} (${Array.isArray(entry.checks) ? entry.checks.join(", ") : "?"} for ${matchText(entry.match)}) expired on ${entry.expires}: ` +
                        `it no longer applies; fix the object, or renew the exemption with a new date and reason`,
                );
                result.expired++;
                usable = false;
            }
        }
        if (usable) result.entries.push({ index, entry: entry as ExemptionEntry });
    });
    // Entry by entry (a stable sort keeps each entry's problems in the order found).
    const entryOf = (p: string) => Number(/: exemptions\[(\d+)\]/.exec(p)?.[1] ?? -1);
    result.problems.sort((a, b) => entryOf(a) - entryOf(b));
    return result;
}

/** Reads and checks an exemptions file. */
export function loadExemptionsFile(file: string, today: string): ExemptionsFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        return {
            file,
            entries: [],
            problems: [`${file}: cannot read the exemptions file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`],
            expired: 0,
        };
    }
    return parseExemptions(text, file, today);
}

function matchText(match: unknown): string {
    if (match === null || typeof match !== "object") return "?";
    const m = match as ExemptionMatch;
    const parts: string[] = [];
    if (m.kind) parts.push(m.kind);
    if (m.namespace !== undefined || m.name !== undefined) parts.push(`${m.namespace ?? "*"}/${m.name ?? "*"}`);
    if (m.labels && typeof m.labels === "object")
        parts.push(
            Object.entries(m.labels)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join(","),
        );
    return parts.join(" ") || "?";
}

function matches(m: ExemptionMatch, s: ExemptionSubject): boolean {
    if (m.kind !== undefined && m.kind !== s.kind) return false;
    if (m.namespace !== undefined && m.namespace !== s.namespace) return false;
    if (m.name !== undefined && m.name !== s.name) return false;
    if (m.labels !== undefined) {
        for (const [k, v] of Object.entries(m.labels)) if (s.labels?.[k] !== v) return false;
    }
    return true;
}

/** Whether a list of IDs covers a check of a policy: by the check's ID, or (Pod Security checks) by pod-security. */
function covers(ids: readonly string[], check: string, policy: string): boolean {
    return ids.includes(check) || (policy === POD_SECURITY && isPsaCheck(check) && ids.includes(POD_SECURITY));
}

/** The annotation exemption of an object, or the problem that keeps it from applying. */
export function annotationExemption(
    annotations: Record<string, unknown> | undefined,
    today: string,
): { checks: string[]; exemption?: AppliedExemption; problem?: string } | undefined {
    const raw = annotations?.[EXEMPT_ANNOTATION];
    if (raw === undefined) return undefined;
    const where = `annotation ${EXEMPT_ANNOTATION}`;
    if (typeof raw !== "string" || raw.trim() === "")
        return { checks: [], problem: `${where} must list check IDs separated by commas, got ${JSON.stringify(raw)}` };
    const checks = raw
        .split(",")
        .map((c) => c.trim())
        .filter((c) => c !== "");
    const unknown = unknownChecks(checks);
    if (unknown.length > 0)
        return { checks, problem: `${where}: unknown check ${unknown.map((c) => JSON.stringify(c)).join(", ")}; accepted: ${knownChecksText()}` };
    const reason = annotations?.[EXEMPT_REASON_ANNOTATION];
    if (typeof reason !== "string" || reason.trim() === "") {
        return { checks, problem: `${where} needs a reason: set ${EXEMPT_REASON_ANNOTATION} (why the object may skip ${checks.join(", ")})` };
    }
    const expires = annotations?.[EXEMPT_EXPIRES_ANNOTATION];
    if (expires !== undefined) {
        if (typeof expires !== "string" || !isIsoDate(expires)) {
            return { checks, problem: `annotation ${EXEMPT_EXPIRES_ANNOTATION} must be a date YYYY-MM-DD, got ${JSON.stringify(expires)}` };
        }
        if (expires < today)
            return { checks, problem: `${where} (${checks.join(", ")}) expired on ${expires}: it no longer applies; fix the object, or renew it` };
    }
    return { checks, exemption: { source: "annotation", where, reason, ...(typeof expires === "string" ? { expires } : {}) } };
}

/** The exemptions of a run: files and annotations, what applied, and every problem. */
export class Exemptions {
    private readonly used = new Set<string>();
    private readonly annotationProblems = new Map<string, string>();

    constructor(
        readonly files: readonly ExemptionsFile[] = [],
        readonly today: string = isoToday(),
    ) {}

    static none(today?: string): Exemptions {
        return new Exemptions([], today);
    }

    /** The exemption of `subject` from `check` (a policy name, or a PSA check ID of pod-security), if one applies. */
    find(check: string, policy: string, subject: ExemptionSubject): AppliedExemption | undefined {
        const a = annotationExemption(subject.annotations, this.today);
        if (a?.problem !== undefined && covers(a.checks, check, policy)) this.annotationProblems.set(subject.label, `${subject.label}: ${a.problem}`);
        else if (a?.problem !== undefined && a.checks.length === 0) this.annotationProblems.set(subject.label, `${subject.label}: ${a.problem}`);
        if (a?.exemption && covers(a.checks, check, policy)) return a.exemption;
        for (const f of this.files) {
            for (const { index, entry } of f.entries) {
                if (!covers(entry.checks, check, policy) || !matches(entry.match, subject)) continue;
                this.used.add(`${f.file}\0${index}`);
                return {
                    source: "file",
                    where: `${f.file} exemptions[${index}]`,
                    reason: entry.reason,
                    expires: entry.expires,
                    ...(entry.owner !== undefined ? { owner: entry.owner } : {}),
                };
            }
        }
        return undefined;
    }

    /** The problem with the annotation exemption of `subject` that covers `check`, if any (for messages). */
    annotationProblem(check: string, policy: string, subject: ExemptionSubject): string | undefined {
        const a = annotationExemption(subject.annotations, this.today);
        return a?.problem !== undefined && (a.checks.length === 0 || covers(a.checks, check, policy)) ? a.problem : undefined;
    }

    /** Every problem: the files' (invalid or expired entries) and the annotations' met so far. */
    problems(): string[] {
        return [...this.files.flatMap((f) => f.problems), ...this.annotationProblems.values()];
    }

    /** File entries that matched no finding: candidates for removal. */
    unused(): string[] {
        return this.files.flatMap((f) =>
            f.entries
                .filter(({ index }) => !this.used.has(`${f.file}\0${index}`))
                .map(
                    ({ index, entry }) =>
                        `${f.file}: exemptions[${index}] (${entry.checks.join(", ")} for ${matchText(entry.match)}) matched no finding; remove it if it is stale`,
                ),
        );
    }
}
