// The smoke test: the chart's helm-test pod as a Job that calls the server's /healthz. It
// has its own component label, so no server selector or server policy ever matches it
// (chart.md §9.2), and it resolves the Service without hard-coding the cluster domain.
import { BuildContext, PlannedResource, namespacedMeta } from "../context";
import { imageRef } from "../naming";
import { serverServiceAccountName } from "../service-account";
import { hardenedPodSpec } from "./pod";

/** The URL the smoke test fetches. */
export function healthzUrl(ctx: BuildContext): string {
    return `http://${ctx.naming.fullname}.${ctx.naming.namespace}.svc:${ctx.args.service.port}/healthz`;
}

export function smokeTest(ctx: BuildContext): PlannedResource[] {
    const a = ctx.args;
    if (!a.smokeTest.enabled) {
        return [];
    }
    const labels = ctx.naming.selector("smoke-test");
    return [
        {
            role: "smoke-test",
            manifest: {
                apiVersion: "batch/v1",
                kind: "Job",
                metadata: namespacedMeta(ctx, ctx.naming.resource("smoke-test"), ctx.naming.labels("smoke-test")),
                spec: {
                    backoffLimit: 2,
                    ttlSecondsAfterFinished: 3600,
                    template: {
                        metadata: { labels },
                        spec: hardenedPodSpec(ctx, {
                            containers: [
                                {
                                    name: "wget",
                                    image: imageRef(a.smokeTest.image, ctx.naming),
                                    imagePullPolicy: a.smokeTest.image.pullPolicy,
                                    command: ["wget", "--spider", "-T", "10", healthzUrl(ctx)],
                                    resources: { limits: { cpu: "100m", memory: "32Mi" }, requests: { cpu: "10m", memory: "16Mi" } },
                                },
                            ],
                            serviceAccountName: serverServiceAccountName(ctx),
                            automountServiceAccountToken: false,
                            restartPolicy: "Never",
                            terminationGracePeriodSeconds: 5,
                            imagePullSecrets: a.imagePullSecrets,
                        }),
                    },
                },
            },
            // Runs once the server is up: Pulumi awaits the Deployment's readiness first.
            dependsOn: ["server", "server-service"],
        },
    ];
}
