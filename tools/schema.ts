// `npm run schema`: prints the package schema Pulumi infers for the vmafx component package,
// offline, through the SDK's component provider (what `pulumi package get-schema components`
// would print), so other languages' SDKs can be reviewed without the CLI.
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { VmafxStack } from "@vmafx-k8s/vmafx";

export const PACKAGE_DIR = path.dirname(require.resolve("@vmafx-k8s/vmafx/package.json"));

export async function packageSchema(): Promise<Record<string, any>> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { name: npmName, version } = require("@vmafx-k8s/vmafx/package.json") as { name: string; version: string };
    // As the CLI's plugin host names it (cmd/run-plugin): the npm scope becomes the schema's
    // namespace, the rest the package name.
    const [, scope, name] = /^(?:@([^/]+)\/)?(.+)$/.exec(npmName)!;
    const provider = new ComponentProvider({ components: [VmafxStack], name, namespace: scope, version, dirname: PACKAGE_DIR });
    return JSON.parse(await provider.getSchema());
}

if (require.main === module) {
    packageSchema().then(
        (schema) => console.log(JSON.stringify(schema, null, 2)),
        (e) => {
            console.error(`error: ${(e as Error).message}`);
            process.exit(1);
        },
    );
}
