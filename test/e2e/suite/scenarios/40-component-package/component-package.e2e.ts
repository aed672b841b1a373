// The component package from YAML, Python and Go (issue 6). The package as an outside
// user gets it: the sources without installed packages or build output. `pulumi package add` from a copy of
// examples/yaml installs and builds them as a workspace and records the package; `pulumi package get-schema` equals
// `npm run schema`; the Python and Go SDKs generated from that schema run examples/python and examples/go under
// their SDKs' mocks, each registering the YAML example's VmafxStack; `pulumi preview` of the YAML example with the
// policy pack (prod settings) plans against the API server and equals VmafxStack built in TypeScript
// (program/yaml-example-twin.ts); the same preview with 0.0.0.0/0 object-store egress is blocked.
import { EngineEvent } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { exampleFindings, yamlPreviewFindings } from "../../../verify";
import { Cluster, e2eEnv, Project, projectCopy, REPO_ROOT, say, Toolchain, workspaceEnv, workspaceStack } from "../../harness";
import {
    dryRunRequests,
    goExampleReplace,
    goSdk,
    normalizeSchema,
    offlineSchema,
    packageSources,
    pythonExampleImport,
    pythonSdk,
    recordedPackage,
    runGoExample,
    runPythonExample,
    yamlExampleProject,
} from "../../harness/package";
import { commandErrorText, egressPolicyName, expectFindings, packOptions, planOf, policyEvents, violationKey } from "../../harness/pulumi";

const YAML_EXAMPLE = path.join(REPO_ROOT, "examples/yaml/Pulumi.yaml");

