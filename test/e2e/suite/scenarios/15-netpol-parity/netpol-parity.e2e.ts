// NetworkPolicy validation parity between kube-apiserver and `vmafx-policy check` (test/e2e/netpol-parity.ts):
// every case of test/e2e/netpol-parity/ (one test each) is rejected by a server-side dry run and by the CLI at the
// same field paths, or accepted by both; then the parity table is printed. The dry runs need a namespace, deleted
// afterwards (it stays Terminating: no namespace controller runs).
import * as assert from "assert";
import * as path from "path";
import { CASES_DIR, ParityResult, parityResults, parityTable, readCases } from "../../../netpol-parity";
import { Cluster, e2eEnv, REPO_ROOT, Toolchain } from "../../harness";

const NAMESPACE = "netpol-parity";
const CLI = path.join(REPO_ROOT, "policy-pack/bin/vmafx-policy.js");

describe("NetworkPolicy validation parity: kube-apiserver and vmafx-policy check", function () {
    let cluster: Cluster;
    let tc: Toolchain;
    const results: ParityResult[] = [];

    before(async function () {
        ({ cluster, tc } = await e2eEnv());
        if (!(await cluster.get("namespace", NAMESPACE))) await cluster.kubectl(["create", "namespace", NAMESPACE]);
    });

    after(async function () {
        if (results.length)
            console.log(`---- NetworkPolicy validation parity (kube-apiserver vs vmafx-policy check)\n${parityTable(results.map((r) => r.row))}\n----`);
        await cluster?.kubectl(["delete", "namespace", NAMESPACE, "--wait=false"], { allowFailure: true });
    });

    for (const c of readCases(CASES_DIR)) {
        it(`${c.name} (${c.rule})`, function () {
            // netpol-parity.ts's kubectl uses the suite's KUBECONFIG (the test cluster's).
            const [r] = parityResults(path.join(tc.bin, "kubectl"), CLI, NAMESPACE, [c]);
            results.push(r);
            assert.ok(
                r.verdict.pass,
                `${r.verdict.detail}\n  kubectl (exit ${r.row.server.code}): ${r.kubectlOutput.trim()}\n  vmafx-policy (exit ${r.row.cli.code}): ${r.cliOutput.trim()}`,
            );
            console.log(`    ${r.verdict.detail}`);
        });
    }
});
