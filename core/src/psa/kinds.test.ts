// kinds.ts: where the pod template lives for every pod-bearing kind, Pulumi type tokens, and evaluation of templates.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    POD_BEARING_KINDS,
    PULUMI_TYPE_KINDS,
    PodBearingKind,
    isPodBearingKind,
    joinFieldPath,
    kindOfPulumiType,
    podBearingKindOf,
    podTemplateOf,
} from "../kinds";
import { evaluatePod } from "./index";
import type { Obj } from "./types";

const APPARMOR_KEY = "container.apparmor.security.beta.kubernetes.io/app";

/** A template whose pod fails restricted (privileged container) and carries a bad AppArmor annotation. */
function template(): Obj {
    return {
        metadata: { labels: { app: "x" }, annotations: { [APPARMOR_KEY]: "unconfined" } },
        spec: { containers: [{ name: "app", image: "nginx", securityContext: { privileged: true } }] },
    };
}

/** A manifest of each kind, with the object metadata carrying a harmless annotation only. */
function manifest(kind: PodBearingKind): Obj {
    const metadata = { name: "o", annotations: { note: "object metadata" } };
    switch (kind) {
        case "Pod": {
            const t = template();
            return { apiVersion: "v1", kind, metadata: { ...metadata, annotations: t.metadata.annotations }, spec: t.spec };
        }
        case "PodTemplate":
            return { apiVersion: "v1", kind, metadata, template: template() };
        case "CronJob":
            return { apiVersion: "batch/v1", kind, metadata, spec: { schedule: "* * * * *", jobTemplate: { spec: { template: template() } } } };
        case "Job":
            return { apiVersion: "batch/v1", kind, metadata, spec: { template: template() } };
        case "ReplicationController":
            return { apiVersion: "v1", kind, metadata, spec: { replicas: 1, template: template() } };
        default:
            return { apiVersion: "apps/v1", kind, metadata, spec: { selector: { matchLabels: { app: "x" } }, template: template() } };
    }
}

const PATHS: Record<PodBearingKind, string> = {
    Pod: "",
    Deployment: "spec.template",
    StatefulSet: "spec.template",
    DaemonSet: "spec.template",
    ReplicaSet: "spec.template",
    ReplicationController: "spec.template",
    Job: "spec.template",
    CronJob: "spec.jobTemplate.spec.template",
    PodTemplate: "template",
};

