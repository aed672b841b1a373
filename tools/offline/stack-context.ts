// A stack's release model (resolved args, names, ports, hardening) straight from its stack
// file, optionally with config keys overridden, without running the program or loading the SDK.
import { BuildContext } from "@vmafx-k8s/vmafx/plan";
import { PROJECT_NAME, readStackConfig } from "./config";
import { stackBuildContext } from "./objects";

/**
 * `overrides` replace whole top-level keys, as `pulumi config set vmafx:<key>` would: the CLI hands
 * the program a string as it is and any other value as JSON.
 */
export function stackContext(stack: string, overrides: Record<string, unknown> = {}): BuildContext {
    const config = readStackConfig(stack);
    const values = { ...config.values };
    for (const [k, v] of Object.entries(overrides)) values[`vmafx:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return stackBuildContext({ ...config, values }, PROJECT_NAME);
}
