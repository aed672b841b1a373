// Registry: version parsing, check sets per level and version, overrides, clamping, caching, order.
import { strict as assert } from "assert";
import {
    ALL_CHECKS,
    PSA_MAX_MINOR,
    checkIdsFor,
    checksFor,
    checksForMinor,
    evaluatePod,
    parsePsaLevel,
    parsePsaVersion,
    resolvePsaVersion,
    validateChecks,
} from "./index";
import type { CheckDefinition } from "./types";
import { goCompare } from "./util";

describe("registry: version strings", () => {
    const valid = ["latest", "v1.0", "v1.1", "v1.9", "v1.10", "v1.25", "v1.37", "v1.38", "v1.99", "v1.100", "v1.9223372036854775807"];
    const invalid = [
        "",
        "v1",
        "v1.",
        "1.25",
        "v1.025",
        "v1.01",
        "v1.00",
        "v2.0",
        "v0.25",
        "v1.25.0",
        "V1.25",
        " v1.25",
        "v1.25 ",
        "v1.-1",
        "v1.+1",
        "Latest",
        "LATEST",
        "v1.x",
        "v1.9223372036854775808",
        "v1.99999999999999999999",
        "v1.2e3",
    ];
    for (const v of valid) {
        it(`registry ${JSON.stringify(v)} is a valid version`, () => assert.equal(parsePsaVersion(v), v));
    }
    for (const v of invalid) {
        it(`registry ${JSON.stringify(v)} is not a valid version (falls back to latest)`, () => {
            assert.equal(parsePsaVersion(v), undefined);
            assert.deepEqual(resolvePsaVersion(v), { label: "latest", minor: PSA_MAX_MINOR, valid: false });
        });
    }
    it("registry levels parse exactly", () => {
        for (const l of ["privileged", "baseline", "restricted"]) assert.equal(parsePsaLevel(l), l);
        for (const l of ["", "Restricted", "strict", "restricted "]) assert.equal(parsePsaLevel(l), undefined);
    });
    it("registry an unknown level throws instead of silently passing", () => {
        assert.throws(() => evaluatePod({ spec: {} }, "strict" as never, "latest"), /invalid PSA level/);
    });
});

describe("registry: clamping", () => {
    it("registry latest max minor is 37 (newest change: sysctls at v1.37)", () => assert.equal(PSA_MAX_MINOR, 37));
    for (const level of ["baseline", "restricted"] as const) {
        it(`registry latest ${level}: latest, v1.37, v1.38, v1.99 and invalid strings share one precomputed set`, () => {
            const set = checksFor(level, "latest");
            for (const v of ["v1.37", "v1.38", "v1.99", "v1.100", "bogus"]) assert.equal(checksFor(level, v), set, v);
            assert.equal(checksForMinor(level, 1000), set);
        });
        it(`registry v1.36 ${level}: differs from latest only by the v1.37 sysctls variant`, () => {
            const a = checksFor(level, "v1.36");
            const b = checksFor(level, "latest");
            assert.notEqual(a, b);
            assert.deepEqual(
                a.map((c) => c.id),
                b.map((c) => c.id),
            );
            assert.deepEqual(
                a.filter((c, i) => c.run !== b[i].run).map((c) => c.id),
                ["sysctls"],
            );
        });
    }
    it("registry latest: repeated lookups return the same frozen arrays (no per-evaluation allocation)", () => {
        const a = checksFor("restricted", "v1.25");
        assert.equal(checksFor("restricted", "v1.25"), a);
        assert.ok(Object.isFrozen(a));
    });
});

