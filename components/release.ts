// The pure half of the package (`@vmafx-k8s/vmafx/plan`): args validation, defaults and the
// release plan as plain Kubernetes objects, with no @pulumi/* module loaded at run time. The
// offline render and the docs build on it; VmafxStack registers exactly these objects.
export * from "./args";
export { DEFAULTS, DERIVED_DEFAULTS } from "./defaults";
export type { ResolvedArgs } from "./defaults";
export { ArgsIssue, TOP_LEVEL_KEYS, VmafxArgsError, formatIssues, isInputField, isNumberField, isStringKey, validateArgs } from "./schema";
export type { ValidateOptions } from "./schema";
export { makeContext } from "./context";
export type { BuildContext, Manifest, ManifestKind, ManifestMetadata, ManifestTypes, PlannedResource, Role, TypedManifest } from "./context";
export { buildPlan, checkPlanOrder } from "./plan";
export { releaseSummary } from "./outputs";
export type { ReleaseSummary } from "./outputs";
export { isOutput } from "./outputs-check";
export { intendedFlows } from "./flows";
export type { Flow, FlowEnd, FlowPort, PodPeer, CidrPeer } from "./flows";
export { LABEL } from "./naming";
export { hardeningRows } from "./security";
export { networkPolicyRows } from "./network-policies";
export { VMAFX_CRDS, VMAFX_GROUP, VMAFX_VERSION, crdName, objectSchema } from "./crds";
export type { VmafxCrd } from "./crds";
