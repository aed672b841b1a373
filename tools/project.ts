// Where the project's files are, whether a tool runs compiled (dist/tools/…) or from its
// sources under ts-node (the tests): the nearest directory above this file holding Pulumi.yaml.
import * as fs from "fs";
import * as path from "path";

function findProjectDir(start: string): string {
    for (let dir = start; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${start}`);
    }
}

export const PROJECT_DIR = findProjectDir(__dirname);
/** The program as the tools run it under mocks: compiled, like every other user-facing command. */
export const PROGRAM = path.join(PROJECT_DIR, "dist", "index.js");
