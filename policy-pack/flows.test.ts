import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Io } from "./cli";
import { flowsCommand } from "./flows";

// A shop without namespaces in its objects (they land in --namespace): web -> db on pg (a named port), web -> a
// payment range on 443, Prometheus in monitoring -> web on 8080.
const SHOP = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    metadata: { labels: { app: shop, component: web } }
    spec: { containers: [{ name: web, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  template:
    metadata: { labels: { app: shop, component: db } }
    spec: { containers: [{ name: db, ports: [{ name: pg, containerPort: 5432 }] }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny }
spec: { podSelector: { matchLabels: { app: shop } }, policyTypes: [Ingress, Egress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-egress }
spec:
  podSelector: { matchLabels: { component: web } }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: { matchLabels: { component: db } } }]
      ports: [{ port: pg }]
    - to: [{ ipBlock: { cidr: 10.8.0.0/16, except: [10.8.1.0/24] } }]
      ports: [{ port: 443 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-ingress }
spec:
  podSelector: { matchLabels: { component: db } }
  ingress: [{ from: [{ podSelector: { matchLabels: { component: web } } }], ports: [{ port: 5432 }] }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-ingress }
spec:
  podSelector: { matchLabels: { component: web } }
  ingress:
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }, podSelector: { matchLabels: { app: prometheus } } }]
      ports: [{ port: 8080 }]
`;

interface Run {
    code: number;
    out: string[];
    err: string[];
}

async function flows(args: string[], stdin = SHOP): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { stdout: (l) => out.push(l), stderr: (l) => err.push(l), readStdin: () => stdin };
    const code = await flowsCommand(args, io);
    return { code, out, err };
}

describe("vmafx-policy flows", () => {
    it("prints the allowed-flow matrix as a table, one row per allowed (from, to, port), objects in --namespace", async () => {
        const r = await flows(["--namespace", "shop", "-"]);
        assert.equal(r.code, 0, r.err.join("\n"));
        assert.deepEqual(r.out, [
            "FROM                           TO                              PORT      ALLOWED BY",
            "shop/Deployment/web            shop/StatefulSet/db             TCP 5432  egress shop/web-egress[0]; ingress shop/db-ingress[0]",
            "shop/Deployment/web            10.8.0.0/16 except 10.8.1.0/24  TCP 443   egress shop/web-egress[1]",
            "pod:app=prometheus@monitoring  shop/Deployment/web             TCP 8080  egress not isolated; ingress shop/web-ingress[0]",
            "3 allowed flows",
        ]);
    });

    it("--format mermaid draws the matrix; --format json prints one line per row with the deciding policies", async () => {
        const m = await flows(["--format", "mermaid", "-"]);
        assert.equal(m.code, 0);
        assert.equal(m.out.length, 1);
        assert.match(m.out[0], /^flowchart LR\n {4}subgraph ns0\["namespace default"\]\n {8}e0\["Deployment\/web"\]\n {8}e1\["StatefulSet\/db"\]/);
        assert.match(m.out[0], /\n {4}e0 -->\|"TCP 5432"\| e1\n/);
        const j = await flows(["--json", "-"]);
        const rows = j.out.map((l) => JSON.parse(l));
        assert.equal(rows.length, 3);
        assert.deepEqual(rows[0], {
            from: "default/Deployment/web",
            to: "default/StatefulSet/db",
            protocol: "TCP",
            ports: [5432, 5432],
            egress: {
                applicable: true,
                isolated: true,
                allowed: true,
                isolatedBy: ["default/deny", "default/web-egress"],
                allowedBy: [{ policy: "default/web-egress", rule: 0 }],
            },
            ingress: {
                applicable: true,
                isolated: true,
                allowed: true,
                isolatedBy: ["default/deny", "default/db-ingress"],
                allowedBy: [{ policy: "default/db-ingress", rule: 0 }],
            },
        });
    });

    it("a query answers allowed (exit 0) or denied (exit 1) and names the policies that decide it", async () => {
        const ok = await flows(["--from", "Deployment/web", "--to", "StatefulSet/db", "--port", "5432", "-"]);
        assert.equal(ok.code, 0);
        assert.deepEqual(ok.out, [
            "allowed: default/Deployment/web -> default/StatefulSet/db TCP/5432",
            "  egress of default/Deployment/web: allowed by default/web-egress egress[0] (isolated by default/deny, default/web-egress)",
            "  ingress of default/StatefulSet/db: allowed by default/db-ingress ingress[0] (isolated by default/deny, default/db-ingress)",
        ]);
        const no = await flows(["--from", "component=db", "--to", "component=web", "--port", "8080/TCP", "-"]);
        assert.equal(no.code, 1);
        assert.deepEqual(no.out, [
            "denied: default/StatefulSet/db -> default/Deployment/web TCP/8080",
            "  egress of default/StatefulSet/db: no rule allows it (isolated by default/deny)",
            "  ingress of default/Deployment/web: no rule allows it (isolated by default/deny, default/web-ingress)",
        ]);
    });

    it("queries name pods outside the manifests, addresses and named ports", async () => {
        const q = async (from: string, to: string, port: string) => (await flows(["--from", from, "--to", to, "--port", port, "-"])).code;
        assert.equal(await q("pod:app=prometheus@monitoring", "Deployment/web", "http"), 0);
        assert.equal(await q("app=prometheus@monitoring", "Deployment/web", "8080"), 0);
        assert.equal(await q("pod:app=prometheus@tenant", "Deployment/web", "8080"), 1);
        assert.equal(await q("Deployment/web", "StatefulSet/db", "pg/tcp"), 0);
        assert.equal(await q("Deployment/web", "StatefulSet/db", "5432/UDP"), 1);
        assert.equal(await q("Deployment/web", "10.8.200.1", "443"), 0);
        assert.equal(await q("Deployment/web", "10.8.1.1", "443"), 1);
        const part = await flows(["--from", "Deployment/web", "--to", "10.8.0.0/23", "--port", "443", "--json", "-"]);
        assert.equal(part.code, 1);
        assert.deepEqual(
            JSON.parse(part.out[0]).parts.map((p: any) => [p.addresses, p.allowed]),
            [
                [["10.8.0.0/24"], true],
                [["10.8.1.0/24"], false],
            ],
        );
    });

    it("--from or --to alone filters the matrix", async () => {
        const r = await flows(["--to", "Deployment/web", "-"]);
        assert.equal(r.code, 0);
        assert.deepEqual(r.out.slice(1), [
            "pod:app=prometheus@monitoring  default/Deployment/web  TCP 8080  egress not isolated; ingress default/web-ingress[0]",
            "1 allowed flow",
        ]);
        const f = await flows(["--from", "pod:@elsewhere", "-"]);
        assert.deepEqual(f.out, ["FROM  TO  PORT  ALLOWED BY", "0 allowed flows"]);
    });

    it("runs as `vmafx-policy flows` from the package bin (dist/, spawned)", () => {
        const bin = path.join(__dirname, "bin", "vmafx-policy.js");
        const run = (args: string[]) => spawnSync(process.execPath, [bin, "flows", ...args, "-"], { encoding: "utf8", input: SHOP, timeout: 60000 });
        const ok = run(["--from", "Deployment/web", "--to", "10.8.0.1", "--port", "443/TCP"]);
        assert.equal(ok.status, 0, ok.stderr);
        assert.equal(ok.stdout.split("\n")[0], "allowed: default/Deployment/web -> 10.8.0.1 TCP/443");
        const no = run(["--from", "Deployment/web", "--to", "8.8.8.8", "--port", "443"]);
        assert.equal(no.status, 1, no.stderr);
        assert.match(
            no.stdout,
            /^denied: default\/Deployment\/web -> 8\.8\.8\.8 TCP\/443\n {2}egress of default\/Deployment\/web: no rule allows it \(isolated by default\/deny, default\/web-egress\)/,
        );
        assert.equal(run(["--from", "nowhere"]).status, 2);
    });

    it("reads files and directories; exit 2 for bad flags, unknown endpoints and unreadable input", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "flows-"));
        try {
            fs.writeFileSync(path.join(dir, "shop.yaml"), SHOP);
            assert.equal((await flows(["--from", "Deployment/web", "--to", "StatefulSet/db", "--port", "5432", dir])).code, 0);
            const missing = await flows(["--from", "Deployment/web", "--to", "StatefulSet/db", "--port", "5432", dir, path.join(dir, "nope.yaml")]);
            assert.equal(missing.code, 2);
            assert.match(missing.err.join("\n"), /nope\.yaml/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        const usage: [string[], RegExp][] = [
            [[], /give at least one file/],
            [["--port", "443", "-"], /give --from and --to too/],
            [["--from", "Deployment/web", "--to", "StatefulSet/db", "--port", "443/ICMP", "-"], /--port must be/],
            [["--from", "Deployment/web", "--to", "StatefulSet/db", "--port", "70000", "-"], /1-65535/],
            [["--from", "Deployment/web", "--to", "StatefulSet/db", "--port", "grpc", "-"], /no container port named grpc/],
            [["--from", "Deployment/nope", "--to", "StatefulSet/db", "--port", "5432", "-"], /no workload Deployment\/nope/],
            [["--from", "web", "--to", "StatefulSet/db", "--port", "5432", "-"], /is not an endpoint/],
            [["--format", "dot", "-"], /--format must be/],
            [["--from", "Deployment/web", "--to", "StatefulSet/db", "--port", "5432", "--format", "mermaid", "-"], /not a diagram/],
            [["--bogus", "-"], /Unknown option/],
        ];
        for (const [args, message] of usage) {
            const r = await flows(args);
            assert.equal(r.code, 2, args.join(" "));
            assert.match(r.err.join("\n"), message, args.join(" "));
        }
    });
});
