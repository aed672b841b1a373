// seccompProfile_baseline (baseline; replaced at restricted by seccompProfile_restricted from v1.19)
// Reads (v1.0-v1.18, annotations only): metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"] and
//          metadata.annotations["container.seccomp.security.alpha.kubernetes.io/<name>"] for every init, regular and
//          ephemeral container name (keys of other names are ignored). The securityContext fields are ignored.
// Allows:  "runtime/default", "docker/default", "localhost/*" (a present key with "" or "unconfined" fails).
// Reads (v1.19+, fields only): spec.securityContext.seccompProfile.type and each container's
//          securityContext.seccompProfile.type. The annotations are ignored.
// Allows:  absent profile, or type RuntimeDefault / Localhost (Unconfined or an empty type fails).
// Variants: v1.0 (annotations); v1.19 (fields).
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import { annotationPath, forbiddenProfileTypes, goCompare, goQuote, joinQuote, pluralize, sortedUnique, str } from "../util";

export const SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

/** Valid seccompProfile.type (shared with seccompProfile_restricted). */
export function validSeccomp(t: string): boolean {
    return t === "Localhost" || t === "RuntimeDefault";
}

function validSeccompAnnotationValue(v: string): boolean {
    return v === "runtime/default" || v === "docker/default" || v.startsWith("localhost/");
}

function has(o: Record<string, unknown>, k: string): boolean {
    return Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined;
}

function seccompProfileBaseline_1_0(ctx: PodContext): CheckFailure | undefined {
    const ann = ctx.annotations;
    if (ann === undefined) return undefined;
    let forbidden: string[] | undefined;
    let findings: PsaFinding[] | undefined;
    if (has(ann, SECCOMP_POD_ANNOTATION)) {
        const v = str(ann[SECCOMP_POD_ANNOTATION]);
        if (!validSeccompAnnotationValue(v)) {
            (forbidden ??= []).push(`${SECCOMP_POD_ANNOTATION}=${goQuote(v)}`);
            (findings ??= []).push({ path: annotationPath(SECCOMP_POD_ANNOTATION), value: ann[SECCOMP_POD_ANNOTATION] });
        }
    }
    const cs = ctx.containers;
    for (let i = 0; i < cs.length; i++) {
        const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + cs[i].name;
        if (!has(ann, key)) continue;
        const v = str(ann[key]);
        if (!validSeccompAnnotationValue(v)) {
            (forbidden ??= []).push(`${key}=${goQuote(v)}`);
            (findings ??= []).push({ container: cs[i].name, path: annotationPath(key), value: ann[key] });
        }
    }
    if (forbidden === undefined) return undefined;
    const list = sortedUnique(forbidden);
    findings!.sort((a, b) => goCompare(a.path, b.path));
    return {
        reason: "seccompProfile",
        detail: `forbidden ${pluralize("annotation", "annotations", list.length)} ${list.join(", ")}`,
        findings: findings!,
    };
}

function seccompProfileBaseline_1_19(ctx: PodContext): CheckFailure | undefined {
    const fields = forbiddenProfileTypes(ctx, "seccompProfile", validSeccomp);
    if (fields === undefined) return undefined;
    return {
        reason: "seccompProfile",
        detail: `${fields.setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(fields.badValues))}`,
        findings: fields.findings,
    };
}

export const seccompProfile_baseline: CheckDefinition = {
    id: "seccompProfile_baseline",
    level: "baseline",
    fix: "set seccompProfile.type to RuntimeDefault or Localhost (or remove the profile) at pod and container level",
    versions: [
        {
            minVersion: 0,
            check: seccompProfileBaseline_1_0,
            fix: 'set the seccomp annotations to "runtime/default", "docker/default" or "localhost/<profile>" (or remove them)',
        },
        { minVersion: 19, check: seccompProfileBaseline_1_19 },
    ],
};
