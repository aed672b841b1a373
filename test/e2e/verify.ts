// Checks of the end-to-end run (issues #5 and #6) against the real kube-apiserver. The e2e suite calls
// appliedFindings, destroyedFindings, yamlPreviewFindings and exampleFindings (test/e2e/suite/scenarios); standalone:
//
//   ts-node --transpile-only test/e2e/verify.ts applied   --stack S --export state.json --render DIR --kubectl BIN
//   ts-node --transpile-only test/e2e/verify.ts destroyed --stack S --export state.json --kubectl BIN
//   ts-node --transpile-only test/e2e/verify.ts yaml-preview --stack S --preview preview.json --program Pulumi.yaml
//   ts-node --transpile-only test/e2e/verify.ts example --stack S --language L --recorded rec.json --program Pulumi.yaml
//
// applied: every Kubernetes object in the stack's state exists in the cluster; every Namespace carries the
// restricted Pod Security labels; a Pod built from every pod template (as applied, and as the offline render wrote
// it) is admitted by a server-side dry run; a deliberately non-compliant Pod is rejected with "violates
// PodSecurity"; the applied objects match the offline render of the same stack (kinds, names, security contexts), and
// the spec of every CustomResourceDefinition and custom resource the render holds is in the cluster as rendered (the
// API server may add its defaults, but a field pruned by a CRD schema, or changed, is a difference).
// destroyed: none of those objects is left (a Namespace may stay Terminating when no namespace controller runs; with kube-controller-manager it must be gone), except
// the CustomResourceDefinitions the stack registered with retainOnDelete, which must still be there.
// yaml-preview: `pulumi preview --json` of a Pulumi YAML program using the component package planned one VmafxStack,
// every Kubernetes object under it, and the same objects (kinds, names, apiVersions, security contexts,
// NetworkPolicy specs) as VmafxStack constructed directly in TypeScript with the same properties.
// example: what examples/<language> registered under its SDK's mocks (python/record_example.py,
// go/record_example_test.go) is one VmafxStack with the YAML example's name and exactly its properties, the namespace
// name aside (each example deploys into a namespace of its own), and exports the YAML example's outputs.
//
// Prints one PASS/FAIL line per check and a closing "verify: N passed, N failed"; exits 1 on any failure.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { parseArgs } from "util";
import { kubernetesObjects, runProgram } from "../../tools/offline/program";
import { Finding, FindingLog } from "./findings";

export type K8sObject = Record<string, any>;

export interface ObjectRef {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    /** Registered with retainOnDelete: `pulumi destroy` leaves the object in the cluster (set only when true). */
    retainOnDelete?: true;
}

export function refKey(o: { kind: string; name: string; namespace?: string }): string {
    return `${o.kind}/${o.namespace ?? ""}/${o.name}`;
}

function refOf(obj: K8sObject): ObjectRef {
    return {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata?.name,
        namespace: obj.metadata?.namespace || undefined,
    };
}

/** Kubernetes objects recorded in a `pulumi stack export` (custom resources of the kubernetes package). */
export function objectsInState(exported: any): ObjectRef[] {
    const resources: any[] = exported?.deployment?.resources ?? [];
    return resources
        .filter((r) => r.custom && typeof r.type === "string" && r.type.startsWith("kubernetes:") && r.outputs?.kind)
        .map((r) => (r.retainOnDelete === true ? { ...refOf(r.outputs), retainOnDelete: true } : refOf(r.outputs)));
}

/** Objects written by `npm run render` (one YAML document per file). */
export function readRender(dir: string): K8sObject[] {
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .flatMap((f) => yaml.loadAll(fs.readFileSync(path.join(dir, f), "utf8")) as K8sObject[])
        .filter((o) => o && typeof o === "object" && o.kind);
}

