// The vmafx.dev CRDs against the real kube-apiserver of the end-to-end run. The e2e suite calls admissionFindings
// and survivedFindings (test/e2e/suite/scenarios/50-up-verify-destroy); standalone:
//
//   ts-node --transpile-only test/e2e/crds.ts admission --kubectl BIN --namespace NS --record FILE --export S.json…
//   ts-node --transpile-only test/e2e/crds.ts survived  --kubectl BIN --record FILE
//
// admission (after `pulumi up` of every stack): exactly one stack state (of the --export files) holds the four CRDs,
// registered with retainOnDelete; each exists, is Established, carries that stack's field manager in its managedFields
// and serves exactly the schema components/crds.ts wrote; a valid VmafxJob is admitted by a server-side dry run in
// NS, with the schema's defaults filled in, and invalid ones (backend outside the enum, negative priority, no
// reference) are refused with the API server's message; a minimal object of every other kind is admitted with its
// defaults, and a VmafxTenant with a bad ID and a bad issuer URL is refused. Then it creates the VmafxJob
// e2e-crs/e2e-survivor in a namespace of its own (`pulumi destroy` deletes the Namespaces it manages, and with them
// their objects, so a Pulumi-managed namespace would not tell whether the CRD survived), sets its status through the
// status subresource, reads it back through the short name, the category and the printer columns, and records its
// uid in FILE.
// survived (after `pulumi destroy` of every stack): the four CRDs are still there and Established, and the VmafxJob
// of FILE still exists, the same object (uid) with its spec and status.
//
// Prints one PASS/FAIL line per check and a closing "verify crds <mode>: N passed, M failed"; exits 1 on any failure.
import { spawnSync } from "child_process";
import * as fs from "fs";
import { parseArgs } from "util";
import { VMAFX_CRDS, VMAFX_GROUP, VMAFX_VERSION, crdName, objectSchema } from "@vmafx-k8s/vmafx/plan";
import { Finding, FindingLog } from "./findings";
import { canonical } from "./verify";

export const SURVIVOR_NAMESPACE = "e2e-crs";
export const SURVIVOR_NAME = "e2e-survivor";
const API_VERSION = `${VMAFX_GROUP}/${VMAFX_VERSION}`;
const CRD_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

type Obj = Record<string, any>;

const log = new FindingLog();
const { pass, fail } = log;

function findingsOf(kubectlBin: string, check: () => void): Finding[] {
    KUBECTL = kubectlBin;
    return log.collectSync(check);
}

/** The `admission` checks (see the top of this file); kubectl runs with the process's KUBECONFIG. */
export function admissionFindings(kubectlBin: string, namespace: string, exportFiles: string[], record: string): Finding[] {
    return findingsOf(kubectlBin, () => admission(namespace, exportFiles, record));
}

/** The `survived` checks. */
export function survivedFindings(kubectlBin: string, record: string): Finding[] {
    return findingsOf(kubectlBin, () => survived(record));
}
function check(ok: boolean, good: string, bad: string): boolean {
    (ok ? pass : fail)(ok ? good : bad);
    return ok;
}

