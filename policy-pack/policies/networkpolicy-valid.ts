// networkpolicy-valid: every NetworkPolicy passes the API server's validation (@vmafx-k8s/core's
// validateNetworkPolicy: kube-apiserver's rules, field paths and messages), so an invalid policy fails the preview
// instead of `pulumi up`, and `vmafx-policy check` rejects what `kubectl create` would. A Pulumi resource without
// metadata.name is autonamed (only a manifest needs one). Errors at fields whose values are unknown during preview
// are not judged; those fields go to the UnknownGate (prod fails closed, elsewhere advisory). NetworkPolicyPatch
// resources are partial and are not judged. Mandatory in every environment: the API server rejects these objects
// anyway, this only says so earlier.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { NetworkPolicyObject, fieldErrorPaths, validateNetworkPolicy } from "@vmafx-k8s/core";
import { ENVIRONMENT_PROPERTY, resolveEnvironment } from "../lib/environment";
import { MANIFEST_PROJECT, describeResource, k8sTypeOf } from "../lib/stack";
import { UnknownGate, findUnknowns, unwrap } from "../lib/unknowns";

const KINDS = new Set(["networking.k8s.io/v1|NetworkPolicy", "extensions/v1beta1|NetworkPolicy"]);

/** True when the error at `path` concerns the field at `unknown` (one path lies at or under the other). */
function concerns(path: string, unknown: string): boolean {
    const under = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
    return under(path, unknown) || under(unknown, path);
}

export const networkPolicyValid: ResourceValidationPolicy = {
    name: "networkpolicy-valid",
    description:
        "Every NetworkPolicy must pass the Kubernetes API server's validation (selectors, ports, peers, ipBlocks, policyTypes, metadata), " +
        "reported with the API server's field paths and messages.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { environment: ENVIRONMENT_PROPERTY } },
    validateResource: (args, report) => {
        const t = k8sTypeOf(args.type);
        if (!t || t.patch || !KINDS.has(`${t.apiVersion}|${t.kind}`)) return;
        const props = (unwrap(args.props) ?? {}) as Record<string, any>;
        const unknowns = findUnknowns(props);
        const manifest = args.urn.includes(`::${MANIFEST_PROJECT}::`);
        const errors = validateNetworkPolicy(props as NetworkPolicyObject).filter((e) => {
            const [path] = fieldErrorPaths(e);
            if (path === "metadata.name" && !manifest && !props.metadata?.name) return false;
            return !unknowns.some((u) => concerns(path ?? "", u.path));
        });
        const label = describeResource({ type: args.type, name: args.name, urn: args.urn, props }, props);
        if (errors.length > 0) {
            report(
                `${label} would be rejected by the API server (${errors.length} error${errors.length === 1 ? "" : "s"}):\n` +
                    `${errors.map((e) => `  - ${e}`).join("\n")}\nFix: correct the fields named; kubectl and pulumi up report the same errors.`,
            );
        }
        const gate = new UnknownGate(resolveEnvironment(args.getConfig<{ environment?: string }>().environment), "NetworkPolicy validity");
        gate.block(label, unknowns, report);
        gate.finish();
    },
};
