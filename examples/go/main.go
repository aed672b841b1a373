// VmafxStack from Go, through the SDK that `pulumi package add ../../components` generates into sdks/vmafx-k8s-vmafx
// (the module github.com/vmafx-k8s/pulumi-vmafx/sdk/go, package vmafx).
// The configuration is the one of examples/yaml and examples/python: NetworkPolicies on, object-store and API-server
// egress narrowed to VPC ranges. CIDRs, except ranges, ports and the namespace name are Inputs (pulumi.String, …), so
// they can also be other resources' outputs.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/vmafx-k8s/pulumi-vmafx/sdk/go/vmafx"
)

func main() {
	pulumi.Run(program)
}

func program(ctx *pulumi.Context) error {
	// The object store's range comes from config (any Output of another resource works the same way): CIDRs are
	// Inputs of VmafxStack, validated when they resolve.
	cidr, ok := ctx.GetConfig(ctx.Project() + ":objectStoreCidr")
	if !ok {
		cidr = "10.20.0.0/16"
	}
	objectStoreCidr := pulumi.String(cidr).ToStringOutput()
	workload := vmafx.WorkloadKindDeployment
	vendor := vmafx.GpuVendorCpu
	release, err := vmafx.NewVmafxStack(ctx, "vmafx", &vmafx.VmafxStackArgs{
		Namespace:           &vmafx.NamespaceSettingsArgs{Name: pulumi.String("vmafx-go"), PodSecurityVersion: pulumi.StringRef("v1.33")},
		Workload:            &workload,
		Deployment:          &vmafx.DeploymentSettingsArgs{Replicas: pulumi.Float64Ref(2)},
		Gpu:                 &vmafx.GpuSettingsArgs{Enabled: pulumi.BoolRef(false), Vendor: &vendor},
		Node:                &vmafx.NodePoolSettingsArgs{Enabled: pulumi.BoolRef(true), Replicas: pulumi.Float64Ref(2)},
		Operator:            &vmafx.OperatorSettingsArgs{Enabled: pulumi.BoolRef(true)},
		PodDisruptionBudget: &vmafx.PodDisruptionBudgetSettingsArgs{Enabled: pulumi.BoolRef(true)},
		NetworkPolicy: &vmafx.NetworkPolicySettingsArgs{
			Enabled: pulumi.BoolRef(true),
			NodeToObjectStore: &vmafx.CidrEgressFlowArgs{
				Ports: []pulumi.Float64Input{pulumi.Float64(443)},
				Destinations: []vmafx.CidrBlockArgs{
					{Cidr: objectStoreCidr, Except: []pulumi.StringInput{pulumi.String("10.20.128.0/20")}},
				},
			},
			OperatorToApiserver: &vmafx.CidrEgressFlowArgs{
				Ports:        []pulumi.Float64Input{pulumi.Float64(443), pulumi.Float64(6443)},
				Destinations: []vmafx.CidrBlockArgs{{Cidr: pulumi.String("10.0.0.0/28")}},
			},
			Dns: &vmafx.DnsFlowArgs{NodeLocalDnsIp: pulumi.StringRef("169.254.20.10")},
		},
	})
	if err != nil {
		return err
	}
	ctx.Export("namespace", release.Namespace)
	ctx.Export("serviceUrl", release.ServiceUrl)
	ctx.Export("kubectlCommands", release.KubectlCommands)
	ctx.Export("networkPolicyHint", release.NetworkPolicyHint)
	return nil
}
