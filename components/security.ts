// The single source of pod hardening (ADR-0930 item 3). Every workload builder takes its
// pod and container securityContext from here; no builder writes its own copy.
import { ResolvedArgs } from "./defaults";

export interface PodSecurityContext {
    runAsNonRoot: boolean;
    runAsUser: number;
    runAsGroup: number;
    fsGroup: number;
    seccompProfile: { type: string; localhostProfile?: string };
}

export interface ContainerSecurityContext {
    runAsNonRoot: boolean;
    runAsUser: number;
    allowPrivilegeEscalation: boolean;
    readOnlyRootFilesystem: boolean;
    capabilities: { drop: string[]; add?: string[] };
    seccompProfile: { type: string; localhostProfile?: string };
}

export interface Hardening {
    readonly pod: PodSecurityContext;
    /** A fresh copy for each container, so no two resources share one mutable object. */
    container(): ContainerSecurityContext;
}

function seccomp(type: string, localhostProfile: string) {
    return type === "Localhost" ? { type, localhostProfile } : { type };
}

export function makeHardening(args: ResolvedArgs): Hardening {
    const p = args.security.pod;
    const c = args.security.container;
    const pod: PodSecurityContext = {
        runAsNonRoot: p.runAsNonRoot,
        runAsUser: p.runAsUser,
        runAsGroup: p.runAsGroup,
        fsGroup: p.fsGroup,
        seccompProfile: seccomp(p.seccompProfileType, p.seccompLocalhostProfile),
    };
    return {
        pod,
        container: () => ({
            runAsNonRoot: c.runAsNonRoot,
            runAsUser: c.runAsUser,
            allowPrivilegeEscalation: c.allowPrivilegeEscalation,
            readOnlyRootFilesystem: c.readOnlyRootFilesystem,
            capabilities: c.addCapabilities.length > 0 ? { drop: [...c.dropCapabilities], add: [...c.addCapabilities] } : { drop: [...c.dropCapabilities] },
            seccompProfile: seccomp(c.seccompProfileType, p.seccompLocalhostProfile),
        }),
    };
}

/** One row of the docs' Pod security table. */
export interface HardeningRow {
    readonly level: "pod" | "container";
    readonly field: string;
    readonly value: string;
    /** The upstream Pod Security check it satisfies, or why it is there. */
    readonly satisfies: string;
}

/** The docs table, read off the same objects the workloads get. */
export function hardeningRows(h: Hardening): HardeningRow[] {
    const c = h.container();
    const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(", ")}]` : String(v));
    return [
        { level: "pod", field: "securityContext.runAsNonRoot", value: show(h.pod.runAsNonRoot), satisfies: "runAsNonRoot (restricted)" },
        {
            level: "pod",
            field: "securityContext.runAsUser",
            value: show(h.pod.runAsUser),
            satisfies: "runAsUser (restricted): non-zero UID of the distroless nonroot user",
        },
        { level: "pod", field: "securityContext.runAsGroup", value: show(h.pod.runAsGroup), satisfies: "not checked by PSA; primary GID of the nonroot user" },
        {
            level: "pod",
            field: "securityContext.fsGroup",
            value: show(h.pod.fsGroup),
            satisfies: "not checked by PSA; makes mounted volumes writable for the nonroot user",
        },
        {
            level: "pod",
            field: "securityContext.seccompProfile.type",
            value: show(h.pod.seccompProfile.type),
            satisfies: "seccompProfile_baseline, seccompProfile_restricted",
        },
        { level: "container", field: "securityContext.runAsNonRoot", value: show(c.runAsNonRoot), satisfies: "runAsNonRoot (restricted)" },
        { level: "container", field: "securityContext.runAsUser", value: show(c.runAsUser), satisfies: "runAsUser (restricted)" },
        {
            level: "container",
            field: "securityContext.allowPrivilegeEscalation",
            value: show(c.allowPrivilegeEscalation),
            satisfies: "allowPrivilegeEscalation (restricted)",
        },
        {
            level: "container",
            field: "securityContext.readOnlyRootFilesystem",
            value: show(c.readOnlyRootFilesystem),
            satisfies: "not a PSA check; hardening beyond restricted (writable paths are emptyDir volumes)",
        },
        { level: "container", field: "securityContext.capabilities.drop", value: show(c.capabilities.drop), satisfies: "capabilities_restricted" },
        {
            level: "container",
            field: "securityContext.capabilities.add",
            value: show(c.capabilities.add ?? []),
            satisfies: "capabilities_baseline, capabilities_restricted (only NET_BIND_SERVICE may be added)",
        },
        { level: "container", field: "securityContext.seccompProfile.type", value: show(c.seccompProfile.type), satisfies: "seccompProfile_restricted" },
    ];
}
