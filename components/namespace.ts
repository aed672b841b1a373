// The release namespace with its Pod Security Admission labels (the chart only printed a
// kubectl command for them).
import { BuildContext, PlannedResource } from "./context";

export const PSA_MODES = ["enforce", "audit", "warn"] as const;

/** pod-security.kubernetes.io/{enforce,audit,warn}[-version] labels. */
export function podSecurityLabels(level: string, version: string): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const mode of PSA_MODES) {
        labels[`pod-security.kubernetes.io/${mode}`] = level;
        labels[`pod-security.kubernetes.io/${mode}-version`] = version;
    }
    return labels;
}

export function namespaceResource(ctx: BuildContext): PlannedResource[] {
    const ns = ctx.args.namespace;
    if (!ns.create) {
        return [];
    }
    return [
        {
            role: "namespace",
            manifest: {
                apiVersion: "v1",
                kind: "Namespace",
                metadata: {
                    name: ns.name,
                    labels: {
                        ...ns.labels,
                        ...ctx.naming.labels(),
                        "kubernetes.io/metadata.name": ns.name,
                        ...podSecurityLabels(ns.podSecurityLevel, ns.podSecurityVersion),
                    },
                },
            },
        },
    ];
}
