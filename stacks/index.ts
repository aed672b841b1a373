// Turns `vmafx:*` stack config into validated VmafxStackArgs. The only module that knows
// Pulumi config keys; the component itself never reads config.
import type * as pulumi from "@pulumi/pulumi";
import { ArgsIssue, TOP_LEVEL_KEYS, VmafxArgsError, VmafxStackArgs, isStringKey, validateArgs } from "@vmafx-k8s/vmafx/plan";

export const CONFIG_NAMESPACE = "vmafx";
/** Secret config key holding rclone.conf; becomes `storage.rcloneConfig`. */
export const RCLONE_CONFIG_KEY = "rcloneConfig";
const PREFIX = `${CONFIG_NAMESPACE}:`;

/** What the loader needs from the Pulumi runtime; tests and the offline tools pass their own. */
export interface ConfigSource {
    /** Every config key (`namespace:key`) with its string value, as the engine stores it. */
    all(): Record<string, string>;
    /** The value of `vmafx:<key>` as a Pulumi secret (offline tools pass a placeholder). */
    secret(key: string): pulumi.Input<string>;
}

/**
 * The engine's config. The SDK is required on use, so the offline render, which passes its own
 * source, never loads it.
 */
export const runtimeConfig: ConfigSource = {
    all: () => sdk().runtime.allConfig(),
    secret: (key) => new (sdk().Config)(CONFIG_NAMESPACE).requireSecret(key),
};

function sdk(): typeof pulumi {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("@pulumi/pulumi");
}

/**
 * Reads and validates the stack's `vmafx:*` config. Throws VmafxArgsError (naming each bad
 * key, its value and what is accepted) before any resource exists.
 */
export function loadStackArgs(componentName: string, source: ConfigSource = runtimeConfig): VmafxStackArgs {
    const issues: ArgsIssue[] = [];
    const args: Record<string, unknown> = {};
    let rclone: pulumi.Input<string> | undefined;
    const all = source.all();
    for (const fullKey of Object.keys(all).sort()) {
        if (!fullKey.startsWith(PREFIX)) {
            continue;
        }
        const key = fullKey.slice(PREFIX.length);
        const text = all[fullKey];
        if (key === RCLONE_CONFIG_KEY) {
            // Pulumi.yaml declares it with the default "" (no rclone config).
            if (text !== "") rclone = source.secret(key);
            continue;
        }
        if (!TOP_LEVEL_KEYS.includes(key)) {
            issues.push({ path: [key], value: text, message: `unknown key; accepted keys: ${[...TOP_LEVEL_KEYS, RCLONE_CONFIG_KEY].join(", ")}` });
            continue;
        }
        if (isStringKey(key)) {
            args[key] = text;
            continue;
        }
        try {
            args[key] = JSON.parse(text);
        } catch {
            issues.push({ path: [key], value: text, message: "not a number, boolean, list or object; check the YAML in the stack file" });
        }
    }
    if (issues.length > 0) {
        throw new VmafxArgsError(issues, PREFIX);
    }
    if (rclone) {
        const storage = (args.storage ?? {}) as Record<string, unknown>;
        if (storage.rcloneConfig !== undefined) {
            throw new VmafxArgsError([{ path: ["storage", "rcloneConfig"], value: "(set)", message: `set the rclone config only once, as the secret key ${PREFIX}${RCLONE_CONFIG_KEY}` }], PREFIX);
        }
        args.storage = { ...storage, rcloneConfig: rclone };
    }
    validateArgs(componentName, args, PREFIX);
    return args as VmafxStackArgs;
}
