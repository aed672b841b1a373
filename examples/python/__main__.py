"""VmafxStack from Python, through the SDK that `pulumi package add ../../components` generates."""
import pulumi
import vmafx_k8s_vmafx as vmafx

# The object store's range comes from config (any Output of another resource works the same way):
# CIDRs are Inputs of VmafxStack, validated when they resolve.
object_store_cidr = pulumi.Output.from_input(pulumi.Config().get("objectStoreCidr") or "10.20.0.0/16")

release = vmafx.VmafxStack(
    "vmafx",
    namespace=vmafx.NamespaceSettingsArgs(name="vmafx-py", pod_security_version="v1.33"),
    workload=vmafx.WorkloadKind.DEPLOYMENT,
    deployment=vmafx.DeploymentSettingsArgs(replicas=2),
    gpu=vmafx.GpuSettingsArgs(enabled=False, vendor=vmafx.GpuVendor.CPU),
    node=vmafx.NodePoolSettingsArgs(enabled=True, replicas=2),
    operator=vmafx.OperatorSettingsArgs(enabled=True),
    pod_disruption_budget=vmafx.PodDisruptionBudgetSettingsArgs(enabled=True),
    network_policy=vmafx.NetworkPolicySettingsArgs(
        enabled=True,
        node_to_object_store=vmafx.CidrEgressFlowArgs(
            ports=[443],
            destinations=[vmafx.CidrBlockArgs(cidr=object_store_cidr, except_=["10.20.128.0/20"])],
        ),
        operator_to_apiserver=vmafx.CidrEgressFlowArgs(
            ports=[443, 6443],
            destinations=[vmafx.CidrBlockArgs(cidr="10.0.0.0/28")],
        ),
        dns=vmafx.DnsFlowArgs(node_local_dns_ip="169.254.20.10"),
    ),
)

pulumi.export("namespace", release.namespace)
pulumi.export("serviceUrl", release.service_url)
pulumi.export("kubectlCommands", release.kubectl_commands)
pulumi.export("networkPolicyHint", release.network_policy_hint)
