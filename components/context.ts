// What every builder needs, computed once per release from the resolved args.
import { ResolvedArgs } from "./defaults";
import { Naming, makeNaming } from "./naming";
import { PortTable, makePorts } from "./ports";
import { Hardening, makeHardening } from "./security";

export interface BuildContext {
    readonly args: ResolvedArgs;
    readonly naming: Naming;
    readonly ports: PortTable;
    readonly hardening: Hardening;
}

export function makeContext(args: ResolvedArgs): BuildContext {
    return { args, naming: makeNaming(args), ports: makePorts(args), hardening: makeHardening(args) };
}

/** A Kubernetes object as the component registers it (manifest-shaped, may hold Pulumi Inputs). */
export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [field: string]: any;
}

/** One child resource of the component. */
export interface PlannedResource {
    /** Suffix of the child's Pulumi name (`<component name>-<role>`); unique within a release. */
    readonly role: string;
    readonly manifest: Manifest;
    /** Roles this resource must be created after. */
    readonly dependsOn?: readonly string[];
}

/** Object metadata in the release namespace. */
export function namespacedMeta(ctx: BuildContext, name: string, labels: Record<string, string>, annotations?: Record<string, string>) {
    return {
        name,
        namespace: ctx.naming.namespace,
        labels,
        ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
    };
}

/** Copies a map only when it has entries, so empty options leave no trace in manifests. */
export function nonEmpty<T extends object>(value: T | undefined): T | undefined {
    return value && Object.keys(value).length > 0 ? value : undefined;
}
