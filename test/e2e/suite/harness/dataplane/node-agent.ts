// TEST SCAFFOLDING, not a kubelet: the e2e's stand-in for the network part of a kubelet (and the scheduler's binding
// step and a static volume provisioner) for one Node object, so that real controllers (kube-controller-manager)
// roll out real Pods that a real NetworkPolicy engine (kube-router) then filters:
// - registers the Node (labels, pod CIDR, InternalIP, capacity, Ready);
// - binds every pending Pod whose nodeSelector and required node affinity match the Node's labels;
// - gives each bound Pod a network namespace with a veth on the node's bridge and an address from the pod CIDR,
//   starts in it a listener on every port its containers declare, and reports it Running and Ready through the
//   status subresource (podIP, hostIP = the Node's InternalIP, which kube-router selects local pods by);
// - runs a run-to-completion Pod whose container is a `wget … <url>` check (the smoke test) as that real HTTP request
//   from the Pod's own namespace, to an endpoint of the Service the URL names (where kube-proxy would send it; no
//   service proxy runs), once the Pod is reported Running with its address and the engine has taken that address
//   in, and reports Succeeded or Failed from its result; any other run-to-completion Pod Fails;
// - on deletion, removes the Pod's namespace and listener and deletes the Pod for good (grace period 0);
// - gives every pending PersistentVolumeClaim a matching hostPath PersistentVolume (pre-bound by claimRef) under
//   the work dir, and deletes it once Released.
// Container images are never pulled or run: a Pod's "process" is its listener.
import * as fs from "fs";
import * as path from "path";
import { Api, ApiError } from "./api";
import { NODE_IP, POD_CIDR, Topology } from "./netns";
import { Started, startProcess } from "../processes";
import { PY_DIR } from "./py-dir";
import { runProbes } from "./probes";

export interface AgentOptions {
    api: Api;
    topology: Topology;
    nodeName: string;
    /** Labels of the Node, beyond kubernetes.io/hostname and kubernetes.io/os. */
    nodeLabels: Record<string, string>;
    dir: string;
    /**
     * Resolves once the NetworkPolicy engine has taken in a new pod address (bounded). A run-to-completion Pod's check
     * runs only after it: the start-up time a container runtime would give, without which the check's single request
     * races the engine learning the Pod's address.
     */
    engineKnows?: (podIp: string) => Promise<void>;
}

interface PodRuntime {
    uid: string;
    namespace: string;
    name: string;
    netns: string;
    ip: string;
    listener?: Started;
    listenerLog: string;
    ports: { port: number; protocol: string }[];
    /** "running", or the phase a finished Pod ended in. */
    state: "running" | "Succeeded" | "Failed";
}

export interface WgetCheck {
    url: string;
}

const POLL_MS = 300;

/** The URL of a `wget [options] <url>` container, or undefined. */
export function wgetCheck(container: any): WgetCheck | undefined {
    const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])];
    if (path.basename(argv[0] ?? "") !== "wget") return undefined;
    const url = argv.slice(1).find((a) => /^https?:\/\//.test(a));
    return url ? { url } : undefined;
}

function matchesExpression(labels: Record<string, string>, e: { key: string; operator: string; values?: string[] }): boolean {
    const v = labels[e.key];
    switch (e.operator) {
        case "In":
            return v !== undefined && (e.values ?? []).includes(v);
        case "NotIn":
            return v === undefined || !(e.values ?? []).includes(v);
        case "Exists":
            return v !== undefined;
        case "DoesNotExist":
            return v === undefined;
        case "Gt":
            return v !== undefined && Number(v) > Number(e.values?.[0]);
        case "Lt":
            return v !== undefined && Number(v) < Number(e.values?.[0]);
        default:
            return false;
    }
}

/** Whether a Pod may run on a node with these labels (nodeSelector and requiredDuringScheduling node affinity). */
export function podFitsNode(pod: any, labels: Record<string, string>): boolean {
    const selector: Record<string, string> = pod.spec?.nodeSelector ?? {};
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) return false;
    const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (!terms || terms.length === 0) return true;
    return terms.some((t: any) => (t.matchExpressions ?? []).every((e: any) => matchesExpression(labels, e)));
}

