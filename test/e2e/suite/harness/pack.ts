// The policy pack as another repository gets it: `npm pack` of core and policy-pack (from a project copy), the
// tarballs `npm install`ed into an empty project outside the repository (their registry dependencies,
// @pulumi/policy, @pulumi/pulumi, …, come from the registry, its cache first). Made once per work dir.
import * as fs from "fs";
import * as path from "path";
import { run } from "./exec";

export interface InstalledPack {
    /** The empty project the tarballs were installed into. */
    installDir: string;
    /** <installDir>/node_modules/@vmafx-k8s/policy-pack: the --policy-pack directory. */
    pack: string;
    tarballs: string[];
}

const made = new Map<string, Promise<InstalledPack>>();

export function installedPack(workDir: string, projectDir: string): Promise<InstalledPack> {
    let p = made.get(workDir);
    if (!p) {
        p = install(workDir, projectDir);
        made.set(workDir, p);
    }
    return p;
}

async function install(workDir: string, projectDir: string): Promise<InstalledPack> {
    const tarballDir = path.join(workDir, "tarballs");
    const installDir = path.join(workDir, "pack-install");
    fs.mkdirSync(tarballDir, { recursive: true });
    fs.mkdirSync(installDir, { recursive: true });
    for (const w of ["core", "policy-pack"]) {
        await run("npm", ["pack", "--silent", "--pack-destination", tarballDir], { cwd: path.join(projectDir, w), timeoutMs: 300_000 });
    }
    const tarballs = fs
        .readdirSync(tarballDir)
        .filter((f) => f.endsWith(".tgz"))
        .sort()
        .map((f) => path.join(tarballDir, f));
    fs.writeFileSync(path.join(installDir, "package.json"), JSON.stringify({ name: "vmafx-e2e-pack-install", version: "0.0.0", private: true }));
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs], { cwd: installDir, timeoutMs: 900_000 });
    return { installDir, pack: path.join(installDir, "node_modules/@vmafx-k8s/policy-pack"), tarballs };
}
