// appArmorProfile (baseline)
// Reads:   metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"] (every key with the prefix,
//          whether or not a container of that name exists);
//          spec.securityContext.appArmorProfile.type; spec.{initContainers,containers,ephemeralContainers}[*]
//          .securityContext.appArmorProfile.type.
// Allows:  annotations: "" , "runtime/default", "localhost/*"; fields: absent object, or type RuntimeDefault / Localhost
//          (a present object with Unconfined, empty or missing type fails; each object judged alone).
// Variants: v1.0 only. The field check was added to the v1.0 variant (library v0.30), so it applies at every version.
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { annotationPath, forbiddenProfileTypes, goCompare, goQuote, joinQuote, pluralize, sortedUnique, str } from "../util";

const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

function allowedAnnotationValue(profile: string): boolean {
    return profile.length === 0 || profile === "runtime/default" || profile.startsWith("localhost/");
}

function allowedProfileType(t: string): boolean {
    return t === "RuntimeDefault" || t === "Localhost";
}

function appArmorProfile_1_0(ctx: PodContext): CheckFailure | undefined {
    const fields = forbiddenProfileTypes(ctx, "appArmorProfile", allowedProfileType);
    let setters = fields?.setters;
    let findings = fields?.findings;

    let forbiddenAnnotations: string[] | undefined;
    let annotationFindings: PsaFinding[] | undefined;
    const ann = ctx.annotations;
    if (ann !== undefined) {
        for (const k in ann) {
            if (!k.startsWith(ANNOTATION_PREFIX)) continue;
            const v = str(ann[k]);
            if (allowedAnnotationValue(v)) continue;
            (forbiddenAnnotations ??= []).push(`${k}=${goQuote(v)}`);
            (annotationFindings ??= []).push({ path: annotationPath(k), value: ann[k] });
        }
    }

    const badValueList = fields === undefined ? [] : sortedUnique(fields.badValues);
    if (forbiddenAnnotations !== undefined) {
        forbiddenAnnotations.sort(goCompare);
        for (const a of forbiddenAnnotations) badValueList.push(a);
        (setters ??= []).push(pluralize("annotation", "annotations", forbiddenAnnotations.length));
        annotationFindings!.sort((a, b) => goCompare(a.path, b.path));
        findings = (findings ?? []).concat(annotationFindings!);
    }

    if (setters === undefined) return undefined;
    return {
        reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", badValueList.length),
        detail: `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(badValueList)}`,
        findings: findings!,
    };
}

export const appArmorProfile: CheckDefinition = {
    id: "appArmorProfile",
    level: "baseline",
    fix: 'set appArmorProfile.type to RuntimeDefault or Localhost (or remove it); AppArmor annotations may only be "runtime/default" or "localhost/<profile>"',
    versions: [{ minVersion: 0, check: appArmorProfile_1_0 }],
};
