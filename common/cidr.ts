// CIDR parsing and containment on top of ipaddr.js, shared by the stack config
// validation, the NetworkPolicy flow analyzer and the policy pack. No Pulumi imports.
import * as ipaddr from "ipaddr.js";

export interface Cidr {
    /** The text as given. */
    readonly text: string;
    readonly family: "ipv4" | "ipv6";
    readonly address: ipaddr.IPv4 | ipaddr.IPv6;
    readonly prefixLength: number;
}

/** Parses "a.b.c.d/n" or "x::/n"; returns undefined for anything else (a bare address is not a CIDR). */
export function parseCidr(text: string): Cidr | undefined {
    if (typeof text !== "string" || !text.includes("/")) {
        return undefined;
    }
    try {
        const [address, prefixLength] = ipaddr.parseCIDR(text.trim());
        // ipaddr.js accepts IPv4-mapped IPv6 forms; keep the family the user wrote.
        return { text, family: address.kind(), address, prefixLength };
    } catch {
        return undefined;
    }
}

/** True when the CIDR's host bits are zero ("10.0.0.0/8", not "10.1.0.0/8"). */
export function isCanonicalCidr(cidr: Cidr): boolean {
    const network = cidr.family === "ipv4"
        ? ipaddr.IPv4.networkAddressFromCIDR(cidr.text)
        : ipaddr.IPv6.networkAddressFromCIDR(cidr.text);
    return network.toNormalizedString() === cidr.address.toNormalizedString();
}

/** The canonical spelling of a CIDR's network ("10.1.0.0/8" -> "10.0.0.0/8"). */
export function canonicalCidr(cidr: Cidr): string {
    const network = cidr.family === "ipv4"
        ? ipaddr.IPv4.networkAddressFromCIDR(cidr.text)
        : ipaddr.IPv6.networkAddressFromCIDR(cidr.text);
    return `${network.toString()}/${cidr.prefixLength}`;
}

/** True when the address lies inside the CIDR (families must match). */
export function addressInCidr(address: string, cidr: Cidr): boolean {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
        parsed = ipaddr.parse(address);
    } catch {
        return false;
    }
    if (parsed.kind() !== cidr.family) {
        return false;
    }
    return parsed.match([cidr.address, cidr.prefixLength] as [typeof parsed, number]);
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
