// Typed reading of Automation API results: the per-resource steps the engine reported (resourcePreEvent), the
// policy violations (policyEvent), and the options that run a preview or update with the policy pack.
import { EngineEvent, OpType, PolicyEvent } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "./toolchain";

export interface Step {
    op: OpType;
    urn: string;
    type: string;
    /** The resource's Pulumi name (the URN's last part). */
    name: string;
    /** Changed top-level properties, as the engine reported them (update and replace steps). */
    diffs: string[];
    /** The properties that force a replacement (replace steps). */
    keys: string[];
}

export function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** One entry per resource step of an operation, in engine order (create-replacement and delete-replaced of a
 * replacement come as their own steps). */
export function steps(events: EngineEvent[]): Step[] {
    return events
        .filter((e) => e.resourcePreEvent)
        .map((e) => {
            const m = e.resourcePreEvent!.metadata;
            return { op: m.op, urn: m.urn, type: m.type, name: urnName(m.urn), diffs: m.diffs ?? [], keys: m.keys ?? [] };
        });
}

/** Steps that change something (every op but "same", and provider reads). */
export function changes(events: EngineEvent[]): Step[] {
    return steps(events).filter((s) => s.op !== "same" && s.op !== "read");
}

/** `op type name` lines, sorted: how a failed assertion shows what the engine did. */
export function describeSteps(list: Step[]): string[] {
    return list.map((s) => `${s.op} ${s.type} ${s.name}${s.diffs.length ? ` [${s.diffs.join(",")}]` : ""}`).sort();
}

export function policyEvents(events: EngineEvent[]): PolicyEvent[] {
    return events.filter((e) => e.policyEvent).map((e) => e.policyEvent!);
}

/** A violation without what names the pack's place on disk (none of the fields does today, but the pack's name and
 * version are compared separately), for comparing two runs of the same pack from different directories. */
export function violationKey(p: PolicyEvent): string {
    return `[${p.enforcementLevel}] ${p.policyName} ${p.resourceUrn ?? ""}: ${p.message.trim()}`;
}

/** `policyPacks` and `policyPackConfigs` for the in-repo pack of a copy (or another pack dir) with the stack's
 * committed pack config (stacks/policy-config.<stack>.json of the copy). */
export function packOptions(
    projectDir: string,
    stack: string,
    pack: string = path.join(projectDir, "policy-pack"),
): { policyPacks: string[]; policyPackConfigs: string[] } {
    return { policyPacks: [pack], policyPackConfigs: [path.join(projectDir, "stacks", `policy-config.${stack}.json`)] };
}

/** An Automation API CommandError's text (the CLI's stderr and stdout) without the call stack. */
export function commandErrorText(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}

/** Prints a check's findings (one line each) and fails, naming the failed ones, when any failed. */
export function expectFindings(findings: { ok: boolean; message: string }[], what: string): void {
    for (const f of findings) console.log(`    ${f.ok ? "ok" : "NOT OK"}: ${f.message}`);
    const failed = findings.filter((f) => !f.ok).map((f) => f.message);
    if (findings.length === 0) throw new Error(`${what}: no findings at all`);
    if (failed.length) throw new Error(`${what}: ${failed.length} of ${findings.length} checks failed:\n${failed.join("\n")}`);
}

/** A `pulumi preview --json`-shaped plan (what verify.ts's plannedResources reads) from a preview's step events. */
export function planOf(events: EngineEvent[]): {
    steps: { urn: string; op: string; newState?: { type: string; parent?: string; inputs: Record<string, any> } }[];
} {
    return {
        steps: events
            .filter((e) => e.resourcePreEvent)
            .map((e) => {
                const m = e.resourcePreEvent!.metadata;
                return { urn: m.urn, op: m.op, newState: m.new ? { type: m.new.type, parent: m.new.parent, inputs: m.new.inputs ?? {} } : undefined };
            }),
    };
}

/** The prod egress policy's name: the one key of stacks/policy-config.prod.json that mentions egress. */
export function egressPolicyName(): string {
    const names = Object.keys(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "stacks/policy-config.prod.json"), "utf8"))).filter((k) => /egress/.test(k));
    assert.strictEqual(names.length, 1, `expected one egress policy in stacks/policy-config.prod.json, found ${names}`);
    return names[0];
}
