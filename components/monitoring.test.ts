// Prometheus Operator monitors: the chart's server ServiceMonitor plus the node, operator and
// controller monitors it lacks, each scraping the port the NetworkPolicy metrics flows open.
import { strict as assert } from "assert";
import type { VmafxStackArgs } from "./args";
import { makeContext } from "./context";
import { intendedFlows } from "./flows";
import { buildPlan } from "./plan";
import { VmafxArgsError, validateArgs } from "./schema";

/** A planned object as the tests read it back: every field open. */
type Any = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [field: string]: any };

function plan(args: VmafxStackArgs): Any[] {
    return buildPlan(makeContext(validateArgs("vmafx", args, "args."))).map((p) => p.manifest as unknown as Any);
}

const monitors = (m: Any[]) => m.filter((o) => o.apiVersion === "monitoring.coreos.com/v1");
const ALL: VmafxStackArgs = {
    node: { enabled: true },
    operator: { enabled: true },
    controller: { enabled: true },
    auth: { enabled: true, issuer: "https://login.example.com/", jwksEndpoint: "https://login.example.com/keys" },
};

describe("monitoring", () => {
    it("renders nothing unless monitoring.enabled", () => {
        assert.deepEqual(monitors(plan(ALL)), []);
    });

    it("one monitor per component that runs: ServiceMonitors for server, node, controller, a PodMonitor for the operator", () => {
        const m = monitors(plan({ ...ALL, monitoring: { enabled: true } }));
        assert.deepEqual(
            m.map((o) => `${o.kind}/${o.metadata.name} ${(o.spec.endpoints ?? o.spec.podMetricsEndpoints)[0].port}`),
            ["ServiceMonitor/vmafx http", "ServiceMonitor/vmafx-node metrics", "PodMonitor/vmafx-operator metrics", "ServiceMonitor/vmafx-controller http"],
        );
        const server = m[0];
        assert.deepEqual(server.spec.endpoints, [
            { port: "http", path: "/metrics", scheme: "http", interval: "30s", scrapeTimeout: "10s", honorLabels: false },
        ]);
        assert.deepEqual(server.spec.selector.matchLabels, {
            "app.kubernetes.io/name": "vmafx",
            "app.kubernetes.io/instance": "vmafx",
            "app.kubernetes.io/component": "server",
        });
        assert.equal(server.metadata.namespace, "vmafx");
        assert.equal(server.spec.namespaceSelector, undefined);
        assert.deepEqual(
            monitors(plan({ monitoring: { enabled: true }, workload: "Job", job: { command: ["score"] } })),
            [],
            "the Job workload has no Service to scrape",
        );
    });

    it("every ServiceMonitor selects its component's Service, and the server's skips the headless one", () => {
        const m = plan({ ...ALL, workload: "StatefulSet", monitoring: { enabled: true } });
        const services = m.filter((o) => o.kind === "Service");
        for (const sm of monitors(m).filter((o) => o.kind === "ServiceMonitor")) {
            const selected = services.filter(
                (s) =>
                    Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v) &&
                    (sm.spec.selector.matchExpressions ?? []).every((e: any) => e.operator !== "DoesNotExist" || !(e.key in (s.metadata.labels ?? {}))),
            );
            assert.deepEqual(
                selected.map((s) => s.metadata.name),
                [sm.metadata.name],
                `${sm.metadata.name} selects ${selected.map((s) => s.metadata.name).join(", ")}`,
            );
            const port = sm.spec.endpoints[0].port;
            assert.ok(
                selected[0].spec.ports.some((p: any) => p.name === port),
                `${sm.metadata.name}: Service has no port ${port}`,
            );
        }
    });

    it("monitors in another namespace select the release namespace (the chart's selected nothing) and carry the extra labels", () => {
        const m = monitors(
            plan({
                ...ALL,
                monitoring: { enabled: true, serviceMonitor: { namespace: "monitoring", labels: { release: "kps" }, interval: "1m", scrapeTimeout: "45s" } },
            }),
        );
        for (const o of m) {
            assert.equal(o.metadata.namespace, "monitoring");
            assert.deepEqual(o.spec.namespaceSelector, { matchNames: ["vmafx"] });
            assert.equal(o.metadata.labels?.release, "kps");
            assert.equal((o.spec.endpoints ?? o.spec.podMetricsEndpoints)[0].interval, "1m");
        }
    });

    it("the NetworkPolicy metrics flows open exactly the ports the monitors scrape", () => {
        const args: VmafxStackArgs = { ...ALL, monitoring: { enabled: true }, networkPolicy: { enabled: true } };
        const ctx = makeContext(validateArgs("vmafx", args, "args."));
        const flows = intendedFlows(ctx).filter((f) => f.id.startsWith("metrics-to-"));
        const scraped = monitors(plan(args)).map((o) => {
            const port = (o.spec.endpoints ?? o.spec.podMetricsEndpoints)[0].port;
            const component = o.spec.selector.matchLabels["app.kubernetes.io/component"];
            return `${component}:${(ctx.ports as any)[component][port === "http" ? "http" : "metrics"].port}`;
        });
        assert.deepEqual(flows.map((f) => `${(f.to as any).component}:${f.ports[0].port}`).sort(), scraped.sort());
    });

    it("refuses monitors the NetworkPolicies would block, a timeout longer than the interval, and bad durations", () => {
        try {
            validateArgs(
                "vmafx",
                {
                    monitoring: { enabled: true, serviceMonitor: { interval: "10s", scrapeTimeout: "1m", scheme: "ftp" as string } },
                    networkPolicy: { enabled: true, metrics: { enabled: false } },
                },
                "args.",
            );
            assert.fail("accepted");
        } catch (e) {
            assert.ok(e instanceof VmafxArgsError, String(e));
            assert.deepEqual(
                e.issues.map((i) => i.path.join(".")),
                ["monitoring.serviceMonitor.scheme", "networkPolicy.metrics.enabled", "monitoring.serviceMonitor.scrapeTimeout"],
            );
        }
        assert.throws(() => validateArgs("vmafx", { monitoring: { serviceMonitor: { interval: "30 seconds" } } }, "args."), /must be a Prometheus duration/);
    });
});
