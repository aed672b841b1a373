// Structured findings (container, field path relative to the pod, value or undefined when unset), remediation
// lines, the container visitor, and input robustness.
import { strict as assert } from "assert";
import { collectContainers, evaluatePod, visitContainers } from "./index";
import type { Obj, PsaFinding, PsaLevel } from "./types";
import { goCompare, goQuote, sortedUnique } from "./util";

function findingsOf(pod: Obj, check: string, level: PsaLevel = "restricted", version = "latest"): PsaFinding[] {
    const v = evaluatePod(pod, level, version).violations.find((x) => x.check === check);
    assert.ok(v, `${check} did not fail`);
    return v.findings;
}

interface FindingCase {
    check: string;
    version?: string;
    level?: PsaLevel;
    name: string;
    pod: Obj;
    findings: PsaFinding[];
}

const hardened = () => ({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });

const CASES: FindingCase[] = [
    {
        check: "runAsNonRoot",
        name: "unset at pod level and on container x",
        pod: { spec: { containers: [{ name: "x" }] } },
        findings: [{ container: "x", path: "spec.containers[0].securityContext.runAsNonRoot", value: undefined }],
    },
    {
        check: "runAsNonRoot",
        name: "explicit false: pod and init container index 1",
        pod: {
            spec: {
                securityContext: { runAsNonRoot: false },
                initContainers: [{ name: "i0" }, { name: "i1", securityContext: { runAsNonRoot: false } }],
                containers: [{ name: "c" }],
            },
        },
        findings: [
            { path: "spec.securityContext.runAsNonRoot", value: false },
            { container: "i1", path: "spec.initContainers[1].securityContext.runAsNonRoot", value: false },
        ],
    },
    {
        check: "allowPrivilegeEscalation",
        name: "unset, true and missing securityContext, ephemeral included",
        pod: {
            spec: {
                initContainers: [{ name: "i", securityContext: { allowPrivilegeEscalation: false } }],
                containers: [{ name: "a" }, { name: "b", securityContext: { allowPrivilegeEscalation: true } }],
                ephemeralContainers: [{ name: "debug", securityContext: {} }],
            },
        },
        findings: [
            { container: "a", path: "spec.containers[0].securityContext.allowPrivilegeEscalation", value: undefined },
            { container: "b", path: "spec.containers[1].securityContext.allowPrivilegeEscalation", value: true },
            { container: "debug", path: "spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation", value: undefined },
        ],
    },
    {
        check: "appArmorProfile",
        name: "fields and annotations",
        pod: {
            metadata: { annotations: { "container.apparmor.security.beta.kubernetes.io/x": "unconfined" } },
            spec: { securityContext: { appArmorProfile: { type: "Unconfined" } }, containers: [{ name: "x", securityContext: { appArmorProfile: {} } }] },
        },
        findings: [
            { path: "spec.securityContext.appArmorProfile.type", value: "Unconfined" },
            { container: "x", path: "spec.containers[0].securityContext.appArmorProfile.type", value: undefined },
            { path: 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/x"]', value: "unconfined" },
        ],
    },
    {
        check: "capabilities_baseline",
        level: "baseline",
        name: "index of each forbidden capability",
        pod: { spec: { containers: [{ name: "a", securityContext: { capabilities: { add: ["CHOWN", "NET_RAW"] } } }] } },
        findings: [{ container: "a", path: "spec.containers[0].securityContext.capabilities.add[1]", value: "NET_RAW" }],
    },
    {
        check: "capabilities_restricted",
        name: "missing drop and forbidden add",
        pod: {
            spec: {
                containers: [{ name: "a" }, { name: "b", securityContext: { capabilities: { drop: ["all"], add: ["NET_BIND_SERVICE", "SYS_TIME"] } } }],
            },
        },
        findings: [
            { container: "a", path: "spec.containers[0].securityContext.capabilities.drop", value: undefined },
            { container: "b", path: "spec.containers[1].securityContext.capabilities.drop", value: ["all"] },
            { container: "b", path: "spec.containers[1].securityContext.capabilities.add[1]", value: "SYS_TIME" },
        ],
    },
    {
        check: "hostNamespaces",
        name: "each namespace",
        pod: { spec: { hostPID: true, hostIPC: true } },
        findings: [
            { path: "spec.hostPID", value: true },
            { path: "spec.hostIPC", value: true },
        ],
    },
    {
        check: "hostPathVolumes",
        level: "baseline",
        name: "volume index",
        pod: {
            spec: {
                volumes: [
                    { name: "e", emptyDir: {} },
                    { name: "h", hostPath: { path: "/var/run/docker.sock" } },
                ],
            },
        },
        findings: [{ path: "spec.volumes[1].hostPath", value: { path: "/var/run/docker.sock" } }],
    },
    {
        check: "hostPorts",
        name: "port index",
        pod: { spec: { containers: [{ name: "a", ports: [{ containerPort: 80 }, { containerPort: 8080, hostPort: 8080 }] }] } },
        findings: [{ container: "a", path: "spec.containers[0].ports[1].hostPort", value: 8080 }],
    },
    {
        check: "hostProbesAndHostLifecycle",
        name: "probe and lifecycle paths",
        pod: {
            spec: {
                containers: [{ name: "a", readinessProbe: { tcpSocket: { host: "::1" } }, lifecycle: { postStart: { httpGet: { host: "h" } } } }],
            },
        },
        findings: [
            { container: "a", path: "spec.containers[0].readinessProbe.tcpSocket.host", value: "::1" },
            { container: "a", path: "spec.containers[0].lifecycle.postStart.httpGet.host", value: "h" },
        ],
    },
    {
        check: "privileged",
        name: "init container",
        pod: { spec: { initContainers: [{ name: "i", securityContext: { privileged: true } }], containers: [{ name: "c" }] } },
        findings: [{ container: "i", path: "spec.initContainers[0].securityContext.privileged", value: true }],
    },
    {
        check: "procMount_restricted",
        name: "value",
        pod: { spec: { containers: [{ name: "a", securityContext: { procMount: "Unmasked" } }] } },
        findings: [{ container: "a", path: "spec.containers[0].securityContext.procMount", value: "Unmasked" }],
    },
    {
        check: "restrictedVolumes",
        name: "source key and value, unknown key",
        pod: { spec: { volumes: [{ name: "n", nfs: { server: "s", path: "/" } }, { name: "ok" }, { name: "u", fancy: { a: 1 } }] } },
        findings: [
            { path: "spec.volumes[0].nfs", value: { server: "s", path: "/" } },
            { path: "spec.volumes[2].fancy", value: { a: 1 } },
        ],
    },
    {
        check: "runAsUser",
        name: "pod and container",
        pod: { spec: { securityContext: { runAsUser: 0 }, containers: [{ name: "a", securityContext: { runAsUser: 0 } }] } },
        findings: [
            { path: "spec.securityContext.runAsUser", value: 0 },
            { container: "a", path: "spec.containers[0].securityContext.runAsUser", value: 0 },
        ],
    },
    {
        check: "seccompProfile_baseline",
        level: "baseline",
        version: "v1.18",
        name: "annotation paths",
        pod: {
            metadata: { annotations: { "seccomp.security.alpha.kubernetes.io/pod": "unconfined", "container.seccomp.security.alpha.kubernetes.io/a": "" } },
            spec: { containers: [{ name: "a" }] },
        },
        findings: [
            { container: "a", path: 'metadata.annotations["container.seccomp.security.alpha.kubernetes.io/a"]', value: "" },
            { path: 'metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]', value: "unconfined" },
        ],
    },
    {
        check: "seccompProfile_restricted",
        name: "implicit: unset on every container without its own profile",
        pod: { spec: { containers: [{ name: "a" }, { name: "b", securityContext: { seccompProfile: { type: "Localhost" } } }] } },
        findings: [{ container: "a", path: "spec.containers[0].securityContext.seccompProfile.type", value: undefined }],
    },
    {
        check: "seLinuxOptions",
        name: "type, user and role",
        pod: {
            spec: {
                securityContext: { seLinuxOptions: { type: "spc_t", user: "u" } },
                containers: [{ name: "a", securityContext: { seLinuxOptions: { role: "r", level: "s0" } } }],
            },
        },
        findings: [
            { path: "spec.securityContext.seLinuxOptions.type", value: "spc_t" },
            { path: "spec.securityContext.seLinuxOptions.user", value: "u" },
            { container: "a", path: "spec.containers[0].securityContext.seLinuxOptions.role", value: "r" },
        ],
    },
    {
        check: "sysctls",
        name: "index",
        pod: { spec: { securityContext: { sysctls: [{ name: "kernel.shm_rmid_forced" }, { name: "kernel.msgmax", value: "1" }] } } },
        findings: [{ path: "spec.securityContext.sysctls[1].name", value: "kernel.msgmax" }],
    },
    {
        check: "windowsHostProcess",
        name: "pod and ephemeral",
        pod: {
            spec: {
                securityContext: { windowsOptions: { hostProcess: true } },
                containers: [{ name: "c" }],
                ephemeralContainers: [{ name: "e", securityContext: { windowsOptions: { hostProcess: true } } }],
            },
        },
        findings: [
            { path: "spec.securityContext.windowsOptions.hostProcess", value: true },
            { container: "e", path: "spec.ephemeralContainers[0].securityContext.windowsOptions.hostProcess", value: true },
        ],
    },
];

describe("findings", () => {
    for (const c of CASES) {
        it(`${c.check} ${c.version ?? "latest"} findings: ${c.name}`, () => {
            assert.deepEqual(findingsOf(c.pod, c.check, c.level, c.version), c.findings);
        });
    }

    it("findings latest: an allowed result has no violations and a passing check allocates nothing it returns", () => {
        const r = evaluatePod(
            {
                spec: {
                    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [{ name: "a", securityContext: hardened() }],
                },
            },
            "restricted",
            "latest",
        );
        assert.equal(r.allowed, true);
        assert.deepEqual(r.violations, []);
    });

    it("findings latest: every violation carries its check's remediation (sysctls names the version's allow-list)", () => {
        const pod = { spec: { securityContext: { sysctls: [{ name: "x" }] } } };
        const at = (v: string) => evaluatePod(pod, "baseline", v).violations[0].fix;
        assert.match(at("v1.0"), /net\.ipv4\.ip_unprivileged_port_start\)$/);
        assert.doesNotMatch(at("v1.26"), /ip_local_reserved_ports/);
        assert.match(at("v1.27"), /ip_local_reserved_ports/);
        assert.match(at("latest"), /tcp_notsent_lowat/);
        const fixes = evaluatePod({ spec: { containers: [{ name: "x" }] } }, "restricted", "latest").violations.map((v) => v.fix);
        assert.deepEqual(fixes, [
            "set securityContext.allowPrivilegeEscalation: false on every container (init and ephemeral containers included)",
            'set securityContext.capabilities.drop: ["ALL"] on every container and add at most NET_BIND_SERVICE',
            "set spec.securityContext.runAsNonRoot: true (and never runAsNonRoot: false on a container)",
            "set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost) and no other type on any container",
        ]);
    });

    it("findings v1.18: the seccomp annotation variant has its own remediation", () => {
        const r = evaluatePod({ metadata: { annotations: { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" } }, spec: {} }, "baseline", "v1.18");
        assert.match(r.violations[0].fix, /runtime\/default/);
    });
});

describe("visitor", () => {
    const spec = {
        ephemeralContainers: [{ name: "e0" }],
        containers: [{ name: "c0" }, { name: "c1" }],
        initContainers: [{ name: "i0" }, { name: "i1" }],
    };
    it("visitor latest: initContainers, containers, ephemeralContainers in that order with their path prefix", () => {
        const seen: string[] = [];
        visitContainers(spec, (c, path) => seen.push(`${c.name}@${path}`));
        assert.deepEqual(seen, [
            "i0@spec.initContainers[0]",
            "i1@spec.initContainers[1]",
            "c0@spec.containers[0]",
            "c1@spec.containers[1]",
            "e0@spec.ephemeralContainers[0]",
        ]);
    });
    it("visitor latest: missing spec, missing lists and non-object entries", () => {
        assert.deepEqual(collectContainers(undefined), []);
        assert.deepEqual(collectContainers({}), []);
        const refs = collectContainers({ containers: [null, "x", { name: 7, securityContext: "nope" }] });
        assert.deepEqual(
            refs.map((r) => [r.name, r.sc, r.index]),
            [
                ["", undefined, 0],
                ["", undefined, 1],
                ["7", undefined, 2],
            ],
        );
    });
    it("visitor latest: a pod without spec is evaluated as an empty pod", () => {
        assert.equal(evaluatePod({}, "restricted", "latest").allowed, true);
        assert.equal(evaluatePod({ metadata: null as never, spec: null as never }, "restricted", "latest").allowed, true);
    });
    it("visitor latest: null securityContext fields are unset (Go nil), not values", () => {
        const r = evaluatePod(
            {
                spec: {
                    securityContext: {
                        runAsNonRoot: true,
                        seccompProfile: { type: "RuntimeDefault" },
                        seLinuxOptions: null,
                        appArmorProfile: null,
                        runAsUser: null,
                    },
                    volumes: [{ name: "v", hostPath: null }],
                    containers: [
                        {
                            name: "a",
                            ports: null,
                            securityContext: { ...hardened(), privileged: null, procMount: null, seccompProfile: null, runAsNonRoot: null },
                        },
                    ],
                },
            },
            "restricted",
            "latest",
        );
        assert.deepEqual(r.violations, []);
    });
});

describe("go formatting helpers", () => {
    it("go byte-wise sort: upper case before lower case, code points beyond the BMP after U+FFFD", () => {
        assert.deepEqual(["b", "B", "a", "_", "Z"].sort(goCompare), ["B", "Z", "_", "a", "b"]);
        assert.deepEqual(["\u{1F600}", "\uFFFD", "z"].sort(goCompare), ["z", "\uFFFD", "\u{1F600}"]);
        assert.deepEqual(sortedUnique(["b", "a", "b", "a"]), ["a", "b"]);
    });
    it("go %q quoting", () => {
        assert.equal(goQuote("unconfined"), '"unconfined"');
        assert.equal(goQuote(""), '""');
        assert.equal(goQuote('a"b\\c\n\t\x01\x7f'), '"a\\"b\\\\c\\n\\t\\x01\\x7f"');
        assert.equal(goQuote("héllo\u00a0"), '"héllo\\u00a0"');
    });
});
