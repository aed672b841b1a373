// Exact reason/detail text per check (upstream unit-test style) and the rejection message format.
// Case names: `<checkId> <version> <what>`.
import { strict as assert } from "assert";
import { evaluatePod, formatPsaRejection, formatPsaViolations, formatPsaWarning } from "./index";
import type { Obj, PsaLevel } from "./types";

interface MessageCase {
    check: string;
    version?: string;
    level?: PsaLevel;
    name: string;
    pod: Obj;
    reason: string;
    detail: string;
}

const A = "container.apparmor.security.beta.kubernetes.io/";

const CASES: MessageCase[] = [
    {
        check: "allowPrivilegeEscalation",
        name: "unset and true, init container first",
        pod: {
            spec: {
                initContainers: [{ name: "i" }],
                containers: [
                    { name: "a" },
                    { name: "b", securityContext: { allowPrivilegeEscalation: true } },
                    { name: "c", securityContext: { allowPrivilegeEscalation: false } },
                ],
            },
        },
        reason: "allowPrivilegeEscalation != false",
        detail: 'containers "i", "a", "b" must set securityContext.allowPrivilegeEscalation=false',
    },
    {
        check: "appArmorProfile",
        name: "pod field",
        pod: { spec: { securityContext: { appArmorProfile: { type: "Unconfined" } } } },
        reason: "forbidden AppArmor profile",
        detail: 'pod must not set AppArmor profile type to "Unconfined"',
    },
    {
        check: "appArmorProfile",
        name: "init container field",
        pod: {
            spec: {
                securityContext: { appArmorProfile: { type: "RuntimeDefault" } },
                containers: [{ name: "foo" }],
                initContainers: [{ name: "bar", securityContext: { appArmorProfile: { type: "Unconfined" } } }],
            },
        },
        reason: "forbidden AppArmor profile",
        detail: 'container "bar" must not set AppArmor profile type to "Unconfined"',
    },
    {
        check: "appArmorProfile",
        name: "multiple annotations (upstream test)",
        pod: {
            metadata: {
                annotations: {
                    [A]: "bogus",
                    [A + "a"]: "",
                    [A + "b"]: "runtime/default",
                    [A + "c"]: "localhost/",
                    [A + "d"]: "localhost/foo",
                    [A + "e"]: "unconfined",
                    [A + "f"]: "unknown",
                },
            },
            spec: {},
        },
        reason: "forbidden AppArmor profiles",
        detail: "annotations must not set AppArmor profile type to " + [`"${A}="bogus""`, `"${A}e="unconfined""`, `"${A}f="unknown""`].join(", "),
    },
    {
        check: "appArmorProfile",
        name: "pod, containers and annotation together",
        pod: {
            metadata: { annotations: { [A + "x"]: "unconfined" } },
            spec: {
                securityContext: { appArmorProfile: { type: "Unconfined" } },
                containers: [
                    { name: "a", securityContext: { appArmorProfile: {} } },
                    { name: "b", securityContext: { appArmorProfile: { type: "Unconfined" } } },
                ],
            },
        },
        reason: "forbidden AppArmor profiles",
        detail: `pod and containers "a", "b" and annotation must not set AppArmor profile type to "", "Unconfined", "${A}x="unconfined""`,
    },
    {
        check: "appArmorProfile",
        name: "annotation value with quote and newline is Go-quoted",
        pod: { metadata: { annotations: { [A + "x"]: 'un"con\nfined' } }, spec: {} },
        reason: "forbidden AppArmor profile",
        detail: `annotation must not set AppArmor profile type to "${A}x="un\\"con\\nfined""`,
    },
    {
        check: "capabilities_baseline",
        level: "baseline",
        name: "multiple containers (upstream test)",
        pod: {
            spec: {
                containers: [
                    { name: "a", securityContext: { capabilities: { add: ["FOO", "BAR", "CHOWN"] } } },
                    { name: "b", securityContext: { capabilities: { add: ["BAR", "BAZ", "CHOWN"] } } },
                    { name: "c", securityContext: { capabilities: { add: ["CHOWN"] } } },
                ],
            },
        },
        reason: "non-default capabilities",
        detail: 'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add',
    },
    {
        check: "capabilities_restricted",
        name: "missing drop and forbidden add",
        pod: {
            spec: {
                containers: [
                    { name: "a" },
                    { name: "b", securityContext: { capabilities: { drop: ["all"], add: ["FOO"] } } },
                    { name: "c", securityContext: { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "BAR", "FOO"] } } },
                    { name: "d", securityContext: { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } } },
                ],
            },
        },
        reason: "unrestricted capabilities",
        detail: 'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "b", "c" must not include "BAR", "FOO" in securityContext.capabilities.add',
    },
    {
        check: "hostNamespaces",
        name: "all three (upstream test)",
        pod: { spec: { hostNetwork: true, hostIPC: true, hostPID: true } },
        reason: "host namespaces",
        detail: "hostNetwork=true, hostPID=true, hostIPC=true",
    },
    {
        check: "hostPathVolumes",
        level: "baseline",
        name: "two volumes in spec order",
        pod: {
            spec: {
                volumes: [
                    { name: "b", hostPath: {} },
                    { name: "x", emptyDir: {} },
                    { name: "a", hostPath: { path: "/" } },
                ],
            },
        },
        reason: "hostPath volumes",
        detail: 'volumes "b", "a"',
    },
    {
        check: "hostPorts",
        name: "multiple containers, ports sorted as strings",
        pod: {
            spec: {
                containers: [
                    { name: "a", ports: [{ hostPort: 8080 }, { hostPort: 443 }] },
                    { name: "b", ports: [{ hostPort: 80 }, { hostPort: 443 }, { hostPort: 0 }] },
                ],
            },
        },
        reason: "hostPort",
        detail: 'containers "a", "b" use hostPorts 443, 80, 8080',
    },
    {
        check: "hostPorts",
        name: "single container single port",
        pod: { spec: { containers: [{ name: "a", ports: [{ containerPort: 53, hostPort: 53 }] }] } },
        reason: "hostPort",
        detail: 'container "a" uses hostPort 53',
    },
    {
        check: "hostProbesAndHostLifecycle",
        name: "containers and hosts sorted and unique",
        pod: {
            spec: {
                containers: [
                    { name: "b", livenessProbe: { httpGet: { host: "example.com" } }, lifecycle: { preStop: { tcpSocket: { host: "bad.host" } } } },
                    { name: "a", readinessProbe: { tcpSocket: { host: "example.com" } } },
                ],
            },
        },
        reason: "probe or lifecycle host",
        detail: 'containers "a", "b" use probe or lifecycle hosts "bad.host", "example.com"',
    },
    {
        check: "hostProbesAndHostLifecycle",
        name: "one container one host",
        pod: { spec: { containers: [{ name: "a", startupProbe: { httpGet: { host: "127.0.0.1" } } }] } },
        reason: "probe or lifecycle host",
        detail: 'container "a" uses probe or lifecycle host "127.0.0.1"',
    },
    {
        check: "privileged",
        name: "two containers",
        pod: {
            spec: {
                containers: [
                    { name: "a", securityContext: { privileged: true } },
                    { name: "b", securityContext: { privileged: true } },
                    { name: "c", securityContext: { privileged: false } },
                ],
            },
        },
        reason: "privileged",
        detail: 'containers "a", "b" must not set securityContext.privileged=true',
    },
    {
        check: "procMount",
        level: "baseline",
        name: "types sorted and unique",
        pod: {
            spec: {
                containers: [
                    { name: "a", securityContext: { procMount: "Unmasked" } },
                    { name: "b", securityContext: { procMount: "" } },
                    { name: "c", securityContext: { procMount: "Unmasked" } },
                    { name: "d", securityContext: { procMount: "Default" } },
                ],
            },
        },
        reason: "procMount",
        detail: 'containers "a", "b", "c" must not set securityContext.procMount to "", "Unmasked"',
    },
    {
        check: "procMount_restricted",
        name: "hostUsers false at restricted",
        pod: { spec: { hostUsers: false, containers: [{ name: "a", securityContext: { procMount: "Unmasked" } }] } },
        reason: "procMount",
        detail: 'container "a" must not set securityContext.procMount to "Unmasked"',
    },
    {
        check: "restrictedVolumes",
        name: "several types",
        pod: { spec: { volumes: [{ name: "a", hostPath: {} }, { name: "ok" }, { name: "b", gitRepo: {} }, { name: "c", hostPath: {} }] } },
        reason: "restricted volume types",
        detail: 'volumes "a", "b", "c" use restricted volume types "gitRepo", "hostPath"',
    },
    {
        check: "restrictedVolumes",
        name: "single unknown",
        pod: { spec: { volumes: [{ name: "a", fancy: {} }] } },
        reason: "restricted volume types",
        detail: 'volume "a" uses restricted volume type "unknown"',
    },
    {
        check: "runAsNonRoot",
        name: "explicit false at pod and containers",
        pod: {
            spec: {
                securityContext: { runAsNonRoot: false },
                containers: [
                    { name: "a", securityContext: { runAsNonRoot: true } },
                    { name: "b", securityContext: { runAsNonRoot: false } },
                    { name: "c", securityContext: { runAsNonRoot: false } },
                    { name: "d" },
                ],
            },
        },
        reason: "runAsNonRoot != true",
        detail: 'pod and containers "b", "c" must not set securityContext.runAsNonRoot=false',
    },
    {
        check: "runAsNonRoot",
        name: "implicit (upstream test)",
        pod: { spec: { containers: [{ name: "a" }, { name: "b", securityContext: {} }, { name: "c", securityContext: { runAsNonRoot: true } }] } },
        reason: "runAsNonRoot != true",
        detail: 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
    },
    {
        check: "runAsUser",
        name: "pod and one container",
        pod: {
            spec: {
                securityContext: { runAsUser: 0 },
                containers: [
                    { name: "a", securityContext: { runAsUser: 1000 } },
                    { name: "b", securityContext: { runAsUser: 0 } },
                ],
            },
        },
        reason: "runAsUser=0",
        detail: 'pod and container "b" must not set runAsUser=0',
    },
    {
        check: "seccompProfile_baseline",
        version: "v1.18",
        level: "baseline",
        name: "annotations sorted",
        pod: {
            metadata: {
                annotations: {
                    "seccomp.security.alpha.kubernetes.io/pod": "",
                    "container.seccomp.security.alpha.kubernetes.io/b": "unconfined",
                    "container.seccomp.security.alpha.kubernetes.io/a": "runtime/default",
                    "container.seccomp.security.alpha.kubernetes.io/ghost": "unconfined",
                },
            },
            spec: { containers: [{ name: "a" }, { name: "b" }] },
        },
        reason: "seccompProfile",
        detail: 'forbidden annotations container.seccomp.security.alpha.kubernetes.io/b="unconfined", seccomp.security.alpha.kubernetes.io/pod=""',
    },
    {
        check: "seccompProfile_baseline",
        version: "v1.19",
        level: "baseline",
        name: "fields",
        pod: {
            spec: {
                securityContext: { seccompProfile: { type: "Unconfined" } },
                containers: [
                    { name: "a", securityContext: { seccompProfile: { type: "" } } },
                    { name: "b", securityContext: { seccompProfile: { type: "Unconfined" } } },
                ],
            },
        },
        reason: "seccompProfile",
        detail: 'pod and containers "a", "b" must not set securityContext.seccompProfile.type to "", "Unconfined"',
    },
    {
        check: "seccompProfile_restricted",
        name: "implicit",
        pod: { spec: { containers: [{ name: "a" }, { name: "b", securityContext: { seccompProfile: { type: "RuntimeDefault" } } }] } },
        reason: "seccompProfile",
        detail: 'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
    },
    {
        check: "seccompProfile_restricted",
        name: "explicit wins over implicit",
        pod: { spec: { containers: [{ name: "a" }, { name: "b", securityContext: { seccompProfile: { type: "Unconfined" } } }] } },
        reason: "seccompProfile",
        detail: 'container "b" must not set securityContext.seccompProfile.type to "Unconfined"',
    },
    {
        check: "seLinuxOptions",
        name: "invalid pod and containers (upstream test)",
        pod: {
            spec: {
                securityContext: { seLinuxOptions: { type: "foo", user: "bar", role: "baz" } },
                containers: [
                    { name: "a", securityContext: { seLinuxOptions: { type: "container_t" } } },
                    { name: "b", securityContext: { seLinuxOptions: { type: "container_init_t" } } },
                    { name: "c", securityContext: { seLinuxOptions: { type: "container_kvm_t" } } },
                    { name: "d", securityContext: { seLinuxOptions: { type: "container_engine_t" } } },
                    { name: "e", securityContext: { seLinuxOptions: { type: "bar" } } },
                    { name: "f", securityContext: { seLinuxOptions: { user: "bar" } } },
                    { name: "g", securityContext: { seLinuxOptions: { role: "baz" } } },
                ],
            },
        },
        reason: "seLinuxOptions",
        detail: 'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set',
    },
    {
        check: "seLinuxOptions",
        name: "bad user only (upstream test)",
        pod: { spec: { securityContext: { seLinuxOptions: { user: "bad" } } } },
        reason: "seLinuxOptions",
        detail: "pod set forbidden securityContext.seLinuxOptions: user may not be set",
    },
    {
        check: "seLinuxOptions",
        version: "v1.30",
        name: "container_engine_t before v1.31",
        pod: { spec: { containers: [{ name: "d", securityContext: { seLinuxOptions: { type: "container_engine_t" } } }] } },
        reason: "seLinuxOptions",
        detail: 'container "d" set forbidden securityContext.seLinuxOptions: type "container_engine_t"',
    },
    {
        check: "sysctls",
        name: "spec order, duplicates kept (upstream test)",
        pod: { spec: { securityContext: { sysctls: [{ name: "b" }, { name: "kernel.shm_rmid_forced" }, { name: "a" }, { name: "b" }] } } },
        reason: "forbidden sysctls",
        detail: "b, a, b",
    },
    {
        check: "windowsHostProcess",
        name: "pod and containers",
        pod: {
            spec: {
                securityContext: { windowsOptions: { hostProcess: true } },
                containers: [
                    { name: "a", securityContext: { windowsOptions: { hostProcess: true } } },
                    { name: "b", securityContext: { windowsOptions: { hostProcess: true } } },
                ],
            },
        },
        reason: "hostProcess",
        detail: 'pod and containers "a", "b" must not set securityContext.windowsOptions.hostProcess=true',
    },
];

