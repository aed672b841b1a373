// What docs/policies/<id>.md, `vmafx-policy explain <id>` and the SARIF rules say about each check, beside the
// definitions the checks run from: a policy's description, level and config schema come from the policy
// (policies/*.ts), a Pod Security check's level, versions and fix from its definition in @vmafx-k8s/core
// (ALL_CHECKS). Only what those definitions lack is written here: why the check matters, how to fix a policy
// violation, and a passing and a failing example. check-docs.test.ts runs every example through the code the
// docs describe (the pack, evaluatePod) and fails when one no longer passes or fails as documented.
// Free of @pulumi/* (like lib/check-ids.ts), so `vmafx-policy psa --format sarif` and `explain` for a Pod
// Security check start without the Pulumi SDK.
import { ALL_CHECKS, CheckDefinition } from "@vmafx-k8s/core";
import { POLICY_NAMES } from "./lib/check-ids";

type Obj = Record<string, any>;

/** A compliant pod at restricted:latest: the base of every Pod Security example. */
export function compliantPod(): Obj {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web", namespace: "shop" },
        spec: {
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
                {
                    name: "web",
                    image: "registry.example.com/shop/web:1.4.2",
                    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                },
            ],
        },
    };
}

const container = (pod: Obj): Obj => pod.spec.containers[0];

export interface PsaGuide {
    /** What the check reads and allows, in a sentence or two. */
    what: string;
    why: string;
    /** Makes the compliant pod fail this check (and only this one, at the check's level). */
    fail: (pod: Obj) => void;
}

