// The dataplane of the scenarios that need real controllers and real packets: kube-controller-manager, one test node
// (node-agent.ts, in network namespaces of this run: netns.ts) and kube-router's NetworkPolicy firewall inside the
// node's namespace. startDataplane() records the machine's own firewall state first; hostUntouched() compares it at
// the end. stop() (also called by the suite's teardown) stops every process by PID and removes every namespace.
import * as fs from "fs";
import * as path from "path";
import { run } from "../exec";
import { SERVICE_CIDR } from "../cluster";
import { say } from "../summary";
import type { E2eEnv } from "../index";
import { Api, apiFromKubeconfig } from "./api";
import { startControllerManager } from "./controller-manager";
import { KubeRouter, startKubeRouter, withoutCounters } from "./kube-router";
import { TestNodeAgent } from "./node-agent";
import { Topology, Veth } from "./netns";
import { Started, startProcess } from "../processes";
import { PY_DIR } from "./py-dir";

export * from "./netns";
export * from "./node-agent";
export * from "./probes";

export const NODE_NAME = "vmafx-e2e-node";

/** An external test host: a namespace with addresses on its loopback and a listener on the ports asked for. */
export interface TestHost extends Veth {
    readonly addresses: readonly string[];
    readonly name: string;
    readonly listenerLog: string;
    ports: { port: number; protocol: "TCP" | "UDP" }[];
    listener?: Started;
}

export interface Dataplane {
    readonly api: Api;
    readonly topology: Topology;
    readonly agent: TestNodeAgent;
    readonly router: KubeRouter;
    readonly dir: string;
    /** The test host holding `address` (made on first use), listening on at least `ports`. */
    host(address: string, ports: readonly { port: number; protocol: "TCP" | "UDP" }[]): Promise<TestHost>;
    /** Differences of the machine's own iptables, ip6tables, ipsets and interfaces since the start (empty: none). */
    hostUntouched(): Promise<string[]>;
    stop(): Promise<void>;
}

let active: Dataplane | undefined;

/** The machine's own firewall and interfaces, as text, without counters or timestamps. */
async function hostState(): Promise<Record<string, string>> {
    const read = async (cmd: string, args: string[]) => {
        const r = await run(cmd, args, { allowFailure: true, timeoutMs: 30_000 });
        return r.code === 0 ? r.stdout : `(${cmd} ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()})`;
    };
    return {
        "iptables-save": withoutCounters(await read("iptables-save", [])),
        "ip6tables-save": withoutCounters(await read("ip6tables-save", [])),
        "ipset list -name": await read("ipset", ["list", "-name"]),
        "ip -o link (names)": (await read("ip", ["-o", "link"]))
            .split("\n")
            .map((l) => l.split(":")[1]?.trim() ?? "")
            .sort()
            .join("\n"),
        "ip route": await read("ip", ["route"]),
    };
}

export async function startDataplane(env: E2eEnv, nodeLabels: Record<string, string>): Promise<Dataplane> {
    if (active) throw new Error("the dataplane is already running");
    const before = await hostState();
    const dir = path.join(env.workDir, "dataplane");
    fs.mkdirSync(dir, { recursive: true });
    const api = apiFromKubeconfig(env.cluster.kubeconfig);
    const topology = new Topology();
    const hosts = new Map<string, TestHost>();
    let kcm: Started | undefined;
    let agent: TestNodeAgent | undefined;
    let router: KubeRouter | undefined;
    const stop = async () => {
        for (const h of hosts.values()) await h.listener?.stop();
        await router?.stop();
        await agent?.stop();
        await kcm?.stop();
        await topology.destroy();
        active = undefined;
    };
    try {
        const t0 = Date.now();
        await topology.create();
        kcm = await startControllerManager(env.cluster, env.tc, dir);
        agent = new TestNodeAgent({ api, topology, nodeName: NODE_NAME, nodeLabels, dir, engineKnows: (podIp) => router?.knows(podIp) ?? Promise.resolve() });
        await agent.start();
        router = await startKubeRouter(api, env.tc, topology, NODE_NAME, SERVICE_CIDR, dir);
        say(
            `dataplane up in ${Math.round((Date.now() - t0) / 1000)}s: kube-controller-manager, test node ${NODE_NAME} (netns ${topology.nodeNs}), ${router.version}`,
        );
    } catch (e) {
        await stop();
        throw e;
    }
    const dp: Dataplane = {
        api,
        topology,
        agent,
        router,
        dir,
        async host(address, ports) {
            let h = hosts.get(address);
            if (!h) {
                const veth = await topology.addHost([address]);
                h = { ...veth, addresses: [address], name: `host/${address}`, listenerLog: path.join(dir, "hosts", `${address}.jsonl`), ports: [] };
                hosts.set(address, h);
            }
            const missing = ports.filter((p) => !h!.ports.some((q) => q.port === p.port && q.protocol === p.protocol));
            if (missing.length > 0 || !h.listener) {
                await h.listener?.stop();
                h.ports = [...h.ports, ...missing];
                const flags = h.ports.flatMap((p) => [p.protocol === "UDP" ? "--udp" : "--tcp", String(p.port)]);
                h.listener = await startProcess(
                    "ip",
                    ["netns", "exec", h.netns, "python3", path.join(PY_DIR, "listener.py"), "--name", h.name, "--log", h.listenerLog, ...flags],
                    path.join(dir, "hosts", `${address}.out`),
                    { readyLine: "ready" },
                );
            }
            return h;
        },
        async hostUntouched() {
            const after = await hostState();
            return Object.keys(before)
                .filter((k) => before[k] !== after[k])
                .map((k) => `${k} changed:\n--- before\n${before[k]}\n--- after\n${after[k]}`);
        },
        stop,
    };
    active = dp;
    return dp;
}

/** Stops the running dataplane, if any (the suite's teardown calls it after destroying leftover stacks). */
export async function stopDataplane(): Promise<void> {
    await active?.stop();
}
