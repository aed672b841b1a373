// The Pulumi program: stack config -> one VmafxStack -> stack outputs.
import * as pulumi from "@pulumi/pulumi";
import { VmafxStack } from "@vmafx-k8s/vmafx";
import { loadStackArgs } from "./stacks";

const releaseName = pulumi.getProject();
const vmafx = new VmafxStack(releaseName, loadStackArgs(releaseName));

export const namespace = vmafx.namespace;
export const workloadKind = vmafx.workloadKind;
export const serviceUrl = vmafx.serviceUrl;
export const kubectlCommands = vmafx.kubectlCommands;
export const networkPolicyHint = vmafx.networkPolicyHint;
