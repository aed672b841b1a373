// The exit codes of the offline tools (`render`, `preview:offline`), one table for both and
// for the README: scripts can tell bad config from a bad command line from a policy failure.
export const EXIT = {
    /** Everything worked: objects written, or no mandatory policy violation. */
    ok: 0,
    /** The stack config or the policy config is invalid (every problem is named); nothing written. */
    badConfig: 1,
    /** Bad flags, or an output directory the tool may not write into. */
    usage: 2,
    /** preview:offline: a mandatory policy violation, so `pulumi preview` would fail. */
    mandatoryViolation: 3,
} as const;

/** The table as the README shows it. */
export const EXIT_CODE_TABLE = [
    ["0", "success (render: objects written; preview:offline: no mandatory violation)"],
    ["1", "invalid stack config or policy config; every problem is named and nothing is written"],
    ["2", "usage: bad flags, or an --out directory that is not empty and was not written by render"],
    ["3", "preview:offline only: a mandatory policy violation (pulumi preview would fail)"],
] as const;
