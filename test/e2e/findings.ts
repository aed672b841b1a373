// The pass/fail log the e2e checkers (verify.ts, crds.ts) share: each check reports findings one by
// one; run as a script they are printed as PASS/FAIL lines and counted for the closing line, run
// from the suite (test/e2e/suite) they are collected and returned instead.

export interface Finding {
    ok: boolean;
    message: string;
}

export class FindingLog {
    passed = 0;
    failed = 0;
    /** Where findings go while `collect` runs a check, instead of stdout. */
    private sink: Finding[] | undefined;

    readonly pass = (message: string): void => {
        this.passed++;
        if (this.sink) this.sink.push({ ok: true, message });
        else console.log(`PASS ${message}`);
    };

    readonly fail = (message: string): void => {
        this.failed++;
        if (this.sink) this.sink.push({ ok: false, message });
        else console.log(`FAIL ${message}`);
    };

    /** Runs one check and returns its findings instead of printing them. */
    async collect(check: () => void | Promise<void>): Promise<Finding[]> {
        const outer = this.sink;
        const mine: Finding[] = [];
        this.sink = mine;
        try {
            await check();
            return mine;
        } finally {
            this.sink = outer;
        }
    }

    /** The same for a check that runs synchronously. */
    collectSync(check: () => void): Finding[] {
        const outer = this.sink;
        const mine: Finding[] = [];
        this.sink = mine;
        try {
            check();
            return mine;
        } finally {
            this.sink = outer;
        }
    }
}
