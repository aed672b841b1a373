// Test utility: runs one policy the way the policy server would, with @pulumi/policy 1.21-shaped
// args (see args.ts: props behind unknownCheckingProxy, stackTags, getConfig, notApplicable,
// isType/asType), and collects what it reports. Config = schema defaults + the given config; the
// environment defaults to "dev" so a test never depends on pulumi.getStack().
import { Policy } from "@pulumi/policy";
import { NotApplicableError, PackResource, resourceValidationArgs, stackValidationArgs } from "./args";
import { schemaDefaults } from "./lib/config";
import { tokenOfManifest } from "./lib/stack";
import { isUnknownValueError } from "./lib/unknowns";
import { isResourcePolicy, isStackPolicy } from "./run";

export interface PolicyOutcome {
    /** Reported violations; `urn` is the resource the violation is pinned to. */
    violations: { message: string; urn?: string }[];
    /** Message of an UnknownValueError the policy threw (the server reports it as advisory). */
    unknown?: string;
}

/** getConfig() of a policy: schema defaults, environment "dev", then `config`. */
export function policyConfig(policy: Policy, config: Record<string, unknown> = {}): Record<string, unknown> {
    return { ...schemaDefaults(policy.configSchema), environment: "dev", ...config };
}

/** A PackResource for a manifest: the type token from apiVersion/kind (`patch` adds the Patch suffix). */
export function k8s(manifest: Record<string, any>, opts: { name?: string; patch?: boolean } = {}): PackResource {
    const type = tokenOfManifest(String(manifest.apiVersion), `${manifest.kind}${opts.patch ? "Patch" : ""}`);
    const name = opts.name ?? `${String(manifest.kind).toLowerCase()}-${manifest.metadata?.name ?? "unnamed"}`;
    return { type, name, urn: `urn:pulumi:test::vmafx::${type}::${name}`, props: manifest };
}

/** Runs `policy` over `resources` (a resource policy once per resource, a stack policy once). */
export async function runPolicy(policy: Policy, resources: PackResource | PackResource[], config: Record<string, unknown> = {}): Promise<PolicyOutcome> {
    const list = Array.isArray(resources) ? resources : [resources];
    const props = policyConfig(policy, config);
    const outcome: PolicyOutcome = { violations: [] };
    const run = async (urn: string | undefined, fn: (report: (message: string, pinned?: string) => void) => unknown) => {
        try {
            await fn((message, pinned) => outcome.violations.push({ message, ...((pinned ?? urn) ? { urn: pinned ?? urn } : {}) }));
        } catch (e) {
            if (e instanceof NotApplicableError) return;
            if (!isUnknownValueError(e)) throw e;
            outcome.unknown = outcome.unknown === undefined ? e.message : `${outcome.unknown}\n${e.message}`;
        }
    };
    if (isResourcePolicy(policy)) {
        const validations = [policy.validateResource ?? []].flat();
        for (const r of list) for (const v of validations) await run(r.urn, (report) => v(resourceValidationArgs(r, props), report));
    } else if (isStackPolicy(policy)) {
        await run(undefined, (report) => policy.validateStack(stackValidationArgs(list, props), report));
    }
    return outcome;
}

/** The messages of an outcome. */
export const messages = (o: PolicyOutcome): string[] => o.violations.map((v) => v.message);
