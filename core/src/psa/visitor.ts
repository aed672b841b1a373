// Container visitor (upstream policy/visitor.go): every per-container check iterates initContainers,
// then containers, then ephemeralContainers (the ephemeral container's common part has the same fields).
import type { ContainerField, ContainerRef, Obj } from "./types";
import { containerPath, obj, str } from "./util";

/** The container lists of a pod spec, in visiting order. */
export const CONTAINER_FIELDS: readonly ContainerField[] = Object.freeze(["initContainers", "containers", "ephemeralContainers"] as const);

const NO_CONTAINERS: readonly ContainerRef[] = Object.freeze([]);
const EMPTY: Obj = Object.freeze({});

/**
 * Flattens the three container lists into one array (built once per evaluation and shared by all checks).
 * Entries that are not objects are treated as empty containers (Go zero value).
 */
export function collectContainers(spec: Obj | undefined): readonly ContainerRef[] {
    if (spec === undefined) return NO_CONTAINERS;
    let out: ContainerRef[] | undefined;
    for (let f = 0; f < CONTAINER_FIELDS.length; f++) {
        const field = CONTAINER_FIELDS[f];
        const list = spec[field];
        if (!Array.isArray(list)) continue;
        for (let i = 0; i < list.length; i++) {
            const container = obj(list[i]) ?? EMPTY;
            (out ??= []).push({ container, name: str(container.name), sc: obj(container.securityContext), field, index: i });
        }
    }
    return out ?? NO_CONTAINERS;
}

/** Visitor callback: the container, its path prefix relative to the pod (`spec.containers[0]`), and its reference. */
export type ContainerVisitor = (container: Obj, path: string, ref: ContainerRef) => void;

/** Calls `visit` for every container of the pod spec, in upstream order, with its field path prefix. */
export function visitContainers(spec: Obj | undefined, visit: ContainerVisitor): void {
    const refs = collectContainers(spec);
    for (let i = 0; i < refs.length; i++) visit(refs[i].container, containerPath(refs[i]), refs[i]);
}
