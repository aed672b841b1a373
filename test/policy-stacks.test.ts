// The policy pack over the real program: the dev and prod stacks (evaluated in-process under mocks,
// as the offline preview does) pass the whole pack with their policy config files, and prod
// variants that open egress to the internet are blocked, naming the policy, resource and field.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Diagnostic, formatViolations, loadPolicyConfigFile, PackResource, runPack } from "@vmafx-k8s/policy-pack/run";
import { PROJECT_DIR, readStackConfig, runProgram } from "../tools/offline/program";
import { main as previewMain, packResources } from "../tools/preview-offline";

const OBJECT_STORE_POLICY = "vmafx-netpol-node-to-object-store-egress";

async function stackResources(stack: string, configFile?: string): Promise<PackResource[]> {
    return packResources(await runProgram({ stack, config: readStackConfig(stack, configFile) }));
}

async function judge(stack: string, resources: PackResource[]): Promise<Diagnostic[]> {
    const config = loadPolicyConfigFile(path.join(PROJECT_DIR, "stacks", `policy-config.${stack}.json`));
    return (await runPack(resources, { config, stack })).diagnostics;
}

const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.enforcementLevel} ${d.policy}: ${d.message}`);

/** A copy of Pulumi.prod.yaml whose object-store egress destinations are `destinations`. */
function prodVariant(dir: string, name: string, destinations: unknown[]): string {
    const doc = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> };
    doc.config["vmafx:networkPolicy"].nodeToObjectStore.destinations = destinations;
    const file = path.join(dir, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, yaml.dump(doc));
    return file;
}

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const { log, error } = console;
    console.log = (...a: unknown[]) => void out.push(a.join(" "));
    console.error = (...a: unknown[]) => void err.push(a.join(" "));
    try {
        return { code: await fn(), out: out.join("\n"), err: err.join("\n") };
    } finally {
        console.log = log;
        console.error = error;
    }
}

describe("policy pack on the dev and prod stacks", function () {
    this.timeout(60000);
    let dir: string;
    let prod: PackResource[];
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-stacks-"));
        prod = await stackResources("prod");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("the dev stack passes the whole pack without a violation", async () => {
        assert.deepEqual(summary(await judge("dev", await stackResources("dev"))), []);
    });

    it("the prod stack passes the whole pack without a violation", async () => {
        assert.ok(prod.some((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy"));
        assert.deepEqual(summary(await judge("prod", prod)), []);
    });

    it("prod with the object-store destination 0.0.0.0/0 is blocked, naming policy, resource and field", async () => {
        const resources = await stackResources("prod", prodVariant(dir, "prod-open", [{ cidr: "0.0.0.0/0" }]));
        const ds = await judge("prod", resources);
        assert.deepEqual(
            ds.map((d) => `${d.enforcementLevel} ${d.policy}`),
            ["mandatory prod-egress"],
        );
        const np = resources.find((r) => r.name === OBJECT_STORE_POLICY);
        assert.equal(ds[0].urn, np?.urn);
        assert.match(
            ds[0].message,
            /^NetworkPolicy vmafx\/vmafx-node-to-object-store-egress \(Pulumi name: vmafx-netpol-node-to-object-store-egress\) lets Deployment vmafx\/vmafx-node \(Pulumi name: vmafx-node\) egress to the whole IPv4 internet on TCP 443: spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr = "0\.0\.0\.0\/0"/,
        );
        assert.match(
            formatViolations(ds, resources),
            /\[mandatory\] {2}vmafx v[\d.]+ {2}prod-egress \(vmafx-netpol-node-to-object-store-egress: kubernetes:networking\.k8s\.io\/v1:NetworkPolicy\)/,
        );
    });

    it("prod with ::/0 or 0.0.0.0/0 minus an except list is blocked too", async () => {
        const file = prodVariant(dir, "prod-except", [{ cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] }, { cidr: "::/0" }]);
        const ds = await judge("prod", await stackResources("prod", file));
        assert.deepEqual(
            ds.map((d) => `${d.enforcementLevel} ${d.policy}`),
            ["mandatory prod-egress", "mandatory prod-egress"],
        );
        assert.match(
            ds[0].message,
            /spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr = "0\.0\.0\.0\/0" \(its except \["10\.0\.0\.0\/8"\] leaves the rest of the internet open\)/,
        );
        assert.match(ds[1].message, /whole IPv6 internet on TCP 443: spec\.egress\[0\]\.to\[1\]\.ipBlock\.cidr = "::\/0"/);
    });

    describe("the controller, its CRDs, tenants and monitors", () => {
        it("prod registers them, and the pack passes them through without a finding", () => {
            const types = new Set(prod.map((r) => r.type));
            for (const t of [
                "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
                "kubernetes:vmafx.dev/v1:VmafxTenant",
                "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
                "kubernetes:monitoring.coreos.com/v1:PodMonitor",
            ]) {
                assert.ok(types.has(t), `prod registers no ${t}`);
            }
            assert.ok(prod.some((r) => r.name === "vmafx-controller"));
        });

        it("prod with the identity provider at 0.0.0.0/0 is blocked by prod-egress, naming the controller", async () => {
            const doc = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> };
            doc.config["vmafx:networkPolicy"].controllerToIdentityProvider.destinations = [{ cidr: "0.0.0.0/0" }];
            const file = path.join(dir, "Pulumi.prod-idp.yaml");
            fs.writeFileSync(file, yaml.dump(doc));
            const ds = await judge("prod", await stackResources("prod", file));
            assert.deepEqual(
                ds.map((d) => `${d.enforcementLevel} ${d.policy}`),
                ["mandatory prod-egress"],
            );
            assert.match(
                ds[0].message,
                /^NetworkPolicy vmafx\/vmafx-controller-to-identity-provider-egress .* lets Deployment vmafx\/vmafx-controller .* egress to the whole IPv4 internet on TCP 443/,
            );
        });

        it("a controller no NetworkPolicy selects is a mandatory default-deny violation naming it", async () => {
            // The default-deny edited to skip controller pods, and the controller's own allow policies gone.
            const resources = prod.flatMap((r) => {
                if (r.type !== "kubernetes:networking.k8s.io/v1:NetworkPolicy") return [r];
                if (r.props.spec.podSelector.matchLabels?.["app.kubernetes.io/component"] === "controller") return [];
                if (r.name !== "vmafx-netpol-default-deny") return [r];
                const copy = structuredClone(r.props);
                copy.spec.podSelector.matchExpressions = [{ key: "app.kubernetes.io/component", operator: "NotIn", values: ["controller"] }];
                return [{ ...r, props: copy }];
            });
            const ds = await judge("prod", resources);
            assert.deepEqual(
                ds.map((d) => `${d.enforcementLevel} ${d.policy}`),
                ["mandatory default-deny"],
            );
            assert.match(ds[0].message, /^Deployment vmafx\/vmafx-controller .*is not isolated for Ingress: /);
        });
    });

    describe("prod with a rendered NetworkPolicy edited into another open form", () => {
        const edit = (name: string, change: (spec: Record<string, any>) => void): PackResource[] =>
            prod.map((r) => {
                if (r.name !== name) return r;
                const copy = structuredClone(r.props);
                change(copy.spec);
                return { ...r, props: copy };
            });

        it("an egress rule without `to` (DNS ports to every destination)", async () => {
            const ds = await judge(
                "prod",
                edit("vmafx-netpol-dns-egress", (spec) => delete spec.egress[0].to),
            );
            assert.deepEqual(
                ds.map((d) => `${d.enforcementLevel} ${d.policy}`),
                ["mandatory prod-egress"],
            );
            assert.match(ds[0].message, /^NetworkPolicy vmafx\/vmafx-dns-egress .* on UDP 53, TCP 53: spec\.egress\[0\] has ports but no "to"/);
        });

        it("an empty egress rule", async () => {
            const ds = await judge(
                "prod",
                edit(OBJECT_STORE_POLICY, (spec) => (spec.egress = [{}])),
            );
            assert.deepEqual(
                ds.map((d) => `${d.enforcementLevel} ${d.policy}`),
                ["mandatory prod-egress"],
            );
            assert.match(ds[0].message, /spec\.egress\[0\] is an empty egress rule \{\}/);
        });

        it("a cidr unknown at preview fails closed: neither its egress nor its validity can be verified", async () => {
            const ds = await judge(
                "prod",
                edit(OBJECT_STORE_POLICY, (spec) => (spec.egress[0].to[0].ipBlock.cidr = pulumi.runtime.unknownValue)),
            );
            assert.deepEqual(ds.map((d) => `${d.enforcementLevel} ${d.policy}`).sort(), ["mandatory networkpolicy-valid", "mandatory prod-egress"]);
            for (const d of ds) assert.match(d.message, /spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr is unknown during preview/);
        });
    });

    describe("npm run preview:offline", () => {
        it("exits 0 for prod and prints the pack and environment", async () => {
            const r = await capture(() => previewMain(["--stack", "prod"]));
            assert.equal(r.code, 0, r.out + r.err);
            assert.match(r.out, /Policy pack vmafx v[\d.]+ with stacks\/policy-config\.prod\.json, environment prod/);
            assert.match(r.out, /policy violations: 0 mandatory, 0 advisory$/);
        });

        it("exits 1 (bad config) with the loader's message on bad stack config, 2 on bad flags", async () => {
            const doc = yaml.load(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> };
            doc.config["vmafx:workload"] = "CronJob";
            const file = path.join(dir, "Pulumi.bad.yaml");
            fs.writeFileSync(file, yaml.dump(doc));
            const r = await capture(() => previewMain(["--stack", "prod", "--config-file", file]));
            assert.equal(r.code, 1);
            assert.match(r.err, /^error: invalid VMAFX configuration[\s\S]*vmafx:workload = "CronJob"/);
            const missing = await capture(() => previewMain(["--stack", "nosuchstack"]));
            assert.equal(missing.code, 1);
            assert.match(missing.err, /cannot read stack config .*Pulumi\.nosuchstack\.yaml/);
            assert.equal((await capture(() => previewMain(["--stak", "prod"]))).code, 2);
        });

        it("the compiled script exits 3 on the 0.0.0.0/0 variant, printing the violation like pulumi preview", () => {
            // One real process, to cover the script entry and its exit code.
            const file = prodVariant(dir, "prod-open-spawn", [{ cidr: "0.0.0.0/0" }]);
            const r = spawnSync(process.execPath, [path.join(PROJECT_DIR, "dist", "tools", "preview-offline.js"), "--stack", "prod", "--config-file", file], {
                cwd: PROJECT_DIR,
                encoding: "utf8",
                timeout: 60000,
            });
            assert.equal(r.status, 3, r.stderr);
            assert.match(
                r.stdout,
                /Policy Violations:\n {4}\[mandatory\] {2}vmafx v[\d.]+ {2}prod-egress \(vmafx-netpol-node-to-object-store-egress: kubernetes:networking\.k8s\.io\/v1:NetworkPolicy\)/,
            );
            assert.match(r.stdout, /spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr = "0\.0\.0\.0\/0"/);
        });
    });
});
