// What a stack put into the cluster, read back as typed snapshots: the Kubernetes objects of its state, and for
// each the live object's uid, resourceVersion and generation, so a day-2 step can say exactly which objects it
// created, deleted, recreated or changed.
import { Stack } from "@pulumi/pulumi/automation";
import { ObjectRef, objectsInState, refKey } from "../../verify";
import { Cluster } from "./cluster";

export interface LiveObject {
    key: string;
    kind: string;
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    obj: Record<string, any>;
}

export type Snapshot = Map<string, LiveObject>;

export async function stateObjects(stack: Stack): Promise<ObjectRef[]> {
    return objectsInState(await stack.exportStack());
}

/** The live objects of the refs (the state's, by default), keyed `Kind/namespace/name`. */
export async function snapshot(cluster: Cluster, refs: ObjectRef[]): Promise<Snapshot> {
    const live = await cluster.getMany(refs);
    return new Map(
        live.map((o) => {
            const key = refKey({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace || undefined });
            return [
                key,
                {
                    key,
                    kind: o.kind,
                    name: o.metadata.name,
                    namespace: o.metadata.namespace || undefined,
                    uid: o.metadata.uid,
                    resourceVersion: o.metadata.resourceVersion,
                    generation: o.metadata.generation,
                    obj: o,
                },
            ];
        }),
    );
}

export interface SnapshotDiff {
    created: string[];
    deleted: string[];
    /** Same key, another uid: deleted and created again. */
    recreated: string[];
    /** Same uid, another resourceVersion: changed in place. */
    changed: string[];
    unchanged: string[];
}

export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
    const d: SnapshotDiff = { created: [], deleted: [], recreated: [], changed: [], unchanged: [] };
    for (const [k, b] of before) {
        const a = after.get(k);
        if (!a) d.deleted.push(k);
        else if (a.uid !== b.uid) d.recreated.push(k);
        else if (a.resourceVersion !== b.resourceVersion) d.changed.push(k);
        else d.unchanged.push(k);
    }
    for (const k of after.keys()) if (!before.has(k)) d.created.push(k);
    for (const list of Object.values(d)) list.sort();
    return d;
}
