// Policy version labels (upstream api.ParseVersion): "latest" or "v1.<minor>" with no leading zeros and no patch.
import type { PsaVersion } from "./types";

const VERSION_RE = /^v1\.(0|[1-9][0-9]*)$/;
/** Go strconv.Atoi on a 64-bit platform fails above this value. */
const MAX_INT64 = BigInt("9223372036854775807");

/** Returns the version label when upstream accepts it (`latest`, `v1.0`, `v1.37`, `v1.99`), else undefined. */
export function parsePsaVersion(v: string): PsaVersion | undefined {
    if (v === "latest") return "latest";
    if (typeof v !== "string") return undefined;
    const m = VERSION_RE.exec(v);
    if (m === null) return undefined;
    if (m[1].length > 18 && BigInt(m[1]) > MAX_INT64) return undefined;
    return v as PsaVersion;
}

/** The minor number of a parsed version label (`latest` → Infinity, meaning "clamp to the newest"). */
export function minorOf(v: PsaVersion): number {
    return v === "latest" ? Infinity : Number(v.slice(3));
}
