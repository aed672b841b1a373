// Table-driven per-check tests, the upstream way: a minimal valid pod for the level, one tweak per case, evaluated
// with the FULL level/version check set; for every check, the versions where its behaviour changes (and the one just
// before), v1.0 and latest. Case names: `<checkId> <version> <level> <tweak> -> <pass|fail>`.
import { strict as assert } from "assert";
import { evaluatePod } from "./index";
import type { Obj } from "./types";
import {
    Level,
    addEphemeral,
    allContainers,
    annotate,
    container1,
    initContainer1,
    makeWindowsMinimal,
    minimalPod,
    minorOfLabel,
    podSC,
    reportedAs,
    REASONS,
    sc,
} from "./testing";

type Expect = (level: Level, minor: number) => readonly string[];

interface Case {
    desc: string;
    tweak: (pod: Obj, level: Level) => void;
    expect: Expect;
    /** Levels to run the case at (default: the table's levels). */
    levels?: readonly Level[];
}

const BOTH: readonly Level[] = ["baseline", "restricted"];
const RESTRICTED: readonly Level[] = ["restricted"];

const pass: Expect = () => [];
/** Fails with these check IDs at every version and level. */
const fails =
    (...ids: string[]): Expect =>
    () =>
        ids;
/** Baseline check `id` fails at every version; at restricted it is reported under its replacement where one applies. */
const failsBaseline =
    (id: string): Expect =>
    (level, m) => [reportedAs(id, level, m)];
/** Fails with `ids` from policy minor `min` on, passes before. */
const failsFrom =
    (min: number, ...ids: string[]): Expect =>
    (_l, m) =>
        m >= min ? ids : [];
/** Fails with `ids` below policy minor `max`, passes from `max` on. */
const failsBelow =
    (max: number, ...ids: string[]): Expect =>
    (_l, m) =>
        m < max ? ids : [];
/** Different expectations per level. */
const byLevel =
    (baseline: Expect, restricted: Expect): Expect =>
    (level, m) =>
        level === "baseline" ? baseline(level, m) : restricted(level, m);

