// Public surface of the VmafxStack component.
export * from "./args";
export { VmafxStack, VMAFX_STACK_TYPE } from "./vmafx-stack";
export { VmafxArgsError, validateArgs } from "./schema";
export { DEFAULTS } from "./defaults";
