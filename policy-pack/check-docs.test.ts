// The documentation pages are generated from the definitions, and their examples do what the pages say: every
// Pod Security example fails exactly its check (at the check's level) and the compliant pod passes; every policy
// example is reported (or not) by the pack; docs/policies/ holds exactly the generated pages; `explain` prints them.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ALL_CHECKS, evaluatePod } from "@vmafx-k8s/core";
import { DOC_IDS, POLICY_GUIDE, PSA_GUIDE, compliantPod, docsUrl, psaFailingPod } from "./check-docs";
import { Io, main } from "./cli";
import { CHECK_IDS, POLICY_NAMES } from "./lib/check-ids";
import { manifestResource } from "./manifests";
import { POLICIES, checkPage, checkPages } from "./policies";
import { runPack } from "./run";

const DOCS = path.join(__dirname, "..", "docs", "policies");

function io(): Io & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), readStdin: () => "" };
}

async function diagnosticsOf(objects: Record<string, any>[], environment: string) {
    const resources = objects.map((object, index) => manifestResource({ file: "example.yaml", index, object }));
    return (await runPack(resources, { environment, stack: environment })).diagnostics;
}

describe("check documentation", () => {
    it("names every policy of the pack and every Pod Security check, and policy names and PSA IDs never collide", () => {
        assert.deepEqual(
            POLICY_NAMES,
            POLICIES.map((p) => p.name),
        );
        assert.deepEqual(Object.keys(POLICY_GUIDE).sort(), [...POLICY_NAMES].sort());
        assert.deepEqual(Object.keys(PSA_GUIDE).sort(), ALL_CHECKS.map((c) => c.id).sort());
        assert.equal(CHECK_IDS.size, POLICY_NAMES.length + ALL_CHECKS.length);
        assert.equal(DOC_IDS.length, CHECK_IDS.size);
    });

    it("the compliant pod passes restricted:latest", () => {
        assert.deepEqual(evaluatePod(compliantPod(), "restricted", "latest").violations, []);
    });

    for (const c of ALL_CHECKS) {
        it(`the failing example of ${c.id} fails exactly ${c.id} at ${c.level}:latest`, () => {
            assert.deepEqual(
                evaluatePod(psaFailingPod(c.id), c.level, "latest").violations.map((v) => v.check),
                [c.id],
            );
        });
    }

    for (const name of Object.keys(POLICY_GUIDE)) {
        it(`the examples of ${name}: the failing one is reported, the passing one is not`, async () => {
            const g = POLICY_GUIDE[name];
            const fail = await diagnosticsOf(g.fail(), g.environment);
            const pass = await diagnosticsOf(g.pass(), g.environment);
            assert.ok(
                fail.some((d) => d.policy === name),
                `${name} did not report its failing example: ${JSON.stringify(fail.map((d) => d.policy))}`,
            );
            assert.deepEqual(
                pass.filter((d) => d.policy === name).map((d) => d.message),
                [],
            );
        });
    }

    it("docs/policies/ holds exactly the generated pages (npm run docs)", () => {
        const pages = checkPages();
        assert.deepEqual(fs.readdirSync(DOCS).sort(), pages.map((p) => p.file).sort());
        for (const p of pages) assert.equal(fs.readFileSync(path.join(DOCS, p.file), "utf8"), p.markdown, `docs/policies/${p.file} is stale: run npm run docs`);
        const privileged = pages.find((p) => p.file === "privileged.md")!.markdown;
        assert.match(privileged, /^# privileged$/m);
        assert.match(
            privileged,
            /## Passing example[\s\S]*## Failing example[\s\S]*privileged: true[\s\S]*reports:\n\n```text\n- privileged: privileged \(container "web"/,
        );
        assert.match(
            pages.find((p) => p.file === "image-pinned.md")!.markdown,
            /default level \*\*advisory\*\*[\s\S]*\| `requireDigest` \| boolean \| `false` \|/,
        );
    });

    it("vmafx-policy explain <id> prints the page; without an ID it lists the IDs; an unknown ID is exit 2", async () => {
        for (const id of ["privileged", "prod-egress"]) {
            const t = io();
            assert.equal(await main(["explain", id], t), 0);
            assert.equal(t.out.join("\n") + "\n", checkPage(id));
        }
        const list = io();
        assert.equal(await main(["explain"], list), 0);
        assert.deepEqual(
            list.out.slice(1).map((l) => l.trim()),
            [...DOC_IDS],
        );
        const bad = io();
        assert.equal(await main(["explain", "privileged-mode"], bad), 2);
        assert.match(bad.err[0], /unknown policy or check "privileged-mode"; known: pod-security, .*windowsHostProcess/);
    });

    it("SARIF help URIs: from --docs-url, else from the package's repository field (none yet: no helpUri)", () => {
        assert.equal(docsUrl("privileged", "https://example.com/docs/policies"), "https://example.com/docs/policies/privileged.md");
        assert.equal(docsUrl("privileged"), undefined);
    });
});
