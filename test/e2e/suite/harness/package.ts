// The component package from other languages (issue 6), as typed steps: the package's sources as a clone holds
// them, `pulumi package add` into a copy of examples/yaml (the CLI has the Node.js language host install the
// workspace and the root's `prepare` build it), `pulumi package get-schema`, the Python and Go SDKs generated from
// that schema with the generators pulumi-language-python and pulumi-language-go use (tools/pulumi/sdkgen), and
// examples/python and examples/go run against them under their SDKs' mocks.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { ExampleRecording } from "../../verify";
import { run } from "./exec";
import { copySources } from "./project";
import { E2E_DIR, REPO_ROOT, Toolchain } from "./toolchain";

/** examples/yaml/Pulumi.yaml without its `packages:` entry (package add must write it), naming the built kubernetes
 * provider. A textual edit, so the CLI itself parses the example as committed. */
export function yamlExampleProject(dir: string, tc: Toolchain): string {
    const from = path.join(REPO_ROOT, "examples/yaml/Pulumi.yaml");
    let text = fs.readFileSync(from, "utf8");
    if (/^plugins:/m.test(text)) throw new Error(`${from} already declares plugins; the e2e copy cannot add its provider`);
    text = text.replace(/^packages:\n(?:[ #].*\n|\n)*/m, "");
    if (/^packages:/m.test(text)) throw new Error(`could not remove the packages: block of ${from}`);
    text = `${text.replace(/\n*$/, "\n")}plugins:\n  providers:\n    - name: kubernetes\n      path: ${JSON.stringify(tc.pluginDir)}\n`;
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "Pulumi.yaml");
    fs.writeFileSync(file, text);
    return file;
}

/** The repository's sources without node_modules or any dist/ (what `pulumi package add <dir>` gets from a clone). */
export function packageSources(dir: string): string {
    copySources(dir);
    return dir;
}

/** `packages.vmafx` of a YAML project's Pulumi.yaml. */
export function recordedPackage(pulumiYaml: string): unknown {
    const doc = yaml.load(fs.readFileSync(pulumiYaml, "utf8")) as { packages?: Record<string, unknown> };
    return doc.packages?.vmafx;
}

/** A schema with what the CLI's Go round trip drops removed: empty lists and maps, and the Node.js SDK's `optional`
 * marker (not part of the package schema format). Keys sorted, so equal schemas print equally. */
export function normalizeSchema(schema: unknown): string {
    return JSON.stringify(
        schema,
        (k, x) => {
            if (k === "optional") return undefined;
            if (Array.isArray(x)) return x.length ? x : undefined;
            if (x && typeof x === "object") {
                const keys = Object.keys(x)
                    .filter((key) => x[key] !== undefined)
                    .sort();
                return keys.length ? Object.fromEntries(keys.map((key) => [key, x[key]])) : undefined;
            }
            return x;
        },
        1,
    );
}

/** `npm run schema`: the schema the component's sources give offline. */
export async function offlineSchema(): Promise<any> {
    return JSON.parse((await run("npm", ["run", "--silent", "schema"], { cwd: REPO_ROOT, timeoutMs: 300_000 })).stdout);
}

export interface PythonSdk {
    dir: string;
    /** The generated module: <schema namespace>_<name>. */
    module: string;
}

export async function pythonSdk(tc: Toolchain, schemaFile: string, outDir: string): Promise<PythonSdk> {
    await run(path.join(tc.bin, "sdkgen"), ["python", schemaFile, outDir], { timeoutMs: 300_000 });
    const modules = fs.readdirSync(outDir).filter((d) => fs.existsSync(path.join(outDir, d, "__init__.py")));
    if (modules.length !== 1) throw new Error(`the Python SDK in ${outDir} holds ${modules.length} modules: ${modules}`);
    return { dir: outDir, module: modules[0] };
}

/** The module examples/python/__main__.py imports as `vmafx`. */
export function pythonExampleImport(): string | undefined {
    const src = fs.readFileSync(path.join(REPO_ROOT, "examples/python/__main__.py"), "utf8");
    return /^import (\S+) as vmafx$/m.exec(src)?.[1];
}

/** A venv with the example's requirements, pulumi==<CLI version> and the generated SDK; runs examples/python under
 * the Python SDK's mocks (test/e2e/python/record_example.py) and returns what it registered. */
export async function runPythonExample(tc: Toolchain, sdk: PythonSdk, workDir: string): Promise<ExampleRecording> {
    const venv = path.join(workDir, "python-venv");
    const version = (await run(path.join(tc.bin, "pulumi"), ["version"], { env: { PULUMI_SKIP_UPDATE_CHECK: "true" } })).stdout.trim().replace(/^v/, "");
    await run("python3", ["-m", "venv", venv], { timeoutMs: 300_000 });
    await run(
        path.join(venv, "bin/pip"),
        ["install", "--disable-pip-version-check", "-q", "-r", path.join(REPO_ROOT, "examples/python/requirements.txt"), `pulumi==${version}`, sdk.dir],
        { timeoutMs: 900_000 },
    );
    const out = path.join(workDir, "example-python.json");
    await run(path.join(venv, "bin/python"), [path.join(E2E_DIR, "python/record_example.py"), path.join(REPO_ROOT, "examples/python"), out], {
        timeoutMs: 300_000,
    });
    return JSON.parse(fs.readFileSync(out, "utf8"));
}

export interface GoSdk {
    /** The copy of examples/go the SDK was generated into. */
    exampleDir: string;
    /** sdks/<schema namespace>-<name>, where `pulumi package add` puts a local SDK. */
    sdkDir: string;
    /** The generated module: github.com/<namespace>/pulumi-<name>/sdk/go. */
    module: string;
}

export async function goSdk(tc: Toolchain, schemaFile: string, workDir: string): Promise<GoSdk> {
    const exampleDir = path.join(workDir, "go-example");
    fs.cpSync(path.join(REPO_ROOT, "examples/go"), exampleDir, { recursive: true, filter: (src) => path.basename(src) !== "sdks" });
    const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
    const sdkDir = `sdks/${schema.namespace ? `${schema.namespace}-${schema.name}` : schema.name}`;
    await run(path.join(tc.bin, "sdkgen"), ["go", schemaFile, path.join(exampleDir, sdkDir)], { timeoutMs: 300_000 });
    const goMod = fs.readFileSync(path.join(exampleDir, sdkDir, "go.mod"), "utf8");
    const module = /^module\s+(\S+)/m.exec(goMod)?.[1] ?? "";
    return { exampleDir, sdkDir, module };
}

/** The module examples/go/go.mod replaces with ./<sdkDir>, and whether main.go imports its package. */
export function goExampleReplace(sdkDir: string): { replaced?: string; imports: (module: string) => boolean } {
    const goMod = fs.readFileSync(path.join(REPO_ROOT, "examples/go/go.mod"), "utf8");
    const main = fs.readFileSync(path.join(REPO_ROOT, "examples/go/main.go"), "utf8");
    const replaced = goMod
        .split("\n")
        .map((l) =>
            l
                .trim()
                .replace(/^replace\s+/, "")
                .split(/\s+/),
        )
        .find((f) => f[1] === "=>" && f[2] === `./${sdkDir}`)?.[0];
    return { replaced, imports: (module) => main.includes(`"${module}/vmafx"`) };
}

/** `go test` of the example copy with test/e2e/go/record_example_test.go, which records what it registered. */
export async function runGoExample(sdk: GoSdk, workDir: string): Promise<ExampleRecording> {
    fs.copyFileSync(path.join(E2E_DIR, "go/record_example_test.go"), path.join(sdk.exampleDir, "record_example_test.go"));
    const out = path.join(workDir, "example-go.json");
    await run("go", ["test", "-count=1", "."], { cwd: sdk.exampleDir, env: { VMAFX_RECORD_FILE: out }, timeoutMs: 1200_000 });
    return JSON.parse(fs.readFileSync(out, "utf8"));
}

/** The API server's server-side dry-run requests so far (its apiserver_request_total{dry_run="All"}). */
export function dryRunRequests(metrics: string): number {
    return metrics
        .split("\n")
        .filter((l) => l.startsWith("apiserver_request_total{") && l.includes('dry_run="All"'))
        .reduce((n, l) => n + Number(l.trim().split(/\s+/).pop()), 0);
}
