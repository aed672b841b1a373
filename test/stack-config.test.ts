// Stack config -> args: the committed stacks load, and bad config fails before anything is
// registered, with one message naming the key, the value and what is accepted.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { VmafxArgsError } from "@vmafx-k8s/vmafx";
import { StackConfig, readStackConfig, runProgram } from "../tools/offline/program";
import { REDACTED, redactSecrets } from "../tools/render";
import { stackContext } from "../tools/offline/stack-context";
import { byKind, planFor } from "./helpers";

function config(values: Record<string, unknown>): StackConfig {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) out[`vmafx:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return { file: "(test)", values: out, secretKeys: [] };
}

/** Each invalid config, the key its message must name, the value it must show, and words from what is accepted. */
const INVALID: { name: string; values: Record<string, unknown>; key: string; value: string; accepted: RegExp }[] = [
    { name: "unknown top-level key", values: { replicas: 3 }, key: "vmafx:replicas", value: '"3"', accepted: /accepted keys: .*deployment/ },
    {
        name: "unknown nested key",
        values: { node: { enabled: true, replica: 2 } },
        key: "vmafx:node.replica",
        value: "2",
        accepted:
            /: unknown key; accepted keys here: enabled, replicas, grpcPort, metricsPort, image, controllerAddr, resources, nodeSelector, tolerations, controllerToken$/,
    },
    { name: "wrong type", values: { node: { enabled: "yes" } }, key: "vmafx:node.enabled", value: '"yes"', accepted: /: must be true or false$/ },
    { name: "UID 0 at pod level", values: { security: { pod: { runAsUser: 0 } } }, key: "vmafx:security.pod.runAsUser", value: "0", accepted: /non-zero UID/ },
    {
        name: "UID 0 in containers",
        values: { security: { container: { runAsUser: 0 } } },
        key: "vmafx:security.container.runAsUser",
        value: "0",
        accepted: /non-zero UID/,
    },
    {
        name: "runAsNonRoot false",
        values: { security: { pod: { runAsNonRoot: false } } },
        key: "vmafx:security.pod.runAsNonRoot",
        value: "false",
        accepted: /requires true/,
    },
    {
        name: "privilege escalation",
        values: { security: { container: { allowPrivilegeEscalation: true } } },
        key: "vmafx:security.container.allowPrivilegeEscalation",
        value: "true",
        accepted: /requires false/,
    },
    {
        name: "capabilities not dropped",
        values: { security: { container: { dropCapabilities: ["NET_RAW"] } } },
        key: "vmafx:security.container.dropCapabilities",
        value: '["NET_RAW"]',
        accepted: /contain "ALL"/,
    },
    {
        name: "capability added",
        values: { security: { container: { addCapabilities: ["SYS_ADMIN"] } } },
        key: "vmafx:security.container.addCapabilities",
        value: '["SYS_ADMIN"]',
        accepted: /only NET_BIND_SERVICE/,
    },
    {
        name: "seccomp Unconfined",
        values: { security: { pod: { seccompProfileType: "Unconfined" } } },
        key: "vmafx:security.pod.seccompProfileType",
        value: '"Unconfined"',
        accepted: /RuntimeDefault or Localhost/,
    },
    {
        name: "bad GPU vendor",
        values: { gpu: { vendor: "apple" } },
        key: "vmafx:gpu.vendor",
        value: '"apple"',
        accepted: /: must be one of "nvidia", "amd", "intel", "cpu"$/,
    },
    {
        name: "GPU resource name with vendor cpu",
        values: { gpu: { vendor: "cpu", resourceName: "nvidia.com/gpu" } },
        key: "vmafx:gpu.resourceName",
        value: '"nvidia.com/gpu"',
        accepted: /vendor nvidia, amd or intel/,
    },
    {
        name: "workload not one of three",
        values: { workload: "DaemonSet" },
        key: "vmafx:workload",
        value: '"DaemonSet"',
        accepted: /: must be one of "Deployment", "StatefulSet", "Job"$/,
    },
    { name: "Job without command", values: { workload: "Job" }, key: "vmafx:job.command", value: "[]", accepted: /non-empty list/ },
    { name: "negative replicas", values: { deployment: { replicas: -1 } }, key: "vmafx:deployment.replicas", value: "-1", accepted: /: must be at least 0$/ },
    { name: "fractional replicas", values: { node: { replicas: 1.5 } }, key: "vmafx:node.replicas", value: "1.5", accepted: /: must be a whole number$/ },
    { name: "port out of range", values: { service: { port: 70000 } }, key: "vmafx:service.port", value: "70000", accepted: /: must be at most 65535$/ },
    {
        name: "malformed CIDR",
        values: { networkPolicy: { nodeToObjectStore: { destinations: [{ cidr: "10.0.0.0/33" }] } } },
        key: "vmafx:networkPolicy.nodeToObjectStore.destinations[0].cidr",
        value: '"10.0.0.0/33"',
        accepted: /IPv4 or IPv6 range/,
    },
    {
        name: "except outside its cidr",
        values: { networkPolicy: { nodeToObjectStore: { destinations: [{ cidr: "203.0.113.0/24", except: ["10.0.0.0/8"] }] } } },
        key: "vmafx:networkPolicy.nodeToObjectStore.destinations[0].except[0]",
        value: '"10.0.0.0/8"',
        accepted: /inside 203.0.113.0\/24/,
    },
    {
        name: "except equal to its cidr",
        values: { networkPolicy: { operatorToApiserver: { destinations: [{ cidr: "10.0.0.0/28", except: ["10.0.0.0/28"] }] } } },
        key: "vmafx:networkPolicy.operatorToApiserver.destinations[0].except[0]",
        value: '"10.0.0.0/28"',
        accepted: /strictly inside/,
    },
    {
        name: "CIDR with host bits",
        values: { networkPolicy: { nodeToObjectStore: { destinations: [{ cidr: "10.20.1.0/16" }] } } },
        key: "vmafx:networkPolicy.nodeToObjectStore.destinations[0].cidr",
        value: '"10.20.1.0/16"',
        accepted: /10\.20\.0\.0\/16/,
    },
    {
        name: "IPv6 except outside",
        values: { networkPolicy: { nodeToObjectStore: { destinations: [{ cidr: "2001:db8::/32", except: ["2001:db9::/48"] }] } } },
        key: "vmafx:networkPolicy.nodeToObjectStore.destinations[0].except[0]",
        value: '"2001:db9::/48"',
        accepted: /inside 2001:db8::\/32/,
    },
    {
        name: "bad NodeLocal DNS address",
        values: { networkPolicy: { dns: { nodeLocalDnsIp: "169.254.20" } } },
        key: "vmafx:networkPolicy.dns.nodeLocalDnsIp",
        value: '"169.254.20"',
        accepted: /IPv4 or IPv6 address/,
    },
    {
        name: "volume without claim",
        values: { persistence: { corpus: { enabled: true } } },
        key: "vmafx:persistence.corpus.enabled",
        value: "true",
        accepted: /existingClaim/,
    },
    {
        name: "operator replicas without leader election",
        values: { operator: { enabled: true, replicas: 2 } },
        key: "vmafx:operator.leaderElect",
        value: "false",
        accepted: /leader election/,
    },
    {
        name: "PSA version not pinned correctly",
        values: { namespace: { podSecurityVersion: "1.33" } },
        key: "vmafx:namespace.podSecurityVersion",
        value: '"1.33"',
        accepted: /v1\.<minor>/,
    },
    {
        name: "not JSON where an object is expected",
        values: { node: "{enabled: true" },
        key: "vmafx:node",
        value: '"{enabled: true"',
        accepted: /list or object/,
    },
    {
        name: "smoke test with the Job workload",
        values: { workload: "Job", job: { command: ["x"] }, smokeTest: { enabled: true } },
        key: "vmafx:smokeTest.enabled",
        value: "true",
        accepted: /false with workload Job/,
    },
    { name: "port below range", values: { service: { targetPort: 0 } }, key: "vmafx:service.targetPort", value: "0", accepted: /: must be at least 1$/ },
    {
        name: "fractional toleration seconds",
        values: { scheduling: { tolerations: [{ key: "gpu", tolerationSeconds: 1.5 }] } },
        key: "vmafx:scheduling.tolerations[0].tolerationSeconds",
        value: "1.5",
        accepted: /: must be a whole number$/,
    },
    {
        name: "string enum",
        values: { image: { pullPolicy: "Sometimes" } },
        key: "vmafx:image.pullPolicy",
        value: '"Sometimes"',
        accepted: /: must be one of "Always", "IfNotPresent", "Never"$/,
    },
    {
        name: "enum of a shared type where it is used again",
        values: { operator: { image: { pullPolicy: "always" } } },
        key: "vmafx:operator.image.pullPolicy",
        value: '"always"',
        accepted: /: must be one of "Always", "IfNotPresent", "Never"$/,
    },
    { name: "not a list", values: { job: { command: "run" } }, key: "vmafx:job.command", value: '"run"', accepted: /: must be a list$/ },
    { name: "not a map of strings", values: { podAnnotations: ["a"] }, key: "vmafx:podAnnotations", value: '["a"]', accepted: /: must be a map of strings$/ },
    { name: "a map value that is not a string", values: { env: { WORKERS: 4 } }, key: "vmafx:env.WORKERS", value: "4", accepted: /: must be a string$/ },
    {
        name: "a number where an object is expected",
        values: { node: 5 },
        key: "vmafx:node",
        value: "5",
        accepted: /: must be an object; accepted keys here: enabled, replicas, grpcPort/,
    },
    {
        name: "missing required field",
        values: { service: { extraPorts: [{ name: "metrics" }] } },
        key: "vmafx:service.extraPorts[0].port",
        value: "(unset)",
        accepted: /: must be set; every entry here needs port$/,
    },
    { name: "empty image repository", values: { image: { repository: "" } }, key: "vmafx:image.repository", value: '""', accepted: /: must not be empty$/ },
    {
        name: "name override too long",
        values: { nameOverride: "a".repeat(64) },
        key: "vmafx:nameOverride",
        value: `"${"a".repeat(64)}"`,
        accepted: /: must be at most 63 characters long$/,
    },
    {
        name: "namespace not a DNS label",
        values: { namespace: { name: "Team_A" } },
        key: "vmafx:namespace.name",
        value: '"Team_A"',
        accepted: /: must be a DNS label: lowercase letters, digits and '-'/,
    },
    {
        name: "volume size not a quantity",
        values: { persistence: { corpus: { size: "10GB" } } },
        key: "vmafx:persistence.corpus.size",
        value: '"10GB"',
        accepted: /: must be a Kubernetes quantity such as 10Gi or 500Mi$/,
    },
    {
        name: "relative probe path",
        values: { probes: { liveness: { path: "healthz" } } },
        key: "vmafx:probes.liveness.path",
        value: '"healthz"',
        accepted: /: must be an absolute path, starting with "\/"$/,
    },
    {
        name: "both PDB budgets",
        values: { podDisruptionBudget: { enabled: true, minAvailable: "1", maxUnavailable: "1" } },
        key: "vmafx:podDisruptionBudget.maxUnavailable",
        value: '"1"',
        accepted: /only one/,
    },
];

describe("stack config", () => {
    describe("invalid config fails before any resource is registered", () => {
        for (const c of INVALID) {
            it(`${c.name}: names ${c.key}, its value and what is accepted`, async () => {
                let registered = -1;
                await assert.rejects(
                    async () => {
                        try {
                            await runProgram({ stack: "test", config: config(c.values) });
                        } finally {
                            registered = (pulumi.runtime.getMonitor() as any).getRegisteredResources().size;
                        }
                    },
                    (e: unknown) => {
                        assert.ok(e instanceof VmafxArgsError, String(e));
                        const line = e.message.split("\n").find((l) => l.includes(`${c.key} = `));
                        assert.ok(line, `message does not name ${c.key}:\n${e.message}`);
                        assert.ok(line.includes(`${c.key} = ${c.value}:`), `value ${c.value} missing in: ${line}`);
                        assert.match(line, c.accepted);
                        return true;
                    },
                );
                assert.equal(registered, 0, "resources were registered despite invalid config");
            });
        }

        it("reports every problem at once, schema and semantic problems together", () => {
            assert.throws(
                () => planFor({ workload: "Job", gpu: { vendor: "apple" } as any, deployment: { replicas: -2 } }),
                (e: Error) => {
                    assert.match(e.message, /3 problems/);
                    assert.match(e.message, /args\.gpu\.vendor = "apple": must be one of/);
                    assert.match(e.message, /args\.deployment\.replicas = -2: must be at least 0/);
                    assert.match(e.message, /args\.job\.command = \[\]: the Job workload needs a command/);
                    return true;
                },
            );
        });

        it("a bad CIDR containment is reported in the same run as an unrelated type error", async () => {
            const values = {
                node: { enabled: true, replicas: 1.5 },
                networkPolicy: { nodeToObjectStore: { destinations: [{ cidr: "203.0.113.0/24", except: ["10.0.0.0/8"] }] } },
            };
            await assert.rejects(runProgram({ stack: "test", config: config(values) }), (e: unknown) => {
                assert.ok(e instanceof VmafxArgsError, String(e));
                assert.match(e.message, /2 problems/);
                assert.match(e.message, /vmafx:node\.replicas = 1\.5: must be a whole number\n/);
                assert.match(
                    e.message,
                    /vmafx:networkPolicy\.nodeToObjectStore\.destinations\[0\]\.except\[0\] = "10\.0\.0\.0\/8": not strictly inside 203\.0\.113\.0\/24/,
                );
                return true;
            });
        });

        it("a semantic check that read a refused value stays silent; the refused value is reported once", () => {
            // leaderElect "yes" is refused; its default (false) must not add "2 operator replicas need leader election".
            assert.throws(
                () => planFor({ operator: { enabled: true, replicas: 2, leaderElect: "yes" as any } }),
                (e: Error) => {
                    assert.match(e.message, /\(1 problem\):\n {2}- args\.operator\.leaderElect = "yes": must be true or false$/);
                    return true;
                },
            );
            // The existing claim is refused; the volume's "no claim would exist" would only echo it.
            assert.throws(
                () => planFor({ persistence: { corpus: { enabled: true, existingClaim: 5 as any } } }),
                (e: Error) => {
                    assert.match(e.message, /\(1 problem\):\n {2}- args\.persistence\.corpus\.existingClaim = 5: must be a string$/);
                    return true;
                },
            );
        });
    });

    describe("config mistakes a new user makes", () => {
        const stackFile = (text: string) => {
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-stack-")), "Pulumi.test.yaml");
            fs.writeFileSync(file, text);
            return file;
        };

        it("a namespace one typo away (vmfax:operator) is an error naming the key and the intended one", async () => {
            const cfg = {
                ...config({ node: { enabled: true } }),
                values: { ...config({ node: { enabled: true } }).values, "vmfax:operator": JSON.stringify({ enabled: false }) },
            };
            await assert.rejects(
                runProgram({ stack: "test", config: cfg }),
                /vmfax:operator = "\{\\"enabled\\":false\}": the namespace "vmfax" is not one this program reads; did you mean vmafx:operator\?/,
            );
        });

        it("other packages' namespaces (kubernetes:, pulumi:, aws:) are left alone", async () => {
            const cfg = config({});
            const values = { ...cfg.values, "kubernetes:context": "kind", "pulumi:tags": "{}", "aws:region": "eu-west-1" };
            const run = await runProgram({ stack: "test", config: { ...cfg, values } });
            assert.ok(run.resources.length > 0);
        });

        it("a stack file without its config: root is an error, not all defaults", () => {
            const file = stackFile("vmafx:operator:\n  enabled: true\nvmafx:workload: Job\n");
            assert.throws(
                () => readStackConfig("test", file),
                /top-level keys "vmafx:operator", "vmafx:workload" are not stack-file settings; accepted: config, secretsprovider, encryptedkey, encryptionsalt, environment\. Config belongs under 'config:'/,
            );
            assert.doesNotThrow(() => readStackConfig("test", stackFile("")), "an empty stack file is a stack without config");
            assert.doesNotThrow(() => readStackConfig("test", stackFile("secretsprovider: passphrase\nconfig:\n  vmafx:workload: Job\n")));
        });

        it("host bits in an except entry are refused like in cidr", () => {
            assert.throws(
                () =>
                    planFor({ networkPolicy: { enabled: true, nodeToObjectStore: { destinations: [{ cidr: "10.20.0.0/16", except: ["10.20.128.5/20"] }] } } }),
                /args\.networkPolicy\.nodeToObjectStore\.destinations\[0\]\.except\[0\] = "10\.20\.128\.5\/20": host bits are set; accepted: the network address, here 10\.20\.128\.0\/20/,
            );
        });

        it("a leading zero is an error, never read as octal", () => {
            assert.throws(
                () => planFor({ networkPolicy: { enabled: true, nodeToObjectStore: { destinations: [{ cidr: "010.0.0.0/8" }] } } }),
                /destinations\[0\]\.cidr = "010\.0\.0\.0\/8": must not have leading 0s in IP or prefix length/,
            );
        });
    });

    describe("legal zeros stay zero", () => {
        it('replicas 0, grace period 0, Job ttl 0, PDB maxUnavailable "0"', () => {
            const m = planFor({
                deployment: { replicas: 0 },
                node: { enabled: true, replicas: 0 },
                operator: { enabled: true, replicas: 0 },
                terminationGracePeriodSeconds: 0,
                podDisruptionBudget: { enabled: true, maxUnavailable: "0" },
            });
            for (const d of byKind(m, "Deployment")) assert.equal(d.spec.replicas, 0, d.metadata.name);
            for (const d of byKind(m, "Deployment").filter((x) => x.metadata.name !== "vmafx-operator")) {
                assert.equal(d.spec.template.spec.terminationGracePeriodSeconds, 0);
            }
            for (const p of byKind(m, "PodDisruptionBudget")) assert.equal(p.spec.maxUnavailable, 0);
            const job = byKind(planFor({ workload: "Job", job: { command: ["x"], ttlSecondsAfterFinished: 0 } }), "Job")[0];
            assert.equal(job.spec.ttlSecondsAfterFinished, 0);
        });
    });

    describe("committed stacks", () => {
        for (const stack of ["dev", "prod"]) {
            it(`Pulumi.${stack}.yaml loads and renders the full resource set`, async () => {
                const run = await runProgram({ stack, config: readStackConfig(stack) });
                const kinds = run.resources.filter((r) => r.custom).map((r) => r.inputs.kind);
                assert.ok(kinds.includes("Namespace") && kinds.includes("Deployment") && kinds.includes("Service"));
                const component = run.resources.filter((r) => r.type === "vmafx:index:VmafxStack");
                assert.equal(component.length, 1);
                for (const child of run.resources.filter((r) => r.custom)) assert.equal(child.parentUrn, component[0].urn, child.name);
                assert.equal(run.outputs.namespace, stack === "prod" ? "vmafx" : "vmafx-dev");
            });
        }

        it("prod runs more server replicas than dev, with node pool, operator and PDBs on", async () => {
            const dev = await runProgram({ stack: "dev", config: readStackConfig("dev") });
            const prod = await runProgram({ stack: "prod", config: readStackConfig("prod") });
            const server = (run: typeof dev) => run.resources.find((r) => r.inputs.kind === "Deployment" && r.inputs.metadata.name === "vmafx")!.inputs;
            assert.ok(server(prod).spec.replicas > server(dev).spec.replicas);
            const prodKinds = prod.resources.map((r) => `${r.inputs.kind}/${r.inputs.metadata?.name}`);
            for (const needed of ["Deployment/vmafx-node", "Deployment/vmafx-operator", "PodDisruptionBudget/vmafx", "NetworkPolicy/vmafx-default-deny"]) {
                assert.ok(prodKinds.includes(needed), needed);
            }
        });

        it("a secure value in a stack file is passed as a secret and never written by the render", async () => {
            const cfg = readStackConfig("dev");
            const withSecret: StackConfig = {
                ...cfg,
                values: { ...cfg.values, "vmafx:rcloneConfig": "[s3]\ntype = s3\n" },
                secretKeys: ["vmafx:rcloneConfig"],
            };
            const run = await runProgram({ stack: "dev", config: withSecret });
            const secret = run.resources.find((r) => r.inputs.kind === "Secret");
            assert.ok(secret, "no rclone Secret");
            const node = run.resources.find((r) => r.inputs.metadata?.name === "vmafx-node" && r.inputs.kind === "Deployment")!;
            const env = node.inputs.spec.template.spec.containers[0].env;
            assert.ok(env.some((e: any) => e.name === "VMAFX_RCLONE_CONFIG" && e.value === "/etc/vmafx/rclone.conf"));
            assert.deepEqual(redactSecrets(secret.inputs).stringData, { "rclone.conf": REDACTED });
        });
    });
});

describe("stackContext overrides", () => {
    it("passes a string as the CLI does (as it is) and other values as JSON", () => {
        const ctx = stackContext("prod", { workload: "StatefulSet", statefulSet: { replicas: 2 } });
        assert.equal(ctx.args.workload, "StatefulSet");
        assert.equal(ctx.args.statefulSet.replicas, 2);
        assert.equal(ctx.naming.namespace, "vmafx", "keys not overridden keep the stack file's values");
    });
});