/** One entry per Pod Security check of ALL_CHECKS (check-docs.test.ts fails when one is missing). */
export const PSA_GUIDE: Readonly<Record<string, PsaGuide>> = {
    allowPrivilegeEscalation: {
        what: "Every container (init and ephemeral included) sets `securityContext.allowPrivilegeEscalation: false`; unset counts as true. Windows pods are exempt from v1.25.",
        why: "A process that may gain privileges (setuid binaries, file capabilities) can become root inside the container, the first step of most container escapes.",
        fail: (p) => (container(p).securityContext.allowPrivilegeEscalation = true),
    },
    appArmorProfile: {
        what: "No AppArmor profile of type `Unconfined`: the `appArmorProfile` fields of the pod and its containers, and the legacy `container.apparmor.security.beta.kubernetes.io/*` annotations, may only name the runtime default or a localhost profile.",
        why: "Unconfined removes the mandatory access control the node's runtime applies to every container.",
        fail: (p) => (p.spec.securityContext.appArmorProfile = { type: "Unconfined" }),
    },
    capabilities_baseline: {
        what: "`securityContext.capabilities.add` of every container holds only capabilities of the runtime's default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT). At restricted, capabilities_restricted replaces it.",
        why: "Capabilities beyond the default set (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ...) give a container powers over the node's kernel.",
        fail: (p) => (container(p).securityContext.capabilities = { add: ["SYS_ADMIN"] }),
    },
    capabilities_restricted: {
        what: 'Every container drops all capabilities (`capabilities.drop` contains `"ALL"`) and adds back at most `NET_BIND_SERVICE`. Windows pods are exempt from v1.25.',
        why: "Even the default capability set lets a compromised process change file ownership, kill other processes of its user or forge packets; a workload rarely needs any of it.",
        fail: (p) => (container(p).securityContext.capabilities = { drop: ["ALL"], add: ["NET_RAW"] }),
    },
    hostNamespaces: {
        what: "`spec.hostNetwork`, `spec.hostPID` and `spec.hostIPC` are false or unset.",
        why: "A pod in the node's network, process or IPC namespace sees and can reach everything on the node: other pods' traffic, processes and shared memory.",
        fail: (p) => (p.spec.hostNetwork = true),
    },
    hostPathVolumes: {
        what: "No `hostPath` volume. At restricted, restrictedVolumes replaces it.",
        why: "A hostPath volume exposes the node's file system (container runtime sockets, kubelet credentials, other pods' data) to the pod.",
        fail: (p) => (p.spec.volumes = [{ name: "logs", hostPath: { path: "/var/log" } }]),
    },
    hostPorts: {
        what: "No container port sets `hostPort` (other than 0).",
        why: "A host port binds the node's own address: it bypasses Services and NetworkPolicies aimed at pods, and two pods cannot share a node.",
        fail: (p) => (container(p).ports = [{ containerPort: 8080, hostPort: 8080 }]),
    },
    hostProbesAndHostLifecycle: {
        what: "Probes and lifecycle handlers (`httpGet`, `tcpSocket`) of every container leave `host` unset or empty (from v1.34).",
        why: "A probe or hook with a `host` makes the kubelet, on the node's network, connect wherever the pod says: a way to reach node-local services from a pod.",
        fail: (p) => (container(p).livenessProbe = { httpGet: { host: "10.0.0.1", path: "/healthz", port: 8080 } }),
    },
    privileged: {
        what: "No container sets `securityContext.privileged: true`.",
        why: "A privileged container has every capability and every device of the node: it is root on the node in all but name.",
        fail: (p) => (container(p).securityContext.privileged = true),
    },
    procMount: {
        what: "`securityContext.procMount` is unset or `Default` on every container (from v1.35 any value passes when `spec.hostUsers` is false). At restricted from v1.35, procMount_restricted replaces it.",
        why: "An `Unmasked` /proc exposes kernel interfaces the runtime normally hides from containers.",
        fail: (p) => (container(p).securityContext.procMount = "Unmasked"),
    },
    procMount_restricted: {
        what: "`securityContext.procMount` is unset or `Default` on every container, with no user-namespace relaxation (from v1.35).",
        why: "At restricted an unmasked /proc is refused even inside a user namespace: the pod gains nothing it needs from it.",
        fail: (p) => (container(p).securityContext.procMount = "Unmasked"),
    },
    restrictedVolumes: {
        what: "Volumes are only of the types configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret.",
        why: "Other volume types (hostPath, nfs, iscsi, ...) mount storage the cluster does not mediate: node paths or network shares outside any claim.",
        fail: (p) => (p.spec.volumes = [{ name: "share", nfs: { server: "nfs.example.com", path: "/exports" } }]),
    },
    runAsNonRoot: {
        what: "`runAsNonRoot: true` on the pod's securityContext, or on every container's; an explicit false anywhere fails (from v1.35 a pod with `hostUsers: false` passes).",
        why: "The kubelet then refuses to start a container whose image would run as UID 0, whatever the image says.",
        fail: (p) => (p.spec.securityContext.runAsNonRoot = false),
    },
    runAsUser: {
        what: "`runAsUser` is not 0 on the pod or any container (from v1.23; from v1.35 a pod with `hostUsers: false` passes).",
        why: "UID 0 is root: with any misconfiguration elsewhere it is root on the node.",
        fail: (p) => (container(p).securityContext.runAsUser = 0),
    },
    seLinuxOptions: {
        what: "SELinux `type` is unset or one of container_t, container_init_t, container_kvm_t (container_engine_t from v1.31), and `user` and `role` are unset, on the pod and every container.",
        why: "Other SELinux types (spc_t, ...) or a custom user/role lift the confinement SELinux puts on containers.",
        fail: (p) => (container(p).securityContext.seLinuxOptions = { type: "spc_t" }),
    },
    seccompProfile_baseline: {
        what: "No seccomp profile of type `Unconfined` on the pod or a container (before v1.19: the seccomp annotations). At restricted, seccompProfile_restricted replaces it.",
        why: "Unconfined disables the system-call filter: every kernel system call is reachable, including those behind most kernel exploits.",
        fail: (p) => (p.spec.securityContext.seccompProfile = { type: "Unconfined" }),
    },
    seccompProfile_restricted: {
        what: "A seccomp profile of type `RuntimeDefault` or `Localhost` on the pod, or on every container (from v1.19; Windows pods are exempt from v1.25).",
        why: "Without a profile the container runs unconfined on most runtimes; RuntimeDefault blocks the rarely needed, often exploited system calls.",
        fail: (p) => delete p.spec.securityContext.seccompProfile,
    },
    sysctls: {
        what: "`spec.securityContext.sysctls` names only the version's safe sysctls (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start, and more in later versions).",
        why: "Other sysctls are not namespaced, or change the node's kernel for every pod on it.",
        fail: (p) => (p.spec.securityContext.sysctls = [{ name: "kernel.msgmax", value: "65536" }]),
    },
    windowsHostProcess: {
        what: "No `windowsOptions.hostProcess: true` on the pod or a container.",
        why: "A Windows HostProcess container runs directly on the node, with the node's privileges.",
        fail: (p) => (container(p).securityContext.windowsOptions = { hostProcess: true }),
    },
};