describe("registry: privileged", () => {
    const horrible = {
        metadata: { annotations: { "container.apparmor.security.beta.kubernetes.io/x": "unconfined" } },
        spec: {
            hostNetwork: true,
            hostPID: true,
            securityContext: { runAsUser: 0, runAsNonRoot: false, sysctls: [{ name: "kernel.msgmax" }] },
            volumes: [{ name: "h", hostPath: { path: "/" } }],
            containers: [{ name: "x", securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } }, ports: [{ hostPort: 1 }] }],
        },
    };
    for (const v of ["v1.0", "v1.25", "latest", "v1.99", "junk"]) {
        it(`registry ${v} privileged runs no check`, () => {
            assert.equal(checksFor("privileged", v).length, 0);
            const r = evaluatePod(horrible, "privileged", v);
            assert.equal(r.allowed, true);
            assert.deepEqual(r.violations, []);
        });
    }
});

// Expected check sets (message order) at the versions where they change.
const B0 = [
    "appArmorProfile",
    "capabilities_baseline",
    "hostNamespaces",
    "hostPathVolumes",
    "hostPorts",
    "privileged",
    "procMount",
    "seLinuxOptions",
    "seccompProfile_baseline",
    "sysctls",
    "windowsHostProcess",
];
const B34 = [
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
];
const without = (list: string[], ...ids: string[]) => list.filter((x) => !ids.includes(x));
const EXPECTED_SETS: [string, string[], string[]][] = [
    ["v1.0", B0, [...without(B0, "hostPathVolumes"), "restrictedVolumes", "runAsNonRoot"]],
    ["v1.7", B0, [...without(B0, "hostPathVolumes"), "restrictedVolumes", "runAsNonRoot"]],
    ["v1.8", B0, [...without(B0, "hostPathVolumes"), "allowPrivilegeEscalation", "restrictedVolumes", "runAsNonRoot"]],
    ["v1.18", B0, [...without(B0, "hostPathVolumes"), "allowPrivilegeEscalation", "restrictedVolumes", "runAsNonRoot"]],
    [
        "v1.19",
        B0,
        [
            ...without(B0, "hostPathVolumes", "seccompProfile_baseline"),
            "allowPrivilegeEscalation",
            "restrictedVolumes",
            "runAsNonRoot",
            "seccompProfile_restricted",
        ],
    ],
    [
        "v1.21",
        B0,
        [
            ...without(B0, "hostPathVolumes", "seccompProfile_baseline"),
            "allowPrivilegeEscalation",
            "restrictedVolumes",
            "runAsNonRoot",
            "seccompProfile_restricted",
        ],
    ],
    [
        "v1.22",
        B0,
        [
            ...without(B0, "hostPathVolumes", "seccompProfile_baseline", "capabilities_baseline"),
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "restrictedVolumes",
            "runAsNonRoot",
            "seccompProfile_restricted",
        ],
    ],
    [
        "v1.23",
        B0,
        [
            ...without(B0, "hostPathVolumes", "seccompProfile_baseline", "capabilities_baseline"),
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "restrictedVolumes",
            "runAsNonRoot",
            "runAsUser",
            "seccompProfile_restricted",
        ],
    ],
    [
        "v1.33",
        B0,
        [
            ...without(B0, "hostPathVolumes", "seccompProfile_baseline", "capabilities_baseline"),
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "restrictedVolumes",
            "runAsNonRoot",
            "runAsUser",
            "seccompProfile_restricted",
        ],
    ],
    [
        "v1.34",
        B34,
        [
            ...without(B34, "hostPathVolumes", "seccompProfile_baseline", "capabilities_baseline"),
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "restrictedVolumes",
            "runAsNonRoot",
            "runAsUser",
            "seccompProfile_restricted",
        ],
    ],
    [
        "v1.35",
        B34,
        [
            ...without(B34, "hostPathVolumes", "seccompProfile_baseline", "capabilities_baseline", "procMount"),
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "procMount_restricted",
            "restrictedVolumes",
            "runAsNonRoot",
            "runAsUser",
            "seccompProfile_restricted",
        ],
    ],
    [
        "latest",
        B34,
        [
            ...without(B34, "hostPathVolumes", "seccompProfile_baseline", "capabilities_baseline", "procMount"),
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "procMount_restricted",
            "restrictedVolumes",
            "runAsNonRoot",
            "runAsUser",
            "seccompProfile_restricted",
        ],
    ],
];

