// What one run of vmafx-policy psa or check found, in one shape that every output format reads (text and JSON
// lines stream while the input is read; --summary, SARIF and JUnit are written from this at the end).
import type { AppliedExemption } from "./lib/exemptions";

/** An object of the input, as findings and test cases name it. */
export interface ObjectRef {
    file: string;
    index: number;
    line?: number;
    column?: number;
    kind: string;
    /** metadata.namespace (after --namespace), if any. */
    namespace?: string;
    name: string;
    /** The Pulumi type token the pack sees (check). */
    type?: string;
    /** Why no check of the run applies to it (psa: not pod-bearing), for JUnit's skipped cases. */
    notApplicable?: string;
}

export interface Finding {
    /** The policy that reported it (`pod-security` for psa). */
    policy: string;
    /** The check: a Pod Security check ID, or the policy name. The SARIF rule is `rule` (see below). */
    check: string;
    /** Makes the exit code 1: a pod not allowed (psa), a mandatory violation (check). */
    blocking: boolean;
    /** check: the policy's enforcement level. */
    level?: "mandatory" | "advisory";
    message: string;
    /** Absent for stack-wide findings. */
    object?: ObjectRef;
    /** Set when an exemption dropped it. */
    exemption?: AppliedExemption;
}

export interface RuleInfo {
    id: string;
    /** One line. */
    summary: string;
    /** Longer text (a policy's description, a check's "what it checks"). */
    description: string;
    fix?: string;
    /** A page docs/policies/<id>.md exists. */
    documented: boolean;
    /** What a finding of the rule is by default. */
    blocking: boolean;
}

export interface Report {
    command: "psa" | "check";
    /** `Pod Security "restricted:latest"`, `vmafx v0.3.0, environment prod`. */
    title: string;
    rules: RuleInfo[];
    /** The rule each finding is filed under: psa by check, check by policy. */
    ruleOf: (f: Finding) => string;
    /** JUnit: the policies every object is a test case of. */
    suites: string[];
    objects: ObjectRef[];
    findings: Finding[];
    /** Input errors (exit code bit 2). */
    errors: string[];
    /** Notes that change no exit code (unused exemptions). */
    warnings: string[];
    exitCode: number;
}

/** The exit code: 1 for a blocking finding, 2 for an input error, 3 for both (a failure is never hidden). */
export function exitCode(blocking: boolean, errors: number): number {
    return (blocking ? 1 : 0) | (errors > 0 ? 2 : 0);
}

/** `Deployment shop/web (a.yaml#0)`. */
export function objectLabel(o: ObjectRef): string {
    return `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name} (${o.file}#${o.index})`;
}

export function exemptionText(e: Pick<AppliedExemption, "reason" | "where" | "expires" | "owner">): string {
    return `${e.reason} [${e.where}${e.expires ? `, until ${e.expires}` : ""}${e.owner ? `, owner ${e.owner}` : ""}]`;
}

interface Count {
    findings: number;
    objects: Set<string>;
    exempted: number;
}

const newCount = (): Count => ({ findings: 0, objects: new Set(), exempted: 0 });

export interface SummaryRow {
    policy: string;
    check?: string;
    level?: string;
    findings: number;
    objects: number;
    exempted: number;
}

/** Counts per policy, and per Pod Security check within pod-security: findings, distinct objects, exempted. */
export function summaryRows(report: Pick<Report, "findings" | "command">): SummaryRow[] {
    const policies = new Map<string, { level?: string; all: Count; checks: Map<string, Count> }>();
    for (const f of report.findings) {
        let p = policies.get(f.policy);
        if (!p) policies.set(f.policy, (p = { level: f.level, all: newCount(), checks: new Map() }));
        const key = f.object ? `${f.object.file}#${f.object.index}` : "(stack)";
        const add = (c: Count) => {
            if (f.exemption) c.exempted++;
            else {
                c.findings++;
                c.objects.add(key);
            }
        };
        add(p.all);
        if (f.check !== f.policy) {
            let c = p.checks.get(f.check);
            if (!c) p.checks.set(f.check, (c = newCount()));
            add(c);
        }
    }
    const rows: SummaryRow[] = [];
    for (const [policy, p] of policies) {
        rows.push({ policy, level: p.level, findings: p.all.findings, objects: p.all.objects.size, exempted: p.all.exempted });
        const checks = [...p.checks].sort((a, b) => b[1].findings - a[1].findings || (a[0] < b[0] ? -1 : 1));
        for (const [check, c] of checks) rows.push({ policy, check, findings: c.findings, objects: c.objects.size, exempted: c.exempted });
    }
    return rows;
}

/** The --summary table. */
export function summaryTable(report: Pick<Report, "findings" | "command">): string[] {
    const rows = summaryRows(report);
    if (rows.length === 0) return ["no findings"];
    // The level column only where findings carry one (check: the policies' levels).
    const levels = rows.some((r) => r.level !== undefined);
    const head = ["policy / check", ...(levels ? ["level"] : []), "findings", "objects", "exempted"];
    const cells = rows.map((r) => [
        r.check ? `  ${r.check}` : r.policy,
        ...(levels ? [r.level ?? ""] : []),
        String(r.findings),
        String(r.objects),
        String(r.exempted),
    ]);
    const numeric = head.length - 3;
    const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c: string[]) =>
        c
            .map((x, i) => (i >= numeric ? x.padStart(widths[i]) : x.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    return [line(head), ...cells.map(line)];
}

/** The --summary --format json object. */
export function summaryJson(report: Pick<Report, "findings" | "command" | "objects" | "errors" | "exitCode">, extra: Record<string, unknown> = {}): object {
    const policies: Record<string, any> = {};
    for (const r of summaryRows(report)) {
        if (!r.check) policies[r.policy] = { level: r.level ?? null, findings: r.findings, objects: r.objects, exempted: r.exempted, checks: {} };
        else policies[r.policy].checks[r.check] = { findings: r.findings, objects: r.objects, exempted: r.exempted };
    }
    return { summary: { objects: report.objects.length, ...extra, errors: report.errors.length, exitCode: report.exitCode, policies } };
}