export interface PolicyGuide {
    why: string;
    fix: string;
    /** The environment the examples are judged in (`vmafx-policy check --environment`). */
    environment: "prod" | "dev";
    pass: () => Obj[];
    fail: () => Obj[];
}

const namespaceObject = (
    labels: Record<string, string> = { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.33" },
): Obj => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "shop", labels },
});

const denyAll = (types: string[] = ["Ingress", "Egress"]): Obj => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "default-deny", namespace: "shop" },
    spec: { podSelector: {}, policyTypes: types },
});

function deployment(tweak: (pod: Obj) => void = () => {}): Obj {
    const pod = compliantPod();
    tweak(pod);
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "shop" },
        spec: {
            selector: { matchLabels: { app: "web" } },
            template: { metadata: { labels: { app: "web" } }, spec: pod.spec },
        },
    };
}

/** One entry per policy of the pack (check-docs.test.ts fails when one is missing). */
export const POLICY_GUIDE: Readonly<Record<string, PolicyGuide>> = {
    "pod-security": {
        why: "The API server's Pod Security admission rejects such pods, but for a Deployment, StatefulSet, Job or CronJob only when the controller creates the pod: the apply succeeds and no pod ever starts. The pack turns that into a failed preview.",
        fix: "Follow the fix of each failing check in the message (each Pod Security check has a page of its own), usually on the pod template's securityContext and its containers'.",
        environment: "dev",
        pass: () => [deployment()],
        fail: () => [deployment((p) => (container(p).securityContext.privileged = true))],
    },
    "networkpolicy-valid": {
        why: "The API server rejects an invalid NetworkPolicy when it is applied; a preview or a CI check that says so names the field before anything is deployed, and a policy that never exists isolates nothing.",
        fix: "Correct the field the message names, as kube-apiserver's validation states it (for example an except range inside its ipBlock's cidr and of the same address family, or endPort only with a numeric port).",
        environment: "dev",
        pass: () => [denyAll()],
        fail: () => [
            {
                apiVersion: "networking.k8s.io/v1",
                kind: "NetworkPolicy",
                metadata: { name: "egress", namespace: "shop" },
                spec: {
                    podSelector: {},
                    policyTypes: ["Egress"],
                    egress: [{ to: [{ ipBlock: { cidr: "2001:db8::/32", except: ["10.0.0.0/8"] } }] }],
                },
            },
        ],
    },
    "prod-egress": {
        why: "A workload that can reach the whole internet can exfiltrate data and fetch tools; in prod every destination should be listed.",
        fix: "Replace the open egress rule with the CIDRs and ports the workload needs, and keep a default-deny egress NetworkPolicy selecting it.",
        environment: "prod",
        pass: () => [namespaceObject(), denyAll(), deployment()],
        fail: () => [
            namespaceObject(),
            denyAll(),
            deployment(),
            {
                apiVersion: "networking.k8s.io/v1",
                kind: "NetworkPolicy",
                metadata: { name: "web-egress", namespace: "shop" },
                spec: { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }] },
            },
        ],
    },
    "namespace-labels": {
        why: "Pod Security admission only enforces what a Namespace's labels ask for; without a pinned version a cluster upgrade changes the rules under running workloads.",
        fix: "Label the Namespace pod-security.kubernetes.io/enforce: restricted and pod-security.kubernetes.io/enforce-version: v1.N (the cluster's minor version).",
        environment: "prod",
        pass: () => [namespaceObject(), deployment()],
        fail: () => [namespaceObject({}), deployment()],
    },
    "default-deny": {
        why: "A pod that no NetworkPolicy selects for a direction accepts or sends any traffic in that direction, whatever the other policies of its namespace say.",
        fix: "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] in the namespace, then allow the intended flows.",
        environment: "prod",
        pass: () => [denyAll(), deployment()],
        fail: () => [denyAll(["Ingress"]), deployment()],
    },
    "sa-token-automount": {
        why: "A mounted service account token lets anyone who compromises the pod call the Kubernetes API with the pod's rights.",
        fix: "Set automountServiceAccountToken: false on the pod (or its ServiceAccount); list the service account in allowedServiceAccounts if the pod calls the API.",
        environment: "dev",
        pass: () => [deployment((p) => (p.spec.automountServiceAccountToken = false))],
        fail: () => [deployment()],
    },
    "image-pinned": {
        why: "A mutable tag (latest, or none) can point at a different image tomorrow: rollbacks, audits and reproducible deployments need a fixed release.",
        fix: "Pin a release tag (registry/app:1.2.3) or a digest (registry/app@sha256:...).",
        environment: "dev",
        pass: () => [deployment()],
        fail: () => [deployment((p) => (container(p).image = "registry.example.com/shop/web:latest"))],
    },
    "resource-limits": {
        why: "A container without limits can take a node's whole CPU or memory and starve its neighbours.",
        fix: "Set resources.limits.cpu and resources.limits.memory (and whatever else the config requires) on every container and init container.",
        environment: "dev",
        pass: () => [deployment((p) => (container(p).resources = { limits: { cpu: "1", memory: "512Mi" } }))],
        fail: () => [deployment()],
    },
    "read-only-root-filesystem": {
        why: "A writable root file system lets a compromised process replace the image's binaries and persist until the container restarts.",
        fix: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the container must write (e.g. /tmp).",
        environment: "dev",
        pass: () => [deployment((p) => (container(p).securityContext.readOnlyRootFilesystem = true))],
        fail: () => [deployment()],
    },
};

