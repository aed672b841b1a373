// The real engine's binaries: test/e2e/build-toolchain.sh builds them once (or finds them in its cache) and prints
// their bin directory; the suite runs it once per process.
import * as fs from "fs";
import * as path from "path";
import { run } from "./exec";

export const REPO_ROOT = path.resolve(__dirname, "../../../..");
export const E2E_DIR = path.join(REPO_ROOT, "test/e2e");

export interface Toolchain {
    /** pulumi, pulumi-language-nodejs, pulumi-language-yaml, sdkgen, etcd, kube-apiserver, kubectl. */
    bin: string;
    /** The directory of the built pulumi-resource-kubernetes, named by the project copies' `plugins.providers`. */
    pluginDir: string;
}

let pending: Promise<Toolchain> | undefined;

export function toolchain(): Promise<Toolchain> {
    pending ??= build();
    return pending;
}

async function build(): Promise<Toolchain> {
    // A cold build takes 20-80 min on 2 cores; a cached one only checks the binaries.
    const { stdout, stderr } = await run("bash", [path.join(E2E_DIR, "build-toolchain.sh")], { timeoutMs: 3 * 3600_000 });
    if (stderr.trim()) process.stderr.write(stderr.endsWith("\n") ? stderr : `${stderr}\n`);
    const bin = stdout.trim().split("\n").pop() ?? "";
    const pluginDir = path.join(path.dirname(bin), "plugins", "kubernetes");
    for (const file of [path.join(bin, "pulumi"), path.join(bin, "kubectl"), path.join(pluginDir, "pulumi-resource-kubernetes")]) {
        if (!fs.existsSync(file)) throw new Error(`build-toolchain.sh printed ${bin}, but ${file} does not exist`);
    }
    return { bin, pluginDir };
}
