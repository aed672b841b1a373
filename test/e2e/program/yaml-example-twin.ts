// The TypeScript twin of a Pulumi YAML program that uses the component package: it constructs VmafxStack directly
// with the properties of the YAML program's `vmafx:index:VmafxStack` resource (file in VMAFX_YAML_PROGRAM). verify.ts
// evaluates it under mocks and compares the objects with what `pulumi preview` of the YAML program registered
// through the component provider, so a property lost or mistyped on the way through the schema shows up.
import { VmafxStack } from "@vmafx-k8s/vmafx";
import { componentOfYamlProgram } from "../verify";

const programFile = process.env.VMAFX_YAML_PROGRAM;
if (!programFile) throw new Error("VMAFX_YAML_PROGRAM must name the Pulumi.yaml of the YAML program");
const { name, properties } = componentOfYamlProgram(programFile);
new VmafxStack(name, properties as any);
