// Renders the NetworkPolicy bundle from the flow list: default-deny for every release pod,
// then for each flow an egress policy on its source and an ingress policy on its
// destination, whichever of them are release pods.
import type * as k8s from "@pulumi/kubernetes";
import { BuildContext, PlannedResource, namespacedMeta } from "./context";
import { Flow, FlowEnd, PodPeer, intendedFlows } from "./flows";
import { Component } from "./naming";

export interface PolicyRow {
    readonly name: string;
    readonly direction: "Ingress" | "Egress" | "Ingress+Egress";
    readonly selects: string;
    readonly peers: string;
    readonly ports: string;
    readonly purpose: string;
    readonly configKeys: string;
}

function selectorFor(ctx: BuildContext, end: FlowEnd): Record<string, string> {
    if (end.kind === "component") return ctx.naming.selector(end.component);
    return ctx.naming.releaseSelector;
}

type NetworkPolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;
/** A NetworkPolicy spec without its podSelector, which policy() sets. */
type PolicyRules = Omit<k8s.types.input.networking.v1.NetworkPolicySpec, "podSelector">;

function labelSelector(s: { matchLabels?: Record<string, string> }): k8s.types.input.meta.v1.LabelSelector {
    return s.matchLabels && Object.keys(s.matchLabels).length > 0 ? { matchLabels: { ...s.matchLabels } } : {};
}

function podPeer(p: PodPeer): NetworkPolicyPeer {
    return {
        podSelector: labelSelector(p.podSelector),
        ...(p.namespaceSelector ? { namespaceSelector: labelSelector(p.namespaceSelector) } : {}),
    };
}

/** NetworkPolicyPeer entries for one side of a flow. */
export function peersOf(ctx: BuildContext, end: FlowEnd): NetworkPolicyPeer[] {
    if (end.kind !== "external") {
        return [{ podSelector: { matchLabels: selectorFor(ctx, end) } }];
    }
    return end.peers.map((p): NetworkPolicyPeer =>
        p.kind === "pods" ? podPeer(p) : { ipBlock: { cidr: p.cidr, ...(p.except.length > 0 ? { except: [...p.except] } : {}) } },
    );
}

/** True when every source of the end is a pod in the release namespace. */
function inReleaseNamespace(end: FlowEnd): boolean {
    return end.kind !== "external" || end.peers.every((p) => p.kind === "pods" && !p.namespaceSelector);
}

/** True for a flow that admits every pod of the release namespace. */
function admitsWholeNamespace(flow: Flow): boolean {
    return (
        flow.from.kind === "external" &&
        flow.from.peers.some((p) => p.kind === "pods" && !p.namespaceSelector && Object.keys(p.podSelector.matchLabels ?? {}).length === 0)
    );
}

/**
 * The ingress side of `flow` is already open when another flow admits the whole release
 * namespace to the same pods on the same ports (HTTP ingress covers an in-namespace scraper
 * and the smoke test); a second rule would be dead weight.
 */
function ingressAlreadyOpen(flows: Flow[], flow: Flow): boolean {
    if (flow.to.kind !== "component" || !inReleaseNamespace(flow.from)) return false;
    const to = flow.to.component;
    // The first flow that opens the destination to the whole namespace keeps its rule.
    const opener = flows.find(
        (other) =>
            admitsWholeNamespace(other) &&
            other.to.kind === "component" &&
            other.to.component === to &&
            flow.ports.every((p) => other.ports.some((o) => o.port === p.port && o.protocol === p.protocol)),
    );
    return opener !== undefined && opener !== flow;
}

function portsOf(flow: Flow): k8s.types.input.networking.v1.NetworkPolicyPort[] {
    return flow.ports.map((p) => ({ protocol: p.protocol, port: p.port }));
}

function describeEnd(ctx: BuildContext, end: FlowEnd): string {
    switch (end.kind) {
        case "component":
            return `${end.component} pods`;
        case "release":
            return "every release pod";
        case "external":
            return end.peers
                .map((p) => (p.kind === "cidr" ? `${p.description} ${p.cidr}${p.except.length ? ` except ${p.except.join(", ")}` : ""}` : p.description))
                .join("; ");
    }
}

interface RenderedPolicy {
    readonly row: PolicyRow;
    readonly resource: PlannedResource;
}

function policy(
    ctx: BuildContext,
    suffix: string,
    podSelector: Record<string, string>,
    spec: PolicyRules,
    component?: Component,
): PlannedResource<"NetworkPolicy"> {
    const name = ctx.naming.resource(suffix);
    return {
        role: `netpol-${suffix}`,
        manifest: {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: namespacedMeta(ctx, name, ctx.naming.labels(component)),
            spec: { podSelector: { matchLabels: podSelector }, ...spec },
        },
    };
}

/** One side of a flow: the egress policy on its source or the ingress policy on its destination. */
function flowSide(ctx: BuildContext, flow: Flow, direction: "Egress" | "Ingress"): RenderedPolicy {
    const egress = direction === "Egress";
    const selected = egress ? flow.from : flow.to;
    const peer = egress ? flow.to : flow.from;
    const suffix = `${flow.id}-${direction.toLowerCase()}`;
    const rule: PolicyRules = egress
        ? { egress: [{ to: peersOf(ctx, peer), ports: portsOf(flow) }] }
        : { ingress: [{ from: peersOf(ctx, peer), ports: portsOf(flow) }] };
    return {
        row: {
            name: ctx.naming.resource(suffix),
            direction,
            selects: describeEnd(ctx, selected),
            peers: describeEnd(ctx, peer),
            ports: flow.ports.map((p) => `${p.protocol} ${p.port}`).join(", "),
            purpose: flow.purpose,
            configKeys: flow.configKeys.join(", "),
        },
        resource: policy(
            ctx,
            suffix,
            selectorFor(ctx, selected),
            { policyTypes: [direction], ...rule },
            selected.kind === "component" ? selected.component : undefined,
        ),
    };
}

function renderPolicies(ctx: BuildContext): RenderedPolicy[] {
    if (!ctx.args.networkPolicy.enabled) {
        return [];
    }
    const flows = intendedFlows(ctx);
    const out: RenderedPolicy[] = [
        {
            row: {
                name: ctx.naming.resource("default-deny"),
                direction: "Ingress+Egress",
                selects: "every release pod",
                peers: "none",
                ports: "none",
                purpose: "isolates every pod of the release; the policies below open each intended flow",
                configKeys: "networkPolicy.enabled",
            },
            resource: policy(ctx, "default-deny", ctx.naming.releaseSelector, { policyTypes: ["Ingress", "Egress"] }),
        },
    ];
    for (const flow of flows) {
        if (flow.from.kind !== "external") out.push(flowSide(ctx, flow, "Egress"));
        if (flow.to.kind !== "external" && !ingressAlreadyOpen(flows, flow)) out.push(flowSide(ctx, flow, "Ingress"));
    }
    return out;
}

export function networkPolicies(ctx: BuildContext): PlannedResource[] {
    return renderPolicies(ctx).map((p) => p.resource);
}

/** The docs matrix: one row per rendered policy. */
export function networkPolicyRows(ctx: BuildContext): PolicyRow[] {
    return renderPolicies(ctx).map((p) => p.row);
}
