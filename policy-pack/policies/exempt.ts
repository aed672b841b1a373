// Exemptions inside the pack (lib/exemptions.ts has the rules): every policy of POLICIES reports through a filter
// that drops the violations an annotation or an exemptions-file entry exempts, so `pulumi preview` with the pack
// and `vmafx-policy check` agree. pod-security filters per Pod Security check itself (it knows the check of each
// violation, and must not let an exemption bypass what a declared Namespace enforces).
//
// Where the exemptions come from:
//  - runPack (run.ts: vmafx-policy check, the offline preview, tests) hands a context to every policy call, under
//    a symbol key of getConfig()'s object, so that concurrent runs never share one and nothing of it reaches a
//    config schema;
//  - in the Pulumi policy server there is no such context: the pack reads the file named by the environment
//    variable VMAFX_POLICY_EXEMPTIONS once per process (an absolute path: the pack runs in a process of its own,
//    whose working directory need not be the caller's). An invalid or expired entry there fails every policy with
//    one error naming all problems: a preview must not pass on exemptions nobody can review.
import { Policy, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { AppliedExemption, ExemptionSubject, Exemptions, isoToday, loadExemptionsFile } from "../lib/exemptions";
import { ResourceLike, describeResource, k8sTypeOf, namespaceOf } from "../lib/stack";
import { unwrap } from "../lib/unknowns";

export const EXEMPTIONS_ENV = "VMAFX_POLICY_EXEMPTIONS";

/** A violation an exemption dropped. */
export interface Suppressed {
    policy: string;
    /** The policy name, or the Pod Security check ID for pod-security. */
    check: string;
    message: string;
    urn?: string;
    exemption: AppliedExemption;
}

export interface ExemptionContext {
    exemptions: Exemptions;
    suppressed: Suppressed[];
}

/** The key under which runPack puts the context into each policy's config object. */
export const EXEMPTION_CONTEXT: unique symbol = Symbol.for("@vmafx-k8s/policy-pack/exemptions");

let fromEnvironment: { key: string; context: ExemptionContext; problems: string[] } | undefined;

/** The context of one policy call: runPack's, else the one from VMAFX_POLICY_EXEMPTIONS (throws on its problems). */
export function exemptionContext(config: object): ExemptionContext {
    const given = (config as { [EXEMPTION_CONTEXT]?: ExemptionContext })[EXEMPTION_CONTEXT];
    if (given) return given;
    const file = process.env[EXEMPTIONS_ENV] ?? "";
    const key = `${file}\0${isoToday()}`;
    if (fromEnvironment?.key !== key) {
        const loaded = file === "" ? undefined : loadExemptionsFile(file, isoToday());
        fromEnvironment = {
            key,
            context: { exemptions: new Exemptions(loaded ? [loaded] : []), suppressed: [] },
            problems: loaded?.problems ?? [],
        };
    }
    if (fromEnvironment.problems.length > 0) {
        throw new Error(`the exemptions file ${file} (${EXEMPTIONS_ENV}) has problems; fix them:\n  ${fromEnvironment.problems.join("\n  ")}`);
    }
    return fromEnvironment.context;
}

/** What exemptions are matched against, for a resource or a YAML object. */
export function subjectOf(r: ResourceLike): ExemptionSubject {
    const props = unwrap(r.props) ?? {};
    const metadata = props.metadata !== null && typeof props.metadata === "object" ? props.metadata : {};
    const t = k8sTypeOf(r.type);
    return {
        kind: t?.kind ?? r.type,
        namespace: namespaceOf(r, props),
        name: typeof metadata.name === "string" ? metadata.name : "",
        labels: metadata.labels !== null && typeof metadata.labels === "object" ? metadata.labels : undefined,
        annotations: metadata.annotations !== null && typeof metadata.annotations === "object" ? metadata.annotations : undefined,
        label: describeResource(r, props),
    };
}

/**
 * Reports `message` about `resource` under `check`, unless an exemption applies (then it is recorded as
 * suppressed). A problem with the resource's annotation exemption is added to the message, so it is seen where
 * the exemption was meant to act.
 */
export function reportUnlessExempt(
    ctx: ExemptionContext,
    policy: string,
    check: string,
    resource: ResourceLike | undefined,
    report: ReportViolation,
    message: string,
    urn?: string,
): void {
    if (resource) {
        const subject = subjectOf(resource);
        const exemption = ctx.exemptions.find(check, policy, subject);
        if (exemption) {
            ctx.suppressed.push({ policy, check, message, ...(urn ? { urn } : {}), exemption });
            return;
        }
        const problem = ctx.exemptions.annotationProblem(check, policy, subject);
        if (problem) message = `${message} (The exemption on this object does not apply: ${problem}.)`;
    }
    if (urn !== undefined) report(message, urn);
    else report(message);
}

/** The policy with its violations filtered by exemptions (by the policy's name). */
export function withExemptions<P extends Policy>(policy: P): P {
    const name = policy.name;
    const resource = policy as unknown as ResourceValidationPolicy;
    if (typeof resource.validateResource !== "undefined") {
        const validations = Array.isArray(resource.validateResource) ? resource.validateResource : [resource.validateResource];
        return {
            ...policy,
            validateResource: validations.map((validate): typeof validate => (args, report) => {
                const ctx = exemptionContext(args.getConfig<object>());
                return validate(args, (message, urn) =>
                    reportUnlessExempt(ctx, name, name, urn === undefined || urn === args.urn ? args : undefined, report, message, urn),
                );
            }),
        } as P;
    }
    const stack = policy as unknown as StackValidationPolicy;
    const validateStack: StackValidationPolicy["validateStack"] = (args, report) => {
        const ctx = exemptionContext(args.getConfig<object>());
        let byUrn: Map<string, ResourceLike> | undefined;
        return stack.validateStack(args, (message, urn) => {
            byUrn ??= new Map(args.resources.map((r) => [r.urn, r]));
            reportUnlessExempt(ctx, name, name, urn !== undefined ? byUrn.get(urn) : undefined, report, message, urn);
        });
    };
    return { ...policy, validateStack } as P;
}
