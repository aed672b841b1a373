// The operator's CustomResourceDefinitions (group vmafx.dev, version v1, Namespaced): VmafxJob,
// VmafxNode, VmafxModelTraining and VmafxTenant, with structural OpenAPI v3 schemas written from
// the chart's crds/ (which controller-gen v0.16.1 generated; these are written by hand, so they
// carry no controller-gen annotation).
//
// Deleting a CRD deletes every object of its kind, so the CRDs are registered with
// retainOnDelete unless crds.retainOnDelete is false, and crdWarnings says when it is. Their
// names never depend on the release (a CRD is named `<plural>.<group>`), so no argument of the
// component can make Pulumi replace one.
import type { BuildContext, PlannedResource, Role } from "./context";

/** API group of every custom resource of the product. */
export const VMAFX_GROUP = "vmafx.dev";
/** The one version: served and stored. */
export const VMAFX_VERSION = "v1";
/** `kubectl get vmafx` lists every custom resource of the product. */
export const VMAFX_CATEGORY = "vmafx";

/**
 * A node of a structural OpenAPI v3 schema, as the API server stores it (the `x-kubernetes-*`
 * extensions keep their dashed names, so the offline render is valid kubectl input too).
 */
export interface Schema {
    type: "object" | "array" | "string" | "integer" | "number" | "boolean";
    description?: string;
    properties?: Record<string, Schema>;
    additionalProperties?: Schema;
    items?: Schema;
    required?: string[];
    enum?: (string | number)[];
    default?: unknown;
    pattern?: string;
    format?: string;
    minimum?: number;
    maximum?: number;
    minLength?: number;
    maxLength?: number;
    minItems?: number;
    maxItems?: number;
    "x-kubernetes-list-type"?: "atomic" | "set" | "map";
    "x-kubernetes-list-map-keys"?: string[];
}

/** One column of `kubectl get`. */
export interface PrinterColumn {
    name: string;
    type: "string" | "integer" | "number" | "boolean" | "date";
    jsonPath: string;
    description?: string;
    /** 0 shows the column always, 1 only with `-o wide`. */
    priority?: number;
}

/** Everything that defines one custom resource kind. */
export interface VmafxCrd {
    readonly kind: string;
    readonly plural: string;
    readonly singular: string;
    readonly shortName: string;
    /** The operator reconciles it, so its ClusterRole covers it (./rbac.ts). VmafxTenant is read by the controller alone. */
    readonly reconciledByOperator: boolean;
    readonly spec: Schema;
    readonly status: Schema;
    readonly columns: readonly PrinterColumn[];
}

/** `<plural>.vmafx.dev`, the CRD's fixed name. */
export function crdName(crd: Pick<VmafxCrd, "plural">): string {
    return `${crd.plural}.${VMAFX_GROUP}`;
}

const str = (description: string, extra: Partial<Schema> = {}): Schema => ({ type: "string", description, ...extra });
const timestamp = (description: string): Schema => str(description, { format: "date-time" });

/** The scoring backends of the server image. */
export const JOB_BACKENDS = ["cpu", "cuda", "sycl", "hip", "metal"] as const;
export const JOB_PHASES = ["Pending", "Running", "Succeeded", "Failed"] as const;
export const NODE_GPU_VENDORS = ["nvidia", "amd", "intel", "cpu"] as const;
export const TRAINING_ALGORITHMS = ["online-sgd-ema"] as const;
export const TRAINING_PHASES = ["Initializing", "Running", "Paused", "Failed"] as const;
/** Roles a tenant's tokens may carry. */
export const TENANT_ROLES = ["vmafx:reader", "vmafx:writer", "vmafx:admin"] as const;
/** 2 to 64 lowercase letters, digits and '-', starting and ending with a letter or digit. */
export const TENANT_ID_PATTERN = "^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$";

const AGE: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };

