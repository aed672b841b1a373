// The component configurations the tests share: each with the exact objects it must produce.
// component.test.ts checks the inventories; render-paths.test.ts checks that the offline render's
// plan path and the Pulumi mock run give identical objects for every one of them.
import { VmafxStackArgs } from "@vmafx-k8s/vmafx";

export const FULL: VmafxStackArgs = {
    node: { enabled: true },
    operator: { enabled: true, replicas: 2, leaderElect: true },
    podDisruptionBudget: { enabled: true },
    ingress: { enabled: true, className: "nginx" },
    networkPolicy: { enabled: true },
    smokeTest: { enabled: true },
};

/** Configurations and the exact objects each one must produce. */
export const CONFIGURATIONS: { name: string; component?: string; args: VmafxStackArgs; inventory: string[] }[] = [
    {
        name: "defaults (Deployment)",
        args: {},
        inventory: ["ConfigMap/vmafx-config", "Deployment/vmafx", "Namespace/vmafx", "Service/vmafx", "ServiceAccount/vmafx"],
    },
    {
        name: "StatefulSet with persistence",
        args: {
            workload: "StatefulSet",
            persistence: { enabled: true, corpus: { enabled: true }, output: { enabled: true }, models: { enabled: true } },
        },
        inventory: [
            "ConfigMap/vmafx-config",
            "Namespace/vmafx",
            "PersistentVolumeClaim/vmafx-corpus",
            "PersistentVolumeClaim/vmafx-models",
            "PersistentVolumeClaim/vmafx-output",
            "Service/vmafx",
            "Service/vmafx-headless",
            "ServiceAccount/vmafx",
            "StatefulSet/vmafx",
        ],
    },
    {
        name: "Job in an existing namespace",
        args: { workload: "Job", job: { command: ["vmafx", "score", "--manifest", "/corpus/batch.json"] }, namespace: { name: "batch", create: false } },
        inventory: ["ConfigMap/vmafx-config", "Job/vmafx", "ServiceAccount/vmafx"],
    },
    {
        name: "everything on (node, operator, PDBs, ingress, NetworkPolicies, smoke test)",
        args: FULL,
        inventory: [
            "ClusterRole/vmafx-vmafx-operator-crds",
            "ClusterRoleBinding/vmafx-vmafx-operator-crds-binding",
            "ConfigMap/vmafx-config",
            "Deployment/vmafx",
            "Deployment/vmafx-node",
            "Deployment/vmafx-operator",
            "Ingress/vmafx",
            "Job/vmafx-smoke-test",
            "Namespace/vmafx",
            "NetworkPolicy/vmafx-default-deny",
            "NetworkPolicy/vmafx-dns-egress",
            "NetworkPolicy/vmafx-http-to-server-ingress",
            "NetworkPolicy/vmafx-metrics-to-node-ingress",
            "NetworkPolicy/vmafx-metrics-to-operator-ingress",
            "NetworkPolicy/vmafx-node-to-object-store-egress",
            "NetworkPolicy/vmafx-operator-to-apiserver-egress",
            "NetworkPolicy/vmafx-server-to-node-egress",
            "NetworkPolicy/vmafx-server-to-node-ingress",
            "NetworkPolicy/vmafx-smoke-test-to-server-egress",
            "PodDisruptionBudget/vmafx",
            "PodDisruptionBudget/vmafx-node",
            "PodDisruptionBudget/vmafx-operator",
            "Role/vmafx-operator-ns",
            "RoleBinding/vmafx-operator-ns-binding",
            "Service/vmafx",
            "Service/vmafx-node",
            "ServiceAccount/vmafx",
            "ServiceAccount/vmafx-operator",
        ],
    },
    {
        name: "release 'prod' with an AMD node pool on an existing models claim",
        component: "prod",
        args: { node: { enabled: true }, gpu: { vendor: "amd" }, persistence: { models: { enabled: true, existingClaim: "shared-models" } } },
        inventory: [
            "ConfigMap/prod-vmafx-config",
            "Deployment/prod-vmafx",
            "Deployment/prod-vmafx-node",
            "Namespace/vmafx",
            "Service/prod-vmafx",
            "Service/prod-vmafx-node",
            "ServiceAccount/prod-vmafx",
        ],
    },
    {
        name: "shared service account, rclone secret, operator without PDBs",
        args: {
            serviceAccount: { create: false, name: "media-reader" },
            storage: { rcloneConfig: "[s3]\ntype = s3\n" },
            node: { enabled: true },
            operator: { enabled: true },
        },
        inventory: [
            "ClusterRole/vmafx-vmafx-operator-crds",
            "ClusterRoleBinding/vmafx-vmafx-operator-crds-binding",
            "ConfigMap/vmafx-config",
            "Deployment/vmafx",
            "Deployment/vmafx-node",
            "Deployment/vmafx-operator",
            "Namespace/vmafx",
            "Role/vmafx-operator-ns",
            "RoleBinding/vmafx-operator-ns-binding",
            "Secret/vmafx-rclone-config",
            "Service/vmafx",
            "Service/vmafx-node",
            "ServiceAccount/vmafx-operator",
        ],
    },
];
