// Shared driver of the per-container hardening policies (resource policies): finds the pod
// template of any pod-bearing resource, gates on unknown values in the fields the policy reads,
// and reports one message per offending container, naming resource, container and field path.
import { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { ENVIRONMENT_PROPERTY, resolveEnvironment } from "./environment";
import { CONTAINER_FIELDS, ContainerRef, Workload, containersOf, templateSegments, workloadOf } from "./stack";
import { UnknownGate, relevantUnknowns } from "./unknowns";

export { ENVIRONMENT_PROPERTY };

export interface ContainerCheck {
    /** What cannot be verified when a field is unknown, e.g. "image pinning". */
    subject: string;
    /** Container fields the check reads, relative to the container (`image`, `resources.limits`). */
    fields: readonly string[];
    /** Container lists to visit (default: all three). */
    lists?: readonly ("initContainers" | "containers" | "ephemeralContainers")[];
    /** Returns the problem (without resource and container, which are prefixed) or undefined. */
    judge: (w: Workload, c: ContainerRef, config: Record<string, any>) => string | undefined;
}

/** Runs a per-container check over one resource (no-op for resources without a pod template). */
export function checkContainers(args: ResourceValidationArgs, report: ReportViolation, check: ContainerCheck): void {
    const w = workloadOf(args);
    if (!w?.template) return;
    const config = args.getConfig<Record<string, any>>();
    const gate = new UnknownGate(resolveEnvironment(config.environment), check.subject);
    const lists = check.lists ?? CONTAINER_FIELDS;
    const unknown = relevantUnknowns(
        w.props,
        templateSegments(w),
        lists.flatMap((l) => check.fields.map((f) => `spec.${l}[*].${f}`)),
    );
    if (!gate.block(w.label, unknown, (m) => report(m))) {
        for (const c of containersOf(w.template.spec)) {
            if (!lists.includes(c.field)) continue;
            const problem = check.judge(w, c, config);
            if (problem !== undefined) report(`${w.label} container "${c.name}": ${problem}`);
        }
    }
    gate.finish();
}
