// A manifest read by @vmafx-k8s/core as the pack sees a resource: the Pulumi type token from
// apiVersion/kind, the name `file#index`.
import type { ManifestObject } from "@vmafx-k8s/core";
import { PackResource } from "./args";
import { MANIFEST_PROJECT, tokenOfManifest } from "./lib/stack";

export function manifestResource(m: ManifestObject): PackResource {
    const type = tokenOfManifest(m.object.apiVersion, m.object.kind);
    const name = `${m.file}#${m.index}`;
    return { type, name, urn: `urn:pulumi:manifests::${MANIFEST_PROJECT}::${type}::${name}`, props: m.object };
}