/** The pod template of a pod-bearing object (or the Pod's own metadata/spec), else undefined. */
export function podTemplate(obj: K8sObject): { metadata: K8sObject; spec: K8sObject } | undefined {
    switch (obj.kind) {
        case "Pod":
            return { metadata: obj.metadata ?? {}, spec: obj.spec ?? {} };
        case "Deployment":
        case "StatefulSet":
        case "DaemonSet":
        case "ReplicaSet":
        case "ReplicationController":
        case "Job":
            return obj.spec?.template ? { metadata: obj.spec.template.metadata ?? {}, spec: obj.spec.template.spec } : undefined;
        case "CronJob": {
            const t = obj.spec?.jobTemplate?.spec?.template;
            return t ? { metadata: t.metadata ?? {}, spec: t.spec } : undefined;
        }
        default:
            return undefined;
    }
}

/** A Pod for a server-side dry run, built from an object's pod template. */
export function podFromTemplate(obj: K8sObject, suffix: string): K8sObject | undefined {
    const t = podTemplate(obj);
    if (!t) return undefined;
    const name = `${obj.metadata.name}-${obj.kind.toLowerCase()}-${suffix}`.toLowerCase().slice(0, 63).replace(/-+$/, "");
    const metadata: K8sObject = { name, namespace: obj.metadata.namespace };
    if (t.metadata.labels) metadata.labels = t.metadata.labels;
    if (t.metadata.annotations) metadata.annotations = t.metadata.annotations;
    return { apiVersion: "v1", kind: "Pod", metadata, spec: t.spec };
}

/** Pod- and container-level security settings of a pod template, keyed for comparison. */
export function securityContexts(obj: K8sObject): Record<string, unknown> | undefined {
    const t = podTemplate(obj);
    if (!t) return undefined;
    const out: Record<string, unknown> = { pod: t.spec.securityContext ?? null };
    for (const field of ["initContainers", "containers", "ephemeralContainers"]) {
        for (const c of (t.spec[field] as K8sObject[] | undefined) ?? []) {
            out[`${field}/${c.name}`] = c.securityContext ?? null;
        }
    }
    return out;
}

/** JSON with sorted keys, so equal objects print equally. */
export function canonical(v: unknown): string {
    return JSON.stringify(v, (_k, val) =>
        val && typeof val === "object" && !Array.isArray(val)
            ? Object.fromEntries(
                  Object.keys(val)
                      .sort()
                      .map((k) => [k, val[k]]),
              )
            : val,
    );
}

export interface Difference {
    what: string;
    render: string;
    cluster: string;
}

/** Differences between the offline render and the objects the provider applied: kinds, names, security contexts. */
export function compareWithRender(render: K8sObject[], applied: K8sObject[]): Difference[] {
    const diffs: Difference[] = [];
    const r = new Map(render.map((o) => [refKey(refOf(o)), o]));
    const a = new Map(applied.map((o) => [refKey(refOf(o)), o]));
    for (const k of r.keys()) if (!a.has(k)) diffs.push({ what: `object ${k}`, render: "present", cluster: "missing" });
    for (const k of a.keys()) if (!r.has(k)) diffs.push({ what: `object ${k}`, render: "missing", cluster: "present" });
    for (const [k, ro] of r) {
        const ao = a.get(k);
        if (!ao) continue;
        if (ro.apiVersion !== ao.apiVersion) {
            diffs.push({ what: `apiVersion of ${k}`, render: ro.apiVersion, cluster: ao.apiVersion });
        }
        const rs = securityContexts(ro);
        const as = securityContexts(ao);
        if (canonical(rs) !== canonical(as)) {
            diffs.push({ what: `security contexts of ${k}`, render: canonical(rs), cluster: canonical(as) });
        }
    }
    return diffs;
}

/** API groups of the built-in kinds; an object of any other group is a custom resource. */
const BUILT_IN_GROUPS = new Set(["", "apps", "batch", "policy"]);

export function isCustomResource(obj: K8sObject): boolean {
    const apiVersion = String(obj.apiVersion ?? "");
    const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
    return !BUILT_IN_GROUPS.has(group) && !group.endsWith(".k8s.io");
}

