// Entry point of the end-to-end copy of the project: run.sh points the copy's Pulumi.yaml `main` at this file.
// Without VMAFX_E2E_SKIP_AWAIT it is exactly the user's program: it re-exports the project's index.ts and so
// its stack outputs.
//
// A bare kube-apiserver runs no controllers, so Deployments, StatefulSets, Jobs, Services and PVCs never become
// ready and a deleted Namespace stays Terminating. pulumi-kubernetes has no provider-wide switch for its built-in
// await logic (PULUMI_K8S_AWAIT_ALL only adds awaiting for other kinds); the per-object annotation
// `pulumi.com/skipAwait: "true"` is the only way. Deletes use foreground propagation by default, whose
// foregroundDeletion finalizer only the garbage collector (kube-controller-manager) removes, so a ConfigMap or a
// Service would never go away either; `pulumi.com/deletionPropagationPolicy: background` deletes at once.
// `pulumi.com/timeoutSeconds: "120"` makes anything that still waits fail after 2 minutes instead of 10.
// With VMAFX_E2E_SKIP_AWAIT=true this entry registers a stack transform that adds these annotations to every
// Kubernetes object, so `pulumi up` / `destroy` against the test API server complete. The comparison with the
// offline render does not look at annotations.
import * as pulumi from "@pulumi/pulumi";

const TEST_ANNOTATIONS = {
    "pulumi.com/skipAwait": "true",
    "pulumi.com/deletionPropagationPolicy": "background",
    "pulumi.com/timeoutSeconds": "120",
};

if (process.env.VMAFX_E2E_SKIP_AWAIT === "true") {
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

export * from "../../../index";
