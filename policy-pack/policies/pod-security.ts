// pod-security: every pod-bearing resource (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
// ReplicationController, Job, CronJob, PodTemplate and their *Patch variants) must pass Pod
// Security Admission at the configured level and version (default restricted:latest).
//
// Why a StackValidationPolicy and not a resource policy: the level and version PSA enforces come
// from the target Namespace's labels, and that Namespace is another resource of the same stack.
// A resource policy sees one resource at a time and would have to judge every workload at the
// configured default, rejecting pods the cluster accepts (a namespace pinned at v1.33 does not run
// the v1.34 probe-host check) or the other way round. The stack policy runs once per preview, after
// all registrations, sees the Namespaces, and pins each violation on the workload's URN. In
// `pulumi preview` (the CI gate) and in the preview phase of `pulumi up` a mandatory stack
// violation fails the run before anything is applied; only `up --skip-preview` would apply first.
//
// Target level/version of a workload in namespace N:
//  - N not declared in the stack (or useNamespaceLabels false): the configured level and version;
//  - N declared: what the admission plugin will enforce there (upstream api.PolicyToEvaluate: an
//    invalid enforce level counts as restricted, an invalid or missing enforce-version as latest),
//    but never a level weaker than the configured one (a namespace that enforces only baseline does
//    not lower the pack's requirement; namespace-labels flags such a namespace in prod).
//
// Patch resources are partial: only values they set are judged, missing fields are not.
//
// Exemptions (lib/exemptions.ts) name Pod Security checks by their IDs (or pod-security for all of them). They
// lower the pack's own requirement only: where the workload's Namespace is declared and enforces a level, a
// violation of that level is reported whatever the exemption says, since admission would reject the pod anyway.
import { StackValidationPolicy } from "@pulumi/policy";
import { PsaLevel, evaluatePod, parsePsaLevel, parsePsaVersion } from "@vmafx-k8s/core";
import { ENVIRONMENT_PROPERTY, resolveEnvironment } from "../lib/environment";
import { showField } from "../lib/messages";
import { DeclaredNamespace, StackView, Workload, podFieldPath, templateSegments } from "../lib/stack";
import { UnknownGate, UnknownField, relevantUnknowns } from "../lib/unknowns";
import { exemptionContext, reportUnlessExempt, subjectOf } from "./exempt";

export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
export const ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";

export interface PodSecurityConfig {
    environment?: string;
    level: "baseline" | "restricted";
    version: string;
    useNamespaceLabels: boolean;
}

/** Pod fields the PSA checks read (relative to the pod); an unknown value elsewhere cannot change the verdict. */
export const PSA_FIELDS: readonly string[] = [
    "metadata.annotations",
    "spec.securityContext",
    "spec.hostNetwork",
    "spec.hostPID",
    "spec.hostIPC",
    "spec.hostUsers",
    "spec.volumes",
    "spec.os",
    ...["initContainers", "containers", "ephemeralContainers"].flatMap((f) =>
        ["securityContext", "ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"].map((k) => `spec.${f}[*].${k}`),
    ),
];

const LEVEL_RANK: Record<PsaLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

export interface PsaTarget {
    level: PsaLevel;
    version: string;
    /** Where level and version came from, for messages. */
    source: string;
}

/** What a declared Namespace's labels make admission enforce, or undefined when it sets neither label. */
export function namespaceEnforcement(ns: DeclaredNamespace): { level: PsaLevel; version: string } | undefined {
    const levelLabel = ns.labels[ENFORCE_LABEL];
    const versionLabel = ns.labels[ENFORCE_VERSION_LABEL];
    if (levelLabel === undefined && versionLabel === undefined) return undefined;
    return {
        level: levelLabel === undefined ? "privileged" : (parsePsaLevel(String(levelLabel)) ?? "restricted"),
        version: versionLabel === undefined ? "latest" : (parsePsaVersion(String(versionLabel)) ?? "latest"),
    };
}

/** The level and version a workload in `ns` must pass (see the header comment). */
export function psaTarget(config: Pick<PodSecurityConfig, "level" | "version" | "useNamespaceLabels">, ns: DeclaredNamespace | undefined): PsaTarget {
    const configured: PsaTarget = { level: config.level, version: config.version, source: "policy config" };
    const enforced = config.useNamespaceLabels && ns ? namespaceEnforcement(ns) : undefined;
    if (!enforced || !ns) return configured;
    const { level: nsLevel, version: nsVersion } = enforced;
    const levelLabel = ns.labels[ENFORCE_LABEL];
    const versionLabel = ns.labels[ENFORCE_VERSION_LABEL];
    const level = LEVEL_RANK[nsLevel] >= LEVEL_RANK[config.level] ? nsLevel : config.level;
    const labels = `${ENFORCE_LABEL}=${levelLabel ?? "(unset)"}, ${ENFORCE_VERSION_LABEL}=${versionLabel ?? "(unset)"}`;
    const source =
        level === nsLevel
            ? `enforced by Namespace ${ns.name}: ${labels}`
            : `configured level ${config.level} (Namespace ${ns.name} enforces only ${nsLevel}), version from its labels: ${labels}`;
    return { level, version: nsVersion, source };
}

