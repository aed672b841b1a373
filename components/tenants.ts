// VmafxTenant objects from auth.tenants[] (the chart's tenant-crd-config.yaml): one per tenant,
// named after its ID, in the release namespace, where the controller's tenant registry reads
// them. Unset OIDC fields take auth's global ones; `enabled: false` is kept (the chart's
// `default true` turned it into true, so a tenant could not be suspended).
import { BuildContext, PlannedResource, VmafxTenantSpec, namespacedMeta } from "./context";
import { VMAFX_GROUP, VMAFX_VERSION, crdRole, vmafxCrd } from "./crds";
import { Plain } from "./defaults";
import { Tenant } from "./args";

/** The spec of one tenant's VmafxTenant, with auth's global OIDC settings filled in. */
export function tenantSpec(ctx: BuildContext, t: Plain<Tenant>): VmafxTenantSpec {
    const auth = ctx.args.auth;
    const oidc = t.oidc ?? {};
    const audience = oidc.audience || auth.audience;
    const tenantClaim = oidc.tenantClaim || auth.tenantClaim;
    const rolesClaim = oidc.rolesClaim || auth.rolesClaim;
    const spec: VmafxTenantSpec = {
        tenantId: t.tenantId,
        enabled: t.enabled ?? true,
        oidc: {
            issuer: oidc.issuer || auth.issuer,
            jwksEndpoint: oidc.jwksEndpoint || auth.jwksEndpoint,
            ...(audience ? { audience } : {}),
            ...(tenantClaim ? { tenantClaim } : {}),
            ...(rolesClaim ? { rolesClaim } : {}),
        },
    };
    const rbac = t.rbac ?? {};
    if (rbac.defaultRole || (rbac.allowedRoles && rbac.allowedRoles.length > 0)) {
        spec.rbac = {
            ...(rbac.defaultRole ? { defaultRole: rbac.defaultRole } : {}),
            ...(rbac.allowedRoles && rbac.allowedRoles.length > 0 ? { allowedRoles: [...rbac.allowedRoles] } : {}),
        };
    }
    return spec;
}

const TENANT_CRD = vmafxCrd("VmafxTenant");

export function tenants(ctx: BuildContext): PlannedResource[] {
    const a = ctx.args;
    if (!a.auth.enabled) {
        return [];
    }
    return a.auth.tenants.map((t): PlannedResource<"VmafxTenant"> => ({
        role: `tenant-${t.tenantId}`,
        manifest: {
            apiVersion: `${VMAFX_GROUP}/${VMAFX_VERSION}` as "vmafx.dev/v1",
            kind: "VmafxTenant",
            metadata: namespacedMeta(ctx, t.tenantId, ctx.naming.labels("controller")),
            spec: tenantSpec(ctx, t),
        },
        // The kind exists only once its CRD does (when this release installs it).
        ...(a.crds.install ? { dependsOn: [crdRole(TENANT_CRD)] } : {}),
    }));
}
