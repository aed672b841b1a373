// The test-only stack transform of the end-to-end copies (see e2e-main.ts for why it exists): with
// VMAFX_E2E_SKIP_AWAIT=true every Kubernetes object gets the annotations that let `pulumi up` / `destroy` complete
// against an API server that runs no controllers. Programs of the e2e suite call it before they build anything.
import * as pulumi from "@pulumi/pulumi";

export const TEST_ANNOTATIONS = {
    "pulumi.com/skipAwait": "true",
    "pulumi.com/deletionPropagationPolicy": "background",
    "pulumi.com/timeoutSeconds": "120",
};

export function registerSkipAwait(): void {
    if (process.env.VMAFX_E2E_SKIP_AWAIT !== "true") return;
    pulumi.runtime.registerResourceTransform((args) => {
        // Only custom resources of the kubernetes package carry metadata; providers and components do not.
        if (!args.type.startsWith("kubernetes:") || args.type.startsWith("pulumi:providers:") || !args.custom) {
            return undefined;
        }
        const props = { ...args.props };
        const metadata = { ...(props.metadata ?? {}) };
        metadata.annotations = { ...(metadata.annotations ?? {}), ...TEST_ANNOTATIONS };
        props.metadata = metadata;
        return { props, opts: args.opts };
    });
}
