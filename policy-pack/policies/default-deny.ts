// default-deny: once a stack renders NetworkPolicies it relies on them, so every workload must be
// isolated in both directions: selected by some NetworkPolicy of its namespace whose effective
// policyTypes (API defaulting applied: no policyTypes = Ingress, plus Egress when egress rules
// exist) include Ingress, and by one that includes Egress. A pod no policy selects for a direction
// accepts or sends any traffic in that direction, and prod-egress's union reasoning means nothing
// for it. Stacks without NetworkPolicies are not judged. NetworkPolicyPatch resources do not count:
// they modify an existing policy and isolate nothing by themselves.
// Mandatory in prod, advisory elsewhere (policies/index.ts).
import { StackValidationPolicy } from "@pulumi/policy";
import { PolicyType, policiesSelecting } from "@vmafx-k8s/core";
import { ENVIRONMENT_PROPERTY, resolveEnvironment } from "../lib/environment";
import { showValue } from "../lib/messages";
import { StackView, templateSegments } from "../lib/stack";
import { UnknownGate, relevantUnknowns } from "../lib/unknowns";

export const defaultDeny: StackValidationPolicy = {
    name: "default-deny",
    description:
        "When the stack declares NetworkPolicies, every workload must be selected by NetworkPolicies for both Ingress and Egress " +
        "(isolated in both directions), so that only the intended flows are allowed.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { environment: ENVIRONMENT_PROPERTY } },
    validateStack: (args, report) => {
        const config = args.getConfig<{ environment?: string }>();
        const env = resolveEnvironment(config.environment);
        const stack = new StackView(args.resources);
        const declared = stack.networkPolicies.filter((p) => !p.patch);
        if (declared.length === 0) return;
        const gate = new UnknownGate(env, "NetworkPolicy isolation");
        const usable = declared.filter((np) => {
            const unknown = relevantUnknowns(np.props, [], ["metadata.namespace", "spec.podSelector", "spec.policyTypes"]);
            // Without policyTypes, Egress isolation depends on whether spec.egress is empty: only an
            // unknown list (not an unknown value inside a rule) can change that.
            const types = np.props.spec?.policyTypes;
            if (!Array.isArray(types) || types.length === 0)
                unknown.push(...relevantUnknowns(np.props, [], ["spec.egress"]).filter((u) => u.segments.length <= 2));
            return !gate.block(np.label, unknown, (m) => report(m, np.resource.urn));
        });
        const clusterOf = stack.clusters(usable);
        for (const w of stack.pods) {
            const unknown = [...relevantUnknowns(w.props, [], ["metadata.namespace"]), ...relevantUnknowns(w.props, templateSegments(w), ["metadata.labels"])];
            if (gate.block(w.label, unknown, (m) => report(m, w.resource.urn))) continue;
            const pod = StackView.endpoint(w);
            const missing = (["Ingress", "Egress"] as PolicyType[]).filter((d) => policiesSelecting(clusterOf(w.namespace).cluster, pod, d).length === 0);
            if (missing.length === 0) continue;
            const both = missing.length === 2;
            report(
                `${w.label} is not isolated for ${missing.join(" and ")}: no NetworkPolicy in namespace ${w.namespace} selects its pod labels ` +
                    `${showValue(pod.labels)} with policyTypes ${missing.join(" and ")}, so ${both ? "all traffic in and out is" : `all ${missing[0].toLowerCase()} traffic is`} ` +
                    `allowed although this stack declares ${declared.length} NetworkPolicies. Fix: add a default-deny NetworkPolicy in namespace ` +
                    `${w.namespace} (podSelector: {} or one matching these labels, policyTypes: [Ingress, Egress]) and allow the intended flows.`,
                w.resource.urn,
            );
        }
        gate.finish();
    },
};
