// Adoption of an existing install's objects (args.migration, docs/migrate-from-helm.md): with `adopt` on, every
// object carries the two provider annotations that make its server-side apply take over an object that already
// exists with fields another field manager holds (Helm's), instead of failing on the conflict. The object keeps its
// UID: the provider patches it, it does not delete and recreate it.
import { BuildContext, PlannedResource } from "./context";

/** Makes the provider's server-side apply force through conflicts with other field managers. */
export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";
/** The field manager the provider applies as (and keeps for the object afterwards). */
export const PATCH_FIELD_MANAGER_ANNOTATION = "pulumi.com/patchFieldManager";

/** The annotations adoption adds to every object (none unless `migration.adopt`). */
export function adoptionAnnotations(ctx: BuildContext): Record<string, string> {
    const m = ctx.args.migration;
    return m.adopt ? { [PATCH_FORCE_ANNOTATION]: "true", [PATCH_FIELD_MANAGER_ANNOTATION]: m.fieldManager } : {};
}

/** The plan with the adoption annotations on each object's own metadata (never on pod templates, so no pod rolls for them). */
export function withAdoption(ctx: BuildContext, plan: PlannedResource[]): PlannedResource[] {
    const extra = adoptionAnnotations(ctx);
    if (Object.keys(extra).length === 0) return plan;
    return plan.map((p) => ({
        ...p,
        manifest: { ...p.manifest, metadata: { ...p.manifest.metadata, annotations: { ...p.manifest.metadata.annotations, ...extra } } },
    }));
}
