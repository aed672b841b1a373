// prod-egress: no workload may egress to the whole internet (0.0.0.0/0 or ::/0) in any form,
// judged on the effective union of the NetworkPolicies that select each workload's pods, not one
// policy at a time (a narrow policy does not cancel an open one: policies only add allowances).
// Forms (@vmafx-k8s/core openInternetEgress): an ipBlock cidr that is a /0 (with or without except:
// an except carves out little), an egress rule without `to` (with ports: every destination on
// those ports), an empty rule `{}`, ipBlocks that together cover a family, and, in prod, a
// workload no policy isolates for egress. With `allowedCidrs` set, every egress ipBlock must also
// lie inside one of them. Mandatory in prod, advisory elsewhere (see policies/index.ts); outside
// prod a workload without egress isolation is not reported (default-deny covers isolation).
// NetworkPolicyPatch resources are included: a patch can open egress on an existing policy.
import { StackValidationPolicy } from "@pulumi/policy";
import {
    Cidr,
    Cluster,
    InternetEgressFinding,
    NetworkPolicyPort,
    PodEndpoint,
    cidrContains,
    coversWholeFamily,
    openInternetEgress,
    parseK8sCidr,
    policiesSelecting,
} from "@vmafx-k8s/core";
import { ENVIRONMENT_PROPERTY, resolveEnvironment } from "../lib/environment";
import { listText, showValue } from "../lib/messages";
import { DeclaredNetworkPolicy, StackView, Workload, templateSegments } from "../lib/stack";
import { UnknownGate, relevantUnknowns } from "../lib/unknowns";

export interface ProdEgressConfig {
    environment?: string;
    allowedCidrs: string[];
}

export function portsText(ports: readonly NetworkPolicyPort[] | undefined): string {
    if (!ports || ports.length === 0) return "every port";
    return ports.map((p) => `${p.protocol ?? "TCP"} ${p.port == null ? "(all ports)" : `${p.port}${p.endPort != null ? `-${p.endPort}` : ""}`}`).join(", ");
}

interface Group {
    urn: string;
    message: (workloads: string) => string;
    workloads: string[];
}