/** The Pod Security checks, as defined in core. */
export const PSA_CHECKS: readonly CheckDefinition[] = ALL_CHECKS;

/** Every documented ID: the policies, then the Pod Security checks. */
export const DOC_IDS: readonly string[] = [...POLICY_NAMES, ...ALL_CHECKS.map((c) => c.id)];

/** The failing Pod Security example of a check: the compliant pod with the check's tweak. */
export function psaFailingPod(id: string): Obj {
    const pod = compliantPod();
    PSA_GUIDE[id].fail(pod);
    return pod;
}

/**
 * Where the documentation page of a check is online, or undefined. SARIF requires an absolute URI there (the
 * schema's format "uri"), so a repository-relative path cannot be used; the URL is built from the package's
 * `repository` field (GitHub form, at the tag of the package's version, so the page matches the rules that ran),
 * or from a base the user gives (--docs-url). Without either, help.markdown still links docs/policies/<id>.md.
 */
export function docsUrl(id: string, base?: string): string | undefined {
    if (base) return `${base.endsWith("/") ? base : `${base}/`}${encodeURIComponent(id)}.md`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require("@vmafx-k8s/policy-pack/package.json") as { version: string; repository?: string | { url?: string } };
    const url = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
    const m = url ? /github\.com[/:]([^/]+)\/([^/.]+)(?:\.git)?$/.exec(url) : null;
    return m ? `https://github.com/${m[1]}/${m[2]}/blob/v${pkg.version}/docs/policies/${encodeURIComponent(id)}.md` : undefined;
}
