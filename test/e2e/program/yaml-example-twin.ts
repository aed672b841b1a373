// The TypeScript twin of a Pulumi YAML program that uses the component package: it constructs VmafxStack directly
// with the properties of the YAML program's `vmafx:index:VmafxStack` resource (file in VMAFX_YAML_PROGRAM). verify.ts
// evaluates it under mocks and compares the objects with what `pulumi preview` of the YAML program registered
// through the component provider, so a property lost or mistyped on the way through the schema shows up.
// Values the YAML program takes from its config are passed as Outputs, as the YAML host passes values that come
// from elsewhere, so the twin also goes through VmafxStack's Input path.
import * as pulumi from "@pulumi/pulumi";
import { VmafxStack } from "@vmafx-k8s/vmafx";
import { componentOfYamlProgram } from "../verify";

const programFile = process.env.VMAFX_YAML_PROGRAM;
if (!programFile) throw new Error("VMAFX_YAML_PROGRAM must name the Pulumi.yaml of the YAML program");
const { name, properties, fromConfig } = componentOfYamlProgram(programFile);
for (const at of fromConfig) {
    let parent: any = properties;
    for (const seg of at.slice(0, -1)) parent = parent[seg];
    parent[at[at.length - 1]] = pulumi.output(parent[at[at.length - 1]]);
}
new VmafxStack(name, properties as any);
