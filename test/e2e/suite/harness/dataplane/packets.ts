// Truth-table flows as real packets. Each probe of a truth table (test/truth-tables.ts) is mapped onto the running
// test cluster: a release component to one of its Running Pods, another pod (kube-dns in kube-system, Prometheus in
// monitoring, an ingress controller, a pod of another namespace) to a peer Pod this module creates with exactly the
// labels the flow names, an address to a test host holding it. Each flow gets three verdicts:
//   expected  the truth table's (an intended flow is allowed, a must-deny flow denied)
//   analyzer  the flow analyzer (core) over the live NetworkPolicies and Namespaces, with the live Pod labels and IPs
//   packets   a TCP connection (or a UDP exchange) from the source's network namespace: "allowed" when the expected
//             listener answered with its own name, "denied" when the connection was refused or timed out AND that
//             listener never logged the probe (kube-router rejects; a closed port would look the same, so a baseline
//             run with the policies off shows every listener answering)
// and passes when all three agree.
import * as crypto from "crypto";
import * as fs from "fs";
import { Cluster as Model, Endpoint, evaluateFlow, modelFromManifests, PodEndpoint } from "@vmafx-k8s/core";
import { Probe } from "../../../../cluster-model";
import { ResolvedTruthTable } from "../../../../truth-tables";
import { Cluster } from "../cluster";
import { waitFor } from "../exec";
import { Dataplane } from "./index";
import { runProbes, WireProbe, WireResult } from "./probes";

export type Verdict = "allowed" | "denied";

export interface FlowResult {
    readonly table: string;
    readonly label: string;
    readonly expected: Verdict;
    readonly analyzer: Verdict;
    /** "unproven": the answer came from the wrong listener, or the listener logged a probe that was not answered. */
    readonly packets: Verdict | "unproven";
    readonly detail: string;
    readonly pass: boolean;
}

/** A flow to send: a truth-table probe and what the table says about it. */
export interface FlowCase {
    readonly probe: Probe;
    readonly expected: Verdict;
}

interface Place {
    netns: string;
    ip: string;
    /** The listener's name (its answers start with "vmafx-listener <name> "). */
    listener: string;
    listenerLog: string;
    /** For the analyzer: the live pod (labels, namespace, IP) or the address. */
    endpoint: Endpoint;
    note?: string;
}

const COMPONENT = "app.kubernetes.io/component";
const PEER_LABEL_HASH = (ns: string, labels: Record<string, string>) =>
    crypto
        .createHash("sha256")
        .update(`${ns}\0${JSON.stringify(Object.entries(labels).sort())}`)
        .digest("hex")
        .slice(0, 8);

export function isIpv6(e: Endpoint): boolean {
    return e.kind === "ip" && e.ip.includes(":");
}

export function cases(rt: ResolvedTruthTable): FlowCase[] {
    return [...rt.allowed.map((probe) => ({ probe, expected: "allowed" as const })), ...rt.denied.map((probe) => ({ probe, expected: "denied" as const }))];
}

export class PacketFlows {
    private seq = 0;
    /** Namespaces this module created for peers (deleted by cleanup). */
    private readonly peerNamespaces = new Set<string>();
    private readonly peers = new Map<string, { namespace: string; name: string }>();

    constructor(
        private readonly dp: Dataplane,
        private readonly cluster: Cluster,
    ) {}

    private releaseComponent(rt: ResolvedTruthTable, e: Endpoint): string | undefined {
        for (const [component, pod] of rt.model.release) if (pod === e) return component;
        return undefined;
    }

    /** The ports each destination of `flows` is probed on. */
    private portsByDestination(rt: ResolvedTruthTable, flows: readonly FlowCase[]) {
        const ports = new Map<Endpoint, { port: number; protocol: "TCP" | "UDP" }[]>();
        for (const f of flows) {
            const list = ports.get(f.probe.to) ?? [];
            if (!list.some((p) => p.port === f.probe.port && p.protocol === f.probe.protocol))
                list.push({ port: f.probe.port, protocol: f.probe.protocol as "TCP" | "UDP" });
            ports.set(f.probe.to, list);
        }
        return ports;
    }

    /** Peer Pods (and their namespaces, with the labels the model gives them) and test hosts for every IPv4 flow. */
    async prepare(rt: ResolvedTruthTable, flows: readonly FlowCase[]): Promise<void> {
        const ports = this.portsByDestination(rt, flows);
        const endpoints = new Set<Endpoint>(flows.flatMap((f) => [f.probe.from, f.probe.to]));
        for (const e of endpoints) {
            if (isIpv6(e)) continue;
            if (e.kind === "ip") {
                await this.dp.host(e.ip, ports.get(e) ?? []);
                continue;
            }
            const component = this.releaseComponent(rt, e);
            // A release workload with no running Pod (the finished smoke-test Job) is stood in for by a peer Pod with
            // its template's labels: policies see only labels and namespace.
            if (component && (await this.runningPod(rt.model.namespace, component))) continue;
            await this.peer(rt, e as PodEndpoint, ports.get(e) ?? []);
        }
        await waitFor("peer pods Running on the test node", 120_000, async () => {
            for (const p of this.peers.values()) if (!this.dp.agent.podRuntime(p.namespace, p.name)) return false;
            return true;
        });
    }