export class TestNodeAgent {
    private readonly pods = new Map<string, PodRuntime>();
    private readonly volumes = new Set<string>();
    private readonly unfit = new Set<string>();
    private timer: NodeJS.Timeout | undefined;
    private ticking: Promise<void> | undefined;
    private stopped = false;
    private readonly logFile: string;
    readonly labels: Record<string, string>;
    /** Errors of the agent's own work (not of the Pods it runs), for the scenario to assert on. */
    readonly errors: string[] = [];

    constructor(private readonly o: AgentOptions) {
        fs.mkdirSync(o.dir, { recursive: true });
        this.logFile = path.join(o.dir, "agent.log");
        this.labels = { ...o.nodeLabels, "kubernetes.io/hostname": o.nodeName, "kubernetes.io/os": "linux" };
    }

    log(line: string): void {
        fs.appendFileSync(this.logFile, `${new Date().toISOString()} ${line}\n`);
    }

    /** The network namespace and address of a running Pod, by namespace/name. */
    podRuntime(namespace: string, name: string): { netns: string; ip: string; listenerLog: string } | undefined {
        for (const p of this.pods.values()) if (p.namespace === namespace && p.name === name && p.state === "running") return p;
        return undefined;
    }

    async start(): Promise<void> {
        const { api, nodeName } = this.o;
        await api.request("POST", "/api/v1/nodes", {
            apiVersion: "v1",
            kind: "Node",
            metadata: { name: nodeName, labels: this.labels },
            spec: { podCIDR: POD_CIDR, podCIDRs: [POD_CIDR] },
        });
        const now = new Date().toISOString();
        const capacity = { cpu: "64", memory: "256Gi", pods: "250", "ephemeral-storage": "100Gi", "nvidia.com/gpu": "16" };
        await api.mergePatch(`/api/v1/nodes/${nodeName}/status`, {
            status: {
                addresses: [
                    { type: "InternalIP", address: NODE_IP },
                    { type: "Hostname", address: nodeName },
                ],
                capacity,
                allocatable: capacity,
                conditions: [
                    { type: "Ready", status: "True", reason: "KubeletReady", message: "e2e test node", lastHeartbeatTime: now, lastTransitionTime: now },
                ],
                nodeInfo: { kubeletVersion: "e2e-test-node", containerRuntimeVersion: "none://", operatingSystem: "linux", architecture: "amd64" },
            },
        });
        // The TaintNodesByCondition admission plugin taints a new Node not-ready; the node lifecycle controller, which
        // would lift it once the Node reports Ready, is not run (cluster.ts), so lift it here.
        await api.mergePatch(`/api/v1/nodes/${nodeName}`, { spec: { taints: null } });
        this.log(`node ${nodeName} registered (InternalIP ${NODE_IP}, podCIDR ${POD_CIDR}, labels ${JSON.stringify(this.labels)})`);
        this.schedule();
    }

    private schedule(): void {
        if (this.stopped) return;
        this.timer = setTimeout(() => {
            this.ticking = this.tick()
                .catch((e) => this.fail(`tick: ${(e as Error).message}`))
                .finally(() => {
                    this.ticking = undefined;
                    this.schedule();
                });
        }, POLL_MS);
    }

    private fail(message: string): void {
        if (this.stopped) return;
        this.errors.push(message);
        this.log(`ERROR ${message}`);
    }

    private async tick(): Promise<void> {
        const { api, nodeName } = this.o;
        const pods: any[] = (await api.get("/api/v1/pods")).items ?? [];
        const seen = new Set<string>();
        const work: Promise<void>[] = [];
        for (const pod of pods) {
            const uid = pod.metadata.uid;
            seen.add(uid);
            const mine = pod.spec.nodeName === nodeName;
            if (pod.metadata.deletionTimestamp) {
                if (mine) work.push(this.finalize(pod));
                continue;
            }
            if (!pod.spec.nodeName) {
                work.push(this.bind(pod));
            } else if (mine && !this.pods.has(uid) && (pod.status?.phase ?? "Pending") === "Pending") {
                work.push(this.run(pod));
            }
        }
        for (const [uid, p] of this.pods) if (!seen.has(uid)) work.push(this.teardown(p));
        await Promise.all(work.map((w) => w.catch((e) => this.fail((e as Error).message))));
        await this.volumesTick();
    }

