// The pack's policies and metadata, in one list that index.ts (the PolicyPack), the runner
// (run.ts: vmafx-policy, the offline preview, tests, the benchmark) all share.
//
// Enforcement levels: pod-security and networkpolicy-valid (the API server would reject the policy
// anyway) are mandatory in every stack; prod-egress, namespace-labels and
// default-deny are mandatory in prod and advisory elsewhere; the hardening checks are advisory.
// A policy's own level can only be one value, so the prod-dependent ones default to mandatory (fail
// closed) and the pack's initialConfig, computed from the stack name when the pack starts, lowers
// them to advisory outside prod. A --policy-pack-config file overrides both (the shipped
// stacks/policy-config.<stack>.json files set every level explicitly, matching their environment).
import { EnforcementLevel, Policies, Policy, PolicyPackConfig } from "@pulumi/policy";
import { isProdName } from "../lib/environment";
import { defaultDeny } from "./default-deny";
import { withExemptions } from "./exempt";
import { imagePinned } from "./image-pinned";
import { namespaceLabels } from "./namespace-labels";
import { networkPolicyValid } from "./networkpolicy-valid";
import { podSecurity } from "./pod-security";
import { prodEgress } from "./prod-egress";
import { readOnlyRootFilesystem } from "./read-only-root-filesystem";
import { resourceLimits } from "./resource-limits";
import { saTokenAutomount } from "./sa-token-automount";

// By package name, so the same line works from the sources (tests) and from dist/ (the pack).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const packageJson = require("@vmafx-k8s/policy-pack/package.json") as { version: string };

export const PACK = {
    name: "vmafx",
    version: packageJson.version,
    enforcementLevel: "advisory" as EnforcementLevel,
    description: "VMAFX on Kubernetes: exact Pod Security Admission parity, prod egress guard, NetworkPolicy coverage and hardening checks.",
};

// Every policy but pod-security reports through the exemption filter (policies/exempt.ts); pod-security filters
// per Pod Security check itself. The policies exported one by one below stay unfiltered, for their own tests.
export const POLICIES: Policies = [
    podSecurity,
    ...[networkPolicyValid, prodEgress, namespaceLabels, defaultDeny, saTokenAutomount, imagePinned, resourceLimits, readOnlyRootFilesystem].map((p) =>
        withExemptions<Policy>(p),
    ),
];

/** Mandatory in prod, advisory elsewhere. */
export const PROD_MANDATORY: readonly string[] = [prodEgress.name, namespaceLabels.name, defaultDeny.name];

/** The PolicyPack's initialConfig for an environment (or stack) name. */
export function initialConfigFor(environment: string): PolicyPackConfig {
    return isProdName(environment) ? {} : Object.fromEntries(PROD_MANDATORY.map((name) => [name, "advisory"]));
}

export { defaultDeny, imagePinned, namespaceLabels, networkPolicyValid, podSecurity, prodEgress, readOnlyRootFilesystem, resourceLimits, saTokenAutomount };

export { checkPage, checkPages, policyInfos } from "./info";
