// Pure Kubernetes NetworkPolicy v1 analysis shared by the VmafxStack component's tests
// and the CrossGuard policy pack. Depends only on ipaddr.js (through ../cidr and ./ip).
export * from "./types";
export { selectorMatches } from "./selector";
export {
    NAMESPACE_NAME_LABEL,
    effectivePolicyTypes,
    evaluateFlow,
    namespaceLabels,
    openInternetEgress,
    policiesSelecting,
    policyNamespace,
} from "./analyze";
export { parseK8sCidr } from "./ip";
export type { K8sCidrParse } from "./ip";
export { validateNetworkPolicy } from "./validate";
export type { ValidateOptions } from "./validate";