    private async bind(pod: any): Promise<void> {
        const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
        if (!podFitsNode(pod, this.labels)) {
            if (!this.unfit.has(pod.metadata.uid)) {
                this.unfit.add(pod.metadata.uid);
                this.log(`pod ${key} does not fit node ${this.o.nodeName} (nodeSelector/affinity); left Pending`);
            }
            return;
        }
        try {
            await this.o.api.request("POST", `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/binding`, {
                apiVersion: "v1",
                kind: "Binding",
                metadata: { name: pod.metadata.name, uid: pod.metadata.uid },
                target: { apiVersion: "v1", kind: "Node", name: this.o.nodeName },
            });
            this.log(`bound ${key}`);
        } catch (e) {
            // Already bound or gone since the list: the next tick sees it as it is.
            if (!(e instanceof ApiError && (e.status === 409 || e.status === 404))) throw e;
        }
    }

    private declaredPorts(pod: any): { port: number; protocol: string }[] {
        const ports: { port: number; protocol: string }[] = [];
        for (const c of pod.spec.containers ?? [])
            for (const p of c.ports ?? []) ports.push({ port: p.containerPort, protocol: (p.protocol ?? "TCP").toUpperCase() });
        return ports;
    }

    private async run(pod: any): Promise<void> {
        const { namespace, name, uid } = pod.metadata;
        const veth = await this.o.topology.addPod();
        const rt: PodRuntime = {
            uid,
            namespace,
            name,
            netns: veth.netns,
            ip: veth.ip,
            listenerLog: path.join(this.o.dir, "listeners", `${namespace}_${name}.jsonl`),
            ports: this.declaredPorts(pod),
            state: "running",
        };
        this.pods.set(uid, rt);
        try {
            await this.startRuntime(pod, rt);
        } catch (e) {
            await this.teardown(rt).catch(() => undefined);
            throw new Error(`pod ${namespace}/${name}: ${(e as Error).message}`, { cause: e });
        }
    }

    private async startRuntime(pod: any, rt: PodRuntime): Promise<void> {
        const { namespace, name } = pod.metadata;
        const runToCompletion = ["Never", "OnFailure"].includes(pod.spec.restartPolicy);
        const started = new Date().toISOString();
        if (runToCompletion) {
            const check = (pod.spec.containers ?? []).map(wgetCheck).find((c: WgetCheck | undefined) => c !== undefined);
            // Running with its address first, as a kubelet reports it once the container started: only then can the
            // NetworkPolicy engine match the Pod's address.
            await this.patchStatus(pod, this.runningStatus(pod, rt, started));
            await this.o.engineKnows?.(rt.ip);
            const result = check ? await this.runWget(rt, check) : { ok: false, message: "the e2e test node runs only `wget <url>` checks" };
            rt.state = result.ok ? "Succeeded" : "Failed";
            this.log(`pod ${namespace}/${name} (${rt.ip}) ${rt.state}: ${result.message}`);
            await this.patchStatus(pod, this.finishedStatus(pod, rt, started, result));
            // Like a kubelet after the container exits: the sandbox goes, the Pod object stays.
            await this.o.topology.removePod(rt.netns, rt.ip);
            return;
        }
        const tcp = rt.ports.filter((p) => p.protocol === "TCP").flatMap((p) => ["--tcp", String(p.port)]);
        const udp = rt.ports.filter((p) => p.protocol === "UDP").flatMap((p) => ["--udp", String(p.port)]);
        rt.listener = await startProcess(
            "ip",
            ["netns", "exec", rt.netns, "python3", path.join(PY_DIR, "listener.py"), "--name", `${namespace}/${name}`, "--log", rt.listenerLog, ...tcp, ...udp],
            path.join(this.o.dir, "listeners", `${namespace}_${name}.out`),
            { readyLine: "ready" },
        );
        await this.patchStatus(pod, this.runningStatus(pod, rt, started));
        this.log(
            `pod ${namespace}/${name} Running at ${rt.ip} in ${rt.netns}, listening on ${rt.ports.map((p) => `${p.protocol}/${p.port}`).join(", ") || "nothing"}`,
        );
    }