describe("the component package from YAML, Python and Go", function () {
    let tc: Toolchain;
    let cluster: Cluster;
    let workDir: string;
    let sources: string;
    let yamlDir: string;
    let packProject: Project;
    let schemaFile: string;

    before(async function () {
        ({ tc, cluster, workDir } = await e2eEnv());
        sources = packageSources(path.join(workDir, "package-source"));
        yamlDir = path.join(workDir, "yaml-example");
        yamlExampleProject(yamlDir, tc);
        // The in-repo pack and its configs, from a project copy.
        packProject = await projectCopy(workDir, tc, { name: "package-pack", kubeconfig: null });
    });

    const env = (name: string) => workspaceEnv(workDir, name, undefined);
    const cli = (dir: string, envVars: Record<string, string>, args: string[]) => packProject.pulumi(args, { cwd: dir, env: envVars, timeoutMs: 1200_000 });

    it("pulumi package add of the sources installs and builds them as a workspace and records packages.vmafx", async function () {
        say(`pulumi package add ${sources}/components (from ${yamlDir})`);
        await cli(yamlDir, env("yaml-example"), ["package", "add", path.join(sources, "components")]);
        assert.strictEqual(recordedPackage(path.join(yamlDir, "Pulumi.yaml")), path.join(sources, "components"));
        // components/ is a workspace member: the language host installs at the workspace root, whose prepare
        // script builds every package.
        for (const f of ["components/dist/index.js", "core/dist/index.js"]) assert.ok(fs.existsSync(path.join(sources, f)), `${f} built`);
        assert.ok(fs.lstatSync(path.join(sources, "node_modules/@vmafx-k8s/core")).isSymbolicLink(), "node_modules/@vmafx-k8s/core is a workspace link");
    });

    it("pulumi package get-schema equals npm run schema", async function () {
        const got = JSON.parse((await cli(yamlDir, env("yaml-example"), ["package", "get-schema", path.join(sources, "components")])).stdout);
        schemaFile = path.join(workDir, "schema-cli.json");
        fs.writeFileSync(schemaFile, JSON.stringify(got, null, 2));
        const want = await offlineSchema();
        assert.strictEqual(normalizeSchema(got), normalizeSchema(want));
        const r = got.resources["vmafx:index:VmafxStack"];
        say(
            `schema: ${Object.keys(r.inputProperties).length} inputs, ${Object.keys(r.properties).length} outputs, ${Object.keys(got.types ?? {}).length} types`,
        );
    });

    it("examples/python runs against the Python SDK generated from that schema and registers the YAML example's VmafxStack", async function () {
        assert.ok(schemaFile, "the schema test ran");
        const sdk = await pythonSdk(tc, schemaFile, path.join(workDir, "python-sdk"));
        assert.strictEqual(pythonExampleImport(), sdk.module, "examples/python imports the generated module");
        const recording = await runPythonExample(tc, sdk, workDir);
        expectFindings(exampleFindings("python", recording, YAML_EXAMPLE), "examples/python");
    });

    it("examples/go runs against the Go SDK generated from that schema and registers the YAML example's VmafxStack", async function () {
        assert.ok(schemaFile, "the schema test ran");
        const sdk = await goSdk(tc, schemaFile, workDir);
        const { replaced, imports } = goExampleReplace(sdk.sdkDir);
        assert.ok(sdk.module, "the generated go.mod names a module");
        assert.strictEqual(replaced, sdk.module, `examples/go/go.mod replaces the generated module with ./${sdk.sdkDir}`);
        assert.ok(imports(sdk.module), `examples/go/main.go imports ${sdk.module}/vmafx`);
        const recording = await runGoExample(sdk, workDir);
        expectFindings(exampleFindings("go", recording, YAML_EXAMPLE), "examples/go");
    });

    it("pulumi preview of the YAML example with the policy pack plans against the API server, as VmafxStack built in TypeScript", async function () {
        const stack = await workspaceStack(yamlDir, "prod", tc, env("yaml-example"));
        const before = dryRunRequests(await cluster.raw("/metrics"));
        const events: EngineEvent[] = [];
        await stack.preview({ ...packOptions(packProject.dir, "prod"), onEvent: (e) => events.push(e), color: "never" });
        const dryRuns = dryRunRequests(await cluster.raw("/metrics")) - before;
        assert.ok(dryRuns > 0, "the API server answered server-side dry-run requests of the preview");
        say(`the API server answered ${dryRuns} dry-run requests of the YAML preview`);
        const planFile = path.join(workDir, "yaml-preview.json");
        fs.writeFileSync(planFile, JSON.stringify(planOf(events)));
        expectFindings(await yamlPreviewFindings("prod", planFile, path.join(yamlDir, "Pulumi.yaml")), "the YAML example's preview");
    });

    it("the YAML example's preview with 0.0.0.0/0 object-store egress is blocked by the prod egress policy", async function () {
        const egress = egressPolicyName();
        const dir = path.join(workDir, "yaml-blocked");
        fs.mkdirSync(dir, { recursive: true });
        const doc = yaml.load(fs.readFileSync(path.join(yamlDir, "Pulumi.yaml"), "utf8")) as any;
        const dest = doc.resources.vmafx.properties.networkPolicy.nodeToObjectStore.destinations[0];
        assert.ok(dest.cidr && dest.cidr !== "0.0.0.0/0", `the example's object-store CIDR is ${dest.cidr}`);
        dest.cidr = "0.0.0.0/0";
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml.dump(doc));
        const stack = await workspaceStack(dir, "prod", tc, env("yaml-blocked"));
        const events: EngineEvent[] = [];
        let error = "";
        try {
            await stack.preview({ ...packOptions(packProject.dir, "prod"), onEvent: (e) => events.push(e), color: "never" });
        } catch (e) {
            error = commandErrorText(e);
        }
        assert.ok(error, "the preview failed");
        const violations = policyEvents(events);
        assert.ok(
            violations.some((v) => v.policyName === egress && v.enforcementLevel === "mandatory"),
            `no mandatory ${egress} violation: ${violations.map(violationKey).join("\n")}\n${error.slice(-2000)}`,
        );
        console.log(`---- blocked YAML preview, violations:\n${violations.map(violationKey).join("\n")}\n----`);
    });
});
