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
 * Config namespaces that may stand next to `vmafx:` in a stack file although they are close to
 * it; every other namespace within two edits of `vmafx` is taken for a typo of it.
 */
export const OTHER_NAMESPACES: readonly string[] = ["kubernetes", "pulumi"];

/** Levenshtein distance, for namespaces one or two typos away from ours. */
function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
    }
    return prev[b.length];
}

/**
 * Reads and validates the stack's `vmafx:*` config. Throws VmafxArgsError naming every bad key
 * (as the stack file writes it: `vmafx:node.replicas`), its value and what is accepted, before
 * any resource exists: the loader's own findings and the args' validation in one report.
 */
export function loadStackArgs(componentName: string, source: ConfigSource = runtimeConfig): VmafxStackArgs {
    // Paths start with the full stack-file key, so keys of other namespaces can be named too.
    const issues: ArgsIssue[] = [];
    const args: Record<string, unknown> = {};
    let rclone: pulumi.Input<string> | undefined;
    const all = source.all();
    for (const fullKey of Object.keys(all).sort()) {
        const namespace = fullKey.includes(":") ? fullKey.slice(0, fullKey.indexOf(":")) : "";
        if (namespace !== CONFIG_NAMESPACE) {
            if (namespace && !OTHER_NAMESPACES.includes(namespace) && editDistance(namespace, CONFIG_NAMESPACE) <= 2) {
                const key = fullKey.slice(namespace.length + 1);
                issues.push({
                    path: [fullKey],
                    value: all[fullKey],
                    message: `the namespace "${namespace}" is not one this program reads; did you mean ${PREFIX}${key}?`,
                });
            }
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
            issues.push({ path: [fullKey], value: text, message: `unknown key; accepted keys: ${[...TOP_LEVEL_KEYS, RCLONE_CONFIG_KEY].join(", ")}` });
            continue;
        }
        if (isStringKey(key)) {
            args[key] = text;
            continue;
        }
        try {
            args[key] = JSON.parse(text);
        } catch {
            issues.push({ path: [fullKey], value: text, message: "not a number, boolean, list or object; check the YAML in the stack file" });
        }
    }
    if (rclone) {
        const storage = (args.storage ?? {}) as Record<string, unknown>;
        if (storage.rcloneConfig !== undefined) {
            issues.push({
                path: [`${PREFIX}storage`, "rcloneConfig"],
                value: "(set)",
                message: `set the rclone config only once, as the secret key ${PREFIX}${RCLONE_CONFIG_KEY}`,
            });
        } else {
            args.storage = { ...storage, rcloneConfig: rclone };
        }
    }
    try {
        validateArgs(componentName, args, PREFIX, { plainValues: true });
    } catch (e) {
        if (!(e instanceof VmafxArgsError)) throw e;
        issues.push(...e.issues.map((i) => ({ ...i, path: [`${PREFIX}${String(i.path[0] ?? "")}`, ...i.path.slice(1)] })));
    }
    if (issues.length > 0) {
        throw new VmafxArgsError(issues, "");
    }
    return args as VmafxStackArgs;
}
