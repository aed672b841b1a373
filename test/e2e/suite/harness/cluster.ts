// etcd and kube-apiserver on loopback (random ports): a self-signed serving certificate
// from --cert-dir, token auth, RBAC, PodSecurity admission on as by default. No controllers run here (see
// test/e2e/program/e2e-main.ts for what that means to `pulumi up`); scenarios that need them start the dataplane
// (dataplane/index.ts: kube-controller-manager, a test node, kube-router).
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as yaml from "js-yaml";
import * as net from "net";
import * as path from "path";
import { RunResult, run, waitFor } from "./exec";
import { Started, startProcess } from "./processes";
import { Toolchain } from "./toolchain";

/** The API server's Service range (--service-cluster-ip-range). */
export const SERVICE_CIDR = "10.0.0.0/24";

export interface Cluster {
    kubeconfig: string;
    /** The API server's certificate directory: apiserver.crt (self-signed), sa.key (ServiceAccount signing key). */
    pki: string;
    /** https://127.0.0.1:<port> */
    server: string;
    kubectl(args: string[], opts?: { input?: string; allowFailure?: boolean; timeoutMs?: number }): Promise<RunResult>;
    /** The object as JSON, or undefined when it does not exist. */
    get<T = any>(resource: string, name: string, namespace?: string): Promise<T | undefined>;
    /** The items of `kubectl get <resource>` in a namespace (all namespaces without one). */
    list<T = any>(resource: string, opts?: { namespace?: string; selector?: string }): Promise<T[]>;
    /** Several objects in one request (by apiVersion, kind, name, namespace); the ones that do not exist are left out. */
    getMany<T = any>(refs: ObjectKey[]): Promise<T[]>;
    /** `kubectl apply` of the objects as one List. `force` is --force-conflicts with serverSide (take over fields
     * other managers own), else kubectl's --force (delete and re-create what cannot be patched). */
    apply(objects: object[], opts: { fieldManager: string; serverSide?: boolean; force?: boolean }): Promise<void>;
    /** A raw GET of the API server (e.g. /metrics). */
    raw(urlPath: string): Promise<string>;
    stop(): Promise<void>;
}

export interface ObjectKey {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.on("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const port = (srv.address() as net.AddressInfo).port;
            srv.close(() => resolve(port));
        });
    });
}

