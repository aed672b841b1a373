// kube-router's NetworkPolicy firewall (only: no routing, no service proxy, no CNI) inside the test node's network
// namespace, so its iptables rules and ipsets live there and nowhere else. It reaches the API server through
// api_bridge.py (a socket listening inside the node namespace, piped to the loopback API server by a process in
// the machine's namespace), so the node namespace has no link to the machine's interfaces.
// Test-only: kube-router v2.1.0 has reported security flaws; it runs here confined to that namespace.
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { waitFor } from "../exec";
import { Toolchain } from "../toolchain";
import { Api } from "./api";
import { inNetns, Topology } from "./netns";
import { Started, startProcess } from "../processes";
import { PY_DIR } from "./py-dir";

const BRIDGE_PORT = 6443;

export interface KubeRouter {
    readonly version: string;
    /** `iptables-save` of the node namespace, packet counters left out. */
    rules(): Promise<string>;
    /**
     * Resolves when a pod address is in one of kube-router's ipsets (a policy selects the pod as a peer or a target),
     * or after 3 s when no policy names it (then there is nothing to learn).
     */
    knows(podIp: string): Promise<void>;
    stop(): Promise<void>;
}

export function withoutCounters(rules: string): string {
    return rules
        .split("\n")
        .filter((l) => !l.startsWith("#"))
        .map((l) => l.replace(/\[\d+:\d+\]/g, ""))
        .join("\n");
}

export async function startKubeRouter(api: Api, tc: Toolchain, topology: Topology, nodeName: string, serviceCidr: string, dir: string): Promise<KubeRouter> {
    const apiPort = new URL(api.server).port;
    const bridge = await startProcess(
        "python3",
        [path.join(PY_DIR, "api_bridge.py"), `/run/netns/${topology.nodeNs}`, String(BRIDGE_PORT), apiPort],
        path.join(dir, "api-bridge.log"),
        {
            readyLine: "ready",
        },
    );
    const kubeconfig = path.join(dir, "kube-router.kubeconfig");
    fs.writeFileSync(
        kubeconfig,
        yaml.dump({
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                { name: "e2e", cluster: { server: `https://127.0.0.1:${BRIDGE_PORT}`, "certificate-authority-data": Buffer.from(api.ca).toString("base64") } },
            ],
            users: [{ name: "kube-router", user: { token: api.token } }],
            contexts: [{ name: "e2e", context: { cluster: "e2e", user: "kube-router" } }],
            "current-context": "e2e",
        }),
        { mode: 0o600 },
    );
    const bin = path.join(tc.bin, "kube-router");
    const v = await inNetns(topology.nodeNs, [bin, "--version"], true);
    const version = `kube-router ${/version (v\S+?),?\s/.exec(`${v.stdout} ${v.stderr} `)?.[1] ?? "(version unknown)"}`;
    let router: Started | undefined;
    const stop = async () => {
        await router?.stop();
        await bridge.stop();
    };
    try {
        router = await startProcess(
            "ip",
            [
                "netns",
                "exec",
                topology.nodeNs,
                bin,
                "--run-firewall=true",
                "--run-router=false",
                "--run-service-proxy=false",
                "--enable-cni=false",
                `--hostname-override=${nodeName}`,
                `--kubeconfig=${kubeconfig}`,
                `--service-cluster-ip-range=${serviceCidr}`,
                "--iptables-sync-period=30s",
                "--metrics-port=0",
                "--v=1",
            ],
            path.join(dir, "kube-router.log"),
        );
        const r = router;
        await waitFor("kube-router's firewall chains in the node namespace", 90_000, async () => {
            if (r.child.exitCode !== null) throw new Error(`kube-router exited ${r.child.exitCode}; see ${r.log}`);
            return (await inNetns(topology.nodeNs, ["iptables-save"], true)).stdout.includes("KUBE-ROUTER-FORWARD");
        });
    } catch (e) {
        await stop();
        throw e;
    }
    return {
        version,
        rules: async () => withoutCounters((await inNetns(topology.nodeNs, ["iptables-save"])).stdout),
        async knows(podIp) {
            const deadline = Date.now() + 3000;
            while (Date.now() < deadline) {
                const sets = (await inNetns(topology.nodeNs, ["ipset", "save"], true)).stdout;
                if (sets.split("\n").some((l) => l.startsWith("add ") && l.split(" ")[2] === podIp)) return;
                await new Promise((r) => setTimeout(r, 200));
            }
        },
        stop,
    };
}
