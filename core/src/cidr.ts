// CIDR and address parsing with the Kubernetes API server's rules, the one parser of the
// project: the component's config validation, the NetworkPolicy analyzer and validator, and the
// policy pack all read CIDRs through it. ipaddr.js is used only to represent and match parsed
// bytes, never to parse text (it reads "010.0.0.0" as octal and accepts hex, two- and
// three-part IPv4 and IPv6 zone ids; the API server does none of that).
//
//  - Legacy ("sloppy") parsing, k8s.io/utils/net ParseCIDRSloppy: dotted-quad IPv4 whose
//    octets may carry leading zeros, read as DECIMAL; IPv6 with 1-4 hex digit groups,
//    "::" and an optional trailing dotted-quad; prefix length in decimal, leading zeros
//    allowed; host bits may be set (the network is what counts).
//  - Strict validation (IsValidCIDRForLegacyField with StrictIPCIDRValidation, the newest
//    upstream behaviour): additionally no leading zeros anywhere, no IPv4-mapped IPv6, no
//    bits set beyond the prefix length.
//
// An IPv4-mapped IPv6 network with prefix >= 96 is matched as the IPv4 network it maps
// (Go's net.IPNet.Contains does the same); mapped endpoint addresses count as IPv4.
import * as ipaddr from "ipaddr.js";

export interface Cidr {
    /** The text as given. */
    readonly text: string;
    readonly family: "ipv4" | "ipv6";
    /** The network address (host bits cleared). */
    readonly address: ipaddr.IPv4 | ipaddr.IPv6;
    readonly prefixLength: number;
}

interface ParsedAddress {
    family: "ipv4" | "ipv6";
    bytes: number[];
    /** Some IPv4 octet (possibly embedded in IPv6) had a leading zero. */
    leadingZeros: boolean;
}

function parseIPv4Sloppy(text: string): ParsedAddress | undefined {
    const parts = text.split(".");
    if (parts.length !== 4) {
        return undefined;
    }
    const bytes: number[] = [];
    let leadingZeros = false;
    for (const part of parts) {
        if (!/^[0-9]{1,10}$/.test(part)) {
            return undefined;
        }
        const value = Number(part);
        if (value > 255) {
            return undefined;
        }
        if (part.length > 1 && part.startsWith("0")) {
            leadingZeros = true;
        }
        bytes.push(value);
    }
    return { family: "ipv4", bytes, leadingZeros };
}

function parseGroups(text: string): number[] | undefined {
    if (text === "") {
        return [];
    }
    const groups: number[] = [];
    for (const group of text.split(":")) {
        if (!/^[0-9a-fA-F]{1,4}$/.test(group)) {
            return undefined;
        }
        groups.push(parseInt(group, 16));
    }
    return groups;
}