    /** The smoke test's request: URL host -> Service -> a ready endpoint and the port its Service port targets. */
    private async runWget(rt: PodRuntime, check: WgetCheck): Promise<{ ok: boolean; message: string }> {
        const url = new URL(check.url);
        const [service, nsPart] = url.hostname.split(".");
        const namespace = nsPart ?? rt.namespace;
        const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
        const svc = await this.o.api.find(`/api/v1/namespaces/${namespace}/services/${service}`);
        if (!svc) return { ok: false, message: `wget: bad address '${url.host}' (no Service ${namespace}/${service})` };
        const sp = (svc.spec.ports ?? []).find((p: any) => p.port === port);
        if (!sp) return { ok: false, message: `Service ${namespace}/${service} has no port ${port}` };
        const slices = await this.o.api.get(
            `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`,
        );
        for (const slice of slices.items ?? []) {
            const target = (slice.ports ?? []).find((p: any) => (p.name ?? "") === (sp.name ?? ""));
            const ep = (slice.endpoints ?? []).find((e: any) => e.conditions?.ready !== false && e.addresses?.length);
            if (!target || !ep) continue;
            const [r] = await runProbes([
                {
                    id: `wget-${rt.name}`,
                    netns: rt.netns,
                    dst: ep.addresses[0],
                    port: target.port,
                    proto: "TCP",
                    timeoutMs: 10_000,
                    http: url.pathname,
                    host: url.host,
                },
            ]);
            const ok = r.outcome === "open" && /^HTTP\/1\.[01] 2\d\d/.test(r.reply);
            return { ok, message: `GET ${check.url} -> ${ep.addresses[0]}:${target.port} from ${rt.ip}: ${r.outcome} ${r.reply}` };
        }
        return { ok: false, message: `no ready endpoint of Service ${namespace}/${service} port ${port}` };
    }

    private baseStatus(pod: any, rt: PodRuntime, started: string) {
        return {
            hostIP: NODE_IP,
            hostIPs: [{ ip: NODE_IP }],
            podIP: rt.ip,
            podIPs: [{ ip: rt.ip }],
            startTime: started,
            qosClass: pod.status?.qosClass,
        };
    }

