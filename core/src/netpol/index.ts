// Pure Kubernetes NetworkPolicy v1 analysis shared by the VmafxStack component's tests
// and the CrossGuard policy pack. Depends only on ipaddr.js (through ../cidr).
export * from "./types";
export { selectorMatches } from "./selector";
export { NAMESPACE_NAME_LABEL, effectivePolicyTypes, evaluateFlow, namespaceLabels, openInternetEgress, policiesSelecting, policyNamespace } from "./analyze";
export { fieldErrorPaths, fieldErrors, validateNetworkPolicy } from "./validate";
export type { ValidateOptions } from "./validate";
export { ensureNamespace, modelFromManifests } from "./model";
export type { ManifestModel, Workload } from "./model";
export {
    EndpointSyntaxError,
    FLOW_PROTOCOLS,
    decisionData,
    decisionText,
    flowMatrix,
    flowRows,
    flowMermaid,
    portText,
    queryFlow,
    resolveEndpoint,
    sideText,
} from "./flows";
export type { AddressRange, FlowDecision, FlowEndpoint, FlowMatrix, FlowRow, QueryAnswer, QueryPart } from "./flows";
