// Small formatting helpers shared by the policies' messages.

/** A field value as it appears in messages: JSON, or "not set". */
export function showValue(value: unknown): string {
    if (value === undefined) return "not set";
    try {
        const s = JSON.stringify(value);
        return s.length > 200 ? `${s.slice(0, 197)}...` : s;
    } catch {
        return String(value);
    }
}

/** `path = value` for a set field, `path is not set` otherwise. */
export function showField(path: string, value: unknown): string {
    return value === undefined ? `${path} is not set` : `${path} = ${showValue(value)}`;
}

/** "a, b and c". */
export function listText(items: readonly string[]): string {
    if (items.length <= 1) return items.join("");
    return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
