// Stack outputs that replace the chart's NOTES.txt.
import { BuildContext } from "./context";
import { LABEL } from "./naming";
import { serverIsServing } from "./workloads/server";

export interface ReleaseSummary {
    namespace: string;
    workloadKind: string;
    /** In-cluster URL of the scoring API; empty for the Job workload. */
    serviceUrl: string;
    /** Commands an operator needs day to day. */
    kubectlCommands: string[];
    /** How to check the NetworkPolicies; undefined when they are off. */
    networkPolicyHint: string | undefined;
}

export function releaseSummary(ctx: BuildContext): ReleaseSummary {
    const ns = ctx.naming.namespace;
    const f = ctx.naming.fullname;
    const release = ctx.args.releaseName;
    const kind = ctx.args.workload;
    const k = `kubectl -n ${ns}`;
    const commands = [`${k} get all -l ${LABEL.instance}=${release}`];
    switch (kind) {
        case "Deployment":
        case "StatefulSet":
            commands.push(
                `${k} rollout status ${kind.toLowerCase()}/${f}`,
                `${k} port-forward svc/${f} ${ctx.args.service.port}:${ctx.args.service.port}  # then: curl http://127.0.0.1:${ctx.args.service.port}/healthz`,
            );
            break;
        case "Job":
            commands.push(`${k} logs -f job/${f}`, `${k} wait --for=condition=complete job/${f} --timeout=30m`);
            break;
    }
    if (ctx.args.node.enabled) commands.push(`${k} get pods -l ${LABEL.component}=node,${LABEL.instance}=${release}`);
    if (ctx.args.operator.enabled) commands.push(`${k} logs deploy/${ctx.naming.resource("operator")}`);
    if (ctx.args.smokeTest.enabled) commands.push(`${k} logs job/${ctx.naming.resource("smoke-test")}`);
    return {
        namespace: ns,
        workloadKind: kind,
        serviceUrl: serverIsServing(ctx) ? `http://${f}.${ns}.svc:${ctx.args.service.port}` : "",
        kubectlCommands: commands,
        networkPolicyHint: ctx.args.networkPolicy.enabled
            ? `${k} get networkpolicy -l ${LABEL.instance}=${release}; each flow has an '-egress' and/or '-ingress' policy next to '${ctx.naming.resource("default-deny")}'`
            : undefined,
    };
}