/** metav1.Condition, as every Kubernetes API writes it: one entry per type (a map-list, so several managers can own distinct conditions). */
const CONDITIONS: Schema = {
    type: "array",
    description: "Latest observations of the object's state.",
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["type"],
    items: {
        type: "object",
        required: ["type", "status", "lastTransitionTime", "reason", "message"],
        properties: {
            type: str("Condition type, in CamelCase.", {
                maxLength: 316,
                pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
            }),
            status: str("True, False or Unknown.", { enum: ["True", "False", "Unknown"] }),
            observedGeneration: { type: "integer", format: "int64", minimum: 0, description: "metadata.generation the condition was set for." },
            lastTransitionTime: timestamp("When the condition last changed status."),
            reason: str("Machine-readable reason, in CamelCase.", {
                minLength: 1,
                maxLength: 1024,
                pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
            }),
            message: str("Human-readable details.", { maxLength: 32768 }),
        },
    },
};

const VMAFX_JOB: VmafxCrd = {
    kind: "VmafxJob",
    plural: "vmafxjobs",
    singular: "vmafxjob",
    shortName: "vmjob",
    reconciledByOperator: true,
    spec: {
        type: "object",
        description: "One VMAF scoring of a distorted video against its reference.",
        required: ["reference", "distorted"],
        properties: {
            reference: str("URI of the reference (undistorted) video."),
            distorted: str("URI of the distorted video to score."),
            model: str("VMAF model to score with; empty uses the server's default model."),
            backend: str("Compute backend of the scoring.", { enum: [...JOB_BACKENDS], default: "cpu" }),
            priority: { type: "integer", format: "int32", minimum: 0, default: 0, description: "Queue priority; higher runs first." },
        },
    },
    status: {
        type: "object",
        properties: {
            phase: str("Lifecycle phase of the job.", { enum: [...JOB_PHASES] }),
            score: { type: "number", description: "VMAF score of the distorted video." },
            assignedNode: str("VmafxNode running the job."),
            controllerJobID: str("ID of the job in the controller's queue."),
            startedAt: timestamp("When scoring started."),
            finishedAt: timestamp("When scoring ended."),
            message: str("Human-readable detail of the phase (the error when Failed)."),
        },
    },
    columns: [
        { name: "Phase", type: "string", jsonPath: ".status.phase" },
        { name: "Score", type: "number", jsonPath: ".status.score" },
        { name: "Node", type: "string", jsonPath: ".status.assignedNode" },
        AGE,
    ],
};

const VMAFX_NODE: VmafxCrd = {
    kind: "VmafxNode",
    plural: "vmafxnodes",
    singular: "vmafxnode",
    shortName: "vmnode",
    reconciledByOperator: true,
    spec: {
        type: "object",
        description: "One scoring worker registered with the controller.",
        required: ["gpuVendor"],
        properties: {
            gpuVendor: str("GPU vendor of the worker's device.", { enum: [...NODE_GPU_VENDORS] }),
            capacity: { type: "integer", format: "int32", minimum: 1, description: "Jobs the worker runs at once." },
            image: str("Worker image."),
        },
    },
    status: {
        type: "object",
        properties: {
            healthy: { type: "boolean", description: "The last heartbeat reported a working device." },
            lastHeartbeat: timestamp("When the worker last reported."),
            assignedJobs: { type: "integer", format: "int32", description: "Jobs assigned to the worker." },
            detectedDevice: str("Device the worker detected."),
        },
    },
    columns: [
        { name: "Vendor", type: "string", jsonPath: ".spec.gpuVendor" },
        { name: "Capacity", type: "integer", jsonPath: ".spec.capacity" },
        { name: "Healthy", type: "boolean", jsonPath: ".status.healthy" },
        { name: "Jobs", type: "integer", jsonPath: ".status.assignedJobs" },
        { name: "Device", type: "string", jsonPath: ".status.detectedDevice", priority: 1 },
        { name: "Heartbeat", type: "date", jsonPath: ".status.lastHeartbeat", priority: 1 },
        AGE,
    ],
};