    private async runningPod(namespace: string, component: string): Promise<any | undefined> {
        const pods = await this.cluster.list("pods", { namespace, selector: `${COMPONENT}=${component}` });
        return pods
            .filter((p: any) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp && this.dp.agent.podRuntime(namespace, p.metadata.name))
            .sort((a: any, b: any) => a.metadata.name.localeCompare(b.metadata.name))[0];
    }

    private async peer(rt: ResolvedTruthTable, e: PodEndpoint, ports: { port: number; protocol: "TCP" | "UDP" }[]): Promise<void> {
        const key = `${e.namespace}/${PEER_LABEL_HASH(e.namespace, e.labels)}`;
        const known = this.peers.get(key);
        const name = `peer-${PEER_LABEL_HASH(e.namespace, e.labels)}`;
        const existing = await this.cluster.get("pod", name, e.namespace);
        const declared = (existing?.spec.containers?.[0]?.ports ?? []).map((p: any) => `${p.protocol}/${p.containerPort}`);
        const want = ports.map((p) => `${p.protocol}/${p.port}`);
        if (known && existing && want.every((w) => declared.includes(w))) return;
        const nsInfo = rt.model.cluster.namespaces.find((n) => n.name === e.namespace);
        const nsObj = await this.cluster.get("namespace", e.namespace);
        if (!nsObj) {
            await this.cluster.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: e.namespace, labels: nsInfo?.labels ?? {} } }], {
                fieldManager: "e2e-peers",
            });
            this.peerNamespaces.add(e.namespace);
        } else if (nsInfo?.labels && Object.entries(nsInfo.labels).some(([k, v]) => nsObj.metadata.labels?.[k] !== v)) {
            await this.cluster.kubectl(["label", "namespace", e.namespace, "--overwrite", ...Object.entries(nsInfo.labels).map(([k, v]) => `${k}=${v}`)]);
        }
        if (existing) {
            // Container ports are immutable: a peer that needs more ports is made again.
            await this.cluster.kubectl(["delete", "pod", name, "-n", e.namespace, "--wait=true", "--timeout=60s"]);
        }
        const all = [...new Set([...declared, ...want])].map((s) => {
            const [protocol, port] = s.split("/");
            return { containerPort: Number(port), protocol };
        });
        const pod = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name, namespace: e.namespace, labels: e.labels },
            spec: {
                automountServiceAccountToken: false,
                terminationGracePeriodSeconds: 0,
                securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                    {
                        name: "listener",
                        image: "registry.invalid/vmafx-e2e/peer:test",
                        ports: all,
                        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                    },
                ],
            },
        };
        // The namespace's default ServiceAccount comes from kube-controller-manager a moment after the namespace.
        await waitFor(`peer pod ${e.namespace}/${name} created`, 60_000, async () => {
            const r = await this.cluster.kubectl(["create", "-f", "-"], { input: JSON.stringify(pod), allowFailure: true });
            return r.code === 0;
        });
        this.peers.set(key, { namespace: e.namespace, name });
    }

    private async place(rt: ResolvedTruthTable, e: Endpoint): Promise<Place> {
        if (e.kind === "ip") {
            const h = await this.dp.host(e.ip, []);
            return { netns: h.netns, ip: e.ip, listener: h.name, listenerLog: h.listenerLog, endpoint: e };
        }
        const component = this.releaseComponent(rt, e);
        let pod = component ? await this.runningPod(rt.model.namespace, component) : undefined;
        let note: string | undefined;
        if (!pod) {
            const name = `peer-${PEER_LABEL_HASH(e.namespace, e.labels)}`;
            pod = await this.cluster.get("pod", name, e.namespace);
            if (!pod) throw new Error(`no pod for ${e.namespace}/${e.name ?? JSON.stringify(e.labels)}`);
            if (component) note = `stand-in pod with the ${component} template's labels`;
        }
        const runtime = this.dp.agent.podRuntime(pod.metadata.namespace, pod.metadata.name);
        if (!runtime) throw new Error(`pod ${pod.metadata.namespace}/${pod.metadata.name} has no network namespace on the test node`);
        return {
            netns: runtime.netns,
            ip: runtime.ip,
            listener: `${pod.metadata.namespace}/${pod.metadata.name}`,
            listenerLog: runtime.listenerLog,
            endpoint: {
                kind: "pod",
                name: `${pod.metadata.namespace}/${pod.metadata.name}`,
                namespace: pod.metadata.namespace,
                labels: pod.metadata.labels ?? {},
                ip: runtime.ip,
            },
            note,
        };
    }

    /** The analyzer's model of what is live: every Namespace and NetworkPolicy of the cluster. */
    private async liveModel(): Promise<Model> {
        const namespaces = await this.cluster.list("namespaces");
        const policies = await this.cluster.list("networkpolicies");
        return modelFromManifests([...namespaces, ...policies], "default").cluster;
    }

    /** Waits until kube-router's rules in the node namespace stop changing (bounded). */
    async settle(): Promise<void> {
        let last = "";
        let stable = 0;
        await waitFor(
            "kube-router's rules settled",
            60_000,
            async () => {
                const now = await this.dp.router.rules();
                stable = now === last ? stable + 1 : 0;
                last = now;
                return stable >= 2;
            },
            1000,
        );
    }

    private logged(file: string, id: string): boolean {
        if (!fs.existsSync(file)) return false;
        return fs
            .readFileSync(file, "utf8")
            .split("\n")
            .some((l) => l.includes(`"PROBE ${id}"`));
    }

    private judge(c: FlowCase, from: Place, to: Place, id: string, r: WireResult): { packets: Verdict | "unproven"; detail: string } {
        const how = `${c.probe.protocol} ${from.ip} -> ${to.ip}:${c.probe.port}`;
        const notes = [from.note, to.note].filter(Boolean).join("; ");
        const tail = notes ? ` (${notes})` : "";
        if (r.outcome === "open") {
            if (r.reply.startsWith(`vmafx-listener ${to.listener} `))
                return { packets: "allowed", detail: `${how}: answered by ${to.listener} in ${r.ms} ms${tail}` };
            return { packets: "unproven", detail: `${how}: answered by someone else: ${r.reply}${tail}` };
        }
        if (this.logged(to.listenerLog, id)) return { packets: "unproven", detail: `${how}: ${r.outcome}, but ${to.listener} logged the probe${tail}` };
        return { packets: "denied", detail: `${how}: ${r.outcome} (${r.reply}) in ${r.ms} ms, ${to.listener} never saw it${tail}` };
    }

    /**
     * Sends every IPv4 flow of `flows` and returns one result per flow (IPv6 flows are left out: see
     * test/e2e/README.md). A flow whose packets disagree is sent once more after 3 s, in case the engine was still
     * applying a change.
     */
    async check(rt: ResolvedTruthTable, table: string, flows: readonly FlowCase[]): Promise<FlowResult[]> {
        await this.settle();
        const live = await this.liveModel();
        const sendable = flows.filter((f) => !isIpv6(f.probe.from) && !isIpv6(f.probe.to));
        // Each endpoint is placed once (a pod lookup each), however many flows name it.
        const places = new Map<Endpoint, Promise<Place>>();
        const placeOnce = (e: Endpoint) => {
            if (!places.has(e)) places.set(e, this.place(rt, e));
            return places.get(e)!;
        };
        const placed = await Promise.all(sendable.map(async (c) => ({ c, from: await placeOnce(c.probe.from), to: await placeOnce(c.probe.to) })));
        const analyzerOf = (p: (typeof placed)[number]): Verdict =>
            evaluateFlow(live, p.from.endpoint, p.to.endpoint, p.c.probe.port, p.c.probe.protocol).allowed ? "allowed" : "denied";
        const send = async (batch: typeof placed) => {
            const wires: WireProbe[] = batch.map((p) => ({
                id: `${table}-${++this.seq}`,
                netns: p.from.netns,
                dst: p.to.ip,
                port: p.c.probe.port,
                proto: p.c.probe.protocol as "TCP" | "UDP",
                timeoutMs: 2000,
            }));
            const results = await runProbes(wires);
            return batch.map((p, i) => this.judge(p.c, p.from, p.to, wires[i].id, results[i]));
        };
        const judged = await send(placed);
        const again = placed.map((p, i) => ({ p, i })).filter(({ p, i }) => judged[i].packets !== p.c.expected || judged[i].packets !== analyzerOf(p));
        if (again.length > 0) {
            await new Promise((r) => setTimeout(r, 3000));
            const second = await send(again.map((a) => a.p));
            again.forEach((a, k) => (judged[a.i] = { ...second[k], detail: `${second[k].detail} (second try)` }));
        }
        return placed.map((p, i) => {
            const analyzer = analyzerOf(p);
            const { packets, detail } = judged[i];
            return {
                table,
                label: p.c.probe.label,
                expected: p.c.expected,
                analyzer,
                packets,
                detail,
                pass: packets === p.c.expected && analyzer === p.c.expected,
            };
        });
    }

    /** Deletes the peer Pods and the namespaces made for them. */
    async cleanup(): Promise<void> {
        for (const p of this.peers.values())
            await this.cluster.kubectl(["delete", "pod", p.name, "-n", p.namespace, "--ignore-not-found", "--wait=true", "--timeout=60s"], {
                allowFailure: true,
            });
        for (const ns of this.peerNamespaces)
            await this.cluster.kubectl(["delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=120s"], { allowFailure: true });
        this.peers.clear();
        this.peerNamespaces.clear();
    }
}

export function resultLine(r: FlowResult): string {
    const verdicts = `expected ${r.expected}, analyzer ${r.analyzer}, packets ${r.packets}`;
    return r.pass ? `PASS ${r.expected} [${r.table}] ${r.label}: ${r.detail}` : `FAIL [${r.table}] ${r.label}: ${verdicts}; ${r.detail}`;
}
