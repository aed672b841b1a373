// NetworkPolicy validation parity with the real API server. The e2e suite calls parityResults
// (test/e2e/suite/scenarios/15-netpol-parity); standalone:
//
//   ts-node --transpile-only test/e2e/netpol-parity.ts --kubectl BIN --cli policy-pack/bin/vmafx-policy.js [--namespace NS]
//
// Every case of test/e2e/netpol-parity/*.yaml (one NetworkPolicy; `# rule:` says what it shows, `# expect:` lines
// name the field paths it is invalid at, or `# expect: accepted`) goes through `kubectl create --dry-run=server`
// into namespace NS (default netpol-parity, which must exist) and through `vmafx-policy check --json`. A case
// passes when both reject it at exactly the expected field paths, or both accept it. Prints one PASS/FAIL line per
// case, the parity table (rule, API server message, vmafx-policy message) as Markdown, and a closing
// "verify netpol-parity: N passed, N failed"; exits 1 on any failure.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { parseArgs } from "util";
import { fieldErrors } from "@vmafx-k8s/core";

export const CASES_DIR = path.join(__dirname, "netpol-parity");

export interface ParityCase {
    name: string;
    file: string;
    rule: string;
    /** Field paths the case is invalid at; empty: it is valid. */
    expect: string[];
    object: Record<string, any>;
}

/** The cases of a directory, in file-name order. */
export function readCases(dir: string = CASES_DIR): ParityCase[] {
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => {
            const file = path.join(dir, f);
            const text = fs.readFileSync(file, "utf8");
            const comment = (key: string) => [...text.matchAll(new RegExp(`^# ${key}: (.+)$`, "gm"))].map((m) => m[1].trim());
            const [rule] = comment("rule");
            const expect = comment("expect");
            if (!rule || expect.length === 0) throw new Error(`${file}: needs a "# rule:" line and "# expect:" lines`);
            const accepted = expect.length === 1 && expect[0] === "accepted";
            return { name: f.replace(/\.yaml$/, ""), file, rule, expect: accepted ? [] : expect, object: yaml.load(text) as Record<string, any> };
        });
}

export interface Outcome {
    /** Exit code of the command. */
    code: number;
    /** The field errors it reported. */
    errors: { path: string; message: string }[];
}

/** What `kubectl create --dry-run=server` printed, as an outcome. */
export function serverOutcome(code: number, output: string): Outcome {
    return { code, errors: fieldErrors(output) };
}

/** What `vmafx-policy check --json` printed (one JSON line per violation), as an outcome. */
export function cliOutcome(code: number, stdout: string): Outcome {
    const messages = stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => String(JSON.parse(l).message ?? ""));
    return { code, errors: messages.flatMap((m) => fieldErrors(m)) };
}

const pathSet = (o: Outcome) => [...new Set(o.errors.map((e) => e.path))].sort();
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether the API server and vmafx-policy agree with the case, and why not. */
export function judge(c: ParityCase, server: Outcome, cli: Outcome): { pass: boolean; detail: string } {
    const want = [...c.expect].sort();
    const s = pathSet(server);
    const v = pathSet(cli);
    if (want.length === 0) {
        const problems = [
            ...(server.code === 0 ? [] : [`the API server rejected it (exit ${server.code}) at ${s.join(", ") || "no field path"}`]),
            ...(cli.code === 0 && v.length === 0 ? [] : [`vmafx-policy rejected it (exit ${cli.code}) at ${v.join(", ") || "no field path"}`]),
        ];
        return problems.length === 0 ? { pass: true, detail: "accepted by both" } : { pass: false, detail: problems.join("; ") };
    }
    const problems = [
        ...(server.code !== 0 && same(s, want)
            ? []
            : [`the API server ${server.code === 0 ? "accepted it" : `rejected it at ${s.join(", ") || "no field path"}`}`]),
        ...(cli.code === 1 && same(v, want)
            ? []
            : [`vmafx-policy ${cli.code === 0 ? "accepted it" : `exited ${cli.code} naming ${v.join(", ") || "no field path"}`}`]),
    ];
    if (problems.length > 0) return { pass: false, detail: `expected rejection at ${want.join(", ")}; ${problems.join("; ")}` };
    const messages = (o: Outcome, p: string) =>
        JSON.stringify(
            o.errors
                .filter((e) => e.path === p)
                .map((e) => e.message)
                .sort(),
        );
    const identical = want.every((p) => messages(server, p) === messages(cli, p));
    return { pass: true, detail: `rejected by both at ${want.join(", ")}${identical ? " with the same message" : ""}` };
}