export const prodEgress: StackValidationPolicy = {
    name: "prod-egress",
    description:
        "In prod no workload may egress to 0.0.0.0/0 or ::/0 in any form (a /0 ipBlock with or without except, an egress rule " +
        "without `to`, an empty rule, ipBlocks that together cover the internet, or no egress isolation at all), judged on the " +
        "union of the NetworkPolicies selecting it.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            environment: ENVIRONMENT_PROPERTY,
            allowedCidrs: {
                type: "array",
                items: { type: "string", minLength: 1 },
                uniqueItems: true,
                default: [],
                description: "When not empty, every egress ipBlock cidr must lie inside one of these CIDRs. A /0 entry is rejected.",
            },
        },
    },
    validateStack: (args, report) => {
        const config = args.getConfig<ProdEgressConfig>();
        const env = resolveEnvironment(config.environment);
        const gate = new UnknownGate(env, "internet egress");
        const stack = new StackView(args.resources);

        const allowed: Cidr[] = [];
        (config.allowedCidrs ?? []).forEach((text, i) => {
            const c = parseK8sCidr(text).cidr;
            if (!c)
                report(`policy config prod-egress.allowedCidrs[${i}] = ${showValue(text)} is not a CIDR; it is ignored. Fix: use a CIDR such as 10.20.0.0/16.`);
            else if (coversWholeFamily(c))
                report(
                    `policy config prod-egress.allowedCidrs[${i}] = ${showValue(text)} would allow the whole internet; it is ignored. Fix: list the narrow destination ranges instead.`,
                );
            else allowed.push(c);
        });

        const usable: DeclaredNetworkPolicy[] = [];
        for (const np of stack.networkPolicies) {
            const unknown = relevantUnknowns(np.props, [], ["metadata.namespace", "spec.podSelector", "spec.policyTypes", "spec.egress"]);
            if (!gate.block(np.label, unknown, (m) => report(m, np.resource.urn))) usable.push(np);
        }
        const clusterOf = stack.clusters(usable);

        const groups = new Map<string, Group>();
        const add = (key: string, urn: string, w: Workload, message: (workloads: string) => string) => {
            const g = groups.get(key) ?? { urn, message, workloads: [] };
            g.workloads.push(w.label);
            groups.set(key, g);
        };

        for (const w of stack.pods) {
            const unknown = [...relevantUnknowns(w.props, [], ["metadata.namespace"]), ...relevantUnknowns(w.props, templateSegments(w), ["metadata.labels"])];
            if (gate.block(w.label, unknown, (m) => report(m, w.resource.urn))) continue;
            const pod = StackView.endpoint(w);
            const { cluster, policies } = clusterOf(w.namespace);
            const lookup = (id: string): DeclaredNetworkPolicy | undefined => policies[Number(id)];
            for (const f of openInternetEgressFindings(cluster, pod, env.prod)) {
                const np = f.policy !== undefined ? lookup(f.policy) : undefined;
                if (f.form === "not isolated for egress") {
                    report(
                        `${w.label} is not selected by any NetworkPolicy with policyTypes Egress in namespace ${w.namespace}, so it may egress ` +
                            `anywhere, the internet included (prod environment "${env.name}"). Fix: add a default-deny egress NetworkPolicy ` +
                            `selecting its pods (policyTypes: [Egress]) and allow only the destinations it needs.`,
                        w.resource.urn,
                    );
                } else if (f.form === "cidrs together cover 0.0.0.0/0" || f.form === "cidrs together cover ::/0") {
                    const parts = (f.parts ?? []).map((p) => `${lookup(p.policy)?.label ?? p.policy} ${p.path} = ${showValue(p.cidr)}`);
                    report(
                        `The egress ipBlocks of the NetworkPolicies selecting ${w.label} together cover all of ${f.form.replace("cidrs together cover ", "")}: ` +
                            `${parts.join("; ")}. Fix: narrow them to the ranges the workload needs.`,
                        w.resource.urn,
                    );
                } else if (np) {
                    add(`${np.resource.urn}|${f.path}`, np.resource.urn, w, (workloads) => openFormMessage(np, f, workloads));
                }
            }
            if (allowed.length > 0) {
                for (const policy of policiesSelecting(cluster, pod, "Egress")) {
                    const np = lookup(policy.metadata.name);
                    if (!np) continue;
                    (policy.spec.egress ?? []).forEach((rule, r) =>
                        (rule.to ?? []).forEach((peer, i) => {
                            const c = peer.ipBlock ? parseK8sCidr(peer.ipBlock.cidr).cidr : undefined;
                            if (!c || coversWholeFamily(c) || allowed.some((a) => cidrContains(a, c))) return;
                            const path = `spec.egress[${r}].to[${i}].ipBlock.cidr`;
                            add(
                                `${np.resource.urn}|${path}|allow-list`,
                                np.resource.urn,
                                w,
                                (workloads) =>
                                    `${np.label} lets ${workloads} egress to ${path} = ${showValue(peer.ipBlock?.cidr)} on ${portsText(rule.ports ?? undefined)}, ` +
                                    `which is not inside the allowed egress CIDRs (${allowed.map((a) => a.text).join(", ")}, policy config allowedCidrs). ` +
                                    `Fix: narrow it to an allowed range, or extend allowedCidrs after review.`,
                            );
                        }),
                    );
                }
            }
        }
        for (const g of groups.values()) report(g.message(listText(g.workloads)), g.urn);
        gate.finish();
    },
};

/** Findings of the analyzer; outside prod a pod without egress isolation is left to default-deny. */
function openInternetEgressFindings(cluster: Cluster, pod: PodEndpoint, prod: boolean): InternetEgressFinding[] {
    const findings = openInternetEgress(cluster, pod);
    return prod ? findings : findings.filter((f) => f.form !== "not isolated for egress");
}

function openFormMessage(np: DeclaredNetworkPolicy, f: InternetEgressFinding, workloads: string): string {
    const on = portsText(f.ports);
    switch (f.form) {
        case "cidr 0.0.0.0/0":
        case "cidr ::/0": {
            const family = f.form === "cidr ::/0" ? "IPv6" : "IPv4";
            const except = f.except && f.except.length > 0 ? ` (its except ${showValue(f.except)} leaves the rest of the internet open)` : "";
            return (
                `${np.label} lets ${workloads} egress to the whole ${family} internet on ${on}: ${f.path} = ${showValue(f.cidr)}${except}. ` +
                `Fix: replace it with the narrow destination ranges the workload needs (e.g. the object store's endpoint CIDR).`
            );
        }
        case "rule without to":
            return (
                `${np.label} lets ${workloads} egress to every destination, the internet included, on ${on}: ${f.path} has ports but no ` +
                `"to" (a rule without "to" matches all peers). Fix: add "to" peers to ${f.path} (pod or namespace selectors, or narrow ipBlocks).`
            );
        case "empty rule":
            return (
                `${np.label} lets ${workloads} egress anywhere on every port: ${f.path} is an empty egress rule {} (no "to", no "ports"). ` +
                `Fix: remove ${f.path}, or give it "to" peers and "ports".`
            );
        default:
            return `${np.label} lets ${workloads} egress to the internet (${f.form}) at ${f.path}.`;
    }
}
