// The Kubernetes objects of a stack straight from the component's pure plan
// (`@vmafx-k8s/vmafx/plan`): the stack file's config through the same loader the program uses
// (stacks/), then the plan VmafxStack registers. No Pulumi runtime is loaded, so the offline
// render starts as fast as node itself; test/render-paths.test.ts proves the objects equal
// those the program registers under the runtime's mocks.
import { BuildContext, buildPlan, makeContext, validateArgs } from "@vmafx-k8s/vmafx/plan";
import { loadStackArgs } from "../../stacks";
import { StackConfig } from "./config";

/** Install order of kinds (as Helm applies them); unknown kinds go last. */
const KIND_ORDER = [
    // Before the custom resources of their kinds (which rank last, as kinds not listed here do).
    "CustomResourceDefinition",
    "Namespace",
    "NetworkPolicy",
    "ServiceAccount",
    "Secret",
    "ConfigMap",
    "PersistentVolumeClaim",
    "ClusterRole",
    "ClusterRoleBinding",
    "Role",
    "RoleBinding",
    "Service",
    "Deployment",
    "StatefulSet",
    "Job",
    "Ingress",
    "PodDisruptionBudget",
];

function kindRank(kind: string): number {
    const i = KIND_ORDER.indexOf(kind);
    return i < 0 ? KIND_ORDER.length : i;
}

/**
 * Objects in install order (kind, then namespace and name), so output never depends on the order
 * registrations finished.
 */
export function inInstallOrder(objects: Record<string, any>[]): Record<string, any>[] {
    const key = (o: Record<string, any>) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
    return [...objects].sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** What the engine sends for a manifest: undefined fields dropped, as the wire format drops them. */
export function asRegistered<T>(manifest: T): T {
    return JSON.parse(JSON.stringify(manifest));
}

/**
 * The release model (resolved args, names, ports, hardening) of a stack's config, through the
 * loader the program uses. `releaseName` is the component name the program passes (the project
 * name). Throws VmafxArgsError on bad config.
 */
export function stackBuildContext(config: StackConfig, releaseName: string): BuildContext {
    const secretKeys = new Set(config.secretKeys);
    const args = loadStackArgs(releaseName, {
        all: () => config.values,
        // The placeholder the stack file's reader put in place of an encrypted value.
        secret: (key) => {
            const full = `vmafx:${key}`;
            if (!secretKeys.has(full)) throw new Error(`internal error: ${full} is not a secret of ${config.file}`);
            return config.values[full];
        },
    });
    return makeContext(validateArgs(releaseName, args, "vmafx:"));
}

/** The stack's objects as the program would register them with this config. */
export function planObjects(config: StackConfig, releaseName: string): Record<string, any>[] {
    return inInstallOrder(buildPlan(stackBuildContext(config, releaseName)).map((p) => asRegistered(p.manifest)));
}
