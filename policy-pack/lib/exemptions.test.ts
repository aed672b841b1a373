import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Exemptions, ExemptionSubject, annotationExemption, isIsoDate, loadExemptionsFile, parseExemptions } from "./exemptions";

const TODAY = "2026-06-15";

function subject(extra: Partial<ExemptionSubject> = {}): ExemptionSubject {
    return { kind: "Deployment", namespace: "shop", name: "web", labels: { app: "web", tier: "front" }, label: "Deployment shop/web (a.yaml#0)", ...extra };
}

const GOOD = `exemptions:
  - checks: [privileged, image-pinned]
    match: {kind: Deployment, namespace: shop, name: web}
    reason: the GPU driver needs it
    expires: 2026-12-31
    owner: platform
  - checks: [pod-security]
    match: {labels: {tier: front}}
    reason: vendor chart
    expires: "2026-06-15"
`;

describe("exemptions", () => {
    it("a valid file: entries apply by kind, namespace, name and labels; pod-security covers every PSA check, not other policies", () => {
        const f = parseExemptions(GOOD, "ex.yaml", TODAY);
        assert.deepEqual(f.problems, []);
        assert.equal(f.entries.length, 2);
        const ex = new Exemptions([f], TODAY);
        assert.deepEqual(ex.find("privileged", "pod-security", subject()), {
            source: "file",
            where: "ex.yaml exemptions[0]",
            reason: "the GPU driver needs it",
            expires: "2026-12-31",
            owner: "platform",
        });
        assert.equal(ex.find("image-pinned", "image-pinned", subject())?.where, "ex.yaml exemptions[0]");
        assert.equal(ex.find("image-pinned", "image-pinned", subject({ name: "api" })), undefined);
        // entry 1 by label, for any Pod Security check, through pod-security (its last day is today: still valid)
        assert.equal(ex.find("runAsNonRoot", "pod-security", subject({ name: "api" }))?.where, "ex.yaml exemptions[1]");
        assert.equal(ex.find("runAsNonRoot", "pod-security", subject({ name: "api", labels: { tier: "back" } })), undefined);
        assert.equal(ex.find("resource-limits", "resource-limits", subject({ name: "api" })), undefined);
        assert.deepEqual(ex.unused(), []);
        assert.deepEqual(new Exemptions([f], TODAY).unused().length, 2);
    });

    it("an expired entry does not apply and is a problem naming the file, entry and date", () => {
        const f = parseExemptions(GOOD, "ex.yaml", "2026-06-16");
        assert.deepEqual(
            f.entries.map((e) => e.index),
            [0],
        );
        assert.equal(f.expired, 1);
        assert.deepEqual(f.problems, [
            "ex.yaml: exemptions[1] (pod-security for tier=front) expired on 2026-06-15: it no longer applies; fix the object, or renew the exemption with a new date and reason",
        ]);
        assert.equal(new Exemptions([f], "2026-06-16").find("runAsNonRoot", "pod-security", subject({ name: "api" })), undefined);
    });

    it("lists every problem of a bad file at once, each with the file, the entry index and the field path", () => {
        const text = `exemptions:
  - checks: [privileged]
    match: {kind: Pod}
    reason: ok
    expires: 2027-01-01
  - checks: [privilegd]
    match: {nmae: web}
    expires: 2026-13-01
  - checks: []
    match: {}
    reason: ""
    expires: tomorrow
  - checks: [hostPorts]
    match: {name: x}
    reason: fine
    expires: 2026-02-30
extra: 1
`;
        const f = parseExemptions(text, "bad.yaml", TODAY);
        assert.deepEqual(
            f.entries.map((e) => e.index),
            [0],
        );
        const all = f.problems.join("\n");
        for (const expected of [
            /^bad\.yaml: extra: unknown key; accepted keys here: exemptions$/m,
            /^bad\.yaml: exemptions\[1\]\.reason: is required$/m,
            /^bad\.yaml: exemptions\[1\]\.match\.nmae: unknown key; accepted keys here: kind, namespace, name, labels$/m,
            /^bad\.yaml: exemptions\[1\]\.checks: unknown check "privilegd"; accepted: policy names \(pod-security, .*\) or Pod Security check IDs \(allowPrivilegeEscalation, .*\)$/m,
            /^bad\.yaml: exemptions\[1\]\.expires: "2026-13-01" is not a calendar date$/m,
            /^bad\.yaml: exemptions\[2\]\.checks: must NOT have fewer than 1 items/m,
            /^bad\.yaml: exemptions\[2\]\.match: must name at least one of kind, namespace, name, labels/m,
            /^bad\.yaml: exemptions\[2\]\.reason: must not be empty/m,
            /^bad\.yaml: exemptions\[2\]\.expires: must be a date YYYY-MM-DD \(got "tomorrow"\)/m,
            /^bad\.yaml: exemptions\[3\]\.expires: "2026-02-30" is not a calendar date$/m,
        ])
            assert.match(all, expected);
        assert.equal(f.problems.length, 10, all);
    });

    it("names unreadable files and invalid YAML", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-ex-"));
        try {
            assert.match(loadExemptionsFile(path.join(dir, "none.yaml"), TODAY).problems[0], /none\.yaml: cannot read the exemptions file: ENOENT/);
            fs.writeFileSync(path.join(dir, "bad.yaml"), "exemptions: [\n");
            assert.match(loadExemptionsFile(path.join(dir, "bad.yaml"), TODAY).problems[0], /bad\.yaml: not valid YAML/);
            fs.writeFileSync(path.join(dir, "list.yaml"), "- checks: [x]\n");
            assert.match(loadExemptionsFile(path.join(dir, "list.yaml"), TODAY).problems[0], /list\.yaml: \(top level\): must be object/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("annotations: check IDs and a required reason; an optional expiry; each problem named", () => {
        const a = (annotations: Record<string, unknown>) => annotationExemption(annotations, TODAY);
        assert.equal(a({}), undefined);
        assert.deepEqual(a({ "policy.vmafx.dev/exempt": " privileged , image-pinned", "policy.vmafx.dev/exempt-reason": "why" }), {
            checks: ["privileged", "image-pinned"],
            exemption: { source: "annotation", where: "annotation policy.vmafx.dev/exempt", reason: "why" },
        });
        assert.match(a({ "policy.vmafx.dev/exempt": "privileged" })!.problem!, /needs a reason: set policy\.vmafx\.dev\/exempt-reason/);
        assert.match(a({ "policy.vmafx.dev/exempt": "privilegd", "policy.vmafx.dev/exempt-reason": "x" })!.problem!, /unknown check "privilegd"/);
        assert.match(
            a({ "policy.vmafx.dev/exempt": "privileged", "policy.vmafx.dev/exempt-reason": "x", "policy.vmafx.dev/exempt-expires": "2026-06-14" })!.problem!,
            /expired on 2026-06-14/,
        );
        assert.match(
            a({ "policy.vmafx.dev/exempt": "privileged", "policy.vmafx.dev/exempt-reason": "x", "policy.vmafx.dev/exempt-expires": "soon" })!.problem!,
            /must be a date/,
        );
        const ex = Exemptions.none(TODAY);
        const s = subject({ annotations: { "policy.vmafx.dev/exempt": "privileged" } });
        assert.equal(ex.find("privileged", "pod-security", s), undefined);
        assert.deepEqual(ex.problems(), [
            "Deployment shop/web (a.yaml#0): annotation policy.vmafx.dev/exempt needs a reason: set policy.vmafx.dev/exempt-reason (why the object may skip privileged)",
        ]);
    });

    it("dates: YYYY-MM-DD of a real day", () => {
        assert.ok(isIsoDate("2028-02-29"));
        assert.ok(!isIsoDate("2027-02-29"));
        assert.ok(!isIsoDate("2027-2-1"));
    });
});
