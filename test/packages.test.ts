// The three packages as npm ships them: scoped names, one version everywhere, what `npm pack`
// puts in each tarball (compiled JavaScript and declarations, the docs, no sources or tests),
// every import inside a tarball resolvable from that tarball alone, and a core (and a plan
// entry of the component) that loads no Pulumi module.
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import * as ts from "typescript";
import * as yaml from "js-yaml";

const ROOT = path.resolve(__dirname, "..");
const SCOPE = "@vmafx-k8s/";

interface PackageJson {
    name: string;
    version: string;
    private?: boolean;
    main?: string;
    types?: string;
    bin?: string | Record<string, string>;
    exports?: unknown;
    typesVersions?: Record<string, Record<string, string[]>>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
}

interface Workspace {
    /** Directory under the repository root. */
    dir: string;
    /** Files every tarball of this package must hold besides package.json, README, LICENSE, CHANGELOG, main and types. */
    alsoShips: string[];
}

const WORKSPACES: Workspace[] = [
    { dir: "core", alsoShips: [] },
    { dir: "components", alsoShips: ["PulumiPlugin.yaml"] },
    { dir: "policy-pack", alsoShips: ["PulumiPolicy.yaml", "bin/vmafx-policy.js"] },
];

function readJson<T>(file: string): T {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

function manifestOf(w: Workspace): PackageJson {
    return readJson<PackageJson>(path.join(ROOT, w.dir, "package.json"));
}

/** "./dist/x.js" and "dist/x.js" alike -> "dist/x.js". */
function normalise(target: string): string {
    return path.posix.normalize(target.replace(/^\.\//, ""));
}

/** Every string leaf of an `exports` value (conditions and subpaths, nested). */
function exportTargets(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(exportTargets);
    if (value !== null && typeof value === "object") return Object.values(value).flatMap(exportTargets);
    return [];
}

/** `npm pack --dry-run --json` of one workspace: the paths of the files its tarball would hold. */
function packFiles(dir: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
        const child = spawn("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
            cwd: path.join(ROOT, dir),
            stdio: ["ignore", "pipe", "pipe"],
            timeout: 60000,
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code, signal) => {
            if (code !== 0) return reject(new Error(`npm pack --dry-run in ${dir} exited ${code ?? signal}: ${stderr}`));
            const out = JSON.parse(stdout) as { files: { path: string }[] }[];
            resolve(out[0].files.map((f) => f.path).sort());
        });
    });
}

/** Module specifiers of a JS or TS file: imports, exports, require() and import() calls. */
function specifiersOf(file: string): string[] {
    return ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles.map((f) => f.fileName);
}

/** The package name of a bare specifier: "@a/b/c" -> "@a/b", "x/y" -> "x". */
function packageNameOf(specifier: string): string {
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function isBuiltin(specifier: string): boolean {
    const name = specifier.replace(/^node:/, "");
    return builtinModules.includes(name) || builtinModules.includes(name.split("/")[0]);
}

/** How node (for .js) or tsc (for .d.ts) would resolve a relative specifier, as a path in the package. */
function relativeCandidates(fromFile: string, specifier: string, declaration: boolean): string[] {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
    return declaration ? [`${base}.d.ts`, `${base}/index.d.ts`, base.replace(/\.js$/, ".d.ts")] : [base, `${base}.js`, `${base}.json`, `${base}/index.js`];
}

function walk(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? walk(p) : [p];
    });
}

/** Specifiers naming a @pulumi/* module. */
function pulumiImports(file: string): string[] {
    return specifiersOf(file).filter((s) => s.startsWith("@pulumi/"));
}

/** Runs `node -e` in the repository and returns the module files it loaded (require.cache keys). */
function loadedModules(script: string): { resolved: string; loaded: string[] } {
    const probe = `${script}; process.stdout.write(JSON.stringify({ resolved, loaded: Object.keys(require.cache) }));`;
    const r = spawnSync(process.execPath, ["-e", probe], { cwd: ROOT, encoding: "utf8", timeout: 60000 });
    assert.equal(r.status, 0, `node -e failed: ${r.stderr}`);
    return JSON.parse(r.stdout);
}

