// Long-running processes of the suite (etcd, kube-apiserver, and the dataplane's listeners, API bridge,
// kube-controller-manager and kube-router): started with their output in a log file, stopped by their own PID
// (SIGTERM, then SIGKILL), never by name.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface Started {
    readonly child: ChildProcess;
    readonly log: string;
    stop(): Promise<void>;
}

/** Starts `command` with stdout and stderr appended to `log`; with `readyLine`, waits (bounded) until stdout says it.
 * stop() sends SIGTERM, and SIGKILL after `killAfterMs` (default 10 s). */
export async function startProcess(
    command: string,
    args: string[],
    log: string,
    opts: { readyLine?: string; readyTimeoutMs?: number; killAfterMs?: number } = {},
): Promise<Started> {
    fs.mkdirSync(path.dirname(log), { recursive: true });
    const out = fs.openSync(log, "a");
    const child = spawn(command, args, { stdio: ["ignore", opts.readyLine ? "pipe" : out, out] });
    fs.closeSync(out);
    const stop = () => stopProcess(child, opts.killAfterMs);
    if (opts.readyLine) {
        const readyLine = opts.readyLine;
        const timeoutMs = opts.readyTimeoutMs ?? 15_000;
        try {
            await new Promise<void>((resolve, reject) => {
                let seen = "";
                const timer = setTimeout(
                    () => reject(new Error(`${command} ${args.join(" ")}: no "${readyLine}" within ${timeoutMs} ms (log ${log})`)),
                    timeoutMs,
                );
                child.stdout!.on("data", (d) => {
                    seen += d;
                    fs.appendFileSync(log, d);
                    if (seen.split("\n").includes(readyLine)) {
                        clearTimeout(timer);
                        resolve();
                    }
                });
                child.once("exit", (code) => {
                    clearTimeout(timer);
                    reject(new Error(`${command} ${args.join(" ")} exited ${code} before it was ready (log ${log})`));
                });
            });
        } catch (e) {
            await stop();
            throw e;
        }
        // Keep draining stdout so the child never blocks on a full pipe.
        child.stdout!.on("data", (d) => fs.appendFileSync(log, d));
    }
    return { child, log, stop };
}

export async function stopProcess(child: ChildProcess, killAfterMs = 10_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    await exited;
    clearTimeout(killer);
}
