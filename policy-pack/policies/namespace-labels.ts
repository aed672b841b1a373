// namespace-labels: the Namespace every workload deploys into must enforce Pod Security
// "restricted" with a pinned version (pod-security.kubernetes.io/enforce: restricted and
// enforce-version: v1.N; not latest, not missing, not invalid, which PSA reads as latest). A pinned
// version keeps a cluster upgrade from changing what is admitted; this pack then checks the pods at
// exactly that version (pod-security). Mandatory in prod, advisory elsewhere (policies/index.ts).
// In prod a target namespace the stack does not declare cannot be checked and is reported too,
// unless it is listed in trustedNamespaces (managed by another stack or the platform team).
import { StackValidationPolicy } from "@pulumi/policy";
import { parsePsaVersion } from "@vmafx-k8s/core";
import { ENVIRONMENT_PROPERTY, resolveEnvironment } from "../lib/environment";
import { listText, showValue } from "../lib/messages";
import { StackView, Workload } from "../lib/stack";
import { UnknownGate, relevantUnknowns } from "../lib/unknowns";
import { ENFORCE_LABEL, ENFORCE_VERSION_LABEL } from "./pod-security";

export interface NamespaceLabelsConfig {
    environment?: string;
    trustedNamespaces: string[];
}

const labelPath = (key: string) => `metadata.labels["${key}"]`;

/** What is wrong with a namespace's enforce labels (empty when restricted and pinned). */
export function namespaceLabelProblems(labels: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const level = labels[ENFORCE_LABEL];
    const version = labels[ENFORCE_VERSION_LABEL];
    if (level !== "restricted") {
        problems.push(
            level === undefined
                ? `${labelPath(ENFORCE_LABEL)} is not set (nothing is enforced)`
                : `${labelPath(ENFORCE_LABEL)} = ${showValue(level)}, not "restricted"`,
        );
    }
    if (version === undefined) {
        problems.push(`${labelPath(ENFORCE_VERSION_LABEL)} is not set (PSA then enforces "latest", which moves with every cluster upgrade)`);
    } else if (version === "latest") {
        problems.push(`${labelPath(ENFORCE_VERSION_LABEL)} = "latest" is not pinned (it moves with every cluster upgrade)`);
    } else if (typeof version !== "string" || parsePsaVersion(version) === undefined) {
        problems.push(
            `${labelPath(ENFORCE_VERSION_LABEL)} = ${showValue(version)} is not a valid version (PSA falls back to "latest"; use v1.N without leading zeros)`,
        );
    }
    return problems;
}

export const namespaceLabels: StackValidationPolicy = {
    name: "namespace-labels",
    description:
        "The Namespace of every workload must enforce Pod Security restricted with a pinned version " +
        "(pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: v1.N).",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            environment: ENVIRONMENT_PROPERTY,
            trustedNamespaces: {
                type: "array",
                items: { type: "string", minLength: 1 },
                uniqueItems: true,
                default: [],
                description: "Target namespaces this stack does not declare whose labels are managed and reviewed elsewhere.",
            },
        },
    },
    validateStack: (args, report) => {
        const config = args.getConfig<NamespaceLabelsConfig>();
        const env = resolveEnvironment(config.environment);
        const gate = new UnknownGate(env, "the namespace's Pod Security labels");
        const stack = new StackView(args.resources);
        const targets = new Map<string, Workload[]>();
        for (const w of stack.workloads) {
            if (gate.block(w.label, relevantUnknowns(w.props, [], ["metadata.namespace"]), (m) => report(m, w.resource.urn))) continue;
            targets.set(w.namespace, [...(targets.get(w.namespace) ?? []), w]);
        }
        for (const [name, workloads] of targets) {
            const using = listText(workloads.map((w) => w.label));
            const ns = stack.namespaces.get(name);
            if (!ns) {
                if (env.prod && !(config.trustedNamespaces ?? []).includes(name)) {
                    report(
                        `${using} deploy${workloads.length === 1 ? "s" : ""} into Namespace ${name}, which this stack does not declare, so its Pod ` +
                            `Security labels cannot be checked (prod environment "${env.name}"). Fix: declare the Namespace in the stack with ` +
                            `${ENFORCE_LABEL}: restricted and a pinned ${ENFORCE_VERSION_LABEL}, or list "${name}" in trustedNamespaces if another stack manages it.`,
                        workloads[0].resource.urn,
                    );
                }
                continue;
            }
            const unknown = relevantUnknowns(
                ns.props,
                [],
                [
                    ["metadata", "labels", ENFORCE_LABEL],
                    ["metadata", "labels", ENFORCE_VERSION_LABEL],
                ],
            );
            if (gate.block(ns.label, unknown, (m) => report(m, ns.resource.urn))) continue;
            const problems = namespaceLabelProblems(ns.labels);
            if (problems.length === 0) continue;
            report(
                `${ns.label} is the target namespace of ${using} but does not enforce Pod Security restricted with a pinned version: ` +
                    `${problems.join("; ")}. Fix: label it ${ENFORCE_LABEL}: restricted and ${ENFORCE_VERSION_LABEL}: v1.N ` +
                    `(the cluster's minor version, e.g. v1.33).`,
                ns.resource.urn,
            );
        }
        gate.finish();
    },
};
