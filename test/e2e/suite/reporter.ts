// The suite's reporter: one `PASS <test>` / `FAIL <test>` line per test (with its seconds), the failures' errors at
// the end, then the lines scenarios asked to repeat (summary.ts) and the closing `e2e: N passed, M failed`, counted
// from mocha's own events. A failed hook counts as one failure.
import * as Mocha from "mocha";
import { elapsed, summaryLines } from "./harness/summary";

const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_SUITE_BEGIN, EVENT_RUN_END } = Mocha.Runner.constants;

class E2eReporter extends Mocha.reporters.Base {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        let passed = 0;
        const failures: { title: string; err: Error }[] = [];
        let pending = 0;
        const seconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)}s`;
        runner.on(EVENT_SUITE_BEGIN, (suite) => {
            if (suite.title) console.log(`[e2e ${elapsed()}s] ${suite.fullTitle()}`);
        });
        runner.on(EVENT_TEST_PASS, (test) => {
            passed++;
            console.log(`PASS ${test.fullTitle()} (${seconds(test.duration)})`);
        });
        runner.on(EVENT_TEST_FAIL, (test, err) => {
            failures.push({ title: test.fullTitle(), err });
            console.log(`FAIL ${test.fullTitle()}: ${String(err?.message ?? err).split("\n")[0]}`);
        });
        runner.on(EVENT_TEST_PENDING, () => pending++);
        runner.once(EVENT_RUN_END, () => {
            for (const [i, f] of failures.entries()) {
                console.log(`\n---- failure ${i + 1}: ${f.title}\n${f.err?.stack ?? f.err}`);
            }
            if (failures.length) console.log("");
            for (const line of summaryLines()) console.log(line);
            console.log(`timings: total ${elapsed()}s${pending ? `; ${pending} tests skipped` : ""}`);
            console.log(`e2e: ${passed} passed, ${failures.length} failed`);
        });
    }
}

export = E2eReporter;
