// What a real rollout left in a namespace, read back from the API server: every Deployment and StatefulSet has all
// its replicas updated and ready, every Pod of theirs runs on the test node with an address, every Job completed.
import { Cluster } from "../cluster";

export interface RolloutReport {
    problems: string[];
    summary: string;
}

export async function rolloutReport(cluster: Cluster, namespace: string, nodeName: string): Promise<RolloutReport> {
    const problems: string[] = [];
    const parts: string[] = [];
    for (const kind of ["deployments", "statefulsets"]) {
        for (const w of await cluster.list(kind, { namespace })) {
            const want = w.spec.replicas ?? 1;
            const s = w.status ?? {};
            const what = `${kind.slice(0, -1)} ${namespace}/${w.metadata.name}`;
            if ((s.readyReplicas ?? 0) !== want || (s.updatedReplicas ?? 0) !== want || (s.observedGeneration ?? 0) < w.metadata.generation) {
                problems.push(
                    `${what}: ${s.readyReplicas ?? 0}/${want} ready, ${s.updatedReplicas ?? 0} updated, generation ${s.observedGeneration}/${w.metadata.generation}`,
                );
            } else parts.push(`${w.metadata.name} ${want}/${want}`);
        }
    }
    const pods = await cluster.list("pods", { namespace });
    // The workloads' Pods (the packet tests' peer Pods have no owner).
    const running = pods.filter((p: any) => p.metadata.ownerReferences?.some((o: any) => o.kind === "ReplicaSet" || o.kind === "StatefulSet"));
    for (const p of running) {
        const ready = p.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True");
        if (p.spec.nodeName !== nodeName || p.status?.phase !== "Running" || !ready || !p.status?.podIP) {
            problems.push(`pod ${namespace}/${p.metadata.name}: node ${p.spec.nodeName}, phase ${p.status?.phase}, ready ${ready}, IP ${p.status?.podIP}`);
        }
    }
    for (const j of await cluster.list("jobs", { namespace })) {
        const complete = j.status?.conditions?.some((c: any) => c.type === "Complete" && c.status === "True");
        const jobPods = pods.filter((p: any) => p.metadata.ownerReferences?.some((o: any) => o.kind === "Job" && o.name === j.metadata.name));
        const how = jobPods.map((p: any) => `${p.status?.phase}: ${p.status?.message ?? ""}`).join("; ");
        if (!complete) problems.push(`job ${namespace}/${j.metadata.name} is not Complete (${how})`);
        else parts.push(`Job ${j.metadata.name} Complete (${how})`);
    }
    return { problems, summary: `${running.length} pods Running on ${nodeName}; ${parts.join(", ")}` };
}
