// Which environment a policy is judging: the `environment` key of the policy's own config
// (every policy declares it in its configSchema, so one --policy-pack-config file can set it
// per policy), else the Pulumi stack name. Inside a pack started by the Pulumi CLI,
// pulumi.getStack() returns the stack being previewed (the CLI sets PULUMI_NODEJS_STACK);
// outside the CLI it returns "stack", which counts as not prod.
// @pulumi/pulumi is loaded only when the stack name is needed: the vmafx-policy command sets the
// environment itself and starts faster without it.

/** configSchema entry shared by every policy of the pack. */
export const ENVIRONMENT_PROPERTY = {
    type: "string",
    minLength: 1,
    description:
        "Environment of the stack, e.g. prod, production, prod-eu, staging, dev. prod, production and names " +
        "starting with prod- or production- count as prod. Unset: the Pulumi stack name decides.",
} as const;

export interface Environment {
    /** The environment name as configured or the stack name. */
    readonly name: string;
    readonly source: "config" | "stack";
    readonly prod: boolean;
}

/** prod, production, prod-* and production-* (case-insensitive) are prod. */
export function isProdName(name: string): boolean {
    const n = name.trim().toLowerCase();
    return n === "prod" || n === "production" || n.startsWith("prod-") || n.startsWith("production-");
}

/** The environment from a policy's `environment` config value, falling back to the stack name. */
export function resolveEnvironment(configured: unknown): Environment {
    if (typeof configured === "string" && configured.trim() !== "") {
        return { name: configured.trim(), source: "config", prod: isProdName(configured) };
    }
    // Required on use: vmafx-policy psa never needs the SDK, and it costs most of a second to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stack = (require("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).getStack();
    return { name: stack, source: "stack", prod: isProdName(stack) };
}

/** "prod (from config)" / "dev (stack name)", for messages. */
export function describeEnvironment(env: Environment): string {
    return `${env.name} (${env.source === "config" ? "policy config" : "stack name"})`;
}
