// The component as a package: the schema Pulumi infers for other languages, and the root program
// importing it by name. What `npm pack` ships of each package: test/packages.test.ts.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { PACKAGE_DIR, packageSchema } from "../tools/schema";

const ROOT = path.resolve(__dirname, "..");

/** Every property of every interface in components/args.ts, as `Interface.property`. */
function declaredProperties(): Map<string, string[]> {
    const file = path.join(ROOT, "components", "args.ts");
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const out = new Map<string, string[]>();
    source.forEachChild((n) => {
        if (ts.isInterfaceDeclaration(n))
            out.set(
                n.name.text,
                n.members.filter(ts.isPropertySignature).map((m) => (m.name as ts.Identifier).text),
            );
    });
    return out;
}

describe("component package", function () {
    this.timeout(60000);
    let schema: Record<string, any>;
    before(async () => {
        schema = await packageSchema();
    });

    it("the schema has the resource vmafx:index:VmafxStack as a component with every input of VmafxStackArgs", () => {
        assert.equal(schema.name, "vmafx");
        assert.equal(schema.namespace, "vmafx-k8s", "the npm scope, as the CLI's plugin host reports it");
        const resource = schema.resources["vmafx:index:VmafxStack"];
        assert.ok(resource, Object.keys(schema.resources).join(", "));
        assert.equal(resource.isComponent, true);
        assert.deepEqual(Object.keys(resource.inputProperties).sort(), [...declaredProperties().get("VmafxStackArgs")!].sort());
        assert.deepEqual(resource.requiredInputs ?? [], [], "every input is optional");
    });

    it("every input and every nested type property has a description and a type", () => {
        const declared = declaredProperties();
        const check = (where: string, props: Record<string, any>) => {
            for (const [name, p] of Object.entries(props)) {
                assert.ok(p.description && p.description.length > 5, `${where}.${name} has no description`);
                assert.ok(p.type || p.$ref, `${where}.${name} has no type`);
            }
        };
        check("VmafxStack", schema.resources["vmafx:index:VmafxStack"].inputProperties);
        for (const [token, type] of Object.entries<any>(schema.types)) {
            if (type.enum) continue;
            const name = token.split(":")[2];
            assert.deepEqual(Object.keys(type.properties).sort(), [...(declared.get(name) ?? [])].sort(), token);
            check(token, type.properties);
        }
    });

    it("networkPolicy and its object-store CIDR entries are typed for other languages", () => {
        const inputs = schema.resources["vmafx:index:VmafxStack"].inputProperties;
        assert.equal(inputs.networkPolicy.$ref, "#/types/vmafx:index:NetworkPolicySettings");
        const np = schema.types["vmafx:index:NetworkPolicySettings"].properties;
        assert.equal(np.nodeToObjectStore.$ref, "#/types/vmafx:index:CidrEgressFlow");
        const flow = schema.types["vmafx:index:CidrEgressFlow"].properties;
        // The list is plain (it decides how many rules there are); each port may be an Output.
        assert.deepEqual(flow.ports, { type: "array", items: { type: "number" }, optional: true, plain: true, description: flow.ports.description });
        assert.equal(flow.destinations.items.$ref, "#/types/vmafx:index:CidrBlock");
        const block = schema.types["vmafx:index:CidrBlock"];
        assert.deepEqual(block.required, ["cidr"]);
        assert.equal(block.properties.cidr.type, "string");
        assert.equal(block.properties.cidr.plain, undefined, "the CIDR takes an Input (an Output of another resource)");
        assert.equal(block.properties.except.items.type, "string");
        assert.equal(block.properties.except.items.plain, undefined);
        assert.deepEqual(
            schema.types["vmafx:index:WorkloadKind"].enum.map((e: any) => e.value),
            ["Deployment", "StatefulSet", "Job"],
        );
    });

    it("the outputs are the component's public Output fields", () => {
        const resource = schema.resources["vmafx:index:VmafxStack"];
        assert.deepEqual(Object.keys(resource.properties).sort(), ["kubectlCommands", "namespace", "networkPolicyHint", "serviceUrl", "workloadKind"]);
        assert.equal(resource.properties.kubectlCommands.type, "array");
        assert.deepEqual([...resource.required].sort(), ["kubectlCommands", "namespace", "serviceUrl", "workloadKind"]);
    });

    it("the program at the root uses the package by its name, as an outside user would", () => {
        const program = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8");
        assert.match(program, /from "@vmafx-k8s\/vmafx"/);
        assert.equal(require.resolve("@vmafx-k8s/vmafx"), path.join(fs.realpathSync(PACKAGE_DIR), "dist", "index.js"));
    });
});
