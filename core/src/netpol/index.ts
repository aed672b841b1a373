// Pure Kubernetes NetworkPolicy v1 analysis shared by the VmafxStack component's tests
// and the CrossGuard policy pack. Depends only on ipaddr.js (through ../cidr).
export * from "./types";
export { selectorMatches } from "./selector";
export { NAMESPACE_NAME_LABEL, effectivePolicyTypes, evaluateFlow, namespaceLabels, openInternetEgress, policiesSelecting, policyNamespace } from "./analyze";
export { validateNetworkPolicy } from "./validate";
export type { ValidateOptions } from "./validate";
