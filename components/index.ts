// Public surface of @vmafx-k8s/vmafx: the VmafxStack component plus everything of the pure
// plan (`@vmafx-k8s/vmafx/plan`, which loads no Pulumi module).
export * from "./release";
export { VmafxStack, VMAFX_STACK_TYPE } from "./vmafx-stack";
