// Entry point of the end-to-end copies of the project: the e2e suite (test/e2e/suite/harness/project.ts) points
// the copy's Pulumi.yaml `main` at this file.
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
// With VMAFX_E2E_SKIP_AWAIT=true this entry registers a stack transform (skip-await.ts) that adds these annotations to every
// Kubernetes object, so `pulumi up` / `destroy` against the test API server complete. The comparison with the
// offline render does not look at annotations.
import { registerSkipAwait } from "./skip-await";

registerSkipAwait();

export * from "../../../index";