function parseIPv6Sloppy(text: string): ParsedAddress | undefined {
    let body = text;
    let tail: number[] = [];
    let leadingZeros = false;
    if (body.includes(".")) {
        const cut = body.lastIndexOf(":");
        if (cut < 0) {
            return undefined;
        }
        const v4 = parseIPv4Sloppy(body.slice(cut + 1));
        if (!v4) {
            return undefined;
        }
        leadingZeros = v4.leadingZeros;
        tail = [(v4.bytes[0] << 8) | v4.bytes[1], (v4.bytes[2] << 8) | v4.bytes[3]];
        // Keep a trailing "::" intact ("::1.2.3.4" -> "::"), drop the single ':' separator otherwise.
        body = body.endsWith("::" + body.slice(cut + 1)) ? body.slice(0, cut + 1) : body.slice(0, cut);
    }
    let groups: number[];
    const doubleColon = body.indexOf("::");
    if (doubleColon >= 0) {
        if (body.indexOf("::", doubleColon + 1) >= 0) {
            return undefined;
        }
        const head = parseGroups(body.slice(0, doubleColon));
        const rest = parseGroups(body.slice(doubleColon + 2));
        if (!head || !rest) {
            return undefined;
        }
        const fill = 8 - head.length - rest.length - tail.length;
        if (fill < 1) {
            return undefined;
        }
        groups = [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
    } else {
        const all = parseGroups(body);
        if (!all || all.length === 0) {
            return undefined;
        }
        groups = [...all, ...tail];
        if (groups.length !== 8) {
            return undefined;
        }
    }
    const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
    return { family: "ipv6", bytes, leadingZeros };
}

function parseAddressSloppy(text: string): ParsedAddress | undefined {
    if (typeof text !== "string") {
        return undefined;
    }
    return text.includes(":") ? parseIPv6Sloppy(text) : parseIPv4Sloppy(text);
}

function isIPv4Mapped(bytes: number[]): boolean {
    return bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

function maskBytes(bytes: number[], prefixLength: number): number[] {
    return bytes.map((b, i) => {
        const bits = Math.max(0, Math.min(8, prefixLength - i * 8));
        return bits === 0 ? 0 : b & ((0xff << (8 - bits)) & 0xff);
    });
}

/** A parsed endpoint address: ipaddr.js object in its effective family. */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
    const parsed = parseAddressSloppy(text);
    if (!parsed) {
        return undefined;
    }
    const bytes = isIPv4Mapped(parsed.bytes) ? parsed.bytes.slice(12) : parsed.bytes;
    return ipaddr.fromByteArray(bytes);
}

export interface K8sCidrParse {
    /** The network as the API server (legacy parsing) reads it; absent when unparseable. */
    cidr?: Cidr;
    /** Why the value is not a CIDR at all. */
    error?: string;
    /** Reasons strict validation (newest API servers) rejects a value legacy parsing accepts. */
    strictErrors: string[];
}

/** Parses an ipBlock cidr/except value the way the API server does. */
export function parseK8sCidr(text: string): K8sCidrParse {
    const invalid = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
    if (typeof text !== "string") {
        return { error: invalid, strictErrors: [] };
    }
    const slash = text.indexOf("/");
    if (slash < 0) {
        return { error: invalid, strictErrors: [] };
    }
    const address = parseAddressSloppy(text.slice(0, slash));
    const lengthText = text.slice(slash + 1);
    if (!address || !/^[0-9]{1,5}$/.test(lengthText)) {
        return { error: invalid, strictErrors: [] };
    }
    let prefixLength = Number(lengthText);
    if (prefixLength > address.bytes.length * 8) {
        return { error: invalid, strictErrors: [] };
    }
    const strictErrors: string[] = [];
    if (address.leadingZeros || (lengthText.length > 1 && lengthText.startsWith("0"))) {
        strictErrors.push("must not have leading 0s in IP or prefix length");
    } else if (isIPv4Mapped(address.bytes)) {
        strictErrors.push("must not have an IPv4-mapped IPv6 address");
    } else if (maskBytes(address.bytes, prefixLength).some((b, i) => b !== address.bytes[i])) {
        strictErrors.push("must not have bits set beyond the prefix length");
    }
    let bytes = maskBytes(address.bytes, prefixLength);
    if (isIPv4Mapped(bytes) && prefixLength >= 96) {
        bytes = bytes.slice(12);
        prefixLength -= 96;
    }
    const network = ipaddr.fromByteArray(bytes);
    return { cidr: { text, family: network.kind(), address: network, prefixLength }, strictErrors };
}

/** True when the address lies in the ipBlock network (same effective family). */
export function addressInNetwork(address: ipaddr.IPv4 | ipaddr.IPv6, cidr: Cidr): boolean {
    if (address.kind() !== cidr.family) {
        return false;
    }
    return address.match([cidr.address, cidr.prefixLength] as [typeof address, number]);
}

function toBigInt(bytes: number[]): bigint {
    return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/** True when the union of the networks covers their whole address family. */
export function unionCoversFamily(cidrs: Cidr[], family: "ipv4" | "ipv6"): boolean {
    const bits = family === "ipv4" ? 32 : 128;
    const ranges = cidrs
        .filter((c) => c.family === family)
        .map((c) => {
            const size = 1n << BigInt(bits - c.prefixLength);
            const start = toBigInt(c.address.toByteArray()) & ~(size - 1n);
            return [start, start + size - 1n] as const;
        })
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let next = 0n;
    for (const [start, end] of ranges) {
        if (start > next) {
            return false;
        }
        if (end + 1n > next) {
            next = end + 1n;
        }
    }
    return next === 1n << BigInt(bits);
}

/**
 * A network written strictly, as config that means a network must be: canonical dotted-quad or
 * IPv6 text, no leading zeros, no IPv4-mapped IPv6 and no host bits. Undefined otherwise;
 * `parseK8sCidr` tells why.
 */
export function parseCidr(text: string): Cidr | undefined {
    const parsed = parseK8sCidr(text);
    return parsed.cidr && parsed.strictErrors.length === 0 ? parsed.cidr : undefined;
}

/** The canonical spelling of a CIDR's network ("10.1.0.0/8" -> "10.0.0.0/8"). */
export function canonicalCidr(cidr: Cidr): string {
    return `${cidr.address.toString()}/${cidr.prefixLength}`;
}

/** True when the address text lies inside the CIDR (families must match after unmapping). */
export function addressInCidr(address: string, cidr: Cidr): boolean {
    const parsed = parseAddress(address);
    return parsed !== undefined && addressInNetwork(parsed, cidr);
}

/** True when `inner` lies inside `outer` (equal counts as inside). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
    if (outer.family !== inner.family || inner.prefixLength < outer.prefixLength) {
        return false;
    }
    return inner.address.match([outer.address, outer.prefixLength] as [typeof inner.address, number]);
}

/**
 * True when `inner` is a strict subset of `outer`: what the API server demands of
 * every `ipBlock.except` entry relative to its `ipBlock.cidr`.
 */
export function cidrStrictlyContains(outer: Cidr, inner: Cidr): boolean {
    return inner.prefixLength > outer.prefixLength && cidrContains(outer, inner);
}

/** True for a CIDR that covers a whole address family: 0.0.0.0/0 or ::/0 in any spelling. */
export function coversWholeFamily(cidr: Cidr): boolean {
    return cidr.prefixLength === 0;
}