const VMAFX_MODEL_TRAINING: VmafxCrd = {
    kind: "VmafxModelTraining",
    plural: "vmafxmodeltrainings",
    singular: "vmafxmodeltraining",
    shortName: "vmtrain",
    reconciledByOperator: true,
    spec: {
        type: "object",
        description: "Online training of a VMAF model from the scores the workers produce.",
        required: ["outputRegistry"],
        properties: {
            baseModel: str("Model the training starts from."),
            algorithm: str("Training algorithm.", { enum: [...TRAINING_ALGORITHMS] }),
            outputRegistry: str("Registry the trained model versions are pushed to."),
            dataSource: {
                type: "object",
                description: "Where training samples come from.",
                properties: {
                    nodeSelector: { type: "object", description: "Labels of the VmafxNodes whose samples are used.", additionalProperties: { type: "string" } },
                },
            },
            checkpoint: {
                type: "object",
                description: "When a model version is written.",
                // An empty default, so the two defaults below apply when the field is left out.
                default: {},
                properties: {
                    interval: str("Time between checkpoints, a Go duration.", { default: "10m" }),
                    minSamples: { type: "integer", format: "int32", default: 1000, description: "Samples a checkpoint needs." },
                },
            },
        },
    },
    status: {
        type: "object",
        properties: {
            phase: str("Lifecycle phase of the training.", { enum: [...TRAINING_PHASES] }),
            currentSamples: { type: "integer", format: "int64", description: "Samples consumed so far." },
            lastCheckpoint: timestamp("When the last checkpoint was written."),
            modelVersion: str("Version of the last model written."),
        },
    },
    columns: [
        { name: "Phase", type: "string", jsonPath: ".status.phase" },
        { name: "Samples", type: "integer", jsonPath: ".status.currentSamples" },
        { name: "Model", type: "string", jsonPath: ".status.modelVersion" },
        { name: "Checkpoint", type: "date", jsonPath: ".status.lastCheckpoint", priority: 1 },
        AGE,
    ],
};

const VMAFX_TENANT: VmafxCrd = {
    kind: "VmafxTenant",
    plural: "vmafxtenants",
    singular: "vmafxtenant",
    shortName: "vmtenant",
    reconciledByOperator: false,
    spec: {
        type: "object",
        description: "One tenant of the controller's API: its identity provider and roles.",
        required: ["tenantId", "oidc"],
        properties: {
            tenantId: str("Tenant ID, as the tenant claim of its tokens carries it.", { pattern: TENANT_ID_PATTERN, minLength: 2, maxLength: 64 }),
            enabled: { type: "boolean", default: true, description: "False suspends the tenant: its tokens are refused." },
            oidc: {
                type: "object",
                description: "The tenant's OIDC identity provider.",
                required: ["issuer", "jwksEndpoint"],
                properties: {
                    issuer: str("Token issuer URL.", { format: "uri" }),
                    jwksEndpoint: str("URL of the signing keys (JWKS).", { format: "uri" }),
                    audience: str("Expected token audience."),
                    tenantClaim: str("Claim carrying the tenant ID.", { default: "tid" }),
                    rolesClaim: str("Claim carrying the roles.", { default: "vmafx_roles" }),
                },
            },
            rbac: {
                type: "object",
                description: "Roles of the tenant's tokens.",
                // An empty default, so the role defaults apply when the field is left out.
                default: {},
                properties: {
                    defaultRole: str("Role of a token that names none.", { enum: [...TENANT_ROLES], default: "vmafx:reader" }),
                    allowedRoles: {
                        type: "array",
                        description: "Roles the tenant's tokens may carry.",
                        items: str("A role.", { enum: [...TENANT_ROLES] }),
                        default: ["vmafx:reader", "vmafx:writer"],
                    },
                },
            },
        },
    },
    status: {
        type: "object",
        properties: {
            conditions: CONDITIONS,
            observedGeneration: { type: "integer", format: "int64", description: "metadata.generation the controller last read." },
        },
    },
    columns: [
        { name: "Tenant", type: "string", jsonPath: ".spec.tenantId" },
        { name: "Enabled", type: "boolean", jsonPath: ".spec.enabled" },
        { name: "Issuer", type: "string", jsonPath: ".spec.oidc.issuer", priority: 1 },
        AGE,
    ],
};

