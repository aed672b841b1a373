// A generated, deterministic manifest set for the `vmafx-policy psa` throughput measurement of
// tools/bench.ts: a realistic mix of Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods,
// Services, ConfigMaps and ServiceAccounts (plus the odd `kind: List`), pod specs of varying size
// (1-6 containers, init containers, env, volumes, probes, resources), about a third of the pods
// violating restricted (and some baseline), written as block-style YAML like `helm template` or
// `kubectl get -o yaml` produce. The set is split into several top-level files and a directory
// tree with files of varying size, so reading a directory and many files is measured too.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

type Obj = Record<string, any>;

/** mulberry32: a small deterministic PRNG, so every run generates the same bytes. */
export function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const WORDS = [
    "api",
    "web",
    "worker",
    "cache",
    "queue",
    "auth",
    "billing",
    "search",
    "ingest",
    "report",
    "media",
    "vmaf",
    "encoder",
    "scheduler",
    "gateway",
    "metrics",
];

export interface ManifestSet {
    /** What to pass to `vmafx-policy psa`: the top-level files, then the directory. */
    inputs: string[];
    files: number;
    bytes: number;
    objects: number;
    podBearing: number;
}

function generator(seed: number) {
    const rnd = prng(seed);
    const int = (n: number) => Math.floor(rnd() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
    let serial = 0;

    function container(name: string, hardened: boolean): Obj {
        const c: Obj = {
            name,
            image: `registry.example.com/${pick(WORDS)}/${name}:${1 + int(3)}.${int(30)}.${int(10)}`,
            imagePullPolicy: "IfNotPresent",
        };
        if (rnd() < 0.5) c.args = Array.from({ length: 1 + int(6) }, (_, i) => `--${pick(WORDS)}-${i}=${pick(WORDS)}`);
        if (rnd() < 0.8) c.ports = Array.from({ length: 1 + int(3) }, (_, i) => ({ name: `p${i}`, containerPort: 8000 + int(1000), protocol: "TCP" }));
        if (rnd() < 0.8) {
            c.env = Array.from({ length: int(25) }, (_, i) =>
                rnd() < 0.7
                    ? {
                          name: `${pick(WORDS).toUpperCase()}_SETTING_${i}`,
                          value: rnd() < 0.5 ? String(int(100000)) : `${pick(WORDS)}.${pick(WORDS)}.svc.cluster.local`,
                      }
                    : { name: `SECRET_${i}`, valueFrom: { secretKeyRef: { name: `${pick(WORDS)}-secret`, key: `key-${i}` } } },
            );
        }
        c.resources = { requests: { cpu: `${50 + int(500)}m`, memory: `${64 + int(900)}Mi` }, limits: { cpu: `${1 + int(4)}`, memory: `${1 + int(8)}Gi` } };
        if (rnd() < 0.7) {
            c.livenessProbe = { httpGet: { path: "/healthz", port: 8080 }, initialDelaySeconds: 5 + int(20), periodSeconds: 10 };
            c.readinessProbe = { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 5, failureThreshold: 3 };
        }
        if (rnd() < 0.6)
            c.volumeMounts = Array.from({ length: 1 + int(4) }, (_, i) => ({
                name: `vol-${i}`,
                mountPath: `/var/lib/${pick(WORDS)}/${i}`,
                readOnly: rnd() < 0.5,
            }));
        if (hardened) {
            c.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsNonRoot: true };
        } else if (rnd() < 0.5) {
            c.securityContext = { allowPrivilegeEscalation: rnd() < 0.5, readOnlyRootFilesystem: false };
            if (rnd() < 0.15) c.securityContext.privileged = true;
            if (rnd() < 0.2) c.securityContext.capabilities = { add: [pick(["NET_ADMIN", "SYS_ADMIN", "NET_RAW", "SYS_PTRACE"])] };
            if (rnd() < 0.1) c.securityContext.runAsUser = 0;
        }
        if (!hardened && rnd() < 0.05) c.ports = [{ containerPort: 80, hostPort: 80, protocol: "TCP" }];
        return c;
    }

    /** A pod template `{metadata, spec}`: about two thirds hardened (restricted), the rest violating. */
    function podTemplate(app: string): { metadata: Obj; spec: Obj } {
        const hardened = rnd() < 0.65;
        const size = rnd();
        const containers = Array.from({ length: size < 0.6 ? 1 : size < 0.9 ? 2 + int(2) : 4 + int(3) }, (_, i) =>
            container(i === 0 ? app : `sidecar-${i}`, hardened),
        );
        const spec: Obj = { serviceAccountName: app, containers };
        if (rnd() < 0.3) spec.initContainers = Array.from({ length: 1 + int(2) }, (_, i) => container(`init-${i}`, hardened));
        spec.volumes = Array.from({ length: int(5) }, (_, i) =>
            !hardened && rnd() < 0.2
                ? { name: `vol-${i}`, hostPath: { path: `/var/${pick(WORDS)}` } }
                : rnd() < 0.5
                  ? { name: `vol-${i}`, configMap: { name: `${app}-config` } }
                  : { name: `vol-${i}`, emptyDir: {} },
        );
        if (hardened) spec.securityContext = { runAsNonRoot: true, runAsUser: 10000 + int(50000), fsGroup: 2000, seccompProfile: { type: "RuntimeDefault" } };
        else if (rnd() < 0.5) spec.securityContext = { runAsUser: int(2) === 0 ? 0 : 1000 };
        if (!hardened && rnd() < 0.08) spec.hostNetwork = true;
        if (rnd() < 0.3) spec.nodeSelector = { "kubernetes.io/os": "linux", "node.example.com/pool": pick(WORDS) };
        if (rnd() < 0.2) spec.tolerations = [{ key: "dedicated", operator: "Equal", value: pick(WORDS), effect: "NoSchedule" }];
        const labels = { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": `${app}-${serial}`, "app.kubernetes.io/part-of": "bench" };
        const metadata: Obj = { labels };
        if (rnd() < 0.3)
            metadata.annotations = { "checksum/config": (int(2 ** 31) * 2654435761).toString(16).padStart(16, "0"), "prometheus.io/scrape": "true" };
        return { metadata, spec };
    }

    function meta(kind: string, ns: string): Obj {
        serial++;
        return {
            name: `${pick(WORDS)}-${kind.toLowerCase()}-${serial}`,
            namespace: ns,
            labels: { "app.kubernetes.io/managed-by": "bench", "helm.sh/chart": `bench-${1 + int(5)}.0.0` },
        };
    }

    /** One object of a realistic mix; returns it and whether it is pod-bearing. */
    function object(ns: string): [Obj, boolean] {
        const r = rnd();
        if (r < 0.25) {
            const m = meta("Deployment", ns);
            const t = podTemplate(m.name);
            return [
                {
                    apiVersion: "apps/v1",
                    kind: "Deployment",
                    metadata: m,
                    spec: { replicas: 1 + int(5), selector: { matchLabels: t.metadata.labels }, template: t },
                },
                true,
            ];
        }
        if (r < 0.33) {
            const m = meta("StatefulSet", ns);
            const t = podTemplate(m.name);
            return [
                {
                    apiVersion: "apps/v1",
                    kind: "StatefulSet",
                    metadata: m,
                    spec: {
                        serviceName: m.name,
                        replicas: 3,
                        selector: { matchLabels: t.metadata.labels },
                        template: t,
                        volumeClaimTemplates: [
                            { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${1 + int(100)}Gi` } } } },
                        ],
                    },
                },
                true,
            ];
        }
        if (r < 0.37) {
            const m = meta("DaemonSet", ns);
            const t = podTemplate(m.name);
            return [{ apiVersion: "apps/v1", kind: "DaemonSet", metadata: m, spec: { selector: { matchLabels: t.metadata.labels }, template: t } }, true];
        }
        if (r < 0.44) {
            const m = meta("Job", ns);
            const t = podTemplate(m.name);
            t.spec.restartPolicy = "Never";
            return [{ apiVersion: "batch/v1", kind: "Job", metadata: m, spec: { backoffLimit: int(6), template: t } }, true];
        }
        if (r < 0.5) {
            const m = meta("CronJob", ns);
            const t = podTemplate(m.name);
            t.spec.restartPolicy = "OnFailure";
            return [
                {
                    apiVersion: "batch/v1",
                    kind: "CronJob",
                    metadata: m,
                    spec: { schedule: `${int(60)} ${int(24)} * * *`, concurrencyPolicy: "Forbid", jobTemplate: { spec: { template: t } } },
                },
                true,
            ];
        }
        if (r < 0.56) {
            const m = meta("Pod", ns);
            const t = podTemplate(m.name);
            return [
                {
                    apiVersion: "v1",
                    kind: "Pod",
                    metadata: {
                        ...m,
                        labels: { ...m.labels, ...t.metadata.labels },
                        ...(t.metadata.annotations ? { annotations: t.metadata.annotations } : {}),
                    },
                    spec: t.spec,
                },
                true,
            ];
        }
        if (r < 0.75) {
            const m = meta("Service", ns);
            return [
                {
                    apiVersion: "v1",
                    kind: "Service",
                    metadata: m,
                    spec: {
                        type: pick(["ClusterIP", "ClusterIP", "NodePort"]),
                        selector: { "app.kubernetes.io/name": m.name },
                        ports: Array.from({ length: 1 + int(3) }, (_, i) => ({ name: `p${i}`, port: 80 + i, targetPort: 8000 + i, protocol: "TCP" })),
                    },
                },
                false,
            ];
        }
        if (r < 0.93) {
            const m = meta("ConfigMap", ns);
            const data: Obj = {};
            for (let i = 0, n = 1 + int(6); i < n; i++) {
                data[`setting-${i}`] = String(int(100000));
                if (rnd() < 0.4) {
                    // An embedded config file: a multi-line block scalar of 5-200 lines.
                    data[`config-${i}.conf`] =
                        Array.from(
                            { length: 5 + int(rnd() < 0.9 ? 40 : 200) },
                            (_, l) => `${pick(WORDS)}.${pick(WORDS)}_${l} = "${pick(WORDS)}-${int(1000)}"`,
                        ).join("\n") + "\n";
                }
            }
            return [{ apiVersion: "v1", kind: "ConfigMap", metadata: m, data }, false];
        }
        return [{ apiVersion: "v1", kind: "ServiceAccount", metadata: meta("ServiceAccount", ns), automountServiceAccountToken: rnd() < 0.5 }, false];
    }

    return { rnd, int, object };
}

/**
 * Writes at least `targetBytes` of manifests under `dir` (which must exist): four top-level files
 * (one of them a `kind: List`), then `tree/<team>/<app>.yaml` files of 10 KB to 1.5 MB. Same seed,
 * same bytes.
 */
export function writeManifestSet(dir: string, targetBytes: number, seed = 7): ManifestSet {
    const g = generator(seed);
    const set: ManifestSet = { inputs: [], files: 0, bytes: 0, objects: 0, podBearing: 0 };
    const dump = (o: Obj) => yaml.dump(o, { lineWidth: -1, noRefs: true });
    const write = (file: string, text: string) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
        set.files++;
        set.bytes += Buffer.byteLength(text);
    };
    const docs = (ns: string, bytes: number): string => {
        const parts: string[] = [];
        let size = 0;
        while (size < bytes) {
            const [o, pod] = g.object(ns);
            const text = "---\n" + dump(o);
            parts.push(text);
            size += text.length;
            set.objects++;
            if (pod) set.podBearing++;
        }
        return parts.join("");
    };
    // Top-level files: three multi-document streams and one `kind: List` (as `kubectl get -o yaml`).
    for (let i = 0; i < 3; i++) {
        const file = path.join(dir, `stream-${i}.yaml`);
        write(file, docs(`top-${i}`, Math.round(targetBytes * 0.08)));
        set.inputs.push(file);
    }
    {
        const items: Obj[] = [];
        let size = 0;
        while (size < targetBytes * 0.04) {
            const [o, pod] = g.object("listed");
            items.push(o);
            size += JSON.stringify(o).length * 1.3;
            set.objects++;
            if (pod) set.podBearing++;
        }
        const file = path.join(dir, "list.yml");
        write(file, dump({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items }));
        set.inputs.push(file);
    }
    // The directory: files of varying size until the target is reached.
    const tree = path.join(dir, "tree");
    for (let n = 0; set.bytes < targetBytes; n++) {
        const team = `team-${n % 7}`;
        const size = g.rnd() < 0.8 ? 10_000 + g.int(200_000) : 500_000 + g.int(1_000_000);
        write(path.join(tree, team, `${WORDS[n % WORDS.length]}-${n}.yaml`), docs(team, size));
    }
    set.inputs.push(tree);
    return set;
}
