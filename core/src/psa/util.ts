// Small helpers reproducing the Go formatting and zero-value semantics of the upstream policy package.
import type { ContainerRef, Obj, PodContext, PsaFinding } from "./types";

/** Go `joinQuote`: `"a", "b"` (plain double quotes, no escaping). */
export function joinQuote(items: readonly string[]): string {
    if (items.length === 0) return "";
    return '"' + items.join('", "') + '"';
}

/** Go `pluralize`. */
export function pluralize(singular: string, plural: string, count: number): string {
    return count === 1 ? singular : plural;
}

/**
 * Byte-wise comparison of the UTF-8 encodings (Go `<` on strings, `sort.Strings`, `sets.List`).
 * UTF-16 code-unit order differs from code-point order only between surrogates and U+E000..U+FFFF,
 * so those code units are remapped before comparing.
 */
export function goCompare(a: string, b: string): number {
    if (a === b) return 0;
    const n = a.length < b.length ? a.length : b.length;
    for (let i = 0; i < n; i++) {
        let x = a.charCodeAt(i);
        let y = b.charCodeAt(i);
        if (x === y) continue;
        if (x >= 0xd800) x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
        if (y >= 0xd800) y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
        return x < y ? -1 : 1;
    }
    return a.length - b.length;
}

/** Go `sets.NewString(items...).List()`: unique, byte-wise sorted. Mutates and returns `items`. */
export function sortedUnique(items: string[]): string[] {
    items.sort(goCompare);
    let w = 0;
    for (let r = 0; r < items.length; r++) {
        if (r === 0 || items[r] !== items[w - 1]) items[w++] = items[r];
    }
    items.length = w;
    return items;
}

const HEX = "0123456789abcdef";

function isGoNonPrintable(c: number): boolean {
    // The non-printable code points (per Go's unicode.IsPrint) that can plausibly appear in a manifest.
    return (
        (c >= 0x80 && c <= 0xa0) ||
        c === 0xad ||
        (c >= 0x2000 && c <= 0x200f) ||
        (c >= 0x2028 && c <= 0x202f) ||
        (c >= 0x205f && c <= 0x206f) ||
        c === 0x3000 ||
        c === 0xfeff ||
        (c >= 0xfff9 && c <= 0xfffb) ||
        (c >= 0xe000 && c <= 0xf8ff)
    );
}

/** Go `%q` / `strconv.Quote` for the strings found in annotations (escapes as Go does). */
export function goQuote(s: string): string {
    let simple = true;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x7f) {
            simple = false;
            break;
        }
    }
    if (simple) return '"' + s + '"';
    let out = '"';
    for (const ch of s) {
        const c = ch.codePointAt(0) as number;
        switch (c) {
            case 0x07:
                out += "\\a";
                continue;
            case 0x08:
                out += "\\b";
                continue;
            case 0x0c:
                out += "\\f";
                continue;
            case 0x0a:
                out += "\\n";
                continue;
            case 0x0d:
                out += "\\r";
                continue;
            case 0x09:
                out += "\\t";
                continue;
            case 0x0b:
                out += "\\v";
                continue;
            case 0x22:
                out += '\\"';
                continue;
            case 0x5c:
                out += "\\\\";
                continue;
        }
        if (c < 0x20 || c === 0x7f) {
            out += "\\x" + HEX[c >> 4] + HEX[c & 15];
        } else if (c >= 0xd800 && c <= 0xdfff) {
            // A lone surrogate cannot survive JSON decoding into a Go string: it becomes U+FFFD.
            out += "\ufffd";
        } else if (c >= 0x80 && isGoNonPrintable(c)) {
            out += "\\u" + c.toString(16).padStart(4, "0");
        } else {
            out += ch;
        }
    }
    return out + '"';
}

/** A Go string field: the string, or "" when unset (Go zero value). */
export function str(v: unknown): string {
    return typeof v === "string" ? v : v == null ? "" : String(v);
}

/** A Go pointer-to-struct field: the object, or undefined when unset/null. */
export function obj(v: unknown): Obj | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** A Go slice field: the array, or undefined. */
export function arr(v: unknown): readonly unknown[] | undefined {
    return Array.isArray(v) ? v : undefined;
}

/** Field path of a container relative to the pod object, e.g. `spec.initContainers[1]`. */
export function containerPath(ref: ContainerRef): string {
    return "spec." + ref.field + "[" + ref.index + "]";
}

/** A finding on a container field (`rest` starts after the container, e.g. `securityContext.privileged`). */
export function containerFinding(ref: ContainerRef, rest: string, value: unknown): PsaFinding {
    return { container: ref.name, path: containerPath(ref) + "." + rest, value };
}

/** Path of a pod annotation, e.g. `metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]`. */
export function annotationPath(key: string): string {
    return "metadata.annotations[" + JSON.stringify(key) + "]";
}

/** `spec.os.name == "windows"` (exact, lower case). */
export function isWindowsPod(ctx: PodContext): boolean {
    const os = obj(ctx.spec.os);
    return os !== undefined && os.name === "windows";
}

/** Upstream relaxPolicyForUserNamespacePod: `spec.hostUsers` explicitly false. */
export function hostUsersFalse(ctx: PodContext): boolean {
    return ctx.spec.hostUsers === false;
}

/** `containers "a", "b"` / `container "a"`. */
export function containersPhrase(names: readonly string[]): string {
    return pluralize("container", "containers", names.length) + " " + joinQuote(names);
}

/** Pod- and container-level profile types a check forbids: who set them, the values and the findings. */
export interface ForbiddenProfileTypes {
    /** "pod" and/or `containers "a", "b"`, in that order. */
    setters: string[];
    /** The forbidden types, in the order met (pod first, then containers). */
    badValues: string[];
    findings: PsaFinding[];
}

/**
 * Reads `spec.securityContext.<field>.type` and each container's `securityContext.<field>.type` (an absent object is
 * allowed, a present one is judged alone by `allowed`), as the appArmorProfile and seccompProfile baseline checks do.
 */
export function forbiddenProfileTypes(
    ctx: PodContext,
    field: "appArmorProfile" | "seccompProfile",
    allowed: (type: string) => boolean,
): ForbiddenProfileTypes | undefined {
    let setters: string[] | undefined;
    let badValues: string[] | undefined;
    let findings: PsaFinding[] | undefined;
    const podProfile = ctx.podSC === undefined ? undefined : obj(ctx.podSC[field]);
    if (podProfile !== undefined && !allowed(str(podProfile.type))) {
        setters = ["pod"];
        badValues = [str(podProfile.type)];
        findings = [{ path: "spec.securityContext." + field + ".type", value: podProfile.type }];
    }
    let badContainers: string[] | undefined;
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const sc = cs[i].sc;
        if (sc === undefined) continue;
        const profile = obj(sc[field]);
        if (profile !== undefined && !allowed(str(profile.type))) {
            (badContainers ??= []).push(cs[i].name);
            (badValues ??= []).push(str(profile.type));
            (findings ??= []).push(containerFinding(cs[i], "securityContext." + field + ".type", profile.type));
        }
    }
    if (badContainers !== undefined) (setters ??= []).push(containersPhrase(badContainers));
    return setters === undefined ? undefined : { setters, badValues: badValues!, findings: findings! };
}