    private runningStatus(pod: any, rt: PodRuntime, started: string) {
        const cond = (type: string) => ({ type, status: "True", lastTransitionTime: started });
        return {
            ...this.baseStatus(pod, rt, started),
            phase: "Running",
            conditions: [cond("PodReadyToStartContainers"), cond("Initialized"), cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
            containerStatuses: (pod.spec.containers ?? []).map((c: any) => ({
                name: c.name,
                image: c.image,
                imageID: "",
                containerID: `e2e-test-node://${rt.uid}/${c.name}`,
                ready: true,
                started: true,
                restartCount: 0,
                state: { running: { startedAt: started } },
            })),
        };
    }

    private finishedStatus(pod: any, rt: PodRuntime, started: string, result: { ok: boolean; message: string }) {
        const finished = new Date().toISOString();
        const cond = (type: string, status: string, reason?: string) => ({ type, status, lastTransitionTime: finished, ...(reason ? { reason } : {}) });
        return {
            ...this.baseStatus(pod, rt, started),
            phase: result.ok ? "Succeeded" : "Failed",
            message: result.message.slice(0, 1000),
            conditions: [
                cond("PodReadyToStartContainers", "False"),
                cond("Initialized", "True"),
                cond("Ready", "False", "PodCompleted"),
                cond("ContainersReady", "False", "PodCompleted"),
                cond("PodScheduled", "True"),
            ],
            containerStatuses: (pod.spec.containers ?? []).map((c: any) => ({
                name: c.name,
                image: c.image,
                imageID: "",
                containerID: `e2e-test-node://${rt.uid}/${c.name}`,
                ready: false,
                started: false,
                restartCount: 0,
                state: { terminated: { exitCode: result.ok ? 0 : 1, reason: result.ok ? "Completed" : "Error", startedAt: started, finishedAt: finished } },
            })),
        };
    }

    private async patchStatus(pod: any, status: unknown): Promise<void> {
        await this.o.api.mergePatch(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, { status });
    }

    private async teardown(rt: PodRuntime): Promise<void> {
        this.pods.delete(rt.uid);
        await rt.listener?.stop();
        if (rt.state === "running") await this.o.topology.removePod(rt.netns, rt.ip);
        this.log(`pod ${rt.namespace}/${rt.name} torn down`);
    }

    /** A deleted Pod of this node: stop it, then remove the object for good, as a kubelet does. */
    private async finalize(pod: any): Promise<void> {
        const rt = this.pods.get(pod.metadata.uid);
        if (rt) await this.teardown(rt);
        try {
            await this.o.api.request("DELETE", `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, {
                apiVersion: "v1",
                kind: "DeleteOptions",
                gracePeriodSeconds: 0,
                preconditions: { uid: pod.metadata.uid },
            });
            this.log(`pod ${pod.metadata.namespace}/${pod.metadata.name} deleted`);
        } catch (e) {
            if (!(e instanceof ApiError && (e.status === 404 || e.status === 409))) throw e;
        }
    }

    private async volumesTick(): Promise<void> {
        const { api } = this.o;
        const claims: any[] = (await api.get("/api/v1/persistentvolumeclaims")).items ?? [];
        for (const c of claims) {
            if (c.metadata.deletionTimestamp || c.spec.volumeName || c.status?.phase !== "Pending") continue;
            const name = `e2e-pv-${c.metadata.uid.slice(0, 13)}`;
            if (this.volumes.has(name)) continue;
            const dir = path.join(this.o.dir, "volumes", name);
            fs.mkdirSync(dir, { recursive: true });
            await api.request("POST", "/api/v1/persistentvolumes", {
                apiVersion: "v1",
                kind: "PersistentVolume",
                metadata: { name, labels: { "e2e.vmafx.dev/test-node": this.o.nodeName } },
                spec: {
                    capacity: { storage: c.spec.resources?.requests?.storage ?? "1Gi" },
                    accessModes: c.spec.accessModes ?? ["ReadWriteOnce"],
                    volumeMode: c.spec.volumeMode ?? "Filesystem",
                    storageClassName: c.spec.storageClassName ?? "",
                    persistentVolumeReclaimPolicy: "Retain",
                    claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: c.metadata.namespace, name: c.metadata.name, uid: c.metadata.uid },
                    hostPath: { path: dir, type: "DirectoryOrCreate" },
                },
            });
            this.volumes.add(name);
            this.log(`volume ${name} for claim ${c.metadata.namespace}/${c.metadata.name}`);
        }
        const pvs: any[] = (await api.get("/api/v1/persistentvolumes?labelSelector=e2e.vmafx.dev%2Ftest-node")).items ?? [];
        for (const pv of pvs) {
            if (pv.status?.phase !== "Released" || pv.metadata.deletionTimestamp) continue;
            await api.request("DELETE", `/api/v1/persistentvolumes/${pv.metadata.name}`).catch((e) => {
                if (!(e instanceof ApiError && e.status === 404)) throw e;
            });
            this.volumes.delete(pv.metadata.name);
            this.log(`volume ${pv.metadata.name} released and deleted`);
        }
    }

    /** Stops polling, then tears down every Pod runtime (the Pod objects stay). */
    async stop(): Promise<void> {
        this.stopped = true;
        if (this.timer) clearTimeout(this.timer);
        await this.ticking?.catch(() => undefined);
        for (const rt of [...this.pods.values()]) await this.teardown(rt).catch(() => undefined);
    }
}