/** Where `actual` lacks or changes a field of `expected` (objects: every key of expected; arrays and scalars: equal). */
export function missingOrChanged(expected: unknown, actual: unknown, at = ""): string[] {
    if (expected && typeof expected === "object" && !Array.isArray(expected)) {
        if (!actual || typeof actual !== "object" || Array.isArray(actual)) return [`${at || "."}: ${canonical(actual)}`];
        return Object.entries(expected).flatMap(([k, v]) => missingOrChanged(v, (actual as K8sObject)[k], `${at}.${k}`));
    }
    if (Array.isArray(expected)) {
        if (!Array.isArray(actual) || actual.length !== expected.length) return [`${at}: ${canonical(actual)}`];
        return expected.flatMap((v, i) => missingOrChanged(v, actual[i], `${at}[${i}]`));
    }
    return expected === actual ? [] : [`${at}: ${canonical(actual)}`];
}

/**
 * The spec of every CustomResourceDefinition and custom resource of the render, looked up in the applied objects: each
 * rendered field must be there with its value. The API server adds defaults (a CRD's conversion strategy, a custom
 * resource's schema defaults), so extra fields are fine; a field a CRD schema pruned, or a changed one, is not.
 */
export function compareCustomResourceSpecs(render: K8sObject[], applied: K8sObject[]): Difference[] {
    const a = new Map(applied.map((o) => [refKey(refOf(o)), o]));
    const diffs: Difference[] = [];
    for (const o of render.filter((r) => r.kind === "CustomResourceDefinition" || isCustomResource(r))) {
        const k = refKey(refOf(o));
        const other = a.get(k);
        if (!other) continue;
        const wrong = missingOrChanged(o.spec ?? {}, other.spec ?? {}, ".spec");
        if (wrong.length > 0) diffs.push({ what: `spec of ${k} at ${wrong.join(", ")}`, render: canonical(o.spec), cluster: canonical(other.spec) });
    }
    return diffs;
}

/** NetworkPolicy specs that differ between two sets of objects (both must hold the policy). */
export function compareNetworkPolicySpecs(expected: K8sObject[], actual: K8sObject[]): Difference[] {
    const a = new Map(actual.filter((o) => o.kind === "NetworkPolicy").map((o) => [refKey(refOf(o)), o]));
    const diffs: Difference[] = [];
    for (const o of expected.filter((e) => e.kind === "NetworkPolicy")) {
        const other = a.get(refKey(refOf(o)));
        if (other && canonical(o.spec) !== canonical(other.spec)) {
            diffs.push({ what: `spec of ${refKey(refOf(o))}`, render: canonical(o.spec), cluster: canonical(other.spec) });
        }
    }
    return diffs;
}

export const COMPONENT_TYPE = "vmafx:index:VmafxStack";

/**
 * The name and properties of the one VmafxStack resource of a Pulumi YAML program. A property written as a
 * reference to the program's config (`${objectStoreCidr}`) is given its declared default, as the program runs
 * with no stack config; `fromConfig` lists where, so the TypeScript twin can pass those values as Outputs.
 */
export function componentOfYamlProgram(file: string): { name: string; properties: Record<string, unknown>; fromConfig: (string | number)[][] } {
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { resources?: Record<string, any>; config?: Record<string, { default?: unknown }> } | undefined;
    const found = Object.entries(doc?.resources ?? {}).filter(([, r]) => r?.type === COMPONENT_TYPE);
    if (found.length !== 1) throw new Error(`${file}: expected one ${COMPONENT_TYPE} resource, found ${found.length}`);
    const [name, resource] = found[0];
    const fromConfig: (string | number)[][] = [];
    const resolve = (value: unknown, at: (string | number)[]): unknown => {
        if (typeof value === "string") {
            const ref = /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(value);
            if (!ref) return value;
            const decl = doc?.config?.[ref[1]];
            if (!decl || !("default" in decl)) throw new Error(`${file}: ${at.join(".")} refers to config ${ref[1]}, which declares no default`);
            fromConfig.push(at);
            return decl.default;
        }
        if (Array.isArray(value)) return value.map((v, i) => resolve(v, [...at, i]));
        if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, [...at, k])]));
        return value;
    };
    return { name, properties: resolve(resource.properties ?? {}, []) as Record<string, unknown>, fromConfig };
}

/**
 * The Kubernetes objects of VmafxStack constructed directly in TypeScript with the properties of a YAML program's
 * VmafxStack (program/yaml-example-twin.ts), evaluated under mocks.
 */
