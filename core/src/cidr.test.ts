// The one CIDR parser: the API server's reading, and the strict form config must use.
import { strict as assert } from "assert";
import { addressInCidr, canonicalCidr, cidrContains, cidrStrictlyContains, coversWholeFamily, parseCidr, parseK8sCidr } from "./cidr";

describe("cidr: parseCidr (strict networks, as config must write them)", () => {
    for (const ok of ["10.0.0.0/8", "203.0.113.0/24", "0.0.0.0/0", "2001:db8::/32", "::/0", "192.0.2.7/32"]) {
        it(`accepts ${ok}`, () => assert.ok(parseCidr(ok), ok));
    }
    const refused: [string, RegExp | undefined][] = [
        ["010.0.0.0/8", /leading 0s/], // ipaddr.js would read 010 as octal 8
        ["10.0.0.0/08", /leading 0s/],
        ["0x0a.0.0.0/8", undefined],
        ["10.1/16", undefined], // two-part IPv4
        ["10.20.128.5/20", /bits set beyond the prefix length/],
        ["::ffff:10.0.0.0/104", /IPv4-mapped/],
        ["fe80::1%eth0/64", undefined],
        ["10.0.0.0", undefined],
        ["10.0.0.0/33", undefined],
        [" 10.0.0.0/8", undefined],
    ];
    for (const [text, why] of refused) {
        it(`refuses ${JSON.stringify(text)}${why ? ` (${why.source})` : ""}`, () => {
            assert.equal(parseCidr(text), undefined);
            const parsed = parseK8sCidr(text);
            if (why) assert.match(parsed.strictErrors.join("; "), why);
            else assert.ok(parsed.error, JSON.stringify(parsed));
        });
    }
    it("the API server's legacy reading of leading zeros is decimal, never octal", () => {
        const parsed = parseK8sCidr("010.0.0.0/8");
        assert.equal(parsed.cidr && canonicalCidr(parsed.cidr), "10.0.0.0/8");
    });
    it("canonicalCidr clears host bits", () => {
        assert.equal(canonicalCidr(parseK8sCidr("10.20.128.5/20").cidr!), "10.20.128.0/20");
        assert.equal(canonicalCidr(parseK8sCidr("2001:db8::1/32").cidr!), "2001:db8::/32");
    });
});

describe("cidr: containment", () => {
    const c = (t: string) => parseCidr(t)!;
    it("cidrContains and cidrStrictlyContains", () => {
        assert.ok(cidrContains(c("10.0.0.0/8"), c("10.20.0.0/16")));
        assert.ok(cidrContains(c("10.0.0.0/8"), c("10.0.0.0/8")));
        assert.ok(!cidrStrictlyContains(c("10.0.0.0/8"), c("10.0.0.0/8")));
        assert.ok(!cidrContains(c("10.0.0.0/8"), c("11.0.0.0/16")));
        assert.ok(!cidrContains(c("0.0.0.0/0"), c("2001:db8::/32")), "families never mix");
    });
    it("addressInCidr reads addresses like the API server (mapped IPv6 counts as IPv4)", () => {
        assert.ok(addressInCidr("10.1.2.3", c("10.0.0.0/8")));
        assert.ok(addressInCidr("::ffff:10.1.2.3", c("10.0.0.0/8")));
        assert.ok(!addressInCidr("10.1.2", c("10.0.0.0/8")));
        assert.ok(!addressInCidr("2001:db8::1", c("10.0.0.0/8")));
    });
    it("coversWholeFamily", () => {
        assert.ok(coversWholeFamily(c("0.0.0.0/0")));
        assert.ok(coversWholeFamily(c("::/0")));
        assert.ok(!coversWholeFamily(c("0.0.0.0/1")));
    });
});