describe("registry: check sets per level and version", () => {
    for (const [version, baseline, restricted] of EXPECTED_SETS) {
        it(`registry ${version} baseline check set`, () => assert.deepEqual(checkIdsFor("baseline", version), baseline));
        it(`registry ${version} restricted check set`, () => assert.deepEqual(checkIdsFor("restricted", version), restricted));
    }
    it("registry latest restricted order matches psa.md §2.4 (byte-wise: seLinuxOptions before seccompProfile_*)", () => {
        assert.deepEqual(checkIdsFor("restricted", "latest"), [
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
        ]);
        assert.ok(goCompare("seLinuxOptions", "seccompProfile_baseline") < 0);
        assert.ok("seLinuxOptions".localeCompare("seccompProfile_baseline") > 0, "a locale-aware sort would get it wrong");
    });
    it("registry every version: restricted = non-overridden baseline + restricted, baseline never contains restricted checks", () => {
        for (let m = 0; m <= PSA_MAX_MINOR; m++) {
            const b = checksForMinor("baseline", m);
            const r = checksForMinor("restricted", m);
            assert.ok(b.every((c) => c.level === "baseline"));
            const rb = r.filter((c) => c.level === "baseline");
            assert.deepEqual(
                rb,
                b.filter((c) => rb.includes(c)),
                `v1.${m} baseline part`,
            );
            assert.equal(rb.length + r.filter((c) => c.level === "restricted").length, r.length);
            // same variant functions at both levels
            for (const c of rb)
                assert.equal(
                    c,
                    b.find((x) => x.id === c.id),
                );
        }
    });
});

// The active variant (its minimum version) of every multi-variant check, before and at each change.
const VARIANTS: [string, [string, number | undefined][]][] = [
    [
        "allowPrivilegeEscalation",
        [
            ["v1.7", undefined],
            ["v1.8", 8],
            ["v1.24", 8],
            ["v1.25", 25],
            ["latest", 25],
        ],
    ],
    [
        "capabilities_restricted",
        [
            ["v1.21", undefined],
            ["v1.22", 22],
            ["v1.24", 22],
            ["v1.25", 25],
        ],
    ],
    [
        "hostProbesAndHostLifecycle",
        [
            ["v1.33", undefined],
            ["v1.34", 34],
        ],
    ],
    [
        "procMount",
        [
            ["v1.0", 0],
            ["v1.34", 0],
            ["v1.35", 35],
        ],
    ],
    [
        "procMount_restricted",
        [
            ["v1.34", undefined],
            ["v1.35", 35],
        ],
    ],
    [
        "runAsNonRoot",
        [
            ["v1.0", 0],
            ["v1.34", 0],
            ["v1.35", 35],
        ],
    ],
    [
        "runAsUser",
        [
            ["v1.22", undefined],
            ["v1.23", 23],
            ["v1.34", 23],
            ["v1.35", 35],
        ],
    ],
    [
        "seccompProfile_baseline",
        [
            ["v1.18", 0],
            ["v1.19", 19],
        ],
    ],
    [
        "seccompProfile_restricted",
        [
            ["v1.18", undefined],
            ["v1.19", 19],
            ["v1.24", 19],
            ["v1.25", 25],
        ],
    ],
    [
        "seLinuxOptions",
        [
            ["v1.30", 0],
            ["v1.31", 31],
        ],
    ],
    [
        "sysctls",
        [
            ["v1.26", 0],
            ["v1.27", 27],
            ["v1.28", 27],
            ["v1.29", 29],
            ["v1.31", 29],
            ["v1.32", 32],
            ["v1.36", 32],
            ["v1.37", 37],
            ["v1.99", 37],
        ],
    ],
];
describe("registry: active variant per version", () => {
    for (const [id, rows] of VARIANTS) {
        const level = ALL_CHECKS.find((c) => c.id === id)!.level === "baseline" ? "baseline" : "restricted";
        for (const [version, min] of rows) {
            it(`${id} ${version} active variant ${min === undefined ? "none" : `v1.${min}`}`, () => {
                assert.equal(checksFor(level, version).find((c) => c.id === id)?.minVersion, min);
            });
        }
    }
});