describe("reason and detail text", () => {
    for (const c of CASES) {
        const version = c.version ?? "latest";
        const level = c.level ?? "restricted";
        it(`${c.check} ${version} ${level} ${c.name}: exact reason and detail`, () => {
            const r = evaluatePod(c.pod, level, version);
            const v = r.violations.find((x) => x.check === c.check);
            assert.ok(v, `${c.check} not among ${r.violations.map((x) => x.check).join(", ")}`);
            assert.equal(v.reason, c.reason);
            assert.equal(v.detail, c.detail);
        });
    }
});

describe("rejection message", () => {
    const bare = { spec: { containers: [{ name: "x", image: "nginx" }] } };

    it("rejection latest restricted: the well-known message for a bare pod", () => {
        assert.equal(
            formatPsaRejection(evaluatePod(bare, "restricted", "latest")),
            'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "x" must set securityContext.allowPrivilegeEscalation=false), ' +
                'unrestricted capabilities (container "x" must set securityContext.capabilities.drop=["ALL"]), ' +
                'runAsNonRoot != true (pod or container "x" must set securityContext.runAsNonRoot=true), ' +
                'seccompProfile (pod or container "x" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
        );
    });

    it("rejection v1.99 restricted: prints the requested version, evaluates v1.37", () => {
        const r = evaluatePod(bare, "restricted", "v1.99");
        assert.equal(r.version, "v1.99");
        assert.equal(r.effectiveVersion, "v1.37");
        assert.ok(formatPsaRejection(r).startsWith('violates PodSecurity "restricted:v1.99": allowPrivilegeEscalation != false'));
    });

    it("rejection v1.7 restricted: old versions are weaker", () => {
        assert.equal(
            formatPsaRejection(evaluatePod(bare, "restricted", "v1.7")),
            'violates PodSecurity "restricted:v1.7": runAsNonRoot != true (pod or container "x" must set securityContext.runAsNonRoot=true)',
        );
    });

    it("rejection invalid version: evaluated and printed as latest", () => {
        const r = evaluatePod(bare, "restricted", "v1.025");
        assert.equal(r.versionValid, false);
        assert.equal(r.version, "latest");
        assert.equal(r.effectiveVersion, "v1.37");
        assert.ok(formatPsaRejection(r).startsWith('violates PodSecurity "restricted:latest": '));
    });

    it("rejection warning form: would violate", () => {
        const r = evaluatePod({ spec: { hostPID: true } }, "baseline", "v1.30");
        assert.equal(formatPsaWarning(r), 'would violate PodSecurity "baseline:v1.30": host namespaces (hostPID=true)');
        assert.equal(formatPsaRejection(r), 'violates PodSecurity "baseline:v1.30": host namespaces (hostPID=true)');
    });

    it("rejection allowed result: empty strings", () => {
        const r = evaluatePod(bare, "privileged", "latest");
        assert.equal(r.allowed, true);
        assert.equal(formatPsaRejection(r), "");
        assert.equal(formatPsaWarning(r), "");
    });

    it("rejection reason without detail: no parentheses", () => {
        assert.equal(formatPsaViolations([{ reason: "a" }, { reason: "b", detail: "d" }, { reason: "c", detail: "" }]), "a, b (d), c");
    });

    // A pod that fails every check it can at restricted latest: reasons in upstream order
    // (baseline IDs byte-sorted, then restricted IDs byte-sorted, minus the overridden baseline twins).
    const everything: Obj = {
        metadata: { annotations: { [A + "x"]: "unconfined" } },
        spec: {
            hostNetwork: true,
            securityContext: {
                runAsNonRoot: false,
                runAsUser: 0,
                seccompProfile: { type: "Unconfined" },
                seLinuxOptions: { type: "spc_t" },
                sysctls: [{ name: "kernel.msgmax" }],
                windowsOptions: { hostProcess: true },
            },
            volumes: [{ name: "h", hostPath: { path: "/" } }],
            containers: [
                {
                    name: "x",
                    ports: [{ containerPort: 80, hostPort: 80 }],
                    livenessProbe: { httpGet: { host: "example.com", port: 80 } },
                    securityContext: { privileged: true, procMount: "Unmasked", capabilities: { add: ["SYS_ADMIN"] } },
                },
            ],
        },
    };
    const ORDER_LATEST = [
        "appArmorProfile",
        "hostNamespaces",
        "hostPorts",
        "hostProbesAndHostLifecycle",
        "privileged",
        "seLinuxOptions",
        "sysctls",
        "windowsHostProcess",
        "allowPrivilegeEscalation",
        "capabilities_restricted",
        "procMount_restricted",
        "restrictedVolumes",
        "runAsNonRoot",
        "runAsUser",
        "seccompProfile_restricted",
    ];
    it("rejection latest restricted: reasons of a pod failing everything come in upstream order", () => {
        const r = evaluatePod(everything, "restricted", "latest");
        assert.deepEqual(
            r.violations.map((v) => v.check),
            ORDER_LATEST,
        );
        const msg = formatPsaRejection(r);
        assert.ok(msg.startsWith('violates PodSecurity "restricted:latest": forbidden AppArmor profile (annotation must not set'));
        assert.ok(msg.includes("), host namespaces (hostNetwork=true), hostPort ("));
        assert.ok(msg.endsWith('seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")'));
    });

    it("rejection latest baseline: the baseline twins report instead", () => {
        const r = evaluatePod(everything, "baseline", "latest");
        assert.deepEqual(
            r.violations.map((v) => v.check),
            [
                "appArmorProfile",
                "capabilities_baseline",
                "hostNamespaces",
                "hostPathVolumes",
                "hostPorts",
                "hostProbesAndHostLifecycle",
                "privileged",
                "procMount",
                "seLinuxOptions",
                "seccompProfile_baseline",
                "sysctls",
                "windowsHostProcess",
            ],
        );
    });

    it("rejection v1.18 restricted: baseline seccomp (annotations) and capabilities still run, no newer checks", () => {
        const r = evaluatePod(
            { ...everything, metadata: { annotations: { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" } } },
            "restricted",
            "v1.18",
        );
        assert.deepEqual(
            r.violations.map((v) => v.check),
            [
                "capabilities_baseline",
                "hostNamespaces",
                "hostPorts",
                "privileged",
                "procMount",
                "seLinuxOptions",
                "seccompProfile_baseline",
                "sysctls",
                "windowsHostProcess",
                "allowPrivilegeEscalation",
                "restrictedVolumes",
                "runAsNonRoot",
            ],
        );
    });
});
