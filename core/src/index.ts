// @vmafx-k8s/core: the pure layer under the component and the policy pack. Plain data in,
// plain data out; no @pulumi/* import anywhere in this package (a test enforces it), so
// tools that only read manifests start in milliseconds.
export * from "./cidr";
export * from "./kinds";
export * from "./manifests";
export * from "./netpol";
export * from "./psa";