let KUBECTL = "kubectl";
function kubectl(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
    // Every call is bounded: the request by kubectl itself, the process by spawnSync.
    const r = spawnSync(KUBECTL, ["--request-timeout=30s", ...args], { input, encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The API server's answer as kubectl prints it, on one line. */
export function serverMessage(stderr: string): string {
    return stderr.trim().replace(/\s*\n\s*/g, " ");
}

function job(name: string, namespace: string, spec: Obj): Obj {
    return { apiVersion: API_VERSION, kind: "VmafxJob", metadata: { name, namespace }, spec };
}

const REF = { reference: "s3://e2e-corpus/ref.y4m", distorted: "s3://e2e-corpus/dist.y4m" };

/** VmafxJobs the API server must refuse, each with the message it must give. */
export const INVALID_JOBS: { what: string; spec: Obj; message: RegExp }[] = [
    { what: "backend outside the enum", spec: { ...REF, backend: "vulkan" }, message: /spec\.backend: Unsupported value: "vulkan"/ },
    { what: "negative priority", spec: { ...REF, priority: -1 }, message: /spec\.priority: Invalid value: -1: .*greater than or equal to 0/ },
    { what: "missing required field reference", spec: { distorted: REF.distorted }, message: /spec\.reference: Required value/ },
];

/** A minimal object of every other kind, with the spec the API server must store (its schema defaults filled in). */
const MINIMAL: { kind: string; spec: Obj; stored: Obj }[] = [
    { kind: "VmafxNode", spec: { gpuVendor: "cpu" }, stored: { gpuVendor: "cpu" } },
    {
        kind: "VmafxModelTraining",
        spec: { outputRegistry: "oci://registry.example.com/vmafx/models" },
        stored: { outputRegistry: "oci://registry.example.com/vmafx/models", checkpoint: { interval: "10m", minSamples: 1000 } },
    },
    {
        kind: "VmafxTenant",
        spec: { tenantId: "e2e-tenant", oidc: { issuer: "https://login.example.com/e2e/", jwksEndpoint: "https://login.example.com/e2e/keys" } },
        stored: {
            tenantId: "e2e-tenant",
            enabled: true,
            oidc: {
                issuer: "https://login.example.com/e2e/",
                jwksEndpoint: "https://login.example.com/e2e/keys",
                tenantClaim: "tid",
                rolesClaim: "vmafx_roles",
            },
            rbac: { defaultRole: "vmafx:reader", allowedRoles: ["vmafx:reader", "vmafx:writer"] },
        },
    },
];

/** The stack states among `exports` that hold CRDs, with the CRD resources of each. */
export function crdsInStates(exports: { file: string; state: any }[]): { file: string; crds: Obj[] }[] {
    return exports
        .map(({ file, state }) => ({
            file,
            crds: ((state?.deployment?.resources ?? []) as Obj[]).filter((r) => r.type === CRD_TYPE && r.custom),
        }))
        .filter((s) => s.crds.length > 0);
}

function getCrd(name: string): Obj | undefined {
    const r = kubectl(["get", `customresourcedefinition.apiextensions.k8s.io/${name}`, "-o", "json", "--show-managed-fields"]);
    return r.code === 0 ? JSON.parse(r.stdout) : undefined;
}

function conditionTrue(obj: Obj, type: string): boolean {
    return ((obj.status?.conditions ?? []) as Obj[]).some((c) => c.type === type && c.status === "True");
}

function checkCrdsInCluster(mode: string): void {
    for (const crd of VMAFX_CRDS) {
        const name = crdName(crd);
        const live = getCrd(name);
        if (!check(!!live, `${mode}: CRD ${name} exists`, `${mode}: CRD ${name} not found`)) continue;
        check(
            conditionTrue(live!, "Established") && conditionTrue(live!, "NamesAccepted") && !live!.metadata.deletionTimestamp,
            `${mode}: CRD ${name} is Established, its names accepted, not being deleted`,
            `${mode}: CRD ${name} is not Established or is being deleted: ${JSON.stringify(live!.status?.conditions)} deletionTimestamp ${live!.metadata.deletionTimestamp}`,
        );
    }
}

function admission(namespace: string, exportFiles: string[], record: string): void {
    // Who installed the CRDs: exactly one stack, with retainOnDelete on every CRD.
    const holders = crdsInStates(exportFiles.map((file) => ({ file, state: JSON.parse(fs.readFileSync(file, "utf8")) })));
    const installer = holders.length === 1 ? holders[0] : undefined;
    check(
        !!installer,
        `admission: exactly one stack state holds the CRDs (${holders[0]?.file})`,
        `admission: expected one stack state holding the CRDs among ${exportFiles.join(", ")}, found ${holders.map((h) => h.file).join(", ") || "none"}`,
    );
    const managers = new Map<string, string>();
    for (const crd of VMAFX_CRDS) {
        const name = crdName(crd);
        const inState = installer?.crds.find((r) => r.outputs?.metadata?.name === name);
        if (!check(!!inState, `admission: the stack state holds CRD ${name}`, `admission: CRD ${name} is not in the installing stack's state`)) continue;
        check(
            inState!.retainOnDelete === true,
            `admission: CRD ${name} is registered with retainOnDelete (${inState!.urn})`,
            `admission: CRD ${name} is registered without retainOnDelete (${inState!.urn})`,
        );
        if (typeof inState!.outputs.__fieldManager === "string") managers.set(name, inState!.outputs.__fieldManager);
    }
    checkCrdsInCluster("admission");
    for (const crd of VMAFX_CRDS) {
        const name = crdName(crd);
        const live = getCrd(name);
        if (!live) continue;
        const manager = managers.get(name);
        const entries = ((live.metadata.managedFields ?? []) as Obj[]).map((m) => `${m.manager} (${m.operation})`);
        check(
            !!manager && ((live.metadata.managedFields ?? []) as Obj[]).some((m) => m.manager === manager),
            `admission: CRD ${name} was written by Pulumi: its managedFields name the stack's field manager ${manager} (${entries.join(", ")})`,
            `admission: CRD ${name}: the stack's field manager ${manager} is not among its managedFields ${entries.join(", ")}`,
        );
        const versions = (live.spec.versions ?? []) as Obj[];
        const served = versions.length === 1 ? versions[0] : undefined;
        check(
            !!served && canonical(served.schema?.openAPIV3Schema) === canonical(objectSchema(crd)),
            `admission: CRD ${name} serves exactly the schema of components/crds.ts`,
            `admission: CRD ${name} serves another schema than components/crds.ts: ${JSON.stringify(versions.map((v) => v.schema?.openAPIV3Schema))}`,
        );
    }

    // A valid VmafxJob: admitted, with the schema's defaults.
    const valid = kubectl(["create", "--dry-run=server", "-o", "json", "-f", "-"], JSON.stringify(job("e2e-valid", namespace, REF)));
    if (valid.code === 0) {
        const spec = JSON.parse(valid.stdout).spec;
        check(
            spec.backend === "cpu" && spec.priority === 0,
            `admission: a valid VmafxJob is admitted in ${namespace} (kubectl create --dry-run=server), defaults filled in: ${canonical(spec)}`,
            `admission: the valid VmafxJob was admitted without the schema's defaults: ${canonical(spec)}`,
        );
    } else {
        fail(`admission: a valid VmafxJob was refused in ${namespace}: ${serverMessage(valid.stderr)}`);
    }
    for (const bad of INVALID_JOBS) {
        const r = kubectl(["create", "--dry-run=server", "-o", "json", "-f", "-"], JSON.stringify(job("e2e-invalid", namespace, bad.spec)));
        const message = serverMessage(r.stderr);
        check(
            r.code !== 0 && bad.message.test(message),
            `admission: a VmafxJob with a ${bad.what} is refused: ${message}`,
            `admission: a VmafxJob with a ${bad.what} was not refused with ${bad.message} (exit ${r.code}): ${message}${r.code === 0 ? r.stdout : ""}`,
        );
    }
    for (const m of MINIMAL) {
        const obj = { apiVersion: API_VERSION, kind: m.kind, metadata: { name: "e2e-minimal", namespace }, spec: m.spec };
        const r = kubectl(["create", "--dry-run=server", "-o", "json", "-f", "-"], JSON.stringify(obj));
        const stored = r.code === 0 ? JSON.parse(r.stdout).spec : undefined;
        check(
            r.code === 0 && canonical(stored) === canonical(m.stored),
            `admission: a minimal ${m.kind} is admitted and stored with its defaults: ${canonical(stored)}`,
            `admission: a minimal ${m.kind} was refused or stored otherwise (exit ${r.code}): ${serverMessage(r.stderr)} ${canonical(stored)}`,
        );
    }
    const badTenant = {
        apiVersion: API_VERSION,
        kind: "VmafxTenant",
        metadata: { name: "e2e-bad-tenant", namespace },
        spec: { tenantId: "Studio_A", oidc: { issuer: "login example", jwksEndpoint: "https://login.example.com/keys" } },
    };
    const tenant = kubectl(["create", "--dry-run=server", "-o", "json", "-f", "-"], JSON.stringify(badTenant));
    const tenantMessage = serverMessage(tenant.stderr);
    check(
        tenant.code !== 0 && /spec\.tenantId: Invalid value: "Studio_A"/.test(tenantMessage) && /spec\.oidc\.issuer: .*must be of type uri/.test(tenantMessage),
        `admission: a VmafxTenant with an uppercase ID and an issuer that is no URL is refused: ${tenantMessage}`,
        `admission: the bad VmafxTenant was not refused for its ID and issuer (exit ${tenant.code}): ${tenantMessage}`,
    );

    // The object that must outlive `pulumi destroy`, in a namespace no stack manages.
    const ns = kubectl(["get", "namespace", SURVIVOR_NAMESPACE, "-o", "name"]);
    if (ns.code !== 0) {
        const created = kubectl(["create", "namespace", SURVIVOR_NAMESPACE]);
        if (
            !check(
                created.code === 0,
                `admission: created namespace ${SURVIVOR_NAMESPACE}`,
                `admission: cannot create namespace ${SURVIVOR_NAMESPACE}: ${created.stderr}`,
            )
        )
            return;
    }
    const survivorSpec = { ...REF, backend: "cuda", priority: 5 };
    const created = kubectl(["create", "-o", "json", "-f", "-"], JSON.stringify(job(SURVIVOR_NAME, SURVIVOR_NAMESPACE, survivorSpec)));
    if (
        !check(
            created.code === 0,
            `admission: created VmafxJob ${SURVIVOR_NAMESPACE}/${SURVIVOR_NAME}`,
            `admission: cannot create the survivor: ${created.stderr}`,
        )
    )
        return;
    const uid = JSON.parse(created.stdout).metadata.uid as string;
    const status = { phase: "Succeeded", score: 93.25, assignedNode: "e2e-node-0" };
    const patched = kubectl([
        "patch",
        `vmafxjobs.${VMAFX_GROUP}`,
        SURVIVOR_NAME,
        "-n",
        SURVIVOR_NAMESPACE,
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify({ status }),
    ]);
    check(
        patched.code === 0,
        `admission: status set through the status subresource: ${canonical(status)}`,
        `admission: status patch failed: ${patched.stderr}`,
    );
    const table = kubectl(["get", "vmjob", SURVIVOR_NAME, "-n", SURVIVOR_NAMESPACE]);
    const [header, row] = table.stdout.trim().split("\n");
    check(
        table.code === 0 &&
            /^NAME\s+PHASE\s+SCORE\s+NODE\s+AGE$/.test(header ?? "") &&
            /^e2e-survivor\s+Succeeded\s+93\.25\s+e2e-node-0\s+\S+$/.test(row ?? ""),
        `admission: kubectl get vmjob (short name) prints the printer columns: ${(header ?? "").replace(/\s+/g, " ")} / ${(row ?? "").replace(/\s+/g, " ")}`,
        `admission: kubectl get vmjob printed ${JSON.stringify(table.stdout)} ${table.stderr}`,
    );
    const category = kubectl(["get", "vmafx", "-n", SURVIVOR_NAMESPACE, "-o", "name"]);
    check(
        category.code === 0 && category.stdout.split("\n").includes(`vmafxjob.${VMAFX_GROUP}/${SURVIVOR_NAME}`),
        `admission: kubectl get vmafx (the category) lists vmafxjob.${VMAFX_GROUP}/${SURVIVOR_NAME}`,
        `admission: kubectl get vmafx printed ${JSON.stringify(category.stdout)} ${category.stderr}`,
    );
    fs.writeFileSync(record, JSON.stringify({ namespace: SURVIVOR_NAMESPACE, name: SURVIVOR_NAME, uid, spec: survivorSpec, status }, null, 2));
}

function survived(record: string): void {
    checkCrdsInCluster("survived");
    if (!fs.existsSync(record)) {
        fail(`survived: ${record} does not exist: the admission step created no survivor`);
        return;
    }
    const want = JSON.parse(fs.readFileSync(record, "utf8")) as { namespace: string; name: string; uid: string; spec: Obj; status: Obj };
    const r = kubectl(["get", `vmafxjobs.${VMAFX_GROUP}`, want.name, "-n", want.namespace, "-o", "json"]);
    if (r.code !== 0) {
        fail(`survived: VmafxJob ${want.namespace}/${want.name} is gone after pulumi destroy: ${serverMessage(r.stderr)}`);
        return;
    }
    const got = JSON.parse(r.stdout);
    const spec = Object.fromEntries(Object.keys(want.spec).map((k) => [k, got.spec?.[k]]));
    const status = Object.fromEntries(Object.keys(want.status).map((k) => [k, got.status?.[k]]));
    check(
        got.metadata.uid === want.uid && canonical(spec) === canonical(want.spec) && canonical(status) === canonical(want.status),
        `survived: VmafxJob ${want.namespace}/${want.name} is still there after pulumi destroy, the same object (uid ${want.uid}) with its spec and status`,
        `survived: VmafxJob ${want.namespace}/${want.name} changed: uid ${got.metadata.uid} (was ${want.uid}), spec ${canonical(spec)}, status ${canonical(status)}`,
    );
}

function main(): void {
    const { values, positionals } = parseArgs({
        allowPositionals: true,
        options: {
            kubectl: { type: "string" },
            namespace: { type: "string" },
            record: { type: "string" },
            export: { type: "string", multiple: true },
        },
    });
    const [mode] = positionals;
    const usage =
        "usage: crds.ts admission --kubectl BIN --namespace NS --record FILE --export state.json [--export state.json…]\n" +
        "       crds.ts survived --kubectl BIN --record FILE";
    const ok = !!values.kubectl && !!values.record && ((mode === "admission" && !!values.namespace && (values.export ?? []).length > 0) || mode === "survived");
    if (!ok) {
        console.error(usage);
        process.exit(2);
    }
    KUBECTL = values.kubectl!;
    if (mode === "admission") admission(values.namespace!, values.export!, values.record!);
    else survived(values.record!);
    console.log(`verify crds ${mode}: ${log.passed} passed, ${log.failed} failed`);
    process.exit(log.failed === 0 ? 0 : 1);
}

if (require.main === module) main();
