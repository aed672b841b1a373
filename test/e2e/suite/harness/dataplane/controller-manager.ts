// kube-controller-manager of the same k8s.io/kubernetes release as the API server, on the machine's loopback (it
// only talks to the API server): Deployments, ReplicaSets, StatefulSets and Jobs create real Pods (admitted or
// refused by Pod Security at creation), ServiceAccounts and their tokens are made, Endpoints and EndpointSlices
// follow Pod readiness, volumes bind, and garbage collection and namespace deletion work.
// Not run: the node lifecycle controller (the test node sends no heartbeats, so it would mark it unreachable and
// evict its Pods). The cloud controllers are not part of this binary any more.
import * as path from "path";
import { Cluster } from "../cluster";
import { waitFor } from "../exec";
import { Toolchain } from "../toolchain";
import { Started, startProcess } from "../processes";

export const CONTROLLERS = "*,-node-lifecycle-controller";

export async function startControllerManager(cluster: Cluster, tc: Toolchain, dir: string): Promise<Started> {
    const kcm = await startProcess(
        path.join(tc.bin, "kube-controller-manager"),
        [
            `--kubeconfig=${cluster.kubeconfig}`,
            "--leader-elect=false",
            `--controllers=${CONTROLLERS}`,
            `--service-account-private-key-file=${path.join(cluster.pki, "sa.key")}`,
            `--root-ca-file=${path.join(cluster.pki, "apiserver.crt")}`,
            "--use-service-account-credentials=false",
            "--secure-port=0",
            "--cluster-name=vmafx-e2e",
            "--concurrent-namespace-syncs=5",
            "--v=1",
        ],
        path.join(dir, "kube-controller-manager.log"),
    );
    try {
        // The ServiceAccount controller makes every namespace's "default" account: a sign the controllers run.
        await waitFor("kube-controller-manager running (ServiceAccount default/default made)", 120_000, async () => {
            if (kcm.child.exitCode !== null) throw new Error(`kube-controller-manager exited ${kcm.child.exitCode}; see ${kcm.log}`);
            return (await cluster.get("serviceaccount", "default", "default").catch(() => undefined)) !== undefined;
        });
    } catch (e) {
        await kcm.stop();
        throw e;
    }
    return kcm;
}