describe("packages", function () {
    this.timeout(120000);
    const root = readJson<PackageJson>(path.join(ROOT, "package.json"));
    const manifests = new Map(WORKSPACES.map((w) => [w.dir, manifestOf(w)]));
    const names = new Set([...manifests.values()].map((m) => m.name));
    const files = new Map<string, string[]>();

    before(async () => {
        const lists = await Promise.all(WORKSPACES.map((w) => packFiles(w.dir)));
        WORKSPACES.forEach((w, i) => files.set(w.dir, lists[i]));
    });

    it("every package is named under the @vmafx-k8s/ scope and is publishable", () => {
        assert.deepEqual([...names].sort(), ["@vmafx-k8s/core", "@vmafx-k8s/policy-pack", "@vmafx-k8s/vmafx"]);
        for (const [dir, m] of manifests) {
            assert.ok(m.name.startsWith(SCOPE), `${dir}: ${m.name} is not under ${SCOPE}`);
            assert.notEqual(m.private, true, `${dir}: a private package cannot be published`);
        }
        assert.ok(!root.name.startsWith(SCOPE) && root.private === true, "the root is the private deployment program, not a package");
    });

    it("core, components, policy-pack and the root agree on one semver version, and every @vmafx-k8s/* dependency pins exactly it", () => {
        const version = root.version;
        assert.match(version, /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/, `root version ${version} is not semver`);
        for (const [dir, m] of manifests) assert.equal(m.version, version, `${dir}/package.json version ${m.version} != root ${version}`);
        let pins = 0;
        for (const [where, m] of [["root", root] as const, ...manifests]) {
            for (const field of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const) {
                for (const [dep, range] of Object.entries(m[field] ?? {})) {
                    if (!names.has(dep)) continue;
                    pins++;
                    assert.equal(range, version, `${where} ${field}.${dep} is ${range}, not the exact version ${version}`);
                }
            }
        }
        // root -> core, vmafx, policy-pack; vmafx -> core; policy-pack -> core.
        assert.ok(pins >= 5, `only ${pins} inter-package dependencies found`);
        // PulumiPlugin.yaml has no version field (the CLI takes the package's): its header names the
        // package and version, and its CLI range starts at the SDK the package pins.
        const pluginText = fs.readFileSync(path.join(ROOT, "components", "PulumiPlugin.yaml"), "utf8");
        const plugin = yaml.load(pluginText) as Record<string, unknown>;
        assert.equal(plugin.version, undefined, "PulumiPlugin.yaml has no version field");
        assert.match(
            pluginText,
            new RegExp(`^# A Pulumi component package, @vmafx-k8s/vmafx ${version.replace(/\./g, "\\.")} `, "m"),
            "PulumiPlugin.yaml names another version",
        );
        const sdk = JSON.parse(fs.readFileSync(path.join(ROOT, "components", "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
        assert.equal(plugin.requiredPulumiVersion, `>=${sdk}`, "requiredPulumiVersion starts at the pinned @pulumi/pulumi");
        for (const w of WORKSPACES) {
            const changelog = fs.readFileSync(path.join(ROOT, w.dir, "CHANGELOG.md"), "utf8");
            assert.match(changelog, new RegExp(`^## \\[?${version.replace(/\./g, "\\.")}\\]?`, "m"), `${w.dir}/CHANGELOG.md has no entry for ${version}`);
        }
    });

    for (const w of WORKSPACES) {
        describe(w.dir, () => {
            const m = manifests.get(w.dir)!;

            it("the tarball holds package.json, README.md, LICENSE, CHANGELOG.md, main, types, bins and the Pulumi metadata", () => {
                const list = files.get(w.dir)!;
                const bins = typeof m.bin === "string" ? [m.bin] : Object.values(m.bin ?? {});
                assert.ok(m.main && m.types, `${m.name} has no main or no types`);
                for (const needed of ["package.json", "README.md", "LICENSE", "CHANGELOG.md", m.main, m.types, ...bins, ...w.alsoShips].map(normalise)) {
                    assert.ok(list.includes(needed), `${needed} missing from the ${m.name} tarball: ${list.join(", ")}`);
                }
                for (const bin of bins) {
                    assert.match(fs.readFileSync(path.join(ROOT, w.dir, bin), "utf8"), /^#!\/usr\/bin\/env node\n/, `${bin} has no node shebang`);
                }
            });

            it("the tarball holds no TypeScript sources, tests, fixtures, .tsbuildinfo or source maps", () => {
                for (const f of files.get(w.dir)!) {
                    assert.ok(!(f.endsWith(".ts") && !f.endsWith(".d.ts")), `TypeScript source ${f} in the ${m.name} tarball`);
                    assert.ok(
                        !/(\.test\.|\.spec\.|(^|\/)(testing|fixtures?)\.(js|d\.ts)$|(^|\/)(test|tests|fixtures?)\/)/.test(f),
                        `test file ${f} in the ${m.name} tarball`,
                    );
                    assert.ok(!/\.tsbuildinfo$|\.map$/.test(f), `build artefact ${f} in the ${m.name} tarball`);
                }
            });

            it("every exports and typesVersions target is in the tarball", () => {
                const list = files.get(w.dir)!;
                const targets = exportTargets(m.exports);
                assert.ok(targets.length > 0, `${m.name} has no exports`);
                for (const t of targets) {
                    assert.ok(t.startsWith("./"), `exports target ${t} must start with ./`);
                    assert.ok(list.includes(normalise(t)), `exports target ${t} missing from the ${m.name} tarball`);
                }
                for (const mapping of Object.values(m.typesVersions ?? {})) {
                    for (const t of Object.values(mapping).flat())
                        assert.ok(list.includes(normalise(t)), `typesVersions target ${t} missing from the ${m.name} tarball`);
                }
            });

            it("every import in the tarball resolves inside it (relative) or names a builtin, the package itself or a declared dependency", () => {
                const list = files.get(w.dir)!;
                const inTarball = new Set(list);
                const declared = new Set([m.name, ...Object.keys(m.dependencies ?? {}), ...Object.keys(m.peerDependencies ?? {})]);
                const problems: string[] = [];
                let checked = 0;
                for (const f of list.filter((x) => x.endsWith(".js") || x.endsWith(".d.ts"))) {
                    for (const s of specifiersOf(path.join(ROOT, w.dir, f))) {
                        checked++;
                        if (s.startsWith(".")) {
                            const candidates = relativeCandidates(f, s, f.endsWith(".d.ts"));
                            if (candidates[0].startsWith("../") || candidates[0] === "..") problems.push(`${f}: "${s}" leaves the package directory`);
                            else if (!candidates.some((c) => inTarball.has(c))) problems.push(`${f}: "${s}" is not in the tarball`);
                        } else if (!isBuiltin(s) && !declared.has(packageNameOf(s))) {
                            problems.push(`${f}: "${s}" is neither a builtin nor a dependency of ${m.name}`);
                        }
                    }
                }
                assert.deepEqual(problems, []);
                assert.ok(checked > 10, `only ${checked} imports found in the ${m.name} tarball`);
            });
        });
    }

    it("core imports no @pulumi/* module: not in its sources (tests aside), not in its dist, not among its dependencies", () => {
        const coreDir = path.join(ROOT, "core");
        // The test files and testing.ts are not compiled (core/tsconfig.json); kinds.test.ts reads
        // @pulumi/kubernetes' files by path on purpose.
        const sources = walk(path.join(coreDir, "src")).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && path.basename(f) !== "testing.ts");
        const compiled = walk(path.join(coreDir, "dist")).filter((f) => f.endsWith(".js") || f.endsWith(".d.ts"));
        assert.ok(sources.length > 20 && compiled.length > 20, `${sources.length} sources, ${compiled.length} compiled files`);
        const offenders = [...sources, ...compiled].flatMap((f) => pulumiImports(f).map((s) => `${path.relative(ROOT, f)}: ${s}`));
        assert.deepEqual(offenders, []);
        const core = manifests.get("core")!;
        assert.deepEqual(
            Object.keys({ ...core.dependencies, ...core.peerDependencies }).filter((d) => d.startsWith("@pulumi/")),
            [],
        );
    });

    it("the import scan sees @pulumi/* imports where they are (the component), so the core check can fail", () => {
        const offenders = walk(path.join(ROOT, "components", "dist")).filter((f) => f.endsWith(".js") && pulumiImports(f).length > 0);
        assert.ok(
            offenders.some((f) => path.basename(f) === "vmafx-stack.js"),
            offenders.join(", "),
        );
    });

    it("requiring @vmafx-k8s/vmafx/plan or @vmafx-k8s/core in a fresh node loads no /@pulumi/ module; the package's main does", () => {
        const componentDist = path.join(fs.realpathSync(path.join(ROOT, "components")), "dist");
        const plan = loadedModules(`const resolved = require.resolve("@vmafx-k8s/vmafx/plan"); require(resolved)`);
        assert.equal(fs.realpathSync(plan.resolved), path.join(componentDist, "release.js"));
        assert.ok(
            plan.loaded.some((f) => f.startsWith(componentDist + path.sep)),
            "the plan entry loaded none of the component's files",
        );
        assert.deepEqual(
            plan.loaded.filter((f) => f.includes("/@pulumi/")),
            [],
        );
        const core = loadedModules(`const resolved = require.resolve("@vmafx-k8s/core"); require(resolved)`);
        assert.equal(fs.realpathSync(core.resolved), path.join(fs.realpathSync(path.join(ROOT, "core")), "dist", "index.js"));
        assert.deepEqual(
            core.loaded.filter((f) => f.includes("/@pulumi/")),
            [],
        );
        // The probe itself: the component's main entry does load Pulumi.
        const main = loadedModules(`const resolved = require.resolve("@vmafx-k8s/vmafx"); require(resolved)`);
        assert.ok(
            main.loaded.some((f) => f.includes("/@pulumi/pulumi/")),
            "the probe saw no @pulumi/pulumi module under the component's main entry",
        );
    });
});
