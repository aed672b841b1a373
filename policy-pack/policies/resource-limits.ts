// resource-limits: every container (init containers included; ephemeral containers cannot set
// resources) sets limits for the configured resources (default cpu and memory), so one pod cannot
// starve its node. Patch resources are partial and not judged on what they leave out, so they are
// not judged at all. Advisory by default.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { checkContainers, ENVIRONMENT_PROPERTY } from "../lib/containers";
import { podFieldPath } from "../lib/stack";

export interface ResourceLimitsConfig {
    environment?: string;
    resources: string[];
}

export const resourceLimits: ResourceValidationPolicy = {
    name: "resource-limits",
    description: "Every container must set resource limits (default: cpu and memory).",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            environment: ENVIRONMENT_PROPERTY,
            resources: {
                type: "array",
                items: { type: "string", enum: ["cpu", "memory", "ephemeral-storage"] },
                uniqueItems: true,
                default: ["cpu", "memory"],
                description: "Resources every container must limit.",
            },
        },
    },
    validateResource: (args, report) =>
        checkContainers(args, report, {
            subject: "resource limits",
            fields: ["resources"],
            lists: ["initContainers", "containers"],
            judge: (w, c, config) => {
                if (w.patch) return undefined;
                const limits = c.container.resources?.limits ?? {};
                const wanted: string[] = config.resources ?? ["cpu", "memory"];
                const missing = wanted.filter((r) => limits[r] === undefined || limits[r] === null || limits[r] === "");
                if (missing.length === 0) return undefined;
                const base = podFieldPath(w, `${c.path}.resources.limits`);
                return (
                    `${missing.map((r) => `${base}.${r}`).join(" and ")} ${missing.length === 1 ? "is" : "are"} not set. ` +
                    `Fix: set resources.limits.${missing.join(" and resources.limits.")} (e.g. from the measured peak usage).`
                );
            },
        }),
};
