// Public surface of the vmafx component package.
export * from "./args";
export { VmafxStack, VMAFX_STACK_TYPE } from "./vmafx-stack";
export { DEFAULTS } from "./defaults";
// Validation, shared with config loaders such as the program's stacks/ module.
export { ArgsIssue, TOP_LEVEL_KEYS, VmafxArgsError, isStringKey, validateArgs } from "./schema";
