// The VmafxStack component: validates its args, builds the release plan, and registers one
// Kubernetes resource per planned object as its child.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { VmafxStackArgs } from "./args";
import { makeContext } from "./context";
import { crdWarnings } from "./crds";
import { releaseSummary } from "./outputs";
import { deferInputs, resolvePlaceholders, validatedOnResolve, withResolved } from "./inputs";
import { buildPlan } from "./plan";
import { isInputField, isNumberField, validateArgs } from "./schema";

export const VMAFX_STACK_TYPE = "vmafx:index:VmafxStack";

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** apiVersion/kind -> the typed @pulumi/kubernetes class registering it. */
const RESOURCE_CLASSES: Record<string, ResourceClass> = {
    "v1/Namespace": k8s.core.v1.Namespace,
    "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
    "v1/ConfigMap": k8s.core.v1.ConfigMap,
    "v1/Secret": k8s.core.v1.Secret,
    "v1/Service": k8s.core.v1.Service,
    "v1/PersistentVolumeClaim": k8s.core.v1.PersistentVolumeClaim,
    "apps/v1/Deployment": k8s.apps.v1.Deployment,
    "apps/v1/StatefulSet": k8s.apps.v1.StatefulSet,
    "batch/v1/Job": k8s.batch.v1.Job,
    "networking.k8s.io/v1/Ingress": k8s.networking.v1.Ingress,
    "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
    "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
    "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
    "apiextensions.k8s.io/v1/CustomResourceDefinition": k8s.apiextensions.v1.CustomResourceDefinition,
    // Custom resources: their CRDs are this release's (vmafx.dev) or the Prometheus Operator's.
    "monitoring.coreos.com/v1/ServiceMonitor": k8s.apiextensions.CustomResource,
    "monitoring.coreos.com/v1/PodMonitor": k8s.apiextensions.CustomResource,
    "vmafx.dev/v1/VmafxTenant": k8s.apiextensions.CustomResource,
};

/**
 * VMAFX on Kubernetes: scoring server (Deployment, StatefulSet or Job), optional vmafx-node
 * pool and vmafx-operator, hardened for Pod Security "restricted", with an opt-in
 * NetworkPolicy bundle.
 */
export class VmafxStack extends pulumi.ComponentResource {
    /** Namespace the release runs in. */
    public readonly namespace: pulumi.Output<string>;
    /** Server workload kind: Deployment, StatefulSet or Job. */
    public readonly workloadKind: pulumi.Output<string>;
    /** In-cluster URL of the scoring API (empty for the Job workload). */
    public readonly serviceUrl: pulumi.Output<string>;
    /** kubectl commands for day-to-day operation. */
    public readonly kubectlCommands: pulumi.Output<string[]>;
    /** How to inspect the NetworkPolicies (undefined, so no stack output, when they are off). */
    public readonly networkPolicyHint: pulumi.Output<string | undefined>;

    constructor(name: string, args: VmafxStackArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: bad input changes nothing. Output leaves are
        // planned as placeholders and validated, with the whole args, when they resolve.
        const { args: plainArgs, deferred } = deferInputs(args, { isInputField, isNumberField });
        const resolved = validateArgs(name, plainArgs, "args.", { deferred: deferred.map((d) => d.path) });
        super(VMAFX_STACK_TYPE, name, args, opts);

        const validated = validatedOnResolve(deferred, (values) => {
            validateArgs(name, withResolved(plainArgs, deferred, values), "args.");
        });
        const ctx = makeContext(resolved);
        const created = new Map<string, pulumi.CustomResource>();
        for (const planned of buildPlan(ctx)) {
            const m = resolvePlaceholders(planned.manifest, deferred, validated);
            const cls = RESOURCE_CLASSES[`${m.apiVersion}/${m.kind}`];
            if (!cls) {
                throw new Error(`internal error: no resource class for ${m.apiVersion}/${m.kind}`);
            }
            const dependsOn = (planned.dependsOn ?? []).map((role) => {
                const r = created.get(role);
                if (!r) throw new Error(`internal error: ${planned.role} depends on ${role}, which is not created before it`);
                return r;
            });
            const ns = created.get("namespace");
            if (ns && m.metadata.namespace) dependsOn.unshift(ns);
            const retainOnDelete = planned.retainOnDelete ? { retainOnDelete: true } : {};
            created.set(planned.role, new cls(`${name}-${planned.role}`, m, { parent: this, dependsOn, ...retainOnDelete }));
        }
        // Every preview and update says it when deleting the stack would delete the CRDs, and
        // with them every custom resource of their kinds.
        for (const warning of crdWarnings(ctx)) pulumi.log.warn(warning, this);

        // With deferred inputs every output waits for their check, so a bad resolved value
        // fails the outputs as it fails the objects.
        const summary = resolvePlaceholders(releaseSummary(ctx), deferred, validated);
        // (T is plain data here, so Unwrap<T> is T.)
        const checked = <T>(value: pulumi.Input<T>): pulumi.Output<T> =>
            (deferred.length === 0 ? pulumi.output(value) : pulumi.all([validated, value]).apply(([, v]) => v)) as unknown as pulumi.Output<T>;
        this.namespace = checked(summary.namespace);
        this.workloadKind = checked(summary.workloadKind);
        this.serviceUrl = checked(summary.serviceUrl);
        this.kubectlCommands = checked(summary.kubectlCommands);
        this.networkPolicyHint = checked(summary.networkPolicyHint);
        this.registerOutputs({
            namespace: this.namespace,
            workloadKind: this.workloadKind,
            serviceUrl: this.serviceUrl,
            kubectlCommands: this.kubectlCommands,
            networkPolicyHint: this.networkPolicyHint,
        });
    }
}
