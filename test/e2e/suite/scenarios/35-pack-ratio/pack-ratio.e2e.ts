// Pack start-up cost, a figure for the benchmark table (test/e2e/README.md), not a pass/fail check: `pulumi preview
// --stack prod` of a project copy with the pack installed from its tarball (and stacks/policy-config.prod.json) and
// without any pack, one warm-up of each, then VMAFX_E2E_RATIO_PAIRS (default 5, at least 3) pairs in alternating
// order. Prints every time and `pack-in-preview ratio: X.XX (with pack median Ys, without Zs; target <= 1.25)`,
// repeated above the suite's closing line. Wall times depend on the machine's load.
import * as assert from "assert";
import { addSummaryLine, e2eEnv, Project, projectCopy, say } from "../../harness";
import { installedPack } from "../../harness/pack";
import { packOptions } from "../../harness/pulumi";

export function median(values: number[]): number {
    const v = [...values].sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

describe("pack-in-preview ratio", function () {
    let project: Project;

    before(async function () {
        const { tc, workDir } = await e2eEnv();
        project = await projectCopy(workDir, tc, { name: "ratio", kubeconfig: null });
    });

    it("pulumi preview --stack prod with the installed pack and without a pack, timed in alternating pairs", async function () {
        const { workDir } = await e2eEnv();
        const { pack } = await installedPack(workDir, project.dir);
        const stack = await project.stack("prod");
        const requested = Number(process.env.VMAFX_E2E_RATIO_PAIRS ?? 5);
        const pairs = Number.isInteger(requested) && requested >= 3 ? requested : 3;
        const timed = async (kind: "with" | "without"): Promise<number> => {
            const t0 = process.hrtime.bigint();
            await stack.preview({ ...(kind === "with" ? packOptions(project.dir, "prod", pack) : {}), color: "never" });
            return Number(process.hrtime.bigint() - t0) / 1e9;
        };
        say(`pack-in-preview: 1 warm-up + ${pairs} pairs`);
        const times = { with: [] as number[], without: [] as number[] };
        for (let i = 0; i <= pairs; i++) {
            // Alternate which one goes first, so a trend in the machine's load hits both alike.
            const order: ("with" | "without")[] = i % 2 === 1 ? ["without", "with"] : ["with", "without"];
            for (const kind of order) {
                const t = await timed(kind);
                console.log(`pack-in-preview: ${i === 0 ? "warm-up" : `pair ${i}`}, ${kind} pack: ${t.toFixed(2)}s`);
                if (i > 0) times[kind].push(t);
            }
        }
        const withMedian = median(times.with);
        const withoutMedian = median(times.without);
        assert.ok(withoutMedian > 0);
        console.log(
            `pack-in-preview: with pack ${times.with.map((t) => t.toFixed(2)).join(" ")} s; without ${times.without.map((t) => t.toFixed(2)).join(" ")} s`,
        );
        const line = `pack-in-preview ratio: ${(withMedian / withoutMedian).toFixed(2)} (with pack median ${withMedian.toFixed(2)}s, without ${withoutMedian.toFixed(2)}s; target <= 1.25)`;
        console.log(line);
        addSummaryLine(line);
    });
});
