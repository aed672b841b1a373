import { strict as assert } from "assert";
import { KINDS, Obj, podSpecOf, workload } from "../fixtures";
import { k8s, messages, runPolicy } from "../testing";
import { saTokenAutomount } from "./sa-token-automount";

const sa = (name: string, automount?: boolean): Obj => ({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace: "shop" },
    ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
});
const withSpec = (kind: (typeof KINDS)[number], tweak: (s: Obj) => void) => {
    const m = workload(kind, { name: "web" });
    tweak(podSpecOf(m));
    return m;
};

describe("sa-token-automount", () => {
    for (const kind of KINDS) {
        it(`${kind}: passes automountServiceAccountToken: false and flags true with the field path`, async () => {
            assert.deepEqual(messages(await runPolicy(saTokenAutomount, k8s(workload(kind)))), []);
            const out = await runPolicy(saTokenAutomount, k8s(withSpec(kind, (s) => (s.automountServiceAccountToken = true))));
            assert.equal(out.violations.length, 1);
            const path =
                kind === "Pod"
                    ? "spec"
                    : kind === "CronJob"
                      ? "spec.jobTemplate.spec.template.spec"
                      : kind === "PodTemplate"
                        ? "template.spec"
                        : "spec.template.spec";
            assert.ok(
                out.violations[0].message.includes(`mounts a service account token for shop/default: ${path}.automountServiceAccountToken = true`),
                out.violations[0].message,
            );
        });
    }

    it("falls back to the ServiceAccount's setting, then to the Kubernetes default (true)", async () => {
        const unset = withSpec("Deployment", (s) => {
            delete s.automountServiceAccountToken;
            s.serviceAccountName = "web";
        });
        assert.deepEqual(messages(await runPolicy(saTokenAutomount, [k8s(sa("web", false)), k8s(unset)])), []);
        const declaredTrue = await runPolicy(saTokenAutomount, [k8s(sa("web")), k8s(unset)]);
        assert.match(
            declaredTrue.violations[0]?.message ?? "",
            /spec\.template\.spec\.automountServiceAccountToken is not set and ServiceAccount shop\/web does not set automountServiceAccountToken: false/,
        );
        const undeclared = await runPolicy(saTokenAutomount, k8s(unset));
        assert.match(
            undeclared.violations[0]?.message ?? "",
            /ServiceAccount shop\/web is not declared in this stack \(Kubernetes mounts the token by default\)/,
        );
    });

    it("the pod's explicit true wins over the ServiceAccount's false", async () => {
        const m = withSpec("Deployment", (s) => {
            s.automountServiceAccountToken = true;
            s.serviceAccountName = "web";
        });
        assert.equal((await runPolicy(saTokenAutomount, [k8s(sa("web", false)), k8s(m)])).violations.length, 1);
    });

    it("allows listed service accounts (namespace/name or name) and hints at RBAC bindings", async () => {
        const m = withSpec("Deployment", (s) => {
            s.automountServiceAccountToken = true;
            s.serviceAccountName = "operator";
        });
        assert.deepEqual(messages(await runPolicy(saTokenAutomount, k8s(m), { allowedServiceAccounts: ["shop/operator"] })), []);
        assert.deepEqual(messages(await runPolicy(saTokenAutomount, k8s(m), { allowedServiceAccounts: ["operator"] })), []);
        assert.equal((await runPolicy(saTokenAutomount, k8s(m), { allowedServiceAccounts: ["other/operator"] })).violations.length, 1);
        const binding = {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "op", namespace: "shop" },
            subjects: [{ kind: "ServiceAccount", name: "operator" }],
            roleRef: { kind: "Role", name: "op", apiGroup: "rbac.authorization.k8s.io" },
        };
        const out = await runPolicy(saTokenAutomount, [k8s(binding), k8s(m)]);
        assert.match(out.violations[0]?.message ?? "", /shop\/operator is bound by RoleBinding shop\/op .*add "shop\/operator" to allowedServiceAccounts/);
    });

    it("judges a Patch only on an explicit true", async () => {
        const patch = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "web", namespace: "shop" },
            spec: { template: { spec: { containers: [{ name: "app" }] } } },
        } as Obj;
        assert.deepEqual(messages(await runPolicy(saTokenAutomount, k8s(patch, { patch: true }))), []);
        patch.spec.template.spec.automountServiceAccountToken = true;
        assert.equal((await runPolicy(saTokenAutomount, k8s(patch, { patch: true }))).violations.length, 1);
    });
});