export async function renderYamlProgramTwin(programFile: string, stack: string): Promise<K8sObject[]> {
    process.env.VMAFX_YAML_PROGRAM = programFile;
    try {
        const program = path.join(__dirname, "program", "yaml-example-twin.ts");
        // The twin reads no stack config: the YAML program's properties are its whole input.
        return kubernetesObjects(await runProgram({ stack, config: { file: programFile, values: {}, secretKeys: [] }, program }));
    } finally {
        delete process.env.VMAFX_YAML_PROGRAM;
    }
}

export interface PlannedResource {
    urn: string;
    type: string;
    parent?: string;
    inputs: K8sObject;
}

/** Resources a `pulumi preview --json` plans to create or update. */
export function plannedResources(preview: any): PlannedResource[] {
    return ((preview?.steps ?? []) as any[])
        .filter((s) => s.newState)
        .map((s) => ({ urn: s.urn, type: s.newState.type, parent: s.newState.parent, inputs: s.newState.inputs ?? {} }));
}

// ---------------------------------------------------------------------------------------------------------------

const log = new FindingLog();
const { pass, fail } = log;
const findingsOf = (check: () => void | Promise<void>): Promise<Finding[]> => log.collect(check);

/** The `applied` checks of one stack (see the top of this file); kubectl runs with the process's KUBECONFIG. */
export function appliedFindings(stack: string, refs: ObjectRef[], renderDir: string, kubectlBin: string): Promise<Finding[]> {
    return findingsOf(() => checkApplied(stack, refs, renderDir, kubectlBin));
}

/** The `destroyed` checks of one stack. */
export function destroyedFindings(stack: string, refs: ObjectRef[], kubectlBin: string, opts: { controllers?: boolean } = {}): Promise<Finding[]> {
    return findingsOf(() => checkDestroyed(stack, refs, kubectlBin, !!opts.controllers));
}

/** The `yaml-preview` checks of a `pulumi preview --json` of a YAML program. */
export function yamlPreviewFindings(stack: string, previewFile: string, programFile: string): Promise<Finding[]> {
    return findingsOf(() => checkYamlPreview(stack, previewFile, programFile));
}

