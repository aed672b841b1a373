// Mocha root hooks of the e2e suite (loaded by test/e2e/suite/.mocharc.json): the environment starts before the
// first scenario and is torn down after the last one, whatever failed in between, and on SIGINT/SIGTERM.
import { e2eEnv, tearDown } from "./index";

for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
        void tearDown().finally(() => process.exit(130));
    });
}

export const mochaHooks = {
    async beforeAll(this: Mocha.Context): Promise<void> {
        this.timeout(4 * 3600_000);
        await e2eEnv();
    },
    async afterAll(this: Mocha.Context): Promise<void> {
        this.timeout(1800_000);
        await tearDown();
    },
};
