// The IDs a user names in exemptions, `vmafx-policy explain` and docs/policies/<id>.md: the pack's policies
// and the Pod Security checks. Kept free of @pulumi/* (the policy list is not imported here, only its names,
// which a test compares with policies/index.ts), so that `vmafx-policy psa` can validate an exemptions file
// without loading the Pulumi SDK.
import { ALL_CHECKS } from "@vmafx-k8s/core";

/** The names of the pack's policies, in the order of POLICIES (policies/index.ts). */
export const POLICY_NAMES: readonly string[] = Object.freeze([
    "pod-security",
    "networkpolicy-valid",
    "prod-egress",
    "namespace-labels",
    "default-deny",
    "sa-token-automount",
    "image-pinned",
    "resource-limits",
    "read-only-root-filesystem",
]);

/** The policy that runs the Pod Security checks; naming it exempts an object from every one of them. */
export const POD_SECURITY = "pod-security";

/** Pod Security check IDs as upstream names them (`allowPrivilegeEscalation`, `capabilities_restricted`, ...). */
export const PSA_CHECK_IDS: readonly string[] = Object.freeze(ALL_CHECKS.map((c) => c.id));

/** Every ID an exemption may name. Policy names are kebab-case and PSA IDs are not, so the two never collide. */
export const CHECK_IDS: ReadonlySet<string> = new Set([...POLICY_NAMES, ...PSA_CHECK_IDS]);

export function isPsaCheck(id: string): boolean {
    return PSA_CHECK_IDS.includes(id);
}