/** The four kinds, in install order. */
export const VMAFX_CRDS: readonly VmafxCrd[] = [VMAFX_JOB, VMAFX_NODE, VMAFX_MODEL_TRAINING, VMAFX_TENANT];

/** The kind's definition; throws for a kind that is not one of ours. */
export function vmafxCrd(kind: string): VmafxCrd {
    const crd = VMAFX_CRDS.find((c) => c.kind === kind);
    if (!crd) throw new Error(`internal error: ${kind} is not a ${VMAFX_GROUP} kind`);
    return crd;
}

/** The whole object's schema: spec is required, since a missing spec would skip every required field under it. */
export function objectSchema(crd: VmafxCrd): Schema {
    return {
        type: "object",
        description: `${crd.kind} (${VMAFX_GROUP}/${VMAFX_VERSION}).`,
        required: ["spec"],
        properties: {
            apiVersion: { type: "string" },
            kind: { type: "string" },
            metadata: { type: "object" },
            spec: crd.spec,
            status: crd.status,
        },
    };
}

export function crdRole(crd: VmafxCrd): Role {
    return `crd-${crd.plural}`;
}

export function crdResources(ctx: BuildContext): PlannedResource<"CustomResourceDefinition">[] {
    if (!ctx.args.crds.install) {
        return [];
    }
    return VMAFX_CRDS.map((crd) => ({
        role: crdRole(crd),
        manifest: {
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            metadata: { name: crdName(crd), labels: ctx.naming.labels() },
            spec: {
                group: VMAFX_GROUP,
                scope: "Namespaced",
                names: {
                    kind: crd.kind,
                    listKind: `${crd.kind}List`,
                    plural: crd.plural,
                    singular: crd.singular,
                    shortNames: [crd.shortName],
                    categories: [VMAFX_CATEGORY],
                },
                versions: [
                    {
                        name: VMAFX_VERSION,
                        served: true,
                        storage: true,
                        subresources: { status: {} },
                        additionalPrinterColumns: crd.columns.map((c) => ({ ...c })),
                        schema: { openAPIV3Schema: objectSchema(crd) },
                    },
                ],
            },
        },
        retainOnDelete: ctx.args.crds.retainOnDelete,
    }));
}

/**
 * Warnings VmafxStack logs on every preview and update, so a run that would delete the CRDs,
 * and every custom resource with them, says so before it does.
 */
export function crdWarnings(ctx: BuildContext): string[] {
    const { install, retainOnDelete } = ctx.args.crds;
    if (retainOnDelete) {
        return [];
    }
    const names = VMAFX_CRDS.map(crdName).join(", ");
    const kinds = VMAFX_CRDS.map((c) => c.kind).join(", ");
    if (install) {
        return [
            `crds.retainOnDelete is false: destroying this stack, or a later update with crds.install=false, deletes the CRDs ${names} ` +
                `and with them every ${kinds} object in the cluster, of every release. Keep crds.retainOnDelete true unless the cluster holds no objects of these kinds worth keeping.`,
        ];
    }
    return [
        `crds.install is false and crds.retainOnDelete is false: if an earlier update of this stack installed the CRDs without retainOnDelete, ` +
            `this update deletes ${names} and every ${kinds} object in the cluster. To stop installing them safely, first run an update with ` +
            `crds.retainOnDelete true, then set crds.install false.`,
    ];
}
