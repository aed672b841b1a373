// Wall-clock timing of commands for tools/bench.ts: each command is a fresh `node` process (the node
// running the bench), the commands of a group alternate run by run (in a rotating order, so that no
// command always follows another), and only medians are compared, so that a noisy machine (another
// core busy with a build) slows the baseline and the measured command alike.
import { spawnSync } from "child_process";
import * as fs from "fs";

export interface TimedCommand {
    label: string;
    /** The node arguments of run `i` (warm-up runs included). */
    args: (i: number) => string[];
    /** Exit statuses that count as success (default 0 only). */
    ok?: number[];
    /** Checks the output of each run; throws when it is wrong. */
    check?: (stdout: string) => void;
}

export interface CommandTimes {
    label: string;
    /** Wall times of the timed runs, ms, in run order. */
    wallMs: number[];
    /** CPU time (user + system) of each timed run, ms; empty where /proc/self/stat is not readable. */
    cpuMs: number[];
}

/** CPU time of the waited-for children so far, ms (Linux: cutime + cstime of /proc/self/stat, 10 ms ticks). */
function childrenCpuMs(): number | undefined {
    try {
        const stat = fs.readFileSync("/proc/self/stat", "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
    } catch {
        return undefined;
    }
}

/** One run of a command: wall and CPU time, ms. */
function runOnce(c: TimedCommand, i: number): { wallMs: number; cpuMs?: number } {
    const args = c.args(i);
    const cpu0 = childrenCpuMs();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30, encoding: "utf8" });
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu1 = childrenCpuMs();
    if (r.error) throw r.error;
    if (!(c.ok ?? [0]).includes(r.status ?? -1)) {
        throw new Error(`${c.label}: \`node ${args.join(" ")}\` exited ${r.status ?? r.signal}:\n${r.stderr}`);
    }
    c.check?.(r.stdout);
    return { wallMs, cpuMs: cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined };
}

/** Runs every command `warmups + runs` times, alternating; returns the timed runs of each. */
export function timeInterleaved(commands: TimedCommand[], runs: number, warmups: number): CommandTimes[] {
    const times: CommandTimes[] = commands.map((c) => ({ label: c.label, wallMs: [], cpuMs: [] }));
    for (let i = 0; i < warmups + runs; i++) {
        for (let k = 0; k < commands.length; k++) {
            const at = (i + k) % commands.length;
            const t = runOnce(commands[at], i);
            if (i < warmups) continue;
            times[at].wallMs.push(t.wallMs);
            if (t.cpuMs !== undefined) times[at].cpuMs.push(t.cpuMs);
        }
    }
    return times;
}

export function median(xs: readonly number[]): number {
    if (xs.length === 0) return NaN;
    const a = [...xs].sort((x, y) => x - y);
    const mid = a.length >> 1;
    return a.length % 2 === 1 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
}
