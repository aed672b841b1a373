// Test helpers (imported by the *.test.ts files only): upstream-style minimal valid pods and tweak helpers.
import type { Obj } from "./types";

export type Level = "baseline" | "restricted";
export const IMAGE = "registry.k8s.io/pause";
export const MAX_MINOR = 37;

/** Restricted-hardened container securityContext (as in the upstream minimal restricted pod). */
export function restrictedContainerSC(): Obj {
    return { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
}

/**
 * Minimal valid pod for a level, like the upstream fixture generator: two containers (initcontainer1, container1)
 * with only an image; restricted adds pod runAsNonRoot + seccomp RuntimeDefault and, on both containers,
 * allowPrivilegeEscalation false + capabilities.drop ALL. Valid at every policy version.
 */
export function minimalPod(level: Level): Obj {
    const pod: Obj = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "test" },
        spec: {
            initContainers: [{ name: "initcontainer1", image: IMAGE }],
            containers: [{ name: "container1", image: IMAGE }],
        },
    };
    if (level === "restricted") {
        pod.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
        for (const c of [...pod.spec.initContainers, ...pod.spec.containers]) c.securityContext = restrictedContainerSC();
    }
    return pod;
}

export const container1 = (pod: Obj): Obj => pod.spec.containers[0];
export const initContainer1 = (pod: Obj): Obj => pod.spec.initContainers[0];

/** Get-or-create a container's securityContext. */
export function sc(container: Obj): Obj {
    return (container.securityContext ??= {});
}

/** Get-or-create the pod securityContext. */
export function podSC(pod: Obj): Obj {
    return (pod.spec.securityContext ??= {});
}

export function annotate(pod: Obj, key: string, value: string): void {
    (pod.metadata.annotations ??= {})[key] = value;
}

/** Adds an ephemeral container hardened for the pod's level (so it passes by default) and returns it. */
export function addEphemeral(pod: Obj, level: Level): Obj {
    const e: Obj = { name: "ephemeral1", image: IMAGE, targetContainerName: "container1" };
    if (level === "restricted") e.securityContext = restrictedContainerSC();
    (pod.spec.ephemeralContainers ??= []).push(e);
    return e;
}

/** Every container of the pod (init, regular, ephemeral). */
export function allContainers(pod: Obj): Obj[] {
    return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? []), ...(pod.spec.ephemeralContainers ?? [])];
}

/** Turns a pod into the upstream minimal Windows pod: os windows, pod runAsNonRoot true only. */
export function makeWindowsMinimal(pod: Obj): void {
    pod.spec.os = { name: "windows" };
    for (const c of allContainers(pod)) delete c.securityContext;
    if (pod.spec.securityContext) delete pod.spec.securityContext.seccompProfile;
}

/** Minor evaluated for a version label (latest and minors above the max clamp to the max). */
export function minorOfLabel(v: string): number {
    return v === "latest" ? MAX_MINOR : Math.min(Number(v.slice(3)), MAX_MINOR);
}

/** Reason text per check ID (psa.md §2.4); appArmorProfile pluralises. */
export const REASONS: Readonly<Record<string, string>> = {
    allowPrivilegeEscalation: "allowPrivilegeEscalation != false",
    appArmorProfile: "forbidden AppArmor profile",
    capabilities_baseline: "non-default capabilities",
    capabilities_restricted: "unrestricted capabilities",
    hostNamespaces: "host namespaces",
    hostPathVolumes: "hostPath volumes",
    hostPorts: "hostPort",
    hostProbesAndHostLifecycle: "probe or lifecycle host",
    privileged: "privileged",
    procMount: "procMount",
    procMount_restricted: "procMount",
    restrictedVolumes: "restricted volume types",
    runAsNonRoot: "runAsNonRoot != true",
    runAsUser: "runAsUser=0",
    seccompProfile_baseline: "seccompProfile",
    seccompProfile_restricted: "seccompProfile",
    seLinuxOptions: "seLinuxOptions",
    sysctls: "forbidden sysctls",
    windowsHostProcess: "hostProcess",
};

/** Baseline checks replaced at restricted, with the version from which the replacement applies. */
export const OVERRIDDEN_AT_RESTRICTED: Readonly<Record<string, readonly [number, string]>> = {
    hostPathVolumes: [0, "restrictedVolumes"],
    seccompProfile_baseline: [19, "seccompProfile_restricted"],
    capabilities_baseline: [22, "capabilities_restricted"],
    procMount: [35, "procMount_restricted"],
};

/** The ID under which a baseline check's failure is reported at a level and minor. */
export function reportedAs(id: string, level: Level, minor: number): string {
    const o = OVERRIDDEN_AT_RESTRICTED[id];
    return level === "restricted" && o !== undefined && minor >= o[0] ? o[1] : id;
}
