// Builds @pulumi/policy 1.21-shaped ResourceValidationArgs and StackValidationArgs the way the
// policy server does (props behind unknownCheckingProxy, stackTags, getConfig, notApplicable,
// isType/asType, parents resolved), so policies run outside the Pulumi CLI exactly as inside it.
import { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { unknownCheckingProxy } from "./lib/unknowns";

/** One resource as the engine would hand it to the pack. */
export interface PackResource {
    type: string;
    /** The Pulumi resource name (for YAML objects, `file#index`). */
    name: string;
    urn: string;
    /** Inputs (resource policies) / outputs (stack policies); for Kubernetes objects, the manifest. */
    props: Record<string, any>;
    /** URN of the parent resource. */
    parent?: string;
    provider?: { type: string; name: string; urn: string; props: Record<string, any> };
}

/** Thrown by args.notApplicable(), as by the policy server. */
export class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "not applicable");
    }
}

const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason);
};

const isTypeOf = (type: string, cls: unknown) => (cls as { __pulumiType?: string }).__pulumiType === type;

function options(r: PackResource) {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(r.parent ? { parent: r.parent } : {}),
    };
}

function provider(r: PackResource) {
    return r.provider ? { ...r.provider, props: unknownCheckingProxy(r.provider.props) } : undefined;
}

/** What a resource carries in both resource and stack policy calls: props behind the unknown-checking proxy, its
 *  options and provider, and isType/asType on its type token. */
function resourceFields(r: PackResource) {
    const props = unknownCheckingProxy(r.props);
    const p = provider(r);
    return {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        opts: options(r),
        ...(p ? { provider: p } : {}),
        isType: (cls: unknown) => isTypeOf(r.type, cls),
        // The props, typed as each of the two interfaces declares asType.
        asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as unknown as ResourceValidationArgs["asType"] & PolicyResource["asType"],
    };
}

/** Args of one resource policy call; `getConfig` returns `config` (already merged with schema defaults). */
export function resourceValidationArgs(
    r: PackResource,
    config: Record<string, unknown>,
    stackTags: ReadonlyMap<string, string> = new Map(),
): ResourceValidationArgs {
    return {
        ...resourceFields(r),
        stackTags,
        getConfig: <T extends object>() => ({ ...config }) as T,
        notApplicable: throwNotApplicable,
    };
}

/** Args of one stack policy call: every resource, parents linked by URN. */
export function stackValidationArgs(
    resources: readonly PackResource[],
    config: Record<string, unknown>,
    stackTags: ReadonlyMap<string, string> = new Map(),
): StackValidationArgs {
    const byUrn = new Map<string, PolicyResource>();
    const out = resources.map((r) => {
        const pr: PolicyResource = { ...resourceFields(r), dependencies: [], propertyDependencies: {} };
        byUrn.set(r.urn, pr);
        return pr;
    });
    resources.forEach((r, i) => {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        if (parent) out[i].parent = parent;
    });
    return { resources: out, stackTags, getConfig: <T extends object>() => ({ ...config }) as T, notApplicable: throwNotApplicable };
}
