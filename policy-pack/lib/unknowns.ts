// Values unknown at preview. The engine sends them as sentinel strings; @pulumi/policy wraps
// props in a proxy that throws UnknownValueError when one is read, and the policy server turns
// that error into an advisory "can't run policy ... during preview" (a mandatory policy then
// silently stops blocking: pulumi-policy#181, #258).
//
// The policies here never read through the proxy. They unwrap the props, search the fields they
// actually judge for sentinels and then decide on purpose:
//  - prod: fail closed, one violation per unknown field, naming the resource and the field path;
//  - elsewhere: judge everything else, then throw one UnknownValueError listing the unknown
//    fields, which the server reports as an advisory (so it is visible but does not block).
import { Environment } from "./environment";

// @pulumi/policy 1.21 exports UnknownValueError and unknownCheckingProxy from its index, but its
// proxy.d.ts is empty (the declarations are @internal), so they are typed here. The sentinels
// live in the same module; reading them from it keeps one source of truth.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxyModule = require("@pulumi/policy/proxy") as Record<string, unknown>;

export interface UnknownValueErrorLike extends Error {
    readonly unknownTypeSentinel: string;
    readonly props: (string | symbol)[];
}

/** The class the policy server checks with `instanceof`. */
export const UnknownValueError = proxyModule.UnknownValueError as new (sentinel: string, props: (string | symbol)[]) => UnknownValueErrorLike;

/** Wraps props the way the policy server does: reading an unknown value throws UnknownValueError. */
export const unknownCheckingProxy = proxyModule.unknownCheckingProxy as <T>(props: T) => T;

// unknownStringValue is the same sentinel as @pulumi/pulumi's runtime.unknownValue (a test checks it).
const SENTINELS: ReadonlySet<string> = new Set(
    Object.keys(proxyModule)
        .filter((k) => /^unknown[A-Z]\w*Value$/.test(k))
        .map((k) => proxyModule[k])
        .filter((v): v is string => typeof v === "string"),
);

/** True for any of the engine's unknown-value sentinels. */
export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && SENTINELS.has(value);
}

export function isUnknownValueError(e: unknown): e is UnknownValueErrorLike {
    return e instanceof UnknownValueError;
}

/** The plain object behind a props proxy (or the value itself when it is not proxied). */
export function unwrap<T>(value: T): T {
    if (value !== null && typeof value === "object") {
        const target = (value as Record<string, unknown>)["__getSpecialProxyTarget"];
        if (target !== undefined) return target as T;
    }
    return value;
}

export type PathSegment = string | number;

/** `["spec", "containers", 0, "image"]` -> `spec.containers[0].image`. */
export function formatPath(segments: readonly PathSegment[]): string {
    let out = "";
    for (const s of segments) {
        if (typeof s === "number") out += `[${s}]`;
        else out += out === "" ? s : `.${s}`;
    }
    return out;
}

/** `spec.containers[*].image` -> `["spec", "containers", "*", "image"]` (`*` matches any index or key). */
export function parsePattern(pattern: string): PathSegment[] {
    const out: PathSegment[] = [];
    for (const part of pattern.split(".")) {
        const m = /^([^[\]]*)((?:\[(?:\d+|\*)\])*)$/.exec(part);
        if (!m) throw new Error(`bad field pattern ${pattern}`);
        if (m[1] !== "") out.push(m[1]);
        for (const idx of m[2].match(/\[(\d+|\*)\]/g) ?? []) {
            const inner = idx.slice(1, -1);
            out.push(inner === "*" ? "*" : Number(inner));
        }
    }
    return out;
}

export interface UnknownField {
    /** Path from the resource's props root. */
    readonly segments: readonly PathSegment[];
    readonly path: string;
    readonly sentinel: string;
}

/** Every unknown value under `value`, with paths prefixed by `base`. */
export function findUnknowns(value: unknown, base: readonly PathSegment[] = []): UnknownField[] {
    const out: UnknownField[] = [];
    const walk = (v: unknown, path: PathSegment[]) => {
        if (isUnknown(v)) {
            out.push({ segments: path, path: formatPath(path), sentinel: v as string });
        } else if (Array.isArray(v)) {
            v.forEach((item, i) => walk(item, [...path, i]));
        } else if (v !== null && typeof v === "object") {
            for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
        }
    };
    walk(unwrap(value), [...base]);
    return out;
}

/**
 * True when an unknown value at `segments` could change what a reader of `pattern` sees: one
 * path is a prefix of the other (an unknown `spec.containers` hides every container field; an
 * unknown `spec.containers[0].securityContext.privileged` changes a reader of
 * `spec.containers[*].securityContext`).
 */
export function affects(segments: readonly PathSegment[], pattern: readonly PathSegment[]): boolean {
    const n = Math.min(segments.length, pattern.length);
    for (let i = 0; i < n; i++) {
        if (pattern[i] !== "*" && pattern[i] !== segments[i]) return false;
    }
    return true;
}

/**
 * The unknown fields under `value` that affect any of `patterns` (relative to `base`; a string
 * pattern is parsed with parsePattern, a segment array is taken as is, e.g. for label keys with dots).
 */
export function relevantUnknowns(value: unknown, base: readonly PathSegment[], patterns: readonly (string | readonly PathSegment[])[]): UnknownField[] {
    const parsed = patterns.map((p) => [...base, ...(typeof p === "string" ? parsePattern(p) : p)]);
    return findUnknowns(value).filter((u) => parsed.some((p) => affects(u.segments, p)));
}

/** Reason thrown to the policy server outside prod; it reports it as an advisory. */
class PreviewUnknownsError extends UnknownValueError {
    constructor(first: UnknownField, message: string) {
        super(first.sentinel, first.segments.map(String));
        this.message = message;
    }
}

/**
 * Decides what an unknown field means for one policy run. Call `block` before judging a
 * resource with the unknown fields that matter to the judgement; when it returns true, skip the
 * resource. Call `finish` once at the end of the validation.
 */
export class UnknownGate {
    private readonly deferred: { what: string; field: UnknownField }[] = [];

    constructor(
        private readonly env: Environment,
        /** What cannot be verified, e.g. "Pod Security". */
        private readonly subject: string,
    ) {}

    /** Reports (prod) or remembers (elsewhere) the unknown fields; true when there were any. */
    block(what: string, fields: readonly UnknownField[], report: (message: string) => void): boolean {
        if (fields.length === 0) return false;
        if (this.env.prod) {
            for (const f of fields) {
                report(
                    `${what}: ${f.path} is unknown during preview, so ${this.subject} cannot be verified; ` +
                        `in the prod environment "${this.env.name}" this fails closed. Fix: make the value known at preview ` +
                        `(a plain value or stack config, not another resource's output), or set it in a separate, earlier update.`,
                );
            }
        } else {
            for (const f of fields) this.deferred.push({ what, field: f });
        }
        return true;
    }

    /** Outside prod: throws one UnknownValueError naming every unknown field (reported as advisory). */
    finish(): void {
        if (this.deferred.length === 0) return;
        const list = this.deferred.map((d) => `${d.what}: ${d.field.path}`).join("; ");
        throw new PreviewUnknownsError(
            this.deferred[0].field,
            `${this.subject} not verified for ${this.deferred.length} field(s) unknown during preview ` +
                `(environment "${this.env.name}" is not prod, so this is advisory): ${list}`,
        );
    }
}