function table(checkId: string, versions: readonly string[], levels: readonly Level[], cases: readonly Case[]): void {
    describe(`${checkId} (table)`, () => {
        for (const c of cases) {
            for (const level of c.levels ?? levels) {
                for (const version of versions) {
                    const expected = [...c.expect(level, minorOfLabel(version))].sort();
                    const verdict = expected.length === 0 ? "pass" : "fail";
                    it(`${checkId} ${version} ${level} ${c.desc} -> ${verdict}`, () => {
                        const pod = minimalPod(level);
                        c.tweak(pod, level);
                        const result = evaluatePod(pod, level, version);
                        assert.deepEqual(
                            result.violations.map((v) => v.check).sort(),
                            expected,
                            JSON.stringify(result.violations.map((v) => [v.check, v.detail])),
                        );
                        assert.equal(result.allowed, expected.length === 0);
                        for (const v of result.violations) {
                            assert.ok(v.reason.startsWith(REASONS[v.check]), `${v.check}: reason ${v.reason}`);
                            assert.ok(v.findings.length > 0, `${v.check}: findings`);
                            assert.ok(v.fix.length > 0, `${v.check}: fix`);
                        }
                    });
                }
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------------------------
table("allowPrivilegeEscalation", ["v1.0", "v1.7", "v1.8", "v1.24", "v1.25", "latest"], RESTRICTED, [
    {
        desc: "container1 unset",
        tweak: (p) => delete sc(container1(p)).allowPrivilegeEscalation,
        expect: failsFrom(8, "allowPrivilegeEscalation"),
    },
    {
        desc: "initcontainer1 unset",
        tweak: (p) => delete sc(initContainer1(p)).allowPrivilegeEscalation,
        expect: failsFrom(8, "allowPrivilegeEscalation"),
    },
    {
        desc: "container1 true",
        tweak: (p) => (sc(container1(p)).allowPrivilegeEscalation = true),
        expect: failsFrom(8, "allowPrivilegeEscalation"),
    },
    {
        desc: "container1 null",
        tweak: (p) => (sc(container1(p)).allowPrivilegeEscalation = null),
        expect: failsFrom(8, "allowPrivilegeEscalation"),
    },
    {
        desc: "container1 no securityContext",
        tweak: (p) => delete container1(p).securityContext,
        expect: (_l, m) => [...(m >= 8 ? ["allowPrivilegeEscalation"] : []), ...(m >= 22 ? ["capabilities_restricted"] : [])],
    },
    {
        desc: "ephemeral container unset",
        tweak: (p, l) => delete sc(addEphemeral(p, l)).allowPrivilegeEscalation,
        expect: failsFrom(8, "allowPrivilegeEscalation"),
    },
    {
        desc: "ephemeral container false",
        tweak: (p, l) => addEphemeral(p, l),
        expect: pass,
    },
    {
        desc: "windows pod, every container unset",
        tweak: (p) => {
            p.spec.os = { name: "windows" };
            for (const c of allContainers(p)) delete sc(c).allowPrivilegeEscalation;
        },
        expect: (_l, m) => (m >= 8 && m < 25 ? ["allowPrivilegeEscalation"] : []),
    },
    {
        desc: "os linux, container1 unset",
        tweak: (p) => {
            p.spec.os = { name: "linux" };
            delete sc(container1(p)).allowPrivilegeEscalation;
        },
        expect: failsFrom(8, "allowPrivilegeEscalation"),
    },
    {
        desc: "os Windows (capitalised), container1 unset",
        tweak: (p) => {
            p.spec.os = { name: "Windows" };
            delete sc(container1(p)).allowPrivilegeEscalation;
        },
        expect: failsFrom(8, "allowPrivilegeEscalation"),
    },
    {
        desc: "minimal windows pod",
        tweak: (p) => makeWindowsMinimal(p),
        expect: (_l, m) => {
            if (m >= 25) return [];
            return [
                ...(m >= 8 ? ["allowPrivilegeEscalation"] : []),
                ...(m >= 22 ? ["capabilities_restricted"] : []),
                ...(m >= 19 ? ["seccompProfile_restricted"] : []),
            ];
        },
    },
    {
        desc: "container1 privileged and unset",
        tweak: (p) => {
            delete sc(container1(p)).allowPrivilegeEscalation;
            sc(container1(p)).privileged = true;
        },
        expect: (_l, m) => ["privileged", ...(m >= 8 ? ["allowPrivilegeEscalation"] : [])],
    },
    {
        desc: "container1 unset (baseline ignores it)",
        tweak: (p) => (sc(container1(p)).allowPrivilegeEscalation = true),
        expect: pass,
        levels: ["baseline"],
    },
]);

// ---------------------------------------------------------------------------------------------------------------
const APPARMOR = "container.apparmor.security.beta.kubernetes.io/";
table("appArmorProfile", ["v1.0", "v1.29", "v1.30", "latest"], BOTH, [
    { desc: "annotation container1 localhost/foo", tweak: (p) => annotate(p, APPARMOR + "container1", "localhost/foo"), expect: pass },
    { desc: "annotation container1 runtime/default", tweak: (p) => annotate(p, APPARMOR + "container1", "runtime/default"), expect: pass },
    { desc: "annotation container1 empty", tweak: (p) => annotate(p, APPARMOR + "container1", ""), expect: pass },
    { desc: "annotation container1 unconfined", tweak: (p) => annotate(p, APPARMOR + "container1", "unconfined"), expect: fails("appArmorProfile") },
    { desc: "annotation initcontainer1 unconfined", tweak: (p) => annotate(p, APPARMOR + "initcontainer1", "unconfined"), expect: fails("appArmorProfile") },
    { desc: "annotation for missing container unconfined", tweak: (p) => annotate(p, APPARMOR + "ghost", "unconfined"), expect: fails("appArmorProfile") },
    { desc: "annotation runtime/default2", tweak: (p) => annotate(p, APPARMOR + "container1", "runtime/default2"), expect: fails("appArmorProfile") },
    { desc: "annotation localhost without slash", tweak: (p) => annotate(p, APPARMOR + "container1", "localhost"), expect: fails("appArmorProfile") },
    { desc: "unprefixed annotation unconfined", tweak: (p) => annotate(p, "apparmor.security.beta.kubernetes.io/container1", "unconfined"), expect: pass },
    { desc: "pod field RuntimeDefault", tweak: (p) => (podSC(p).appArmorProfile = { type: "RuntimeDefault" }), expect: pass },
    { desc: "pod field Localhost", tweak: (p) => (podSC(p).appArmorProfile = { type: "Localhost", localhostProfile: "x" }), expect: pass },
    { desc: "pod field Unconfined", tweak: (p) => (podSC(p).appArmorProfile = { type: "Unconfined" }), expect: fails("appArmorProfile") },
    { desc: "pod field without type", tweak: (p) => (podSC(p).appArmorProfile = {}), expect: fails("appArmorProfile") },
    { desc: "container1 field Unconfined", tweak: (p) => (sc(container1(p)).appArmorProfile = { type: "Unconfined" }), expect: fails("appArmorProfile") },
    {
        desc: "initcontainer1 field Unconfined",
        tweak: (p) => (sc(initContainer1(p)).appArmorProfile = { type: "Unconfined" }),
        expect: fails("appArmorProfile"),
    },
    {
        desc: "ephemeral field Unconfined",
        tweak: (p, l) => (sc(addEphemeral(p, l)).appArmorProfile = { type: "Unconfined" }),
        expect: fails("appArmorProfile"),
    },
    {
        desc: "pod Unconfined, containers RuntimeDefault",
        tweak: (p) => {
            podSC(p).appArmorProfile = { type: "Unconfined" };
            for (const c of allContainers(p)) sc(c).appArmorProfile = { type: "RuntimeDefault" };
        },
        expect: fails("appArmorProfile"),
    },
    {
        desc: "pod RuntimeDefault, container1 Unconfined",
        tweak: (p) => {
            podSC(p).appArmorProfile = { type: "RuntimeDefault" };
            sc(container1(p)).appArmorProfile = { type: "Unconfined" };
        },
        expect: fails("appArmorProfile"),
    },
]);

// ---------------------------------------------------------------------------------------------------------------
const addCap = (c: Obj, ...caps: string[]) => {
    const s = sc(c);
    s.capabilities = { ...(s.capabilities ?? {}), add: caps };
};
const DEFAULT_CAPS = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];
/** A default capability added: allowed by baseline, forbidden by capabilities_restricted from v1.22. */
const defaultCapExpect: Expect = byLevel(pass, failsFrom(22, "capabilities_restricted"));
table("capabilities_baseline", ["v1.0", "v1.21", "v1.22", "latest"], BOTH, [
    { desc: "container1 add NET_RAW", tweak: (p) => addCap(container1(p), "NET_RAW"), expect: failsBaseline("capabilities_baseline") },
    { desc: "initcontainer1 add SYS_ADMIN", tweak: (p) => addCap(initContainer1(p), "SYS_ADMIN"), expect: failsBaseline("capabilities_baseline") },
    { desc: "ephemeral add NET_RAW", tweak: (p, l) => addCap(addEphemeral(p, l), "NET_RAW"), expect: failsBaseline("capabilities_baseline") },
    { desc: "container1 add chown (lower case)", tweak: (p) => addCap(container1(p), "chown"), expect: failsBaseline("capabilities_baseline") },
    { desc: "container1 add CAP_CHOWN", tweak: (p) => addCap(container1(p), "CAP_CHOWN"), expect: failsBaseline("capabilities_baseline") },
    { desc: "container1 add CHOWN", tweak: (p) => addCap(container1(p), "CHOWN"), expect: defaultCapExpect },
    { desc: "container1 add every default capability", tweak: (p) => addCap(container1(p), ...DEFAULT_CAPS), expect: defaultCapExpect },
    { desc: "container1 add NET_BIND_SERVICE", tweak: (p) => addCap(container1(p), "NET_BIND_SERVICE"), expect: pass },
    { desc: "container1 add empty list", tweak: (p) => addCap(container1(p)), expect: pass },
    {
        desc: "container1 drop NET_RAW only",
        tweak: (p) => (sc(container1(p)).capabilities = { drop: ["NET_RAW"] }),
        expect: byLevel(pass, failsFrom(22, "capabilities_restricted")),
    },
    {
        desc: "windows pod add NET_RAW",
        tweak: (p) => {
            p.spec.os = { name: "windows" };
            addCap(container1(p), "NET_RAW");
        },
        expect: byLevel(fails("capabilities_baseline"), (_l, m) => (m < 22 ? ["capabilities_baseline"] : m < 25 ? ["capabilities_restricted"] : [])),
    },
]);

// ---------------------------------------------------------------------------------------------------------------
const EVERY_CAPABILITY = [
    "AUDIT_CONTROL",
    "AUDIT_READ",
    "AUDIT_WRITE",
    "BLOCK_SUSPEND",
    "BPF",
    "CHECKPOINT_RESTORE",
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "IPC_LOCK",
    "IPC_OWNER",
    "KILL",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_RAW",
    "PERFMON",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYSLOG",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_CHROOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "WAKE_ALARM",
];
table("capabilities_restricted", ["v1.0", "v1.21", "v1.22", "v1.24", "v1.25", "latest"], RESTRICTED, [
    { desc: "container1 no capabilities", tweak: (p) => delete sc(container1(p)).capabilities, expect: failsFrom(22, "capabilities_restricted") },
    { desc: "initcontainer1 no capabilities", tweak: (p) => delete sc(initContainer1(p)).capabilities, expect: failsFrom(22, "capabilities_restricted") },
    { desc: "ephemeral no capabilities", tweak: (p, l) => delete sc(addEphemeral(p, l)).capabilities, expect: failsFrom(22, "capabilities_restricted") },
    { desc: "container1 drop empty", tweak: (p) => (sc(container1(p)).capabilities = { drop: [] }), expect: failsFrom(22, "capabilities_restricted") },
    {
        desc: "container1 drop all (lower case)",
        tweak: (p) => (sc(container1(p)).capabilities = { drop: ["all"] }),
        expect: failsFrom(22, "capabilities_restricted"),
    },
    {
        desc: "container1 drop every capability by name",
        tweak: (p) => (sc(container1(p)).capabilities = { drop: EVERY_CAPABILITY }),
        expect: failsFrom(22, "capabilities_restricted"),
    },
    { desc: "container1 drop ALL and NET_RAW", tweak: (p) => (sc(container1(p)).capabilities = { drop: ["NET_RAW", "ALL"] }), expect: pass },
    {
        desc: "container1 drop ALL add NET_BIND_SERVICE",
        tweak: (p) => (sc(container1(p)).capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] }),
        expect: pass,
    },
    {
        desc: "container1 drop ALL add CAP_NET_BIND_SERVICE",
        tweak: (p) => (sc(container1(p)).capabilities = { drop: ["ALL"], add: ["CAP_NET_BIND_SERVICE"] }),
        expect: (_l, m) => [m < 22 ? "capabilities_baseline" : "capabilities_restricted"],
    },
    {
        desc: "container1 drop ALL add SETUID",
        tweak: (p) => (sc(container1(p)).capabilities = { drop: ["ALL"], add: ["SETUID"] }),
        expect: failsFrom(22, "capabilities_restricted"),
    },
    {
        desc: "windows pod without capabilities",
        tweak: (p) => {
            p.spec.os = { name: "windows" };
            for (const c of allContainers(p)) delete sc(c).capabilities;
        },
        expect: (_l, m) => (m >= 22 && m < 25 ? ["capabilities_restricted"] : []),
    },
    {
        desc: "no capabilities (baseline ignores drop)",
        tweak: (p) => (sc(container1(p)).capabilities = { drop: [] }),
        expect: pass,
        levels: ["baseline"],
    },
]);

// ---------------------------------------------------------------------------------------------------------------
table("hostNamespaces", ["v1.0", "latest"], BOTH, [
    { desc: "hostNetwork true", tweak: (p) => (p.spec.hostNetwork = true), expect: fails("hostNamespaces") },
    { desc: "hostPID true", tweak: (p) => (p.spec.hostPID = true), expect: fails("hostNamespaces") },
    { desc: "hostIPC true", tweak: (p) => (p.spec.hostIPC = true), expect: fails("hostNamespaces") },
    {
        desc: "all three true",
        tweak: (p) => Object.assign(p.spec, { hostNetwork: true, hostPID: true, hostIPC: true }),
        expect: fails("hostNamespaces"),
    },
    {
        desc: "all three false",
        tweak: (p) => Object.assign(p.spec, { hostNetwork: false, hostPID: false, hostIPC: false }),
        expect: pass,
    },
    { desc: "hostUsers true", tweak: (p) => (p.spec.hostUsers = true), expect: pass },
    { desc: "hostUsers false", tweak: (p) => (p.spec.hostUsers = false), expect: pass },
]);

// ---------------------------------------------------------------------------------------------------------------
table("hostPathVolumes", ["v1.0", "latest"], BOTH, [
    { desc: "hostPath volume", tweak: (p) => (p.spec.volumes = [{ name: "h", hostPath: { path: "/a" } }]), expect: failsBaseline("hostPathVolumes") },
    {
        desc: "hostPath volume type Directory after an emptyDir",
        tweak: (p) =>
            (p.spec.volumes = [
                { name: "e", emptyDir: {} },
                { name: "h", hostPath: { path: "/var/run", type: "Directory" } },
            ]),
        expect: failsBaseline("hostPathVolumes"),
    },
    { desc: "emptyDir volume", tweak: (p) => (p.spec.volumes = [{ name: "e", emptyDir: {} }]), expect: pass },
    { desc: "hostPath null", tweak: (p) => (p.spec.volumes = [{ name: "h", hostPath: null }]), expect: pass },
]);

// ---------------------------------------------------------------------------------------------------------------
table("hostPorts", ["v1.0", "latest"], BOTH, [
    { desc: "container1 hostPort 8080", tweak: (p) => (container1(p).ports = [{ containerPort: 8080, hostPort: 8080 }]), expect: fails("hostPorts") },
    { desc: "container1 hostPort 1", tweak: (p) => (container1(p).ports = [{ containerPort: 80, hostPort: 1 }]), expect: fails("hostPorts") },
    { desc: "initcontainer1 hostPort", tweak: (p) => (initContainer1(p).ports = [{ containerPort: 12345, hostPort: 12345 }]), expect: fails("hostPorts") },
    { desc: "ephemeral hostPort", tweak: (p, l) => (addEphemeral(p, l).ports = [{ containerPort: 80, hostPort: 80 }]), expect: fails("hostPorts") },
    {
        desc: "second port of container1 hostPort",
        tweak: (p) => (container1(p).ports = [{ containerPort: 80 }, { containerPort: 81, hostPort: 81 }]),
        expect: fails("hostPorts"),
    },
    { desc: "container1 hostPort 0", tweak: (p) => (container1(p).ports = [{ containerPort: 80, hostPort: 0 }]), expect: pass },
    { desc: "container1 containerPort only", tweak: (p) => (container1(p).ports = [{ containerPort: 80 }]), expect: pass },
]);

// ---------------------------------------------------------------------------------------------------------------
const probeHost = (kind: string, handler: "httpGet" | "tcpSocket", host: string) => (c: Obj) => {
    c[kind] = { [handler]: handler === "httpGet" ? { path: "/", port: 80, host } : { port: 80, host } };
};
const lifecycleHost = (hook: "postStart" | "preStop", handler: "httpGet" | "tcpSocket", host: string) => (c: Obj) => {
    c.lifecycle = { [hook]: { [handler]: handler === "httpGet" ? { path: "/", port: 80, host } : { port: 80, host } } };
};
const HOST_FAIL = failsFrom(34, "hostProbesAndHostLifecycle");
table("hostProbesAndHostLifecycle", ["v1.0", "v1.33", "v1.34", "latest"], BOTH, [
    { desc: "livenessProbe httpGet host 127.0.0.1", tweak: (p) => probeHost("livenessProbe", "httpGet", "127.0.0.1")(container1(p)), expect: HOST_FAIL },
    { desc: "readinessProbe tcpSocket host ::1", tweak: (p) => probeHost("readinessProbe", "tcpSocket", "::1")(container1(p)), expect: HOST_FAIL },
    { desc: "startupProbe httpGet host example.com", tweak: (p) => probeHost("startupProbe", "httpGet", "example.com")(container1(p)), expect: HOST_FAIL },
    { desc: "startupProbe tcpSocket host", tweak: (p) => probeHost("startupProbe", "tcpSocket", "10.0.0.1")(container1(p)), expect: HOST_FAIL },
    { desc: "postStart httpGet host", tweak: (p) => lifecycleHost("postStart", "httpGet", "localhost")(container1(p)), expect: HOST_FAIL },
    { desc: "preStop httpGet host", tweak: (p) => lifecycleHost("preStop", "httpGet", "example.com")(container1(p)), expect: HOST_FAIL },
    { desc: "postStart tcpSocket host", tweak: (p) => lifecycleHost("postStart", "tcpSocket", "example.com")(container1(p)), expect: HOST_FAIL },
    { desc: "preStop tcpSocket host", tweak: (p) => lifecycleHost("preStop", "tcpSocket", "127.0.0.1")(container1(p)), expect: HOST_FAIL },
    {
        desc: "sidecar init container readinessProbe host",
        tweak: (p) => {
            initContainer1(p).restartPolicy = "Always";
            probeHost("readinessProbe", "httpGet", "example.com")(initContainer1(p));
        },
        expect: HOST_FAIL,
    },
    { desc: "ephemeral livenessProbe host", tweak: (p, l) => probeHost("livenessProbe", "httpGet", "example.com")(addEphemeral(p, l)), expect: HOST_FAIL },
    { desc: "livenessProbe httpGet empty host", tweak: (p) => probeHost("livenessProbe", "httpGet", "")(container1(p)), expect: pass },
    { desc: "preStop tcpSocket empty host", tweak: (p) => lifecycleHost("preStop", "tcpSocket", "")(container1(p)), expect: pass },
    {
        desc: "exec and grpc probes",
        tweak: (p) => Object.assign(container1(p), { livenessProbe: { exec: { command: ["true"] } }, readinessProbe: { grpc: { port: 9000 } } }),
        expect: pass,
    },
]);

// ---------------------------------------------------------------------------------------------------------------
table("privileged", ["v1.0", "latest"], BOTH, [
    { desc: "container1 true", tweak: (p) => (sc(container1(p)).privileged = true), expect: fails("privileged") },
    { desc: "initcontainer1 true", tweak: (p) => (sc(initContainer1(p)).privileged = true), expect: fails("privileged") },
    { desc: "ephemeral true", tweak: (p, l) => (sc(addEphemeral(p, l)).privileged = true), expect: fails("privileged") },
    { desc: "container1 false", tweak: (p) => (sc(container1(p)).privileged = false), expect: pass },
    { desc: "container1 null", tweak: (p) => (sc(container1(p)).privileged = null), expect: pass },
]);

// ---------------------------------------------------------------------------------------------------------------
table("procMount", ["v1.0", "v1.34", "v1.35", "latest"], BOTH, [
    { desc: "container1 Unmasked", tweak: (p) => (sc(container1(p)).procMount = "Unmasked"), expect: failsBaseline("procMount") },
    { desc: "initcontainer1 Unmasked", tweak: (p) => (sc(initContainer1(p)).procMount = "Unmasked"), expect: failsBaseline("procMount") },
    { desc: "ephemeral Unmasked", tweak: (p, l) => (sc(addEphemeral(p, l)).procMount = "Unmasked"), expect: failsBaseline("procMount") },
    { desc: "container1 empty string", tweak: (p) => (sc(container1(p)).procMount = ""), expect: failsBaseline("procMount") },
    { desc: "container1 Default", tweak: (p) => (sc(container1(p)).procMount = "Default"), expect: pass },
    {
        desc: "container1 Unmasked with hostUsers false",
        tweak: (p) => {
            p.spec.hostUsers = false;
            sc(container1(p)).procMount = "Unmasked";
        },
        expect: byLevel(failsBelow(35, "procMount"), (_l, m) => [m < 35 ? "procMount" : "procMount_restricted"]),
    },
    {
        desc: "container1 Unmasked with hostUsers true",
        tweak: (p) => {
            p.spec.hostUsers = true;
            sc(container1(p)).procMount = "Unmasked";
        },
        expect: failsBaseline("procMount"),
    },
]);

// ---------------------------------------------------------------------------------------------------------------
table("procMount_restricted", ["v1.0", "v1.34", "v1.35", "latest"], RESTRICTED, [
    {
        desc: "Unmasked with hostUsers false",
        tweak: (p) => {
            p.spec.hostUsers = false;
            sc(container1(p)).procMount = "Unmasked";
        },
        expect: (_l, m) => [m < 35 ? "procMount" : "procMount_restricted"],
    },
    {
        desc: "ephemeral Unmasked with hostUsers false",
        tweak: (p, l) => {
            p.spec.hostUsers = false;
            sc(addEphemeral(p, l)).procMount = "Unmasked";
        },
        expect: (_l, m) => [m < 35 ? "procMount" : "procMount_restricted"],
    },
    {
        desc: "Default with hostUsers false",
        tweak: (p) => {
            p.spec.hostUsers = false;
            sc(container1(p)).procMount = "Default";
        },
        expect: pass,
    },
]);

// ---------------------------------------------------------------------------------------------------------------
const ALLOWED_VOLUMES: Record<string, unknown> = {
    configMap: { name: "cm" },
    csi: { driver: "inline.storage.kubernetes.io" },
    downwardAPI: { items: [] },
    emptyDir: {},
    ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"] } } },
    image: { reference: "registry.k8s.io/pause" },
    persistentVolumeClaim: { claimName: "c" },
    projected: { sources: [] },
    secret: { secretName: "s" },
};
const RESTRICTED_VOLUMES = [
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];
table("restrictedVolumes", ["v1.0", "latest"], BOTH, [
    ...Object.entries(ALLOWED_VOLUMES).map(([type, source]): Case => ({
        desc: `${type} volume`,
        tweak: (p) => (p.spec.volumes = [{ name: "volume0", [type]: source }]),
        expect: pass,
    })),
    { desc: "volume without source", tweak: (p) => (p.spec.volumes = [{ name: "volume0" }]), expect: pass },
    ...RESTRICTED_VOLUMES.map((type): Case => ({
        desc: `${type} volume`,
        tweak: (p) => (p.spec.volumes = [{ name: "volume0", [type]: {} }]),
        expect: type === "hostPath" ? failsBaseline("hostPathVolumes") : byLevel(pass, fails("restrictedVolumes")),
    })),
    {
        desc: "unrecognised volume source",
        tweak: (p) => (p.spec.volumes = [{ name: "volume0", fancyVolume: {} }]),
        expect: byLevel(pass, fails("restrictedVolumes")),
    },
    {
        desc: "windows pod nfs volume",
        tweak: (p) => {
            p.spec.os = { name: "windows" };
            p.spec.volumes = [{ name: "volume0", nfs: { server: "s", path: "/" } }];
        },
        expect: byLevel(pass, fails("restrictedVolumes")),
    },
    {
        desc: "emptyDir plus nfs volumes",
        tweak: (p) =>
            (p.spec.volumes = [
                { name: "a", emptyDir: {} },
                { name: "b", nfs: { server: "s", path: "/" } },
            ]),
        expect: byLevel(pass, fails("restrictedVolumes")),
    },
]);

// ---------------------------------------------------------------------------------------------------------------
const RUNASNONROOT = ["v1.0", "v1.34", "v1.35", "latest"];
table("runAsNonRoot", RUNASNONROOT, RESTRICTED, [
    { desc: "pod unset", tweak: (p) => delete podSC(p).runAsNonRoot, expect: fails("runAsNonRoot") },
    {
        desc: "pod unset, every container true",
        tweak: (p) => {
            delete podSC(p).runAsNonRoot;
            for (const c of allContainers(p)) sc(c).runAsNonRoot = true;
        },
        expect: pass,
    },
    {
        desc: "pod unset, container1 true only",
        tweak: (p) => {
            delete podSC(p).runAsNonRoot;
            sc(container1(p)).runAsNonRoot = true;
        },
        expect: fails("runAsNonRoot"),
    },
    {
        desc: "pod false, every container true",
        tweak: (p) => {
            podSC(p).runAsNonRoot = false;
            for (const c of allContainers(p)) sc(c).runAsNonRoot = true;
        },
        expect: fails("runAsNonRoot"),
    },
    { desc: "pod true, container1 false", tweak: (p) => (sc(container1(p)).runAsNonRoot = false), expect: fails("runAsNonRoot") },
    { desc: "pod true, initcontainer1 false", tweak: (p) => (sc(initContainer1(p)).runAsNonRoot = false), expect: fails("runAsNonRoot") },
    { desc: "pod true, ephemeral false", tweak: (p, l) => (sc(addEphemeral(p, l)).runAsNonRoot = false), expect: fails("runAsNonRoot") },
    { desc: "pod true, ephemeral unset", tweak: (p, l) => addEphemeral(p, l), expect: pass },
    {
        desc: "pod unset, regular containers true, ephemeral unset",
        tweak: (p, l) => {
            delete podSC(p).runAsNonRoot;
            for (const c of allContainers(p)) sc(c).runAsNonRoot = true;
            addEphemeral(p, l);
        },
        expect: fails("runAsNonRoot"),
    },
    {
        desc: "pod unset, runAsUser 1000 everywhere",
        tweak: (p) => {
            delete podSC(p).runAsNonRoot;
            podSC(p).runAsUser = 1000;
            for (const c of allContainers(p)) sc(c).runAsUser = 1000;
        },
        expect: fails("runAsNonRoot"),
    },
    {
        desc: "pod unset with hostUsers false",
        tweak: (p) => {
            delete podSC(p).runAsNonRoot;
            p.spec.hostUsers = false;
        },
        expect: failsBelow(35, "runAsNonRoot"),
    },
    {
        desc: "pod false with hostUsers false",
        tweak: (p) => {
            podSC(p).runAsNonRoot = false;
            p.spec.hostUsers = false;
        },
        expect: failsBelow(35, "runAsNonRoot"),
    },
    {
        desc: "pod unset with hostUsers true",
        tweak: (p) => {
            delete podSC(p).runAsNonRoot;
            p.spec.hostUsers = true;
        },
        expect: fails("runAsNonRoot"),
    },
    {
        desc: "windows pod, pod unset",
        tweak: (p) => {
            p.spec.os = { name: "windows" };
            delete podSC(p).runAsNonRoot;
        },
        expect: fails("runAsNonRoot"),
    },
    { desc: "pod false (baseline ignores it)", tweak: (p) => (podSC(p).runAsNonRoot = false), expect: pass, levels: ["baseline"] },
]);

// ---------------------------------------------------------------------------------------------------------------
table("runAsUser", ["v1.0", "v1.22", "v1.23", "v1.34", "v1.35", "latest"], RESTRICTED, [
    { desc: "pod 0", tweak: (p) => (podSC(p).runAsUser = 0), expect: failsFrom(23, "runAsUser") },
    { desc: "container1 0", tweak: (p) => (sc(container1(p)).runAsUser = 0), expect: failsFrom(23, "runAsUser") },
    { desc: "initcontainer1 0", tweak: (p) => (sc(initContainer1(p)).runAsUser = 0), expect: failsFrom(23, "runAsUser") },
    { desc: "ephemeral 0", tweak: (p, l) => (sc(addEphemeral(p, l)).runAsUser = 0), expect: failsFrom(23, "runAsUser") },
    {
        desc: "pod 0, every container 1000",
        tweak: (p) => {
            podSC(p).runAsUser = 0;
            for (const c of allContainers(p)) sc(c).runAsUser = 1000;
        },
        expect: failsFrom(23, "runAsUser"),
    },
    { desc: "pod 1000", tweak: (p) => (podSC(p).runAsUser = 1000), expect: pass },
    {
        desc: "container1 0 with hostUsers false",
        tweak: (p) => {
            sc(container1(p)).runAsUser = 0;
            p.spec.hostUsers = false;
        },
        expect: (_l, m) => (m >= 23 && m < 35 ? ["runAsUser"] : []),
    },
    {
        desc: "runAsGroup fsGroup supplementalGroups 0",
        tweak: (p) => Object.assign(podSC(p), { runAsGroup: 0, fsGroup: 0, supplementalGroups: [0] }),
        expect: pass,
    },
    {
        desc: "windows pod, container1 0",
        tweak: (p) => {
            p.spec.os = { name: "windows" };
            sc(container1(p)).runAsUser = 0;
        },
        expect: failsFrom(23, "runAsUser"),
    },
    { desc: "pod 0 (baseline ignores it)", tweak: (p) => (podSC(p).runAsUser = 0), expect: pass, levels: ["baseline"] },
]);

// ---------------------------------------------------------------------------------------------------------------
const SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_C = "container.seccomp.security.alpha.kubernetes.io/";
table("seccompProfile_baseline", ["v1.0", "v1.18", "v1.19", "latest"], BOTH, [
    { desc: "pod annotation unconfined", tweak: (p) => annotate(p, SECCOMP_POD, "unconfined"), expect: failsBelow(19, "seccompProfile_baseline") },
    { desc: "pod annotation empty", tweak: (p) => annotate(p, SECCOMP_POD, ""), expect: failsBelow(19, "seccompProfile_baseline") },
    { desc: "pod annotation runtime/default", tweak: (p) => annotate(p, SECCOMP_POD, "runtime/default"), expect: pass },
    { desc: "pod annotation docker/default", tweak: (p) => annotate(p, SECCOMP_POD, "docker/default"), expect: pass },
    { desc: "pod annotation localhost/foo", tweak: (p) => annotate(p, SECCOMP_POD, "localhost/foo"), expect: pass },
    {
        desc: "container1 annotation unconfined",
        tweak: (p) => annotate(p, SECCOMP_C + "container1", "unconfined"),
        expect: failsBelow(19, "seccompProfile_baseline"),
    },
    {
        desc: "initcontainer1 annotation unconfined",
        tweak: (p) => annotate(p, SECCOMP_C + "initcontainer1", "unconfined"),
        expect: failsBelow(19, "seccompProfile_baseline"),
    },
    {
        desc: "ephemeral annotation unconfined",
        tweak: (p, l) => {
            addEphemeral(p, l);
            annotate(p, SECCOMP_C + "ephemeral1", "unconfined");
        },
        expect: failsBelow(19, "seccompProfile_baseline"),
    },
    { desc: "annotation for missing container unconfined", tweak: (p) => annotate(p, SECCOMP_C + "ghost", "unconfined"), expect: pass },
    {
        desc: "pod field Unconfined",
        tweak: (p) => (podSC(p).seccompProfile = { type: "Unconfined" }),
        expect: (l, m) => (m >= 19 ? [reportedAs("seccompProfile_baseline", l, m)] : []),
    },
    {
        desc: "pod field empty type",
        tweak: (p) => (podSC(p).seccompProfile = { type: "" }),
        expect: (l, m) => (m >= 19 ? [reportedAs("seccompProfile_baseline", l, m)] : []),
    },
    {
        desc: "container1 field Unconfined",
        tweak: (p) => (sc(container1(p)).seccompProfile = { type: "Unconfined" }),
        expect: (l, m) => (m >= 19 ? [reportedAs("seccompProfile_baseline", l, m)] : []),
    },
    {
        desc: "ephemeral field Unconfined",
        tweak: (p, l) => (sc(addEphemeral(p, l)).seccompProfile = { type: "Unconfined" }),
        expect: (l, m) => (m >= 19 ? [reportedAs("seccompProfile_baseline", l, m)] : []),
    },
    { desc: "pod field Localhost", tweak: (p) => (podSC(p).seccompProfile = { type: "Localhost", localhostProfile: "p.json" }), expect: pass },
    { desc: "container1 field RuntimeDefault", tweak: (p) => (sc(container1(p)).seccompProfile = { type: "RuntimeDefault" }), expect: pass },
    {
        desc: "windows pod field Unconfined",
        tweak: (p) => {
            p.spec.os = { name: "windows" };
            podSC(p).seccompProfile = { type: "Unconfined" };
        },
        expect: byLevel(failsFrom(19, "seccompProfile_baseline"), (_l, m) => (m >= 19 && m < 25 ? ["seccompProfile_restricted"] : [])),
    },
]);

// ---------------------------------------------------------------------------------------------------------------
const SR = "seccompProfile_restricted";
table("seccompProfile_restricted", ["v1.0", "v1.18", "v1.19", "v1.24", "v1.25", "latest"], RESTRICTED, [
    { desc: "pod Unconfined", tweak: (p) => (podSC(p).seccompProfile = { type: "Unconfined" }), expect: failsFrom(19, SR) },
    { desc: "pod unset", tweak: (p) => delete podSC(p).seccompProfile, expect: failsFrom(19, SR) },
    {
        desc: "pod unset, every container RuntimeDefault",
        tweak: (p) => {
            delete podSC(p).seccompProfile;
            for (const c of allContainers(p)) sc(c).seccompProfile = { type: "RuntimeDefault" };
        },
        expect: pass,
    },
    {
        desc: "pod unset, container1 RuntimeDefault only",
        tweak: (p) => {
            delete podSC(p).seccompProfile;
            sc(container1(p)).seccompProfile = { type: "RuntimeDefault" };
        },
        expect: failsFrom(19, SR),
    },
    {
        desc: "pod Unconfined, every container RuntimeDefault",
        tweak: (p) => {
            podSC(p).seccompProfile = { type: "Unconfined" };
            for (const c of allContainers(p)) sc(c).seccompProfile = { type: "RuntimeDefault" };
        },
        expect: failsFrom(19, SR),
    },
    { desc: "pod empty type", tweak: (p) => (podSC(p).seccompProfile = {}), expect: failsFrom(19, SR) },
    { desc: "container1 Unconfined", tweak: (p) => (sc(container1(p)).seccompProfile = { type: "Unconfined" }), expect: failsFrom(19, SR) },
    { desc: "ephemeral Unconfined", tweak: (p, l) => (sc(addEphemeral(p, l)).seccompProfile = { type: "Unconfined" }), expect: failsFrom(19, SR) },
    {
        desc: "pod unset, regular containers RuntimeDefault, ephemeral unset",
        tweak: (p, l) => {
            delete podSC(p).seccompProfile;
            for (const c of allContainers(p)) sc(c).seccompProfile = { type: "RuntimeDefault" };
            addEphemeral(p, l);
        },
        expect: failsFrom(19, SR),
    },
    { desc: "pod Localhost", tweak: (p) => (podSC(p).seccompProfile = { type: "Localhost", localhostProfile: "p.json" }), expect: pass },
    {
        desc: "windows pod, pod unset",
        tweak: (p) => {
            p.spec.os = { name: "windows" };
            delete podSC(p).seccompProfile;
        },
        expect: (_l, m) => (m >= 19 && m < 25 ? [SR] : []),
    },
    {
        desc: "pod unset with a valid pod annotation",
        tweak: (p) => {
            delete podSC(p).seccompProfile;
            annotate(p, SECCOMP_POD, "runtime/default");
        },
        expect: failsFrom(19, SR),
    },
]);

// ---------------------------------------------------------------------------------------------------------------
const seLinuxPod = (o: Obj) => (p: Obj) => (podSC(p).seLinuxOptions = o);
const seLinuxC1 = (o: Obj) => (p: Obj) => (sc(container1(p)).seLinuxOptions = o);
table("seLinuxOptions", ["v1.0", "v1.30", "v1.31", "latest"], BOTH, [
    { desc: "pod type container_t", tweak: seLinuxPod({ type: "container_t" }), expect: pass },
    { desc: "pod type container_init_t", tweak: seLinuxPod({ type: "container_init_t" }), expect: pass },
    { desc: "pod type container_kvm_t", tweak: seLinuxPod({ type: "container_kvm_t" }), expect: pass },
    { desc: "pod type container_engine_t", tweak: seLinuxPod({ type: "container_engine_t" }), expect: failsBelow(31, "seLinuxOptions") },
    { desc: "container1 type container_engine_t", tweak: seLinuxC1({ type: "container_engine_t" }), expect: failsBelow(31, "seLinuxOptions") },
    { desc: "pod empty type", tweak: seLinuxPod({ type: "" }), expect: pass },
    { desc: "pod empty options", tweak: seLinuxPod({}), expect: pass },
    { desc: "pod level somevalue", tweak: seLinuxPod({ level: "somevalue" }), expect: pass },
    { desc: "pod type spc_t", tweak: seLinuxPod({ type: "spc_t" }), expect: fails("seLinuxOptions") },
    { desc: "container1 type spc_t", tweak: seLinuxC1({ type: "spc_t" }), expect: fails("seLinuxOptions") },
    { desc: "initcontainer1 user", tweak: (p) => (sc(initContainer1(p)).seLinuxOptions = { user: "system_u" }), expect: fails("seLinuxOptions") },
    { desc: "ephemeral role", tweak: (p, l) => (sc(addEphemeral(p, l)).seLinuxOptions = { role: "system_r" }), expect: fails("seLinuxOptions") },
    { desc: "pod user", tweak: seLinuxPod({ user: "system_u" }), expect: fails("seLinuxOptions") },
    { desc: "pod role", tweak: seLinuxPod({ role: "system_r" }), expect: fails("seLinuxOptions") },
    {
        desc: "pod bad type, containers container_t",
        tweak: (p) => {
            podSC(p).seLinuxOptions = { type: "bad_t" };
            for (const c of allContainers(p)) sc(c).seLinuxOptions = { type: "container_t" };
        },
        expect: fails("seLinuxOptions"),
    },
]);

// ---------------------------------------------------------------------------------------------------------------
const SYSCTL_VERSIONS = ["v1.0", "v1.26", "v1.27", "v1.28", "v1.29", "v1.31", "v1.32", "v1.36", "v1.37", "v1.99", "latest"];
const sysctl =
    (...names: string[]) =>
    (p: Obj) =>
        (podSC(p).sysctls = names.map((name) => ({ name, value: "1" })));
const sysctlSince = (min: number, name: string): Case => ({
    desc: name,
    tweak: sysctl(name),
    expect: failsBelow(min, "sysctls"),
});
table("sysctls", SYSCTL_VERSIONS, BOTH, [
    sysctlSince(0, "kernel.shm_rmid_forced"),
    sysctlSince(0, "net.ipv4.ip_local_port_range"),
    sysctlSince(0, "net.ipv4.tcp_syncookies"),
    sysctlSince(0, "net.ipv4.ping_group_range"),
    sysctlSince(0, "net.ipv4.ip_unprivileged_port_start"),
    sysctlSince(27, "net.ipv4.ip_local_reserved_ports"),
    sysctlSince(29, "net.ipv4.tcp_keepalive_time"),
    sysctlSince(29, "net.ipv4.tcp_fin_timeout"),
    sysctlSince(29, "net.ipv4.tcp_keepalive_intvl"),
    sysctlSince(29, "net.ipv4.tcp_keepalive_probes"),
    sysctlSince(32, "net.ipv4.tcp_rmem"),
    sysctlSince(32, "net.ipv4.tcp_wmem"),
    sysctlSince(37, "net.ipv4.tcp_slow_start_after_idle"),
    sysctlSince(37, "net.ipv4.tcp_notsent_lowat"),
    { desc: "kernel.msgmax", tweak: sysctl("kernel.msgmax"), expect: fails("sysctls") },
    { desc: "net/ipv4/tcp_syncookies (slash spelling)", tweak: sysctl("net/ipv4/tcp_syncookies"), expect: fails("sysctls") },
    { desc: "Kernel.shm_rmid_forced (case)", tweak: sysctl("Kernel.shm_rmid_forced"), expect: fails("sysctls") },
    { desc: "net.ipv4.ip_local_port_range.x (no prefix match)", tweak: sysctl("net.ipv4.ip_local_port_range.x"), expect: fails("sysctls") },
    { desc: "allowed plus kernel.msgmax", tweak: sysctl("kernel.shm_rmid_forced", "kernel.msgmax"), expect: fails("sysctls") },
]);

// ---------------------------------------------------------------------------------------------------------------
table("windowsHostProcess", ["v1.0", "latest"], BOTH, [
    {
        desc: "pod hostProcess with hostNetwork",
        tweak: (p) => {
            p.spec.hostNetwork = true;
            podSC(p).windowsOptions = { hostProcess: true };
        },
        expect: fails("hostNamespaces", "windowsHostProcess"),
    },
    { desc: "pod hostProcess", tweak: (p) => (podSC(p).windowsOptions = { hostProcess: true }), expect: fails("windowsHostProcess") },
    { desc: "container1 hostProcess", tweak: (p) => (sc(container1(p)).windowsOptions = { hostProcess: true }), expect: fails("windowsHostProcess") },
    { desc: "ephemeral hostProcess", tweak: (p, l) => (sc(addEphemeral(p, l)).windowsOptions = { hostProcess: true }), expect: fails("windowsHostProcess") },
    {
        desc: "windows pod, container1 hostProcess",
        tweak: (p) => {
            p.spec.os = { name: "windows" };
            sc(container1(p)).windowsOptions = { hostProcess: true };
        },
        expect: fails("windowsHostProcess"),
    },
    { desc: "pod hostProcess false", tweak: (p) => (podSC(p).windowsOptions = { hostProcess: false }), expect: pass },
]);

// ---------------------------------------------------------------------------------------------------------------
// The minimal pods themselves, at every policy version (the upstream `base` fixtures).
describe("base (minimal pods, every version)", () => {
    const versions = [...Array.from({ length: 38 }, (_, i) => `v1.${i}`), "v1.99", "latest"];
    for (const version of versions) {
        const m = minorOfLabel(version);
        for (const level of BOTH) {
            it(`base ${version} ${level} minimal ${level} pod -> pass`, () => {
                assert.equal(evaluatePod(minimalPod(level), level, version).allowed, true);
            });
        }
        const expected = [
            ...(m >= 8 ? ["allowPrivilegeEscalation"] : []),
            ...(m >= 22 ? ["capabilities_restricted"] : []),
            "runAsNonRoot",
            ...(m >= 19 ? ["seccompProfile_restricted"] : []),
        ];
        it(`base ${version} restricted minimal baseline pod -> fail`, () => {
            assert.deepEqual(
                evaluatePod(minimalPod("baseline"), "restricted", version).violations.map((v) => v.check),
                expected,
            );
        });
        it(`base ${version} privileged minimal baseline pod -> pass`, () => {
            assert.equal(evaluatePod(minimalPod("baseline"), "privileged", version).allowed, true);
        });
    }
});
