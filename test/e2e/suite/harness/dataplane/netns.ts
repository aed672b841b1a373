// The test node's network: network namespaces this run creates, and nothing else. One "node" namespace holds the
// pod bridge (the pods' gateway, and the Node's InternalIP) and, later, kube-router's rules; one
// namespace per pod (a veth whose other end joins the bridge) and one per external test host (its addresses on lo,
// a veth to the node namespace). No interface, route or rule is ever made in the machine's own namespace, and every
// namespace made is removed by stop(), by the names this run recorded (the run id keeps concurrent runs apart).
import * as crypto from "crypto";
import { run, RunResult } from "../exec";

/** Addresses of the test topology. Pods and the node use documentation and private ranges that exist only here. */
export const POD_CIDR = "10.244.0.0/24";
export const POD_GATEWAY = "10.244.0.1";
/** The Node's InternalIP (kube-router selects local pods by hostIP = this address). */
export const NODE_IP = "192.0.2.1";

export async function ip(args: string[], allowFailure = false): Promise<RunResult> {
    return run("ip", args, { timeoutMs: 20_000, allowFailure });
}

/** Runs a command inside a namespace (`ip netns exec`), bounded. */
export async function inNetns(ns: string, command: string[], allowFailure = false): Promise<RunResult> {
    return run("ip", ["netns", "exec", ns, ...command], { timeoutMs: 30_000, allowFailure });
}

export interface Veth {
    /** The pod's or host's namespace. */
    netns: string;
    /** The node-side end (in the node namespace). */
    nodeEnd: string;
}

export class Topology {
    readonly runId = crypto.randomBytes(3).toString("hex");
    readonly nodeNs = `vmafx-e2e-${this.runId}-node`;
    readonly bridge = "vxbr0";
    private readonly made: string[] = [];
    private seq = 0;
    private readonly freeIps: string[] = [];

    constructor() {
        // .1 is the gateway; .2-.254 for pods.
        for (let i = 2; i < 255; i++) this.freeIps.push(`10.244.0.${i}`);
    }

    get namespaces(): readonly string[] {
        return this.made;
    }

    async create(): Promise<void> {
        await this.addNetns(this.nodeNs);
        const n = this.nodeNs;
        await ip(["-n", n, "link", "add", this.bridge, "type", "bridge"]);
        await ip(["-n", n, "addr", "add", `${POD_GATEWAY}/24`, "dev", this.bridge]);
        await ip(["-n", n, "link", "set", this.bridge, "up"]);
        // The Node's InternalIP as a second address of the bridge (the kernel here has no dummy interfaces).
        await ip(["-n", n, "addr", "add", `${NODE_IP}/32`, "dev", this.bridge]);
        await inNetns(n, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
        // Pod-to-pod traffic crosses the bridge; only with br_netfilter's hook does it meet kube-router's rules.
        const brnf = await inNetns(n, ["sysctl", "-n", "net.bridge.bridge-nf-call-iptables"], true);
        if (brnf.stdout.trim() !== "1") {
            throw new Error(`net.bridge.bridge-nf-call-iptables is not 1 in ${n} (${brnf.stdout.trim() || brnf.stderr.trim()}): is br_netfilter loaded?`);
        }
    }

    private async addNetns(name: string): Promise<void> {
        await ip(["netns", "add", name]);
        this.made.push(name);
        await ip(["-n", name, "link", "set", "lo", "up"]);
    }

    /** A pod's namespace with its address from the pod CIDR and a default route through the bridge. */
    async addPod(): Promise<Veth & { ip: string }> {
        const address = this.freeIps.shift();
        if (!address) throw new Error(`the pod CIDR ${POD_CIDR} is exhausted`);
        const id = ++this.seq;
        const netns = `vmafx-e2e-${this.runId}-p${id}`;
        const nodeEnd = `vp${id}`;
        try {
            await this.addNetns(netns);
            await ip(["-n", this.nodeNs, "link", "add", nodeEnd, "type", "veth", "peer", "name", "eth0", "netns", netns]);
            await ip(["-n", this.nodeNs, "link", "set", nodeEnd, "master", this.bridge, "up"]);
            await ip(["-n", netns, "addr", "add", `${address}/24`, "dev", "eth0"]);
            await ip(["-n", netns, "link", "set", "eth0", "up"]);
            await ip(["-n", netns, "route", "add", "default", "via", POD_GATEWAY]);
        } catch (e) {
            this.freeIps.push(address);
            throw e;
        }
        return { netns, nodeEnd, ip: address };
    }

    /** Removes a pod's namespace (its veth pair goes with it) and frees its address. */
    async removePod(netns: string, address: string): Promise<void> {
        await this.removeNetns(netns);
        this.freeIps.push(address);
    }

    /**
     * An external test host: a namespace with `addresses` on its loopback, reached from the node namespace through a
     * veth with a /32 route per address; it answers through the pod gateway.
     */
    async addHost(addresses: readonly string[]): Promise<Veth> {
        const id = ++this.seq;
        const netns = `vmafx-e2e-${this.runId}-h${id}`;
        const nodeEnd = `vh${id}`;
        await this.addNetns(netns);
        await ip(["-n", this.nodeNs, "link", "add", nodeEnd, "type", "veth", "peer", "name", "eth0", "netns", netns]);
        await ip(["-n", this.nodeNs, "link", "set", nodeEnd, "up"]);
        await ip(["-n", netns, "link", "set", "eth0", "up"]);
        for (const a of addresses) {
            await ip(["-n", netns, "addr", "add", `${a}/32`, "dev", "lo"]);
            await ip(["-n", this.nodeNs, "route", "add", `${a}/32`, "dev", nodeEnd]);
        }
        await ip(["-n", netns, "route", "add", "default", "via", POD_GATEWAY, "dev", "eth0", "onlink"]);
        return { netns, nodeEnd };
    }

    private async removeNetns(name: string): Promise<void> {
        await ip(["netns", "del", name], true);
        const i = this.made.indexOf(name);
        if (i >= 0) this.made.splice(i, 1);
    }

    /** Removes every namespace this run made, the node namespace last. */
    async destroy(): Promise<void> {
        for (const name of [...this.made].reverse()) await this.removeNetns(name);
    }
}
