// Tells a Pulumi Output apart without loading @pulumi/pulumi: the SDK marks every Output with
// `__pulumiOutput: true` and tests exactly that member (Output.isInstance). The pure plan
// (render, docs, validation) must not pay the SDK's start-up.
export function isOutput(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { __pulumiOutput?: unknown }).__pulumiOutput === true;
}

/** A value not known yet: a Pulumi Output or a Promise (what `pulumi.Input<T>` adds to T). */
export function isDeferredValue(value: unknown): boolean {
    return isOutput(value) || value instanceof Promise;
}

/** A map of args or manifest fields, walked into: not a list, an Output or a Promise. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) && !isDeferredValue(value);
}

/**
 * A copy of `value` with `fn` applied to every leaf (anything but a list or a plain object; an
 * Output or a Promise is a leaf), given the leaf's path. Lists and objects are copied on the way.
 */
export function mapLeaves(
    value: unknown,
    fn: (leaf: unknown, path: readonly (string | number)[]) => unknown,
    path: readonly (string | number)[] = [],
): unknown {
    if (Array.isArray(value)) return value.map((v, i) => mapLeaves(v, fn, [...path, i]));
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, fn, [...path, k])]));
    return fn(value, path);
}