/** The parity table: one row per case and expected field path, each side's messages at that path. */
export function parityTable(rows: { c: ParityCase; server: Outcome; cli: Outcome }[]): string {
    const cell = (s: string) => s.replace(/\|/g, "\\|");
    const at = (o: Outcome, p: string) =>
        o.errors
            .filter((e) => e.path === p)
            .map((e) => cell(e.message))
            .join("<br>") || "(none)";
    const verdict = (o: Outcome, ok: boolean) =>
        ok ? `accepted (exit ${o.code})` : `rejected (exit ${o.code}): ${o.errors.map((e) => cell(e.message)).join("<br>")}`;
    const lines = ["| Rule | API server message | vmafx-policy message |", "| --- | --- | --- |"];
    for (const { c, server, cli } of rows) {
        if (c.expect.length === 0)
            lines.push(`| ${cell(c.rule)} | ${verdict(server, server.code === 0)} | ${verdict(cli, cli.code === 0 && cli.errors.length === 0)} |`);
        for (const p of c.expect) lines.push(`| ${cell(c.rule)} | ${at(server, p)} | ${at(cli, p)} |`);
    }
    return lines.join("\n");
}

function run(bin: string, args: string[]): { code: number; stdout: string; stderr: string } {
    const r = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface ParityResult {
    row: { c: ParityCase; server: Outcome; cli: Outcome };
    verdict: { pass: boolean; detail: string };
    kubectlOutput: string;
    cliOutput: string;
}

/** Each case through a server-side dry run in `namespace` (kubectl with the process's KUBECONFIG) and through
 * `vmafx-policy check --json`, judged. */
export function parityResults(kubectlBin: string, cliBin: string, namespace: string, cases: ParityCase[] = readCases()): ParityResult[] {
    return cases.map((c) => {
        const k = run(kubectlBin, ["create", "--dry-run=server", "-n", namespace, "-f", c.file]);
        const v = run(process.execPath, [cliBin, "check", "--json", c.file]);
        const server = serverOutcome(k.code, `${k.stdout}\n${k.stderr}`);
        const cli = cliOutcome(v.code, v.stdout);
        return { row: { c, server, cli }, verdict: judge(c, server, cli), kubectlOutput: `${k.stdout}${k.stderr}`, cliOutput: `${v.stdout}${v.stderr}` };
    });
}

function main(): number {
    const { values } = parseArgs({
        options: { kubectl: { type: "string" }, cli: { type: "string" }, namespace: { type: "string", default: "netpol-parity" }, cases: { type: "string" } },
        strict: true,
    });
    if (!values.kubectl || !values.cli)
        throw new Error("usage: netpol-parity.ts --kubectl <kubectl> --cli <vmafx-policy bin> [--namespace <ns>] [--cases <dir>]");
    const results = parityResults(values.kubectl, values.cli, values.namespace as string, readCases(values.cases ?? CASES_DIR));
    const rows = results.map((r) => r.row);
    let passed = 0;
    let failed = 0;
    for (const { row, verdict, kubectlOutput, cliOutput } of results) {
        if (verdict.pass) passed++;
        else failed++;
        console.log(`${verdict.pass ? "PASS" : "FAIL"} netpol-parity ${row.c.name} (${row.c.rule}): ${verdict.detail}`);
        if (!verdict.pass) {
            console.log(`  kubectl (exit ${row.server.code}): ${kubectlOutput.trim().split("\n").join("\n    ")}`);
            console.log(`  vmafx-policy (exit ${row.cli.code}): ${cliOutput.trim().split("\n").join("\n    ")}`);
        }
    }
    console.log("---- NetworkPolicy validation parity (kube-apiserver vs vmafx-policy check)");
    console.log(parityTable(rows));
    console.log("----");
    console.log(`verify netpol-parity: ${passed} passed, ${failed} failed`);
    return failed > 0 ? 1 : 0;
}

if (require.main === module) {
    try {
        process.exitCode = main();
    } catch (e) {
        console.error(e);
        process.exitCode = 1;
    }
}
