// The day-2 scenario's program: index.ts's program, with the component's Pulumi name and aliases taken from the
// stack config `vmafx-e2e:componentName` (default: the project name, as index.ts names it) and
// `vmafx-e2e:aliases` (a JSON list of earlier component names), so one stack can be renamed between updates.
import * as pulumi from "@pulumi/pulumi";
import { VmafxStack } from "@vmafx-k8s/vmafx";
import { registerSkipAwait } from "../../../program/skip-await";
import { loadStackArgs } from "../../../../../stacks";

registerSkipAwait();

const e2e = new pulumi.Config("vmafx-e2e");
const componentName = e2e.get("componentName") ?? pulumi.getProject();
const aliases = e2e.getObject<string[]>("aliases") ?? [];
const vmafx = new VmafxStack(componentName, loadStackArgs(componentName), { aliases: aliases.map((name) => ({ name })) });

export const namespace = vmafx.namespace;
export const workloadKind = vmafx.workloadKind;
export const serviceUrl = vmafx.serviceUrl;
export const kubectlCommands = vmafx.kubectlCommands;
export const networkPolicyHint = vmafx.networkPolicyHint;
