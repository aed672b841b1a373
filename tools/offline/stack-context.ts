// A stack's release model (resolved args, names, ports, hardening) straight from its stack
// file, optionally with config keys overridden, without running the program.
import { BuildContext, makeContext, validateArgs } from "@vmafx-k8s/vmafx/plan";
import { loadStackArgs } from "../../stacks";
import { readStackConfig } from "./program";

/** `overrides` replace whole top-level keys, as `pulumi config set vmafx:<key>` would. */
export function stackContext(stack: string, overrides: Record<string, unknown> = {}): BuildContext {
    const values = { ...readStackConfig(stack).values };
    for (const [k, v] of Object.entries(overrides)) values[`vmafx:${k}`] = JSON.stringify(v);
    const args = loadStackArgs("vmafx", { all: () => values, secret: () => "" });
    return makeContext(validateArgs("vmafx", args, "vmafx:"));
}
