// `npm run schema`: prints the package schema Pulumi infers for the vmafx component package,
// offline, through the SDK's component provider (what `pulumi package get-schema components`
// would print), so other languages' SDKs can be reviewed without the CLI.
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { VmafxStack } from "vmafx";

export const PACKAGE_DIR = path.dirname(require.resolve("vmafx/package.json"));

export async function packageSchema(): Promise<Record<string, any>> {
    const { name, version } = require("vmafx/package.json");
    const provider = new ComponentProvider({ components: [VmafxStack], name, version, dirname: PACKAGE_DIR });
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
