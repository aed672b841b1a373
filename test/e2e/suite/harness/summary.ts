// Lines a scenario wants repeated just above the suite's closing `e2e: N passed, M failed` line (the reporter
// prints them), e.g. the pack-in-preview ratio quoted in test/e2e/README.md.
const lines: string[] = [];

export function addSummaryLine(line: string): void {
    lines.push(line);
}

export function summaryLines(): readonly string[] {
    return lines;
}

const t0 = Date.now();

/** Whole seconds since the suite's process loaded the harness. */
export function elapsed(): number {
    return Math.round((Date.now() - t0) / 1000);
}

/** Progress output with the seconds since the suite started. */
export function say(message: string): void {
    console.log(`[e2e ${elapsed()}s] ${message}`);
}
