// The controller, its auth settings and tenants (the chart's G4 controller.yaml, its render-time
// guards and tenant-crd-config.yaml), with the node's and the operator's way to it.
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

function find(m: Any[], kind: string, name: string): Any {
    const found = m.find((o) => o.kind === kind && o.metadata.name === name);
    assert.ok(found, `no ${kind}/${name} in ${m.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
    return found;
}

function env(container: any): Record<string, string> {
    return Object.fromEntries((container.env ?? []).filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
}

/** The issues of args that must be refused, as `key: message` lines. */
function refused(args: VmafxStackArgs): string[] {
    try {
        validateArgs("vmafx", args, "args.");
    } catch (e) {
        assert.ok(e instanceof VmafxArgsError, String(e));
        return e.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    }
    assert.fail("the args were accepted");
}

const IDP = { issuer: "https://login.example.com/", jwksEndpoint: "https://login.example.com/keys" };
const SINGLE: VmafxStackArgs = { controller: { enabled: true }, auth: { enabled: true, ...IDP } };
const REGISTRY: VmafxStackArgs = {
    controller: { enabled: true },
    auth: {
        enabled: true,
        audience: "vmafx",
        tenants: [
            { tenantId: "studio-a", oidc: IDP },
            {
                tenantId: "studio-b",
                enabled: false,
                oidc: { issuer: "https://idp.example.org/", jwksEndpoint: "https://idp.example.org/jwks", tenantClaim: "org" },
            },
        ],
    },
};

describe("controller", () => {
    it("renders ServiceAccount, data claim, Deployment (Recreate, one replica) and Service with http and grpc", () => {
        const m = plan(SINGLE);
        const d = find(m, "Deployment", "vmafx-controller");
        assert.equal(d.spec.replicas, 1);
        assert.deepEqual(d.spec.strategy, { type: "Recreate" });
        const pod = d.spec.template.spec;
        assert.equal(pod.serviceAccountName, "vmafx-controller");
        const c = pod.containers[0];
        assert.equal(c.image, "ghcr.io/vmafx/vmafx-controller:v3.2.1");
        assert.deepEqual(
            c.ports.map((p: any) => `${p.name}:${p.containerPort}`),
            ["http:8080", "grpc:9090"],
        );
        assert.deepEqual(env(c), {
            VMAFX_HTTP_ADDR: ":8080",
            VMAFX_GRPC_LISTEN: ":9090",
            VMAFX_DB_PATH: "/data/vmafx-controller.db",
            VMAFX_AUTH_DISABLED: "false",
            VMAFX_JWKS_ENDPOINT: IDP.jwksEndpoint,
            VMAFX_AUTH_ISSUER: IDP.issuer,
            VMAFX_AUTH_TENANT_CLAIM: "tid",
            VMAFX_AUTH_ROLES_CLAIM: "vmafx_roles",
        });
        assert.deepEqual(
            pod.volumes.find((v: any) => v.name === "data"),
            { name: "data", persistentVolumeClaim: { claimName: "vmafx-controller-data" } },
        );
        assert.equal(find(m, "PersistentVolumeClaim", "vmafx-controller-data").spec.resources.requests.storage, "1Gi");
        const svc = find(m, "Service", "vmafx-controller");
        assert.deepEqual(
            svc.spec.ports.map((p: any) => `${p.name}:${p.port}->${p.targetPort}`),
            ["http:8080->http", "grpc:9090->grpc"],
        );
        // Without a tenant registry it never calls the API server.
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(find(m, "ServiceAccount", "vmafx-controller").automountServiceAccountToken, false);
        assert.equal(
            m.some((o) => o.kind === "Role" && o.metadata.name === "vmafx-controller-tenants"),
            false,
        );
    });

    it("is hardened like every other pod and keeps the server free of auth settings", () => {
        const m = plan(SINGLE);
        const pod = find(m, "Deployment", "vmafx-controller").spec.template.spec;
        assert.equal(pod.securityContext.runAsUser, 65532);
        assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(pod.containers[0].securityContext.capabilities, { drop: ["ALL"] });
        const server = find(m, "Deployment", "vmafx").spec.template.spec.containers[0];
        assert.deepEqual(
            Object.keys(env(server)).filter((k) => k.includes("AUTH") || k.includes("JWKS")),
            [],
        );
    });

    it("uses an emptyDir or an existing claim for its data when told", () => {
        const empty = plan({ ...SINGLE, controller: { enabled: true, persistence: { enabled: false } } });
        assert.deepEqual(
            find(empty, "Deployment", "vmafx-controller").spec.template.spec.volumes.find((v: any) => v.name === "data"),
            { name: "data", emptyDir: {} },
        );
        assert.equal(
            empty.some((o) => o.kind === "PersistentVolumeClaim"),
            false,
        );
        const existing = plan({ ...SINGLE, controller: { enabled: true, persistence: { existingClaim: "queue" } } });
        assert.equal(
            existing.some((o) => o.kind === "PersistentVolumeClaim"),
            false,
        );
        assert.equal(
            find(existing, "Deployment", "vmafx-controller").spec.template.spec.volumes.find((v: any) => v.name === "data").persistentVolumeClaim.claimName,
            "queue",
        );
    });

    it("with a tenant registry: VmafxTenant objects, a read-only Role for the controller alone, and the registry env", () => {
        const m = plan(REGISTRY);
        const c = find(m, "Deployment", "vmafx-controller").spec.template.spec.containers[0];
        assert.deepEqual(env(c), {
            VMAFX_HTTP_ADDR: ":8080",
            VMAFX_GRPC_LISTEN: ":9090",
            VMAFX_DB_PATH: "/data/vmafx-controller.db",
            VMAFX_AUTH_DISABLED: "false",
            VMAFX_AUTH_TENANTS_SOURCE: "kubernetes",
            VMAFX_AUTH_TENANTS_NAMESPACE: "vmafx",
        });
        assert.equal(find(m, "Deployment", "vmafx-controller").spec.template.spec.automountServiceAccountToken, true);
        const role = find(m, "Role", "vmafx-controller-tenants");
        assert.deepEqual(role.rules, [{ apiGroups: ["vmafx.dev"], resources: ["vmafxtenants"], verbs: ["get", "list", "watch"] }]);
        const binding = find(m, "RoleBinding", "vmafx-controller-tenants-binding");
        assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "vmafx-controller", namespace: "vmafx" }]);
        const a = find(m, "VmafxTenant", "studio-a");
        assert.equal(a.metadata.namespace, "vmafx");
        assert.deepEqual(a.spec, {
            tenantId: "studio-a",
            enabled: true,
            oidc: { ...IDP, audience: "vmafx", tenantClaim: "tid", rolesClaim: "vmafx_roles" },
        });
        // Suspension is kept (the chart's `default true` made false impossible), own claims win over auth's.
        const b = find(m, "VmafxTenant", "studio-b");
        assert.equal(b.spec.enabled, false);
        assert.equal(b.spec.oidc.tenantClaim, "org");
        assert.equal(b.spec.oidc.issuer, "https://idp.example.org/");
    });

    it("no other ServiceAccount may read tenants: the operator's ClusterRole grants none", () => {
        const m = plan({ ...REGISTRY, operator: { enabled: true } });
        const rules = find(m, "ClusterRole", "vmafx-vmafx-operator-crds").rules as { resources: string[] }[];
        assert.equal(
            rules.some((r) => r.resources.some((x) => x.startsWith("vmafxtenants"))),
            false,
        );
        const readers = m.filter((o) => o.kind === "RoleBinding" && o.metadata.name.includes("tenants"));
        assert.deepEqual(
            readers.flatMap((b) => b.subjects.map((s: any) => s.name)),
            ["vmafx-controller"],
        );
    });

    it("points the nodes and the operator at the release's controller", () => {
        const m = plan({ ...SINGLE, node: { enabled: true }, operator: { enabled: true } });
        assert.equal(env(find(m, "Deployment", "vmafx-node").spec.template.spec.containers[0]).VMAFX_CONTROLLER_ADDR, "vmafx-controller.vmafx.svc:9090");
        const op = env(find(m, "Deployment", "vmafx-operator").spec.template.spec.containers[0]);
        assert.equal(op.VMAFX_CONTROLLER_GRPC_ADDR, "vmafx-controller.vmafx.svc:9090");
        assert.equal(op.VMAFX_CONTROLLER_HTTP_ADDR, "http://vmafx-controller.vmafx.svc:8080");
        // Without a controller the node runs standalone.
        assert.equal(
            env(find(plan({ node: { enabled: true } }), "Deployment", "vmafx-node").spec.template.spec.containers[0]).VMAFX_CONTROLLER_ADDR,
            undefined,
        );
    });

    it("mounts controller tokens for the node and the operator", () => {
        const m = plan({
            ...SINGLE,
            node: { enabled: true, controllerToken: { secretName: "node-token" } },
            operator: { enabled: true, controllerToken: { secretName: "op-token", key: "bearer" } },
        });
        for (const [name, secret, key] of [
            ["vmafx-node", "node-token", "token"],
            ["vmafx-operator", "op-token", "bearer"],
        ]) {
            const pod = find(m, "Deployment", name).spec.template.spec;
            assert.deepEqual(
                pod.volumes.find((v: any) => v.name === "controller-token"),
                { name: "controller-token", secret: { secretName: secret, defaultMode: 0o400, items: [{ key, path: "token" }] } },
            );
            assert.equal(env(pod.containers[0]).VMAFX_CONTROLLER_TOKEN_FILE, "/var/run/secrets/vmafx/controller-token/token");
        }
    });

    describe("flows", () => {
        const ids = (args: VmafxStackArgs) => intendedFlows(makeContext(validateArgs("vmafx", args, "args."))).map((f) => f.id);
        const on: VmafxStackArgs = { ...REGISTRY, node: { enabled: true }, operator: { enabled: true }, networkPolicy: { enabled: true } };

        it("opens node -> controller, controller -> node (not server -> node), operator -> controller, identity provider and API server", () => {
            const flows = ids(on);
            for (const id of [
                "clients-to-controller",
                "node-to-controller",
                "controller-to-node",
                "operator-to-controller",
                "controller-to-identity-provider",
                "controller-to-apiserver",
                "metrics-to-controller",
            ]) {
                assert.ok(flows.includes(id), `${id} missing from ${flows.join(", ")}`);
            }
            assert.equal(flows.includes("server-to-node"), false);
        });

        it("opens no identity-provider egress with auth.disabled and no API-server egress without a tenant registry", () => {
            const flows = ids({ ...SINGLE, auth: { enabled: true, disabled: true }, networkPolicy: { enabled: true } });
            assert.equal(flows.includes("controller-to-identity-provider"), false);
            assert.equal(flows.includes("controller-to-apiserver"), false);
        });

        it("an external node.controllerAddr gets an egress rule to the given range on the address's port", () => {
            const ctx = makeContext(
                validateArgs(
                    "vmafx",
                    {
                        node: { enabled: true, controllerAddr: "controller.corp.example:7443" },
                        networkPolicy: { enabled: true, nodeToController: { destinations: [{ cidr: "10.30.0.0/24" }] } },
                    },
                    "args.",
                ),
            );
            const flow = intendedFlows(ctx).find((f) => f.id === "node-to-controller")!;
            assert.deepEqual(flow.ports, [{ port: 7443, protocol: "TCP" }]);
            assert.deepEqual(flow.to, {
                kind: "external",
                peers: [{ kind: "cidr", description: "controller controller.corp.example:7443", cidr: "10.30.0.0/24", except: [] }],
            });
        });
    });

    describe("refused args (the chart's guards), every problem at once", () => {
        it("controller without auth and auth without controller", () => {
            assert.deepEqual(refused({ controller: { enabled: true } }), [
                "controller.enabled: the controller needs auth settings; accepted: auth.enabled true as well (auth.disabled true bypasses authentication in development)",
            ]);
            assert.match(refused({ auth: { enabled: true, ...IDP } })[0], /^auth\.enabled: auth settings are passed to the controller only/);
        });

        it("the controller image as the server image, auth keys in controller.env, scoring roots with a registry, auth.disabled with a registry", () => {
            const issues = refused({
                ...REGISTRY,
                image: { repository: "ghcr.io/vmafx/vmafx-controller" },
                controller: { enabled: true, env: { VMAFX_AUTH_ISSUER: "https://x.example/", LOG_FORMAT: "json" } },
                auth: { ...REGISTRY.auth, disabled: true, scoringRoots: ["s3://media"] },
            });
            assert.deepEqual(
                issues.map((i) => i.split(":")[0]),
                ["image.repository", "controller.env.VMAFX_AUTH_ISSUER", "auth.scoringRoots", "auth.disabled"],
            );
        });

        it("tenants: IDs and roles outside the CRD's pattern and enum", () => {
            assert.deepEqual(
                refused({
                    controller: { enabled: true },
                    auth: {
                        enabled: true,
                        tenants: [
                            { tenantId: "Studio_A", oidc: IDP },
                            { tenantId: "studio-c", oidc: IDP, rbac: { allowedRoles: ["vmafx:node"] } },
                        ],
                    },
                }),
                [
                    "auth.tenants.0.tenantId: must be 2 to 64 lowercase letters, digits and '-', starting and ending with a letter or digit",
                    'auth.tenants.1.rbac.allowedRoles.0: must be one of "vmafx:reader", "vmafx:writer", "vmafx:admin"',
                ],
            );
        });

        it("tenants: duplicate IDs, missing or malformed OIDC URLs, a default role outside the allowed ones", () => {
            assert.deepEqual(
                refused({
                    controller: { enabled: true },
                    auth: {
                        enabled: true,
                        tenants: [
                            { tenantId: "studio-a" },
                            { tenantId: "studio-b", oidc: IDP, rbac: { defaultRole: "vmafx:writer", allowedRoles: ["vmafx:reader"] } },
                            { tenantId: "studio-b", oidc: { ...IDP, jwksEndpoint: "not a url" }, rbac: { defaultRole: "vmafx:owner" } },
                        ],
                    },
                }),
                [
                    "auth.tenants.0.oidc.issuer: every tenant needs an OIDC issuer; accepted: an https URL here or in auth.issuer",
                    "auth.tenants.0.oidc.jwksEndpoint: every tenant needs an OIDC jwksEndpoint; accepted: an https URL here or in auth.jwksEndpoint",
                    "auth.tenants.1.rbac.defaultRole: must be one of the tenant's allowedRoles (vmafx:reader)",
                    "auth.tenants.2.tenantId: tenant IDs name the VmafxTenant objects, and auth.tenants[1] has this one; accepted: a unique ID",
                    "auth.tenants.2.oidc.jwksEndpoint: must be an absolute http or https URL such as https://login.example.com/",
                    "auth.tenants.2.rbac.defaultRole: must be one of vmafx:reader, vmafx:writer, vmafx:admin",
                ],
            );
            // auth's own URLs fill in for every tenant.
            validateArgs("vmafx", { controller: { enabled: true }, auth: { enabled: true, ...IDP, tenants: [{ tenantId: "studio-a" }] } }, "args.");
        });

        it("node.controllerAddr: with the release's controller, without a port, or blocked by the NetworkPolicies", () => {
            assert.match(
                refused({ ...SINGLE, node: { enabled: true, controllerAddr: "other:9090" } })[0],
                /^node\.controllerAddr: the nodes would dial this address/,
            );
            assert.deepEqual(refused({ node: { enabled: true, controllerAddr: "controller.example" } }), [
                "node.controllerAddr: must be host:port such as controller.example.com:9090 (an IPv6 host in brackets)",
            ]);
            assert.match(
                refused({ node: { enabled: true, controllerAddr: "10.30.0.5:9090" }, networkPolicy: { enabled: true } })[0],
                /^networkPolicy\.nodeToController\.destinations: the nodes dial 10\.30\.0\.5:9090 outside the release; with NetworkPolicies on, give its address range/,
            );
            assert.match(
                refused({
                    node: { enabled: true, controllerAddr: "10.30.0.5:9090" },
                    networkPolicy: { enabled: true, nodeToController: { enabled: false } },
                })[0],
                /^networkPolicy\.nodeToController\.enabled: the nodes dial 10\.30\.0\.5:9090, which the NetworkPolicies would then block/,
            );
            // Policies off: nothing to open.
            validateArgs("vmafx", { node: { enabled: true, controllerAddr: "10.30.0.5:9090" } }, "args.");
            validateArgs("vmafx", { node: { enabled: true, controllerAddr: "[2001:db8::5]:9090" } }, "args.");
        });

        it("nothing is planned for refused args: validateArgs throws before any object exists", () => {
            assert.throws(() => plan({ controller: { enabled: true } }), VmafxArgsError);
        });
    });
});
