// The plan's creation order: every dependsOn names a role planned earlier (checkPlanOrder), so
// VmafxStack has created what a resource depends on before it registers that resource.
import { strict as assert } from "assert";
import { CONFIGURATIONS, FULL } from "../test/configurations";
import type { VmafxStackArgs } from "./args";
import { Manifest, PlannedResource, Role, makeContext } from "./context";
import { buildPlan, checkPlanOrder } from "./plan";
import { validateArgs } from "./schema";

function plan(args: VmafxStackArgs, name = "vmafx"): PlannedResource[] {
    return buildPlan(makeContext(validateArgs(name, args, "args.")));
}

function configMap(role: Role, dependsOn?: Role[]): PlannedResource {
    const manifest: Manifest<"ConfigMap"> = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: role } };
    return dependsOn ? { role, manifest, dependsOn } : { role, manifest };
}

describe("plan order (checkPlanOrder)", () => {
    describe("the StatefulSet depends on its headless Service", () => {
        const planned = plan({ workload: "StatefulSet", persistence: { enabled: true, output: { enabled: true } } });
        const roles = planned.map((p) => p.role);
        const sts = planned.find((p) => p.manifest.kind === "StatefulSet")!;
        const headless = planned.find((p) => p.role === "server-headless")!;

        it("its dependency is the headless Service its serviceName names", () => {
            assert.equal(sts.role, "server");
            assert.deepEqual(sts.dependsOn, ["server-headless"]);
            assert.ok(headless, `no server-headless in ${roles.join(", ")}`);
            const service = headless.manifest as Manifest<"Service">;
            const spec = (sts.manifest as Manifest<"StatefulSet">).spec as { serviceName: string };
            assert.equal(service.kind, "Service");
            assert.equal((service.spec as { clusterIP: string }).clusterIP, "None");
            assert.equal(service.metadata.name, spec.serviceName);
        });

        it("the headless Service is planned before the StatefulSet", () => {
            assert.ok(roles.indexOf("server-headless") < roles.indexOf("server"), roles.join(", "));
        });
    });

    describe("every configuration plans its dependencies first", () => {
        const configurations: { name: string; component?: string; args: VmafxStackArgs }[] = [
            ...CONFIGURATIONS,
            { name: "everything on with the StatefulSet", args: { ...FULL, workload: "StatefulSet" } },
            // The Job workload has no Service: its Ingress depends on none.
            { name: "Job with an Ingress", args: { workload: "Job", job: { command: ["score"] }, ingress: { enabled: true } } },
        ];
        for (const c of configurations) {
            it(c.name, () => {
                const planned = plan(c.args, c.component);
                checkPlanOrder(planned);
                const index = new Map(planned.map((p, i) => [p.role, i]));
                for (const p of planned) {
                    for (const dep of p.dependsOn ?? []) {
                        assert.ok((index.get(dep) ?? Infinity) < index.get(p.role)!, `${p.role} depends on ${dep}`);
                    }
                }
            });
        }

        it("the dependencies of the full release are the intended ones", () => {
            const edges = plan({ ...FULL, workload: "StatefulSet" })
                .filter((p) => p.dependsOn && p.dependsOn.length > 0)
                .map((p) => `${p.role} -> ${p.dependsOn!.join(", ")}`);
            assert.deepEqual(edges, [
                "operator-clusterrolebinding -> operator-clusterrole, operator-serviceaccount",
                "operator-rolebinding -> operator-role, operator-serviceaccount",
                "server -> server-headless",
                "operator -> operator-serviceaccount, operator-rolebinding, operator-clusterrolebinding",
                "ingress -> server-service",
                "smoke-test -> server, server-service",
            ]);
        });
    });

    describe("a plan that could not be created in order is an internal error", () => {
        it("a dependency on a role the release does not plan (dangling)", () => {
            assert.throws(() => checkPlanOrder([configMap("config"), configMap("server", ["server-headless"])]), {
                message: 'internal error: "server" depends on "server-headless", which this release does not plan',
            });
        });

        it("a dependency on a role planned later (forward), as the StatefulSet had on its headless Service", () => {
            assert.throws(() => checkPlanOrder([configMap("server", ["server-headless"]), configMap("server-headless")]), {
                message: 'internal error: "server" depends on "server-headless", which is planned after it, so it would not exist when "server" is created',
            });
        });

        it("a dependency on itself", () => {
            assert.throws(() => checkPlanOrder([configMap("server", ["server"])]), { message: 'internal error: "server" depends on itself' });
        });

        it("two resources with one role", () => {
            assert.throws(() => checkPlanOrder([configMap("config"), configMap("config")]), {
                message: 'internal error: two resources share the role "config"',
            });
        });

        it("a plan whose dependencies all come first passes", () => {
            assert.doesNotThrow(() => checkPlanOrder([configMap("server-headless"), configMap("config"), configMap("server", ["server-headless", "config"])]));
            assert.doesNotThrow(() => checkPlanOrder([]));
        });
    });
});