function kubectl(bin: string, args: string[], input?: string): { code: number; stdout: string; stderr: string } {
    const r = spawnSync(bin, args, { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function getObject(bin: string, ref: ObjectRef): { obj?: K8sObject; err?: string } {
    const manifest = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
    const r = kubectl(bin, ["get", "-f", "-", "-o", "json"], JSON.stringify(manifest));
    if (r.code !== 0) return { err: r.stderr.trim() };
    const got = JSON.parse(r.stdout);
    // `kubectl get -f` answers with a List even for one object.
    if (got.kind === "List") {
        if (!Array.isArray(got.items) || got.items.length !== 1) return { err: `expected one object, got ${r.stdout}` };
        return { obj: got.items[0] };
    }
    return { obj: got };
}

const NONCOMPLIANT_CONTAINER = {
    name: "noncompliant",
    image: "registry.invalid/e2e/noncompliant:1",
    securityContext: { privileged: true, allowPrivilegeEscalation: true, runAsUser: 0 },
};

function checkApplied(stack: string, refs: ObjectRef[], renderDir: string, bin: string): void {
    if (refs.length === 0) {
        fail(`${stack}: the stack state holds no Kubernetes objects`);
        return;
    }
    const applied: K8sObject[] = [];
    for (const ref of refs) {
        const { obj, err } = getObject(bin, ref);
        if (obj) {
            applied.push(obj);
            pass(`${stack}: ${refKey(ref)} exists in the cluster`);
        } else {
            fail(`${stack}: ${refKey(ref)} not found in the cluster: ${err}`);
        }
    }

    const namespaces = applied.filter((o) => o.kind === "Namespace");
    if (namespaces.length === 0) fail(`${stack}: the stack created no Namespace`);
    for (const ns of namespaces) {
        const labels = ns.metadata.labels ?? {};
        const wrong = ["enforce", "audit", "warn"].filter((m) => labels[`pod-security.kubernetes.io/${m}`] !== "restricted");
        if (wrong.length === 0) {
            const v = labels["pod-security.kubernetes.io/enforce-version"] ?? "latest";
            pass(`${stack}: namespace ${ns.metadata.name} carries pod-security.kubernetes.io/{enforce,audit,warn}=restricted (enforce-version ${v})`);
        } else {
            fail(`${stack}: namespace ${ns.metadata.name} lacks restricted Pod Security labels for ${wrong.join(", ")}: ${JSON.stringify(labels)}`);
        }
    }

    const render = readRender(renderDir);
    const sources: [string, K8sObject[]][] = [
        ["applied", applied],
        ["offline render", render],
    ];
    let templates = 0;
    for (const [source, objs] of sources) {
        for (const obj of objs) {
            const pod = podFromTemplate(obj, "e2e");
            if (!pod) continue;
            templates++;
            const r = kubectl(bin, ["create", "--dry-run=server", "-f", "-", "-o", "name"], JSON.stringify(pod));
            const warnings = r.stderr.split("\n").filter((l) => /^Warning:/.test(l));
            const what = `${stack}: Pod from the ${source} pod template of ${refKey(refOf(obj))}`;
            if (r.code === 0 && !warnings.some((w) => w.includes("PodSecurity"))) {
                pass(`${what} is admitted (kubectl create --dry-run=server: ${r.stdout.trim()})`);
            } else {
                fail(`${what} is not admitted: ${r.stderr.trim()}`);
            }
        }
    }
    if (templates === 0) fail(`${stack}: no pod template found to dry-run`);

    // A Pod that breaks the restricted profile must be rejected by Pod Security admission in every namespace.
    for (const ns of namespaces) {
        const sa = applied.map((o) => podTemplate(o)?.spec?.serviceAccountName).find((s) => !!s && s !== "default");
        const pod = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "e2e-noncompliant", namespace: ns.metadata.name },
            spec: { ...(sa ? { serviceAccountName: sa } : {}), hostNetwork: true, containers: [NONCOMPLIANT_CONTAINER] },
        };
        const r = kubectl(bin, ["create", "--dry-run=server", "-f", "-"], JSON.stringify(pod));
        const line = r.stderr
            .trim()
            .split("\n")
            .find((l) => l.includes("violates PodSecurity"));
        if (r.code !== 0 && line) {
            pass(`${stack}: non-compliant pod rejected in ${ns.metadata.name}: ${line}`);
        } else {
            fail(`${stack}: non-compliant pod in ${ns.metadata.name} was not rejected by PodSecurity (exit ${r.code}): ${r.stdout}${r.stderr}`);
        }
    }

    const diffs = compareWithRender(render, applied);
    if (diffs.length === 0) {
        pass(`${stack}: the ${applied.length} applied objects match the offline render (kinds, names, security contexts)`);
    } else {
        for (const d of diffs) fail(`${stack}: offline render differs from the cluster in ${d.what}: render ${d.render}, cluster ${d.cluster}`);
    }

    const custom = render.filter((o) => o.kind === "CustomResourceDefinition" || isCustomResource(o));
    const specDiffs = compareCustomResourceSpecs(render, applied);
    if (custom.length > 0 && specDiffs.length === 0) {
        const kinds = [...new Set(custom.map((o) => o.kind))].sort().join(", ");
        pass(`${stack}: the specs of the ${custom.length} rendered CRDs and custom resources (${kinds}) are in the cluster as rendered`);
    }
    for (const d of specDiffs) fail(`${stack}: the cluster lacks or changed rendered fields of the ${d.what}: render ${d.render}, cluster ${d.cluster}`);
}

/** Whether an object of the stack state is where it should be after `pulumi destroy`, and why. */
export function destroyedFinding(
    ref: ObjectRef,
    obj: K8sObject | undefined,
    err: string | undefined,
    /** kube-controller-manager runs, so a Namespace must be gone, not Terminating. */
    controllers = false,
): { ok: boolean; message: string } {
    // NotFound, or the kind itself is gone (its CRD deleted): either way no such object exists.
    const gone = !obj && !!err && /NotFound|not found|no matches for kind/.test(err);
    if (ref.retainOnDelete) {
        // Deleting a CRD deletes every object of its kind, so the component retains its CRDs, and nothing else.
        if (ref.kind !== "CustomResourceDefinition") return { ok: false, message: `${refKey(ref)} was registered with retainOnDelete; only CRDs may be` };
        if (obj && !obj.metadata?.deletionTimestamp) return { ok: true, message: `${refKey(ref)} is retained (registered with retainOnDelete)` };
        return { ok: false, message: `${refKey(ref)} was registered with retainOnDelete but is ${obj ? "being deleted" : `gone${err ? `: ${err}` : ""}`}` };
    }
    if (gone) return { ok: true, message: `${refKey(ref)} is gone` };
    if (obj && ref.kind === "Namespace" && obj.status?.phase === "Terminating" && !controllers) {
        return { ok: true, message: `${refKey(ref)} is Terminating (no namespace controller runs on the test API server)` };
    }
    return { ok: false, message: `${refKey(ref)} is still there after destroy${err ? `: ${err}` : ""}` };
}

function checkDestroyed(stack: string, refs: ObjectRef[], bin: string, controllers: boolean): void {
    if (refs.length === 0) {
        fail(`${stack}: no objects recorded before destroy`);
        return;
    }
    for (const ref of refs) {
        const { obj, err } = getObject(bin, ref);
        const finding = destroyedFinding(ref, obj, err, controllers);
        (finding.ok ? pass : fail)(`${stack}: ${finding.message}`);
    }
}

async function checkYamlPreview(stack: string, previewFile: string, programFile: string): Promise<void> {
    const planned = plannedResources(JSON.parse(fs.readFileSync(previewFile, "utf8")));
    const { name } = componentOfYamlProgram(programFile);
    const components = planned.filter((r) => r.type === COMPONENT_TYPE);
    if (components.length === 1 && components[0].urn.endsWith(`::${name}`)) {
        pass(`${stack}: the preview plans one ${COMPONENT_TYPE} named ${name}, served by the component provider`);
    } else {
        fail(`${stack}: expected one ${COMPONENT_TYPE} named ${name} in the preview, found ${components.map((c) => c.urn).join(", ") || "none"}`);
        return;
    }
    const byUrn = new Map(planned.map((r) => [r.urn, r]));
    const under = (r: PlannedResource): boolean => {
        for (let p = r.parent; p; p = byUrn.get(p)?.parent) if (p === components[0].urn) return true;
        return false;
    };
    // Kubernetes objects; their default provider is typed pulumi:providers:kubernetes.
    const k8s = planned.filter((r) => r.type.startsWith("kubernetes:"));
    const orphans = k8s.filter((r) => !under(r));
    if (k8s.length > 0 && orphans.length === 0) {
        pass(`${stack}: all ${k8s.length} Kubernetes objects of the preview are children of the component`);
    } else {
        fail(`${stack}: Kubernetes objects outside the component: ${orphans.map((r) => r.urn).join(", ") || "(none planned)"}`);
    }

    const twin = await renderYamlProgramTwin(programFile, stack);
    const previewed = k8s.map((r) => r.inputs);
    const diffs = [...compareWithRender(twin, previewed), ...compareNetworkPolicySpecs(twin, previewed)];
    if (diffs.length === 0) {
        pass(
            `${stack}: the ${previewed.length} previewed objects equal VmafxStack constructed in TypeScript with the same properties (kinds, names, apiVersions, security contexts, NetworkPolicy specs)`,
        );
    } else {
        for (const d of diffs)
            fail(`${stack}: the YAML program's preview differs from the TypeScript twin in ${d.what}: twin ${d.render}, preview ${d.cluster}`);
    }
}

/** The recording of an example run under its language SDK's mocks. */
export interface ExampleRecording {
    registered: { type: string; name: string; inputs: Record<string, unknown> }[];
    /** Names the example exported, when the language's mocks can tell. */
    exports?: string[];
}

/** A copy of component properties without the namespace's name. */
export function withoutNamespaceName(properties: Record<string, any>): Record<string, any> {
    const copy = JSON.parse(JSON.stringify(properties));
    if (copy.namespace && typeof copy.namespace === "object") delete copy.namespace.name;
    return copy;
}

export type { Finding };

/** How a language example's recording compares with the YAML example (see `example` above). */
export function exampleFindings(language: string, recording: ExampleRecording, programFile: string): Finding[] {
    const what = `examples/${language}`;
    const components = recording.registered.filter((r) => r.type === COMPONENT_TYPE);
    const { name, properties } = componentOfYamlProgram(programFile);
    if (components.length !== 1) {
        const registered = recording.registered.map((r) => r.type).join(", ") || "nothing";
        return [{ ok: false, message: `${what} registered ${components.length} ${COMPONENT_TYPE} resources, expected 1 (registered: ${registered})` }];
    }
    const [component] = components;
    const findings: Finding[] = [
        component.name === name
            ? { ok: true, message: `${what} registers one ${COMPONENT_TYPE} named ${name}, as the YAML example does` }
            : { ok: false, message: `${what} names its ${COMPONENT_TYPE} ${component.name}, the YAML example ${name}` },
    ];
    const got = canonical(withoutNamespaceName(component.inputs));
    const want = canonical(withoutNamespaceName(properties));
    findings.push(
        got === want
            ? {
                  ok: true,
                  message: `${what} gives VmafxStack exactly the YAML example's properties (${Object.keys(properties).length} top-level inputs, namespace name aside)`,
              }
            : { ok: false, message: `${what} gives VmafxStack other properties than the YAML example:\n  ${language}: ${got}\n  yaml: ${want}` },
    );
    if (recording.exports) {
        const doc = yaml.load(fs.readFileSync(programFile, "utf8")) as { outputs?: Record<string, unknown> };
        const expected = Object.keys(doc.outputs ?? {}).sort();
        const exported = [...recording.exports].sort();
        findings.push(
            canonical(exported) === canonical(expected)
                ? { ok: true, message: `${what} exports ${exported.join(", ")}, as the YAML example does` }
                : { ok: false, message: `${what} exports ${exported.join(", ") || "nothing"}, the YAML example ${expected.join(", ")}` },
        );
    }
    return findings;
}

async function main(): Promise<void> {
    const { values, positionals } = parseArgs({
        allowPositionals: true,
        options: {
            stack: { type: "string" },
            export: { type: "string" },
            render: { type: "string" },
            kubectl: { type: "string" },
            preview: { type: "string" },
            program: { type: "string" },
            language: { type: "string" },
            recorded: { type: "string" },
        },
    });
    const [phase] = positionals;
    const usage =
        "usage: verify.ts applied|destroyed --stack S --export state.json [--render DIR] --kubectl BIN\n" +
        "       verify.ts yaml-preview --stack S --preview preview.json --program Pulumi.yaml\n" +
        "       verify.ts example --stack S --language L --recorded rec.json --program Pulumi.yaml";
    if (!values.stack || !["applied", "destroyed", "yaml-preview", "example"].includes(phase ?? "")) {
        console.error(usage);
        process.exit(2);
    }
    if (phase === "yaml-preview") {
        if (!values.preview || !values.program) {
            console.error(usage);
            process.exit(2);
        }
        await checkYamlPreview(values.stack, values.preview, values.program);
    } else if (phase === "example") {
        if (!values.language || !values.recorded || !values.program) {
            console.error(usage);
            process.exit(2);
        }
        const recording = JSON.parse(fs.readFileSync(values.recorded, "utf8")) as ExampleRecording;
        for (const f of exampleFindings(values.language, recording, values.program)) {
            (f.ok ? pass : fail)(`${values.stack}: ${f.message}`);
        }
    } else {
        if (!values.export || !values.kubectl || (phase === "applied" && !values.render)) {
            console.error(usage);
            process.exit(2);
        }
        const refs = objectsInState(JSON.parse(fs.readFileSync(values.export, "utf8")));
        if (phase === "applied") checkApplied(values.stack, refs, values.render!, values.kubectl);
        else checkDestroyed(values.stack, refs, values.kubectl, false);
    }
    console.log(`verify ${phase} ${values.stack}: ${log.passed} passed, ${log.failed} failed`);
    process.exit(log.failed === 0 ? 0 : 1);
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e);
        process.exit(1);
    });
}
