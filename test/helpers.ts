// Shared test helpers: the pure release plan, the component registered under mocks, and
// walkers over pod templates and containers.
import * as pulumi from "@pulumi/pulumi";
import { VmafxStack, VmafxStackArgs, validateArgs } from "@vmafx-k8s/vmafx";
import { buildPlan, makeContext, Manifest } from "@vmafx-k8s/vmafx/plan";

/** One kind of manifest as tests read it back: apiVersion, kind and metadata typed, its other fields (and any more) `any`. */
type View<M> = M extends unknown ? { [P in keyof M]: P extends "apiVersion" | "kind" | "metadata" ? M[P] : any } & { [field: string]: any } : never;

/**
 * A planned manifest as tests read it back: a union by kind like the plan's `Manifest` (and
 * assignable to it), typed down to the metadata and open (`any`) below, where tests walk into
 * specs to assert on their content.
 */
export type ManifestView = View<Manifest>;

/** The release's objects as plain manifests (no Pulumi runtime involved). */
export function planFor(args: VmafxStackArgs, name = "vmafx"): ManifestView[] {
    return buildPlan(makeContext(validateArgs(name, args, "args."))).map((p) => p.manifest as ManifestView);
}

export interface Registered {
    type: string;
    name: string;
    custom: boolean;
    inputs: Record<string, any>;
}

/** Installs mocks that record every registration into `sink`. */
export function recordingMocks(sink: Registered[], stack = "test", preview = false): void {
    pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                sink.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
                return { id: args.custom === false ? "" : `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        "vmafx",
        stack,
        preview,
    );
}

function settle<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Registers one VmafxStack under mocks and returns everything it registered (component included). */
export async function registerComponent(args: VmafxStackArgs, name = "vmafx"): Promise<{ component: VmafxStack; registered: Registered[] }> {
    const registered: Registered[] = [];
    recordingMocks(registered);
    const component = new VmafxStack(name, args);
    await settle(component.urn);
    await settle(component.kubectlCommands);
    await (pulumi.runtime as any).waitForRPCs();
    return { component, registered };
}

export const POD_TEMPLATE_PATH: Record<string, string[]> = {
    Deployment: ["spec", "template"],
    StatefulSet: ["spec", "template"],
    Job: ["spec", "template"],
};

export interface PodTemplate {
    owner: string;
    metadata: Record<string, any>;
    spec: Record<string, any>;
}

/** Pod templates of the workloads among the manifests. */
export function podTemplates(manifests: readonly Manifest[]): PodTemplate[] {
    return (manifests as readonly ManifestView[])
        .filter((m) => POD_TEMPLATE_PATH[m.kind])
        .map((m) => {
            const t = m.spec.template;
            return { owner: `${m.kind}/${m.metadata.name}`, metadata: t.metadata, spec: t.spec };
        });
}

/** Every container of a pod spec, init containers included. */
export function containersOf(spec: Record<string, any>): { kind: string; container: Record<string, any> }[] {
    return [
        ...(spec.initContainers ?? []).map((c: any) => ({ kind: "initContainer", container: c })),
        ...(spec.containers ?? []).map((c: any) => ({ kind: "container", container: c })),
        ...(spec.ephemeralContainers ?? []).map((c: any) => ({ kind: "ephemeralContainer", container: c })),
    ];
}

export function byKind(manifests: readonly Manifest[], kind: string): ManifestView[] {
    return (manifests as readonly ManifestView[]).filter((m) => m.kind === kind);
}

export function find(manifests: readonly Manifest[], kind: string, name: string): ManifestView {
    const m = (manifests as readonly ManifestView[]).find((x) => x.kind === kind && x.metadata.name === name);
    if (!m) throw new Error(`no ${kind}/${name} in ${manifests.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}`);
    return m;
}

/** "Kind/name" of each manifest, sorted: a configuration's inventory. */
export function inventory(manifests: readonly Manifest[]): string[] {
    return manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort();
}

/** Label selector (matchLabels only) matches labels. */
export function matches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
    return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