describe("registry: catalogue and validation", () => {
    it("registry latest: 19 checks, 12 baseline and 7 restricted, with the upstream IDs", () => {
        assert.equal(ALL_CHECKS.length, 19);
        assert.equal(ALL_CHECKS.filter((c) => c.level === "baseline").length, 12);
        assert.deepEqual(
            ALL_CHECKS.filter((c) => c.level === "restricted")
                .map((c) => c.id)
                .sort(),
            [
                "allowPrivilegeEscalation",
                "capabilities_restricted",
                "procMount_restricted",
                "restrictedVolumes",
                "runAsNonRoot",
                "runAsUser",
                "seccompProfile_restricted",
            ],
        );
    });
    it("registry latest: overrides as in psa.md §2.2", () => {
        const overrides = ALL_CHECKS.flatMap((c) => c.versions.flatMap((v) => (v.overrides ?? []).map((o) => `${c.id}@${v.minVersion}>${o}`)));
        assert.deepEqual(overrides.sort(), [
            "capabilities_restricted@22>capabilities_baseline",
            "capabilities_restricted@25>capabilities_baseline",
            "procMount_restricted@35>procMount",
            "restrictedVolumes@0>hostPathVolumes",
            "seccompProfile_restricted@19>seccompProfile_baseline",
            "seccompProfile_restricted@25>seccompProfile_baseline",
        ]);
    });
    it("registry latest: every check and variant has a remediation", () => {
        for (const c of ALL_CHECKS) assert.ok(c.fix.length > 10, c.id);
        for (let m = 0; m <= PSA_MAX_MINOR; m++) for (const c of checksForMinor("restricted", m)) assert.ok(c.fix.length > 10);
    });
    const noop = () => undefined;
    const bad: [string, CheckDefinition[], RegExp][] = [
        [
            "duplicate IDs",
            [
                { id: "a", level: "baseline", fix: "f", versions: [{ minVersion: 0, check: noop }] },
                { id: "a", level: "baseline", fix: "f", versions: [{ minVersion: 1, check: noop }] },
            ],
            /multiple checks/,
        ],
        ["no versions", [{ id: "a", level: "baseline", fix: "f", versions: [] }], /empty/],
        [
            "non-increasing versions",
            [
                {
                    id: "a",
                    level: "baseline",
                    fix: "f",
                    versions: [
                        { minVersion: 3, check: noop },
                        { minVersion: 3, check: noop },
                    ],
                },
            ],
            /strictly increasing/,
        ],
        ["invalid level", [{ id: "a", level: "privileged" as never, fix: "f", versions: [{ minVersion: 0, check: noop }] }], /invalid level/],
        [
            "override of an unknown check",
            [{ id: "a", level: "restricted", fix: "f", versions: [{ minVersion: 0, check: noop, overrides: ["zzz"] }] }],
            /unknown baseline check/,
        ],
        [
            "override by a baseline check",
            [{ id: "a", level: "baseline", fix: "f", versions: [{ minVersion: 0, check: noop, overrides: ["a"] }] }],
            /only restricted/,
        ],
    ];
    for (const [name, checks, re] of bad) {
        it(`registry latest: validateChecks rejects ${name}`, () => assert.throws(() => validateChecks(checks), re));
    }
    it("registry latest: validateChecks accepts the real catalogue", () => validateChecks(ALL_CHECKS));
});
