import { strict as assert } from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { DEFAULTS } from "@vmafx-k8s/vmafx/plan";
import { projectFile } from "../tools/config-reference";
import { DOC_PATH, PROJECT_FILE_PATH, README_PATH, generateDeploymentDoc, withConfigReference } from "../tools/docs";

describe("generated docs", () => {
    it("docs/k8s-deployment.md is what `npm run docs` generates from the code", () => {
        assert.equal(fs.readFileSync(DOC_PATH, "utf8"), generateDeploymentDoc(), "docs/k8s-deployment.md is stale: run `npm run docs`");
    });

    it("the README's config reference is what `npm run docs` generates from components/args.ts and defaults.ts", () => {
        const readme = fs.readFileSync(README_PATH, "utf8");
        assert.equal(readme, withConfigReference(readme), "README.md config reference is stale: run `npm run docs`");
        assert.match(readme, /\| `vmafx:networkPolicy → nodeToObjectStore\.destinations` \| CidrBlock\[\] \|/);
        assert.match(readme, /\| `vmafx:rcloneConfig` \| string \(secret\) \|/);
    });

    it("Pulumi.yaml declares every config key with a default, as `npm run docs` generates it", () => {
        const text = fs.readFileSync(PROJECT_FILE_PATH, "utf8");
        assert.equal(text, projectFile(), "Pulumi.yaml is stale: run `npm run docs`");
        const config = (yaml.load(text) as any).config as Record<string, any>;
        // A declared key without a default is required by the CLI ("missing configuration value").
        for (const [key, decl] of Object.entries(config)) assert.ok("default" in decl && decl.description, key);
        assert.equal(config.workload.default, DEFAULTS.workload);
        assert.equal(config.terminationGracePeriodSeconds.type, "integer");
        assert.deepEqual(config.networkPolicy.default, {});
        assert.equal(config.rcloneConfig.secret, true);
    });

    it("has the Pod security table and the NetworkPolicy matrix", () => {
        const doc = generateDeploymentDoc();
        assert.match(doc, /^## Pod security$/m);
        assert.match(doc, /\| container \| `securityContext.allowPrivilegeEscalation` \| `false` \| allowPrivilegeEscalation \(restricted\) \|/);
        assert.match(doc, /^## NetworkPolicy$/m);
        assert.match(
            doc,
            /\| `vmafx-node-to-object-store-egress` \| Egress \| node pods \| object store 10\.20\.0\.0\/16 except 10\.20\.128\.0\/20; object store fd00:20::\/48 \| TCP 443 \|/,
        );
    });
});
