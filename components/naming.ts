// Resource names and labels, computed once per release (chart.md §1). Selectors use only
// the stable labels (name, instance, component) so that version bumps never touch them.
import { ResolvedArgs } from "./defaults";

export const CHART_NAME = "vmafx";
const MAX_NAME = 63;

/** The components whose pods the release runs; each gets its own selector. */
export const Component = {
    Server: "server",
    Node: "node",
    Operator: "operator",
    Controller: "controller",
    SmokeTest: "smoke-test",
} as const;
export type Component = (typeof Component)[keyof typeof Component];

/** Values of the component label: the pod components, and the otel-collector ConfigMap's. */
export type LabelComponent = Component | "otel-collector";

export const LABEL = {
    name: "app.kubernetes.io/name",
    instance: "app.kubernetes.io/instance",
    version: "app.kubernetes.io/version",
    component: "app.kubernetes.io/component",
    managedBy: "app.kubernetes.io/managed-by",
    partOf: "app.kubernetes.io/part-of",
} as const;

function trimName(name: string): string {
    return name.slice(0, MAX_NAME).replace(/-+$/, "");
}

export interface Naming {
    /** The chart's `vmafx.name`. */
    readonly name: string;
    /** The chart's `vmafx.fullname`: prefix of every resource name. */
    readonly fullname: string;
    readonly namespace: string;
    /** `<fullname>-<suffix>`, cut to 63 characters. */
    resource(suffix?: string): string;
    /** name + instance: every pod of the release. */
    readonly releaseSelector: Record<string, string>;
    /** name + instance + component: the pods of one component. */
    selector(component: Component): Record<string, string>;
    /** Labels for resource metadata, optionally with a component (or `otel-collector`, which runs no pods). */
    labels(component?: LabelComponent): Record<string, string>;
    /** Labels that never change across upgrades (for immutable fields such as volumeClaimTemplates). */
    stableLabels(component?: LabelComponent): Record<string, string>;
    /** Default image tag: `v<appVersion>`, never `vv…`. */
    readonly releaseImageTag: string;
}

export function makeNaming(args: ResolvedArgs): Naming {
    const name = trimName(args.nameOverride || CHART_NAME);
    const release = args.releaseName;
    const fullname = args.fullnameOverride ? trimName(args.fullnameOverride) : trimName(release.includes(name) ? release : `${release}-${name}`);
    const releaseSelector = { [LABEL.name]: name, [LABEL.instance]: release };
    const selector = (component: LabelComponent) => ({ ...releaseSelector, [LABEL.component]: component });
    const stableLabels = (component?: LabelComponent) => ({
        ...(component ? selector(component) : releaseSelector),
        [LABEL.partOf]: CHART_NAME,
        [LABEL.managedBy]: "pulumi",
    });
    return {
        name,
        fullname,
        namespace: args.namespace.name,
        resource: (suffix?: string) => trimName(suffix ? `${fullname}-${suffix}` : fullname),
        releaseSelector,
        selector,
        stableLabels,
        labels: (component?: LabelComponent) => ({
            ...stableLabels(component),
            ...(args.appVersion ? { [LABEL.version]: args.appVersion } : {}),
        }),
        releaseImageTag: `v${args.appVersion.replace(/^v/, "")}`,
    };
}

/** `repository:tag`, with the release tag when the tag is empty. */
export function imageRef(image: { repository: string; tag: string }, naming: Naming): string {
    return `${image.repository}:${image.tag || naming.releaseImageTag}`;
}
