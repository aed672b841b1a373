// The test-only stack transform of the end-to-end copies (see e2e-main.ts for why it exists): with
// VMAFX_E2E_SKIP_AWAIT=true every Kubernetes object gets the annotations that let `pulumi up` / `destroy` complete
// against an API server that runs no controllers. With VMAFX_E2E_TIMEOUT_SECONDS=<n> instead (scenarios with real
// controllers and a test node) objects are awaited as users' are, only no longer than n seconds, so a rollout that
// cannot finish fails the test in minutes rather than after the provider's 10. Programs of the e2e suite call it
// before they build anything.
import * as pulumi from "@pulumi/pulumi";

export const TEST_ANNOTATIONS = {
    "pulumi.com/skipAwait": "true",
    "pulumi.com/deletionPropagationPolicy": "background",
    "pulumi.com/timeoutSeconds": "120",
};

/** The annotations the environment asks for, or undefined for none (the user's program exactly). */
export function testAnnotations(env: NodeJS.ProcessEnv = process.env): Record<string, string> | undefined {
    if (env.VMAFX_E2E_SKIP_AWAIT === "true") return TEST_ANNOTATIONS;
    const timeout = env.VMAFX_E2E_TIMEOUT_SECONDS;
    if (timeout && /^[1-9][0-9]*$/.test(timeout)) return { "pulumi.com/timeoutSeconds": timeout };
    return undefined;
}

export function registerSkipAwait(): void {
    const annotations = testAnnotations();
    if (!annotations) return;
    pulumi.runtime.registerResourceTransform((args) => {
        // Only custom resources of the kubernetes package carry metadata; providers and components do not.
        if (!args.type.startsWith("kubernetes:") || args.type.startsWith("pulumi:providers:") || !args.custom) {
            return undefined;
        }
        const props = { ...args.props };
        const metadata = { ...(props.metadata ?? {}) };
        metadata.annotations = { ...(metadata.annotations ?? {}), ...annotations };
        props.metadata = metadata;
        return { props, opts: args.opts };
    });
}
