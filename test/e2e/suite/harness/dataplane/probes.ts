// Real packets: probe.py sends each probe from its source network namespace (TCP connect plus one line, or a UDP
// datagram, each bounded by its timeout) and reports what came back.
import * as path from "path";
import { run } from "../exec";
import { PY_DIR } from "./py-dir";

export interface WireProbe {
    id: string;
    /** The source's network namespace. */
    netns: string;
    dst: string;
    port: number;
    proto: "TCP" | "UDP";
    timeoutMs?: number;
    /** Send an HTTP GET of this path instead of a probe line. */
    http?: string;
    host?: string;
}

export type Outcome = "open" | "refused" | "unreachable" | "timeout" | "error";

export interface WireResult {
    id: string;
    outcome: Outcome;
    /** The first line of the answer (a listener names itself), or the error. */
    reply: string;
    ms: number;
}

export async function runProbes(probes: readonly WireProbe[]): Promise<WireResult[]> {
    if (probes.length === 0) return [];
    const budget = probes.reduce((t, p) => t + (p.timeoutMs ?? 2000) * 2 + 100, 10_000);
    const r = await run("python3", [path.join(PY_DIR, "probe.py")], { input: JSON.stringify(probes), timeoutMs: budget });
    const results: WireResult[] = r.stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l));
    if (results.length !== probes.length) throw new Error(`probe.py answered ${results.length} of ${probes.length} probes: ${r.stderr}`);
    return results;
}
