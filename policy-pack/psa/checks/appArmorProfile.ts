// appArmorProfile (baseline)
// Reads:   metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"] (every key with the prefix,
//          whether or not a container of that name exists);
//          spec.securityContext.appArmorProfile.type; spec.{initContainers,containers,ephemeralContainers}[*]
//          .securityContext.appArmorProfile.type.
// Allows:  annotations: "" , "runtime/default", "localhost/*"; fields: absent object, or type RuntimeDefault / Localhost
//          (a present object with Unconfined, empty or missing type fails; each object judged alone).
// Variants: v1.0 only. The field check was added to the v1.0 variant (library v0.30), so it applies at every version.
import type { CheckDefinition, CheckFailure, PodContext, PsaFinding } from "../types";
import {
  annotationPath,
  containerFinding,
  containersPhrase,
  goCompare,
  goQuote,
  joinQuote,
  obj,
  pluralize,
  sortedUnique,
  str,
} from "../util";

const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

function allowedAnnotationValue(profile: string): boolean {
  return profile.length === 0 || profile === "runtime/default" || profile.startsWith("localhost/");
}

function allowedProfileType(t: string): boolean {
  return t === "RuntimeDefault" || t === "Localhost";
}

function appArmorProfile_1_0(ctx: PodContext): CheckFailure | undefined {
  let setters: string[] | undefined;
  let badValues: string[] | undefined;
  let findings: PsaFinding[] | undefined;

  const podProfile = ctx.podSC === undefined ? undefined : obj(ctx.podSC.appArmorProfile);
  if (podProfile !== undefined && !allowedProfileType(str(podProfile.type))) {
    (setters ??= []).push("pod");
    (badValues ??= []).push(str(podProfile.type));
    (findings ??= []).push({ path: "spec.securityContext.appArmorProfile.type", value: podProfile.type });
  }

  let badContainers: string[] | undefined;
  const cs = ctx.containers;
  for (let i = 0; i < cs.length; i++) {
    const sc = cs[i].sc;
    if (sc === undefined) continue;
    const profile = obj(sc.appArmorProfile);
    if (profile !== undefined && !allowedProfileType(str(profile.type))) {
      (badContainers ??= []).push(cs[i].name);
      (badValues ??= []).push(str(profile.type));
      (findings ??= []).push(containerFinding(cs[i], "securityContext.appArmorProfile.type", profile.type));
    }
  }
  if (badContainers !== undefined) (setters ??= []).push(containersPhrase(badContainers));

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

  const badValueList = badValues === undefined ? [] : sortedUnique(badValues);
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
