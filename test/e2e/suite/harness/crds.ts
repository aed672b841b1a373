// The Prometheus Operator's ServiceMonitor and PodMonitor CRDs, which prod's monitors need. A real cluster has them
// from its Prometheus Operator install; the test API server gets the operator's own CRDs from the source archive of
// its Go module at a pinned version (`go mod download` checks the archive against the Go checksum database; no
// binary is downloaded), not a hand-made stand-in. Applied server-side once per cluster and Established before any
// stack needs them; no stack manages them, so they stay after `pulumi destroy`.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { Cluster } from "./cluster";
import { run } from "./exec";

export const PROMETHEUS_OPERATOR_MODULE = "github.com/prometheus-operator/prometheus-operator";
export const PROMETHEUS_OPERATOR_VERSION = "v0.85.0";
export const MONITORING_CRDS = ["servicemonitors", "podmonitors"].map((plural) => `${plural}.monitoring.coreos.com`);

export interface ModuleDownload {
    Path: string;
    Version: string;
    Dir: string;
    Sum: string;
    Error?: string;
}

const applied = new WeakMap<Cluster, Promise<ModuleDownload>>();

/** Applies the monitoring.coreos.com CRDs (once per cluster) and waits until they are Established. */
export function monitoringCrds(cluster: Cluster, workDir: string): Promise<ModuleDownload> {
    let p = applied.get(cluster);
    if (!p) {
        p = applyMonitoringCrds(cluster, workDir);
        applied.set(cluster, p);
    }
    return p;
}

async function applyMonitoringCrds(cluster: Cluster, workDir: string): Promise<ModuleDownload> {
    const goflags = [process.env.GOFLAGS, "-mod=mod"].filter(Boolean).join(" ");
    const r = await run("go", ["mod", "download", "-json", `${PROMETHEUS_OPERATOR_MODULE}@${PROMETHEUS_OPERATOR_VERSION}`], {
        cwd: workDir,
        env: { GOFLAGS: goflags },
        timeoutMs: 600_000,
    });
    const mod = JSON.parse(r.stdout) as ModuleDownload;
    if (mod.Error || !mod.Dir) throw new Error(`go mod download ${PROMETHEUS_OPERATOR_MODULE}@${PROMETHEUS_OPERATOR_VERSION}: ${mod.Error ?? "no Dir"}`);
    const objects = MONITORING_CRDS.map((name) => {
        const file = path.join(mod.Dir, "example/prometheus-operator-crd", `monitoring.coreos.com_${name.split(".")[0]}.yaml`);
        if (!fs.existsSync(file)) throw new Error(`${file} is not in the module archive`);
        return yaml.load(fs.readFileSync(file, "utf8")) as object;
    });
    await cluster.apply(objects, { fieldManager: "vmafx-e2e", serverSide: true });
    await cluster.kubectl(["wait", "--for=condition=Established", "--timeout=60s", ...MONITORING_CRDS.map((n) => `crd/${n}`)], { timeoutMs: 90_000 });
    return mod;
}