describe("kinds", () => {
    it("kinds latest: the nine pod-bearing kinds", () => {
        assert.deepEqual([...POD_BEARING_KINDS].sort(), Object.keys(PATHS).sort());
    });

    for (const kind of POD_BEARING_KINDS) {
        it(`kinds ${kind} pod template at ${JSON.stringify(PATHS[kind])}, template metadata, evaluated with full paths`, () => {
            const obj = manifest(kind);
            const ref = podTemplateOf(obj);
            assert.ok(ref);
            assert.equal(ref.kind, kind);
            assert.equal(ref.path, PATHS[kind]);
            assert.equal(ref.spec.containers[0].name, "app");
            // the pod's annotations come from the template (object metadata for a Pod)
            assert.equal(ref.metadata.annotations[APPARMOR_KEY], "unconfined");

            const r = evaluatePod(ref, "restricted", "latest");
            assert.deepEqual(
                r.violations.map((v) => v.check),
                ["appArmorProfile", "privileged", "allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"],
            );
            const priv = r.violations.find((v) => v.check === "privileged")!.findings[0];
            assert.equal(joinFieldPath(ref.path, priv.path), `${PATHS[kind] ? PATHS[kind] + "." : ""}spec.containers[0].securityContext.privileged`);
            const ann = r.violations.find((v) => v.check === "appArmorProfile")!.findings[0];
            assert.equal(joinFieldPath(ref.path, ann.path), `${PATHS[kind] ? PATHS[kind] + "." : ""}metadata.annotations["${APPARMOR_KEY}"]`);
        });

        it(`kinds ${kind} without its pod (template) -> undefined`, () => {
            const obj = manifest(kind);
            if (kind === "Pod") delete obj.spec;
            else if (kind === "PodTemplate") delete obj.template;
            else if (kind === "CronJob") delete obj.spec.jobTemplate.spec;
            else delete obj.spec.template;
            assert.equal(podTemplateOf(obj), undefined);
        });
    }

    it("kinds CronJob: a template at spec.template (wrong nesting) is not the pod template", () => {
        const obj = manifest("CronJob");
        obj.spec = { template: template() };
        assert.equal(podTemplateOf(obj), undefined);
    });

    it("kinds Deployment: object metadata annotations are not pod annotations", () => {
        const obj = manifest("Deployment");
        obj.metadata.annotations = { [APPARMOR_KEY]: "unconfined" };
        obj.spec.template.metadata = {};
        const ref = podTemplateOf(obj)!;
        assert.equal(
            evaluatePod(ref, "baseline", "latest").violations.some((v) => v.check === "appArmorProfile"),
            false,
        );
    });

    it("kinds latest: non pod-bearing kinds -> undefined", () => {
        for (const kind of ["Service", "ConfigMap", "Namespace", "HorizontalPodAutoscaler", "PodDisruptionBudget", undefined, 7]) {
            assert.equal(isPodBearingKind(kind), false);
            assert.equal(podTemplateOf({ kind, spec: { template: template() } }), undefined);
        }
    });

    it("kinds latest: the kind can be given explicitly (e.g. from a Pulumi type token)", () => {
        const ref = podTemplateOf({ spec: { jobTemplate: { spec: { template: template() } } } }, "CronJob");
        assert.equal(ref?.path, "spec.jobTemplate.spec.template");
    });

    it("kinds latest: apiVersion groups serving each kind", () => {
        const ok: [string, string][] = [
            ["v1", "Pod"],
            ["v1", "PodTemplate"],
            ["v1", "ReplicationController"],
            ["apps/v1", "Deployment"],
            ["apps/v1", "StatefulSet"],
            ["apps/v1", "DaemonSet"],
            ["apps/v1", "ReplicaSet"],
            ["batch/v1", "Job"],
            ["batch/v1", "CronJob"],
            ["batch/v1beta1", "CronJob"],
            ["extensions/v1beta1", "Deployment"],
            ["apps/v1beta2", "StatefulSet"],
        ];
        for (const [av, k] of ok) assert.equal(podBearingKindOf(av, k), k, `${av} ${k}`);
        const no: [unknown, unknown][] = [
            ["apps/v1", "Pod"],
            ["v1", "Deployment"],
            ["batch/v1", "Deployment"],
            ["example.com/v1", "Deployment"],
            [undefined, "Pod"],
            ["v1", "Service"],
        ];
        for (const [av, k] of no) assert.equal(podBearingKindOf(av, k), undefined, `${String(av)} ${String(k)}`);
    });

    const TOKENS: [string, PodBearingKind, string, boolean][] = [
        ["kubernetes:core/v1:Pod", "Pod", "v1", false],
        ["kubernetes:core/v1:PodPatch", "Pod", "v1", true],
        ["kubernetes:core/v1:PodTemplate", "PodTemplate", "v1", false],
        ["kubernetes:core/v1:PodTemplatePatch", "PodTemplate", "v1", true],
        ["kubernetes:core/v1:ReplicationController", "ReplicationController", "v1", false],
        ["kubernetes:core/v1:ReplicationControllerPatch", "ReplicationController", "v1", true],
        ["kubernetes:apps/v1:Deployment", "Deployment", "apps/v1", false],
        ["kubernetes:apps/v1:DeploymentPatch", "Deployment", "apps/v1", true],
        ["kubernetes:apps/v1:StatefulSet", "StatefulSet", "apps/v1", false],
        ["kubernetes:apps/v1:StatefulSetPatch", "StatefulSet", "apps/v1", true],
        ["kubernetes:apps/v1:DaemonSet", "DaemonSet", "apps/v1", false],
        ["kubernetes:apps/v1:DaemonSetPatch", "DaemonSet", "apps/v1", true],
        ["kubernetes:apps/v1:ReplicaSet", "ReplicaSet", "apps/v1", false],
        ["kubernetes:apps/v1:ReplicaSetPatch", "ReplicaSet", "apps/v1", true],
        ["kubernetes:batch/v1:Job", "Job", "batch/v1", false],
        ["kubernetes:batch/v1:JobPatch", "Job", "batch/v1", true],
        ["kubernetes:batch/v1:CronJob", "CronJob", "batch/v1", false],
        ["kubernetes:batch/v1:CronJobPatch", "CronJob", "batch/v1", true],
        ["kubernetes:batch/v1beta1:CronJob", "CronJob", "batch/v1beta1", false],
        ["kubernetes:apps/v1beta1:Deployment", "Deployment", "apps/v1beta1", false],
        ["kubernetes:extensions/v1beta1:DaemonSetPatch", "DaemonSet", "extensions/v1beta1", true],
    ];
    for (const [token, kind, apiVersion, patch] of TOKENS) {
        it(`kinds ${kind} Pulumi type ${token}`, () => assert.deepEqual({ ...kindOfPulumiType(token) }, { kind, apiVersion, patch }));
    }
    it("kinds latest: non pod-bearing Pulumi types -> undefined", () => {
        for (const t of [
            "kubernetes:core/v1:Service",
            "kubernetes:core/v1:PodList",
            "kubernetes:apps/v1:DeploymentList",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "kubernetes:apps/v1:Deployment ",
            "pulumi:pulumi:Stack",
        ]) {
            assert.equal(kindOfPulumiType(t), undefined, t);
        }
    });
    it("kinds latest: the map holds exactly the pod-bearing type tokens that @pulumi/kubernetes registers", () => {
        // Scan the installed provider SDK (plain files, no Pulumi import) for `kubernetes:<group>/<version>:<Kind>[Patch]`.
        const root = path.dirname(require.resolve("@pulumi/kubernetes/package.json"));
        const re = new RegExp(`"(kubernetes:[a-z.0-9]+/v[0-9a-z]+:(?:${POD_BEARING_KINDS.join("|")})(?:Patch)?)"`, "g");
        const found = new Set<string>();
        const walk = (dir: string): void => {
            for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                const p = path.join(dir, e.name);
                if (e.isDirectory()) walk(p);
                else if (e.name.endsWith(".js")) for (const m of fs.readFileSync(p, "utf8").matchAll(re)) found.add(m[1]);
            }
        };
        for (const group of ["core", "apps", "batch", "extensions"]) walk(path.join(root, group));
        assert.ok(found.size > 0);
        assert.deepEqual([...PULUMI_TYPE_KINDS.keys()].sort(), [...found].sort());
        for (const [token, k] of PULUMI_TYPE_KINDS) {
            assert.match(token, new RegExp(`^kubernetes:[a-z]+/v[0-9a-z]+:${k.kind}${k.patch ? "Patch" : ""}$`));
        }
    });

    it("kinds latest: joinFieldPath", () => {
        assert.equal(joinFieldPath("", "spec.containers[0]"), "spec.containers[0]");
        assert.equal(joinFieldPath("spec.template", "spec.containers[0]"), "spec.template.spec.containers[0]");
        assert.equal(joinFieldPath("template", ""), "template");
    });
});
