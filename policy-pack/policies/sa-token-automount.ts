// sa-token-automount: pods do not get a Kubernetes API token unless their service account is on
// the allow-list (pods that call the API, e.g. an operator). The effective value is the pod's
// spec.automountServiceAccountToken, else its ServiceAccount's automountServiceAccountToken (when
// the stack declares that ServiceAccount), else true (the Kubernetes default). That lookup needs the
// ServiceAccount resource, hence a stack policy. Patch resources are judged only on an explicit
// true. Advisory by default.
import { StackValidationPolicy } from "@pulumi/policy";
import { ENVIRONMENT_PROPERTY, resolveEnvironment } from "../lib/environment";
import { listText, showField } from "../lib/messages";
import { StackView, podFieldPath, templateSegments } from "../lib/stack";
import { UnknownGate, relevantUnknowns } from "../lib/unknowns";

export interface SaTokenConfig {
    environment?: string;
    allowedServiceAccounts: string[];
}

/** `name` matches that service account in every namespace, `namespace/name` only there. */
export function serviceAccountAllowed(allowed: readonly string[], namespace: string, name: string): boolean {
    return allowed.includes(name) || allowed.includes(`${namespace}/${name}`);
}

export const saTokenAutomount: StackValidationPolicy = {
    name: "sa-token-automount",
    description:
        "Pods must not mount a service account token (automountServiceAccountToken: false on the pod or its ServiceAccount) " +
        "unless their service account is allowed to call the Kubernetes API.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            environment: ENVIRONMENT_PROPERTY,
            allowedServiceAccounts: {
                type: "array",
                items: { type: "string", pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
                uniqueItems: true,
                default: [],
                description: "Service accounts whose pods may mount a token: `name` (any namespace) or `namespace/name`.",
            },
        },
    },
    validateStack: (args, report) => {
        const config = args.getConfig<SaTokenConfig>();
        const env = resolveEnvironment(config.environment);
        const gate = new UnknownGate(env, "service account token mounting");
        const stack = new StackView(args.resources);
        const allowed = config.allowedServiceAccounts ?? [];
        for (const w of stack.workloads) {
            if (!w.template) continue;
            const fields = ["spec.automountServiceAccountToken", "spec.serviceAccountName", "spec.serviceAccount"];
            const unknown = [...relevantUnknowns(w.props, [], ["metadata.namespace"]), ...relevantUnknowns(w.props, templateSegments(w), fields)];
            if (gate.block(w.label, unknown, (m) => report(m, w.resource.urn))) continue;
            const spec = w.template.spec ?? {};
            const name: string =
                typeof spec.serviceAccountName === "string" && spec.serviceAccountName !== ""
                    ? spec.serviceAccountName
                    : typeof spec.serviceAccount === "string" && spec.serviceAccount !== ""
                      ? spec.serviceAccount
                      : "default";
            const key = `${w.namespace}/${name}`;
            const podValue = spec.automountServiceAccountToken;
            if (podValue === false || serviceAccountAllowed(allowed, w.namespace, name)) continue;
            if (w.patch && podValue !== true) continue;
            const sa = stack.serviceAccounts.get(key);
            if (podValue === undefined && sa) {
                if (gate.block(`ServiceAccount ${key}`, relevantUnknowns(sa.props, [], ["automountServiceAccountToken"]), (m) => report(m, w.resource.urn)))
                    continue;
                if (sa.props.automountServiceAccountToken === false) continue;
            }
            const path = podFieldPath(w, "spec.automountServiceAccountToken");
            const why =
                podValue !== undefined
                    ? showField(path, podValue)
                    : `${path} is not set and ${sa ? `ServiceAccount ${key} does not set automountServiceAccountToken: false` : `ServiceAccount ${key} is not declared in this stack`} (Kubernetes mounts the token by default)`;
            const bindings = stack.boundServiceAccounts.get(key);
            const hint = bindings ? ` ${key} is bound by ${listText(bindings)}.` : "";
            report(
                `${w.label} mounts a service account token for ${key}: ${why}.${hint} Fix: set ${path}: false; if the pod calls the ` +
                    `Kubernetes API, add "${key}" to allowedServiceAccounts in the policy config.`,
                w.resource.urn,
            );
        }
        gate.finish();
    },
};
