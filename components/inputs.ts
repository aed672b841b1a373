// Inputs that are Outputs of other resources (a VPC endpoint's CIDR, a namespace another
// component creates) without creating resources inside an apply, which would hide them from
// previews. The pure plan works on plain values, so every Output (or Promise) leaf of the args
// is replaced by a placeholder before planning: a string token, or for numbers a negative
// sentinel no valid number field accepts. The plan copies placeholders into the manifests like
// any value (also inside composed strings such as the service URL); afterwards each manifest
// field holding one becomes an Output that substitutes the resolved values, after the whole args
// have been validated with those values. So a CIDR that resolves to garbage fails the update
// with the same message, naming the same key, as a plain one fails the preview; an unknown
// value at preview stays unknown in the manifest, where the policy pack sees it as such.
//
// Only leaves may be Outputs: the shape (which maps, lists and flags exist) decides which
// resources are created, so it must be known when the program runs.
import * as pulumi from "@pulumi/pulumi";
import { isDeferredValue, mapLeaves } from "./outputs-check";

export type Path = readonly (string | number)[];

/** One Output (or Promise) leaf of the args and the placeholder standing in for it. */
export interface DeferredInput {
    readonly path: Path;
    readonly placeholder: string | number;
    readonly value: pulumi.Input<unknown>;
}

const TOKEN_START = "\u001dvmafx-input-";
const TOKEN_END = "\u001d";
const TOKEN = new RegExp(`${TOKEN_START}(\\d+)${TOKEN_END}`, "g");
/** Number placeholders: far outside every number field's accepted range (ports, counts are ≥ 0). */
const NUMBER_BASE = -1_000_000_000;

/** What the args' schema says of a place: whether it takes an Input, and of which kind. */
export interface InputFields {
    /** The field is declared `pulumi.Input<T>`: an Output may stand there. */
    isInputField(path: Path): boolean;
    /** The field holds a number (ports), so its placeholder must be one. */
    isNumberField(path: Path): boolean;
}

/**
 * Replaces every Output/Promise standing in an Input field of `args` by a placeholder. Returns
 * the plain copy and the deferred values; args without any come back unchanged. An Output
 * anywhere else is left in place, for validation to refuse with the key named.
 */
export function deferInputs(args: unknown, fields: InputFields): { args: unknown; deferred: DeferredInput[] } {
    const deferred: DeferredInput[] = [];
    const out = mapLeaves(args, (value, path) => {
        if (!isDeferredValue(value) || !fields.isInputField(path)) return value;
        const i = deferred.length;
        const placeholder = fields.isNumberField(path) ? NUMBER_BASE - i : `${TOKEN_START}${i}${TOKEN_END}`;
        deferred.push({ path, placeholder, value: value as pulumi.Input<unknown> });
        return placeholder;
    });
    return { args: deferred.length > 0 ? out : args, deferred };
}

/** True when the text or number holds a placeholder of `deferInputs`. */
export function holdsPlaceholder(value: unknown): boolean {
    if (typeof value === "string") return value.includes(TOKEN_START);
    return typeof value === "number" && value <= NUMBER_BASE;
}

/** `args` with every placeholder leaf replaced by its resolved value. */
export function withResolved(args: unknown, deferred: readonly DeferredInput[], values: readonly unknown[]): unknown {
    // Placeholders are leaves, so their paths are leaf paths.
    const byPath = new Map(deferred.map((d, i) => [JSON.stringify(d.path), values[i]]));
    return mapLeaves(args, (value, path) => {
        const key = JSON.stringify(path);
        return byPath.has(key) ? byPath.get(key) : value;
    });
}

function substitute(value: string | number, values: readonly unknown[]): unknown {
    if (typeof value === "number") return values[NUMBER_BASE - value];
    const whole = new RegExp(`^${TOKEN_START}(\\d+)${TOKEN_END}$`).exec(value);
    if (whole) return values[Number(whole[1])];
    return value.replace(TOKEN, (_, i: string) => String(values[Number(i)]));
}

function indexesIn(value: string | number): number[] {
    if (typeof value === "number") return [NUMBER_BASE - value];
    return [...value.matchAll(TOKEN)].map((m) => Number(m[1]));
}

/**
 * Replaces, in a planned manifest or output value, every field holding placeholders by an
 * Output of the substituted value. Each such Output waits for `validated` (the args check with
 * the resolved values), so a bad resolved value fails the update instead of reaching the
 * cluster; it carries the secretness of its own inputs only.
 */
export function resolvePlaceholders<T>(planned: T, deferred: readonly DeferredInput[], validated: pulumi.Output<unknown>): T {
    if (deferred.length === 0) return planned;
    return mapLeaves(planned, (value) => {
        if (!holdsPlaceholder(value)) return value;
        const v = value as string | number;
        const indexes = indexesIn(v);
        return pulumi.all([validated, ...indexes.map((i) => deferred[i].value)]).apply(([, ...resolved]) => {
            const values: unknown[] = [];
            indexes.forEach((i, j) => (values[i] = resolved[j]));
            return substitute(v, values);
        });
    }) as T;
}

/**
 * An Output that resolves once every deferred value has and `check` accepted the args with them
 * (it throws VmafxArgsError otherwise). Not secret, so it does not spread secretness; unknown at
 * preview while any value is unknown.
 */
export function validatedOnResolve(deferred: readonly DeferredInput[], check: (values: unknown[]) => void): pulumi.Output<unknown> {
    // Without deferred values the args were checked in full before planning.
    if (deferred.length === 0) return pulumi.output(true);
    return pulumi.unsecret(
        pulumi.all(deferred.map((d) => d.value)).apply((values) => {
            check(values);
            return true;
        }),
    );
}