function httpGet(url: string, opts: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
    const lib = url.startsWith("https:") ? https : http;
    return new Promise((resolve) => {
        const req = lib.get(url, { ...opts, timeout: 5000 }, (res) => {
            let body = "";
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy());
        req.on("error", () => resolve({ status: 0, body: "" }));
    });
}

/** etcd and kube-apiserver get 20 s to shut down before SIGKILL. */
const KILL_AFTER_MS = 20_000;

export async function startCluster(workDir: string, tc: Toolchain): Promise<Cluster> {
    const dir = path.join(workDir, "cluster");
    const pki = path.join(dir, "pki");
    fs.mkdirSync(pki, { recursive: true });
    const [pEtcd, pPeer, pApi] = [await freePort(), await freePort(), await freePort()];
    let etcd: Started | undefined;
    let apiserver: Started | undefined;
    const stop = async () => {
        await apiserver?.stop();
        await etcd?.stop();
    };
    try {
        etcd = await startProcess(
            path.join(tc.bin, "etcd"),
            [
                "--name=e2e",
                `--data-dir=${path.join(dir, "etcd")}`,
                `--listen-client-urls=http://127.0.0.1:${pEtcd}`,
                `--advertise-client-urls=http://127.0.0.1:${pEtcd}`,
                `--listen-peer-urls=http://127.0.0.1:${pPeer}`,
                `--initial-advertise-peer-urls=http://127.0.0.1:${pPeer}`,
                `--initial-cluster=e2e=http://127.0.0.1:${pPeer}`,
                "--unsafe-no-fsync",
                "--log-level=warn",
            ],
            path.join(dir, "etcd.log"),
            { killAfterMs: KILL_AFTER_MS },
        );
        const etcdProc = etcd.child;
        await waitFor("etcd healthy", 60_000, async () => {
            if (etcdProc.exitCode !== null) throw new Error(`etcd exited ${etcdProc.exitCode}; see ${dir}/etcd.log`);
            return (await httpGet(`http://127.0.0.1:${pEtcd}/health`)).status === 200;
        });

        const saKey = path.join(pki, "sa.key");
        const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        fs.writeFileSync(saKey, privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });
        const token = crypto.randomBytes(24).toString("hex");
        fs.writeFileSync(path.join(pki, "tokens.csv"), `${token},e2e-admin,e2e-admin,"system:masters"\n`, { mode: 0o600 });
        // StorageObjectInUseProtection is off because it adds the kubernetes.io/pvc-protection finalizer to every PVC
        // and only kube-controller-manager (not run here) removes it: `pulumi destroy` would wait on the PVC forever.
        // It changes no admission decision about Pods; PodSecurity stays on as by default. A loopback advertise
        // address needs --endpoint-reconciler-type=none.
        apiserver = await startProcess(
            path.join(tc.bin, "kube-apiserver"),
            [
                `--etcd-servers=http://127.0.0.1:${pEtcd}`,
                "--bind-address=127.0.0.1",
                `--secure-port=${pApi}`,
                "--advertise-address=127.0.0.1",
                "--endpoint-reconciler-type=none",
                `--cert-dir=${pki}`,
                `--service-cluster-ip-range=${SERVICE_CIDR}`,
                "--service-account-issuer=https://kubernetes.default.svc",
                `--service-account-signing-key-file=${saKey}`,
                `--service-account-key-file=${saKey}`,
                "--authorization-mode=RBAC",
                `--token-auth-file=${path.join(pki, "tokens.csv")}`,
                "--allow-privileged=true",
                "--enable-priority-and-fairness=false",
                "--profiling=false",
                "--disable-admission-plugins=StorageObjectInUseProtection",
            ],
            path.join(dir, "kube-apiserver.log"),
            { killAfterMs: KILL_AFTER_MS },
        );
        const apiProc = apiserver.child;
        const caFile = path.join(pki, "apiserver.crt");
        await waitFor("kube-apiserver ready", 120_000, async () => {
            if (apiProc.exitCode !== null) throw new Error(`kube-apiserver exited ${apiProc.exitCode}; see ${dir}/kube-apiserver.log`);
            if (!fs.existsSync(caFile)) return false;
            const r = await httpGet(`https://127.0.0.1:${pApi}/readyz`, { ca: fs.readFileSync(caFile), headers: { Authorization: `Bearer ${token}` } });
            return r.status === 200 && r.body === "ok";
        });

        // The kubeconfig sits at <workDir>/kubeconfig, where the project copies' KUBECONFIG points by default.
        const server = `https://127.0.0.1:${pApi}`;
        const kubeconfig = path.join(workDir, "kubeconfig");
        const config = {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "e2e", cluster: { server, "certificate-authority-data": fs.readFileSync(caFile).toString("base64") } }],
            users: [{ name: "e2e-admin", user: { token } }],
            contexts: [{ name: "e2e", context: { cluster: "e2e", user: "e2e-admin" } }],
            "current-context": "e2e",
        };
        fs.writeFileSync(kubeconfig, yaml.dump(config), { mode: 0o600 });

        const kubectlBin = path.join(tc.bin, "kubectl");
        const cluster: Cluster = {
            kubeconfig,
            pki,
            server,
            kubectl: (args, opts = {}) =>
                run(kubectlBin, args, {
                    env: { KUBECONFIG: kubeconfig },
                    input: opts.input,
                    allowFailure: opts.allowFailure,
                    timeoutMs: opts.timeoutMs ?? 120_000,
                }),
            async get(resource, name, namespace) {
                const ns = namespace ? ["--namespace", namespace] : [];
                const r = await cluster.kubectl(["get", resource, name, ...ns, "--ignore-not-found", "-o", "json"]);
                return r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
            },
            async list(resource, opts = {}) {
                const ns = opts.namespace ? ["--namespace", opts.namespace] : ["--all-namespaces"];
                const sel = opts.selector ? ["--selector", opts.selector] : [];
                const r = await cluster.kubectl(["get", resource, ...ns, ...sel, "-o", "json"]);
                return JSON.parse(r.stdout).items ?? [];
            },
            async getMany(refs) {
                if (refs.length === 0) return [];
                const items = refs.map((r) => ({
                    apiVersion: r.apiVersion,
                    kind: r.kind,
                    metadata: { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) },
                }));
                const out = await cluster.kubectl(["get", "-f", "-", "--ignore-not-found", "-o", "json"], {
                    input: JSON.stringify({ apiVersion: "v1", kind: "List", items }),
                });
                if (!out.stdout.trim()) return [];
                const got = JSON.parse(out.stdout);
                // `kubectl get -f` answers with a List, or with the object itself when there is one.
                return got.kind === "List" ? (got.items ?? []) : [got];
            },
            async apply(objects, opts) {
                const args = ["apply", "-f", "-", `--field-manager=${opts.fieldManager}`];
                if (opts.serverSide) args.push("--server-side");
                if (opts.force) args.push(opts.serverSide ? "--force-conflicts" : "--force");
                await cluster.kubectl(args, { input: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }) });
            },
            async raw(urlPath) {
                return (await cluster.kubectl(["get", "--raw", urlPath])).stdout;
            },
            stop,
        };
        // RBAC bootstrap and the default namespace come a moment after /readyz.
        await waitFor("namespace default", 60_000, async () => (await cluster.get("namespace", "default").catch(() => undefined)) !== undefined, 1000);
        return cluster;
    } catch (e) {
        await stop();
        throw e;
    }
}