function subjectOfWorkload(w: Workload) {
    return subjectOf(w.resource);
}

function subjectText(w: Workload): string {
    if (w.patch) return w.label;
    return w.kind === "Pod" ? w.label : `the pods of ${w.label}`;
}

/** One message per failing check. */
export function podSecurityMessages(w: Workload, target: PsaTarget): string[] {
    return podSecurityViolations(w, target).map((v) => v.message);
}

/** The failing checks, each with its message. */
export function podSecurityViolations(w: Workload, target: PsaTarget): { check: string; message: string }[] {
    const t = w.template;
    if (!t) return [];
    const result = evaluatePod({ metadata: t.metadata, spec: t.spec }, target.level, target.version);
    const messages: { check: string; message: string }[] = [];
    for (const v of result.violations) {
        // A Patch only sets some fields: judge the values it sets, not the ones it leaves out.
        const findings = w.patch ? v.findings.filter((f) => f.value !== undefined) : v.findings;
        if (w.patch && findings.length === 0) continue;
        const where = findings
            .map((f) => `${f.container !== undefined ? `container "${f.container}": ` : ""}${showField(podFieldPath(w, f.path), f.value)}`)
            .join("; ");
        messages.push({
            check: v.check,
            message:
                `${subjectText(w)} ${w.patch ? "sets values that Pod Security" : "would be rejected by Pod Security"} "${target.level}:${result.version}"` +
                `${w.patch ? " rejects" : ""} (${target.source}), check ${v.check}: ${v.reason}${v.detail ? ` (${v.detail})` : ""}. Fields: ${where}. Fix: ${v.fix}.`,
        });
    }
    return messages;
}

export const podSecurity: StackValidationPolicy = {
    name: "pod-security",
    description:
        "Every pod-bearing resource (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, " +
        "PodTemplate and their Patch variants) must pass Pod Security Admission at the level and version its Namespace enforces " +
        "(default restricted:latest), init and ephemeral containers included.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            environment: ENVIRONMENT_PROPERTY,
            level: { type: "string", enum: ["baseline", "restricted"], default: "restricted", description: "Minimum Pod Security level." },
            version: {
                type: "string",
                pattern: "^(latest|v1\\.(0|[1-9][0-9]*))$",
                default: "latest",
                description: "Pod Security policy version (latest or v1.N) used where the target Namespace is not declared in the stack.",
            },
            useNamespaceLabels: {
                type: "boolean",
                default: true,
                description: "Use the enforce level and version labels of target Namespaces declared in the stack.",
            },
        },
    },
    validateStack: (args, report) => {
        const config = args.getConfig<PodSecurityConfig>();
        const exemptions = exemptionContext(config);
        const env = resolveEnvironment(config.environment);
        const gate = new UnknownGate(env, "Pod Security");
        const stack = new StackView(args.resources);
        for (const w of stack.workloads) {
            if (!w.template) continue;
            const ns = stack.namespaces.get(w.namespace);
            const unknown: UnknownField[] = [
                ...relevantUnknowns(w.props, [], ["metadata.namespace"]),
                ...relevantUnknowns(w.props, templateSegments(w), PSA_FIELDS),
            ];
            const nsUnknown =
                ns && config.useNamespaceLabels
                    ? relevantUnknowns(
                          ns.props,
                          [],
                          [
                              ["metadata", "labels", ENFORCE_LABEL],
                              ["metadata", "labels", ENFORCE_VERSION_LABEL],
                          ],
                      )
                    : [];
            const blocked = gate.block(w.label, unknown, (m) => report(m, w.resource.urn));
            const nsBlocked = gate.block(`${w.label} in ${ns?.label}`, nsUnknown, (m) => report(m, w.resource.urn));
            if (blocked || nsBlocked) continue;
            const target = psaTarget(config, ns);
            const enforced = ns && config.useNamespaceLabels ? namespaceEnforcement(ns) : undefined;
            let rejected: Set<string> | undefined;
            for (const { check, message } of podSecurityViolations(w, target)) {
                if (enforced && w.template) {
                    rejected ??= new Set(
                        evaluatePod({ metadata: w.template.metadata, spec: w.template.spec }, enforced.level, enforced.version).violations.map((v) => v.check),
                    );
                    if (rejected.has(check)) {
                        // Admission rejects it: an exemption cannot help, so say so where one was meant to apply.
                        const meant = exemptions.exemptions.find(check, podSecurity.name, subjectOfWorkload(w));
                        report(
                            meant
                                ? `${message} (The exemption in ${meant.where} does not apply: ${ns!.label} enforces Pod Security "${enforced.level}:${enforced.version}", so admission would reject the pod anyway.)`
                                : message,
                            w.resource.urn,
                        );
                        continue;
                    }
                }
                reportUnlessExempt(exemptions, podSecurity.name, check, w.resource, report, message, w.resource.urn);
            }
        }
        gate.finish();
    },
};
