// image-pinned: every container image (init and ephemeral containers included) names a fixed
// release: a tag other than `latest`, or a digest. A missing tag means `latest`. With
// requireDigest, only digests pass (supply-chain pinning; tags can be re-pushed). Patch resources
// are judged only on the images they set. Advisory by default.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { checkContainers, ENVIRONMENT_PROPERTY } from "../lib/containers";
import { showField } from "../lib/messages";
import { podFieldPath } from "../lib/stack";

export interface ImageReference {
    /** Repository part (registry/path), without tag or digest. */
    repository: string;
    tag?: string;
    digest?: string;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** Splits `registry:5000/org/app:1.2@sha256:...` into repository, tag and digest. */
export function parseImage(image: string): ImageReference {
    const at = image.indexOf("@");
    const name = at >= 0 ? image.slice(0, at) : image;
    const digest = at >= 0 ? image.slice(at + 1) : undefined;
    const colon = name.indexOf(":", name.lastIndexOf("/") + 1);
    return {
        repository: colon >= 0 ? name.slice(0, colon) : name,
        ...(colon >= 0 ? { tag: name.slice(colon + 1) } : {}),
        ...(digest !== undefined ? { digest } : {}),
    };
}

/** Why an image reference is not pinned, or undefined when it is. */
export function imagePinProblem(image: unknown, requireDigest: boolean): string | undefined {
    if (typeof image !== "string" || image.trim() === "") return "has no image";
    const ref = parseImage(image);
    if (ref.digest !== undefined) return DIGEST.test(ref.digest) ? undefined : `has a malformed digest ${JSON.stringify(ref.digest)}`;
    if (requireDigest) return "is not pinned by digest (requireDigest is set; a tag can be re-pushed)";
    if (ref.tag === undefined || ref.tag === "") return `has no tag, so it pulls the mutable "latest"`;
    if (ref.tag === "latest") return `uses the mutable tag "latest"`;
    return undefined;
}

export const imagePinned: ResourceValidationPolicy = {
    name: "image-pinned",
    description: "Every container image must be pinned by a release tag (not latest, not missing) or by digest.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            environment: ENVIRONMENT_PROPERTY,
            requireDigest: { type: "boolean", default: false, description: "Accept only images pinned by digest (@sha256:...)." },
        },
    },
    validateResource: (args, report) =>
        checkContainers(args, report, {
            subject: "image pinning",
            fields: ["image"],
            judge: (w, c, config) => {
                const image = c.container.image;
                if (w.patch && image === undefined) return undefined;
                const problem = imagePinProblem(image, config.requireDigest === true);
                if (problem === undefined) return undefined;
                const repo = typeof image === "string" && image !== "" ? parseImage(image).repository : "registry/app";
                return (
                    `${showField(podFieldPath(w, `${c.path}.image`), image)} ${problem}. ` +
                    `Fix: pin a release tag (${repo}:1.2.3) or a digest (${repo}@sha256:<digest>).`
                );
            },
        }),
};
