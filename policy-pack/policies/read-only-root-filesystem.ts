// read-only-root-filesystem: every container (init and ephemeral included) sets
// securityContext.readOnlyRootFilesystem: true, so a compromised process cannot alter its image.
// Patch resources are judged only on an explicit false. Advisory by default.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { checkContainers, ENVIRONMENT_PROPERTY } from "../lib/containers";
import { showField } from "../lib/messages";
import { podFieldPath } from "../lib/stack";

export const readOnlyRootFilesystem: ResourceValidationPolicy = {
    name: "read-only-root-filesystem",
    description: "Every container must set securityContext.readOnlyRootFilesystem: true.",
    enforcementLevel: "advisory",
    configSchema: { properties: { environment: ENVIRONMENT_PROPERTY } },
    validateResource: (args, report) =>
        checkContainers(args, report, {
            subject: "readOnlyRootFilesystem",
            fields: ["securityContext"],
            judge: (w, c) => {
                const value = c.container.securityContext?.readOnlyRootFilesystem;
                if (value === true || (w.patch && value === undefined)) return undefined;
                return (
                    `${showField(podFieldPath(w, `${c.path}.securityContext.readOnlyRootFilesystem`), value)}. ` +
                    `Fix: set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the container must write (e.g. /tmp).`
                );
            },
        }),
};
