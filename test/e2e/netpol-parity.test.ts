// Offline checks of test/e2e/netpol-parity.ts and its cases (the e2e runs them against a real kube-apiserver):
// the cases cover at least twelve rules and the valid edge cases, our validator rejects each case at exactly the
// field paths it expects, and the judge reads kubectl's and vmafx-policy's reports as it should.
import { strict as assert } from "assert";
import { NetworkPolicyObject, validateNetworkPolicy } from "@vmafx-k8s/core";
import { Outcome, cliOutcome, judge, parityTable, readCases, serverOutcome } from "./netpol-parity";

describe("e2e netpol-parity cases", () => {
    const cases = readCases();

    it("at least twelve invalid cases, one rule each, and valid endPort, named-port and empty-selector cases", () => {
        const invalid = cases.filter((c) => c.expect.length > 0);
        assert.ok(invalid.length >= 12, `${invalid.length} invalid cases`);
        assert.equal(new Set(invalid.map((c) => c.rule)).size, invalid.length);
        const valid = cases.filter((c) => c.expect.length === 0).map((c) => c.rule);
        for (const want of [/endPort/, /named ports/, /empty selectors/])
            assert.ok(
                valid.some((r) => want.test(r)),
                String(want),
            );
        for (const c of cases) assert.equal(c.object.kind, "NetworkPolicy", c.name);
    });

    for (const c of cases) {
        it(`${c.name}: validateNetworkPolicy ${c.expect.length ? `rejects it at ${c.expect.join(", ")}` : "accepts it"}`, () => {
            const paths = validateNetworkPolicy(c.object as NetworkPolicyObject).map((e) => e.split(": ")[0]);
            assert.deepEqual([...new Set(paths)].sort(), [...c.expect].sort());
        });
    }
});

describe("e2e netpol-parity judge", () => {
    const [c] = readCases().filter((x) => x.name.startsWith("20-"));
    const path = "spec.ingress[0].from[0].ipBlock.except[0]";
    const message = `${path}: Invalid value: "10.0.0.0/8": must be a strict subset of \`cidr\``;
    const cliLine = (m: string) =>
        JSON.stringify({ policy: "networkpolicy-valid", message: `NetworkPolicy x would be rejected by the API server (1 error):\n  - ${m}\nFix: ...` });

    it("reads kubectl's one-error and many-error reports and vmafx-policy's JSON lines", () => {
        assert.deepEqual(serverOutcome(1, `The NetworkPolicy "x" is invalid: ${message}\n`).errors, [{ path, message }]);
        assert.deepEqual(serverOutcome(1, `The NetworkPolicy "x" is invalid: \n* metadata.name: Required value\n* ${message}\n`).errors, [
            { path: "metadata.name", message: "metadata.name: Required value" },
            { path, message },
        ]);
        assert.deepEqual(cliOutcome(1, `${cliLine(message)}\n`).errors, [{ path, message }]);
    });

    it("passes agreement at the expected paths and fails anything else", () => {
        const server = serverOutcome(1, `The NetworkPolicy "x" is invalid: ${message}`);
        const cli = cliOutcome(1, cliLine(message));
        assert.deepEqual(judge(c, server, cli), { pass: true, detail: `rejected by both at ${path} with the same message` });
        const accepted: Outcome = { code: 0, errors: [] };
        assert.equal(judge(c, accepted, cli).pass, false);
        assert.equal(judge(c, server, accepted).pass, false);
        assert.equal(judge(c, server, cliOutcome(1, cliLine(message.replace(path, "spec.ingress[0].from[0].ipBlock.cidr")))).pass, false);
        const [valid] = readCases().filter((x) => x.expect.length === 0);
        assert.equal(judge(valid, accepted, accepted).pass, true);
        assert.equal(judge(valid, accepted, cli).pass, false);
        assert.match(
            parityTable([{ c, server, cli }]),
            /\| an except has the cidr's address family .* \| spec\.ingress\[0\]\.from\[0\]\.ipBlock\.except\[0\]: Invalid value/,
        );
    });
});
