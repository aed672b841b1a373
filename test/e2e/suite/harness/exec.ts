// Child processes of the suite: every run has a deadline and a captured result, so a check reads exit codes and
// parsed output, never a log.
import { spawn } from "child_process";

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface RunOptions {
    cwd?: string;
    /** Added to (and overriding) the suite's own environment. */
    env?: Record<string, string | undefined>;
    input?: string;
    /** Milliseconds before the process is killed (SIGTERM, then SIGKILL 10 s later); the default is 10 minutes. */
    timeoutMs?: number;
    /** Resolve with a non-zero exit code instead of rejecting. */
    allowFailure?: boolean;
}

export class RunError extends Error {
    constructor(
        readonly command: string,
        readonly result: RunResult,
    ) {
        super(`${command} exited ${result.code}\n${tail(result.stderr || result.stdout, 40)}`);
    }
}

/** The last `lines` lines of a text, for error messages. */
export function tail(text: string, lines: number): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Runs a command to completion (bounded by `timeoutMs`) and returns its exit code and output. */
export function run(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = opts.timeoutMs ?? 600_000;
    const shown = [command, ...args].join(" ");
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, {
            cwd: opts.cwd,
            env: { ...process.env, ...opts.env },
            stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        child.stdout!.on("data", (d) => (stdout += d));
        child.stderr!.on("data", (d) => (stderr += d));
        if (opts.input !== undefined) child.stdin!.end(opts.input);
        let killer: NodeJS.Timeout | undefined;
        const timer = setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
            killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        }, timeoutMs);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            if (killer) clearTimeout(killer);
            const result = { code: code ?? (signal ? 128 : 1), stdout, stderr: timedOut ? `${stderr}\n(killed after ${timeoutMs} ms)` : stderr };
            if (result.code !== 0 && !opts.allowFailure) reject(new RunError(shown, result));
            else resolve(result);
        });
    });
}

/** Polls `probe` every `intervalMs` until it returns true; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>, intervalMs = 500): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await probe()) return;
        if (Date.now() > deadline) throw new Error(`${what}: not reached after ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}
