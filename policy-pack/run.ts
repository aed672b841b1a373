// Runs every policy of the pack over a list of resources as one stack, the way the Pulumi CLI and
// the policy server do, without either: resource policies once per resource, stack policies once;
// levels and getConfig() from the schema defaults, the pack's initialConfig and a
// --policy-pack-config file (lib/config.ts); an UnknownValueError becomes an advisory "can't run
// policy ... during preview"; notApplicable() is ignored. Used by vmafx-policy, the offline
// preview, the tests and the benchmark. It never constructs the PolicyPack.
import { EnforcementLevel, Policies, Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { NotApplicableError, PackResource, resourceValidationArgs, stackValidationArgs } from "./args";
import { PolicyConfigLayer, ReconciledConfig, initialConfigLayer, reconcilePolicyConfig } from "./lib/config";
import { isUnknownValueError } from "./lib/unknowns";
import { Exemptions } from "./lib/exemptions";
import { PACK, POLICIES, initialConfigFor } from "./policies";
import { EXEMPTION_CONTEXT, ExemptionContext, Suppressed } from "./policies/exempt";

export type { PackResource } from "./args";
export { PolicyConfigError, configEnvironment, loadPolicyConfigFile } from "./lib/config";
export type { PolicyConfigLayer } from "./lib/config";
export type { Suppressed } from "./policies/exempt";

export interface Diagnostic {
    policy: string;
    description: string;
    /** remediate is reported as mandatory, as by the policy server. */
    enforcementLevel: "advisory" | "mandatory";
    message: string;
    /** The resource the violation is pinned to (absent for stack-wide messages). */
    urn?: string;
}

export interface RunOptions {
    /** Default: every policy of the pack. */
    policies?: Policies;
    /** A parsed --policy-pack-config file (lib/config.ts loadPolicyConfigFile). */
    config?: PolicyConfigLayer;
    /** Where `config` came from, for error messages. */
    configSource?: string;
    /**
     * What pulumi.getStack() returns inside the pack: seeds initialConfig (prod-dependent levels)
     * and is the environment of policies whose config sets none. Default "stack" (not prod).
     */
    stack?: string;
    /** Forces the `environment` of every policy (and the initialConfig) regardless of the config file. */
    environment?: string;
    /**
     * Exemptions files (already read) and the date they are judged at; annotation exemptions apply in every run.
     * Default: none (and today), whatever VMAFX_POLICY_EXEMPTIONS says: that variable is the pack's, in the policy server.
     */
    exemptions?: Exemptions;
}

export interface PackRun {
    diagnostics: Diagnostic[];
    config: ReconciledConfig;
    /** Violations an exemption dropped, with the exemption. */
    suppressed: Suppressed[];
    /** Invalid or expired exemptions, and annotation exemptions that did not apply. */
    exemptionProblems: string[];
}

export function isResourcePolicy(p: Policy): p is ResourceValidationPolicy {
    return typeof (p as ResourceValidationPolicy).validateResource !== "undefined";
}

export function isStackPolicy(p: Policy): p is StackValidationPolicy {
    return typeof (p as StackValidationPolicy).validateStack === "function";
}

/** The effective config of a run (levels and getConfig() per policy). Throws PolicyConfigError. */
export function effectiveConfig(options: RunOptions = {}): ReconciledConfig {
    const policies = options.policies ?? POLICIES;
    const stack = options.stack ?? "stack";
    const names = new Set(policies.map((p) => p.name));
    const initial = Object.entries(initialConfigFor(options.environment ?? stack)).filter(([name]) => names.has(name));
    const layers = [{ layer: initialConfigLayer(Object.fromEntries(initial)), source: "initialConfig" }];
    if (options.config) layers.push({ layer: options.config, source: options.configSource ?? "policy config" });
    const reconciled = reconcilePolicyConfig(policies, PACK.enforcementLevel, layers);
    for (const p of policies) {
        if (!p.configSchema?.properties.environment) continue;
        const props = reconciled.properties[p.name];
        if (options.environment !== undefined) props.environment = options.environment;
        else if (props.environment === undefined) props.environment = stack;
    }
    return reconciled;
}

function reportedLevel(level: EnforcementLevel): "advisory" | "mandatory" {
    return level === "advisory" ? "advisory" : "mandatory";
}

async function guarded(p: Policy, diagnostics: Diagnostic[], urn: string | undefined, run: () => unknown): Promise<void> {
    try {
        await run();
    } catch (e) {
        if (e instanceof NotApplicableError) return;
        if (isUnknownValueError(e)) {
            diagnostics.push({
                policy: p.name,
                description: p.description,
                enforcementLevel: "advisory",
                message: `can't run policy '${p.name}' from policy pack '${PACK.name}@v${PACK.version}' during preview: ${e.message}`,
                ...(urn ? { urn } : {}),
            });
            return;
        }
        throw new Error(
            `Error validating ${urn ?? "stack"} with policy '${p.name}' from policy pack '${PACK.name}@v${PACK.version}': ${(e as Error).stack ?? e}`,
            { cause: e },
        );
    }
}

/** Runs the pack over `resources` as one stack. */
export async function runPack(resources: readonly PackResource[], options: RunOptions = {}): Promise<PackRun> {
    const policies = options.policies ?? POLICIES;
    const config = effectiveConfig(options);
    const diagnostics: Diagnostic[] = [];
    const stackTags = new Map<string, string>();
    const exemptions: ExemptionContext = { exemptions: options.exemptions ?? Exemptions.none(), suppressed: [] };
    for (const p of policies) {
        const level = config.levels[p.name];
        if (level === "disabled") continue;
        // A symbol key: config validation and the policies' own keys never see it; getConfig()'s copy keeps it.
        const props: Record<string | symbol, unknown> = { ...config.properties[p.name], [EXEMPTION_CONTEXT]: exemptions };
        const push = (urn: string | undefined) => (message: string, pinned?: string) => {
            const target = pinned ?? urn;
            diagnostics.push({
                policy: p.name,
                description: p.description,
                enforcementLevel: reportedLevel(level),
                message,
                ...(target ? { urn: target } : {}),
            });
        };
        if (isResourcePolicy(p) && p.validateResource) {
            const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
            for (const r of resources) {
                for (const validate of validations) {
                    await guarded(p, diagnostics, r.urn, () => validate(resourceValidationArgs(r, props, stackTags), push(r.urn)));
                }
            }
        } else if (isStackPolicy(p)) {
            await guarded(p, diagnostics, undefined, () => p.validateStack(stackValidationArgs(resources, props, stackTags), push(undefined)));
        }
    }
    return { diagnostics, config, suppressed: exemptions.suppressed, exemptionProblems: exemptions.exemptions.problems() };
}

export function hasMandatory(diagnostics: readonly Diagnostic[]): boolean {
    return diagnostics.some((d) => d.enforcementLevel === "mandatory");
}

/**
 * Prints violations like `pulumi preview`:
 *     [mandatory]  vmafx v0.1.0  prod-egress (vmafx-netpol-...: kubernetes:networking.k8s.io/v1:NetworkPolicy)
 *     <policy description>
 *     <message>
 */
export function formatViolations(diagnostics: readonly Diagnostic[], resources: readonly Pick<PackResource, "urn" | "name" | "type">[]): string {
    if (diagnostics.length === 0) return "";
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const sorted = [...diagnostics].sort((a, b) => (a.enforcementLevel === b.enforcementLevel ? 0 : a.enforcementLevel === "mandatory" ? -1 : 1));
    const lines = ["Policy Violations:"];
    for (const d of sorted) {
        const r = d.urn ? byUrn.get(d.urn) : undefined;
        const where = r ? ` (${r.name}: ${r.type})` : "";
        lines.push(`    [${d.enforcementLevel}]  ${PACK.name} v${PACK.version}  ${d.policy}${where}`);
        lines.push(`    ${d.description}`);
        for (const l of d.message.split("\n")) lines.push(`    ${l}`);
        lines.push("");
    }
    return lines.join("\n");
}

/** "policy violations: 2 mandatory, 1 advisory" */
export function summarize(diagnostics: readonly Diagnostic[]): string {
    const m = diagnostics.filter((d) => d.enforcementLevel === "mandatory").length;
    return `policy violations: ${m} mandatory, ${diagnostics.length - m} advisory`;
}
