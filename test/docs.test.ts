import { strict as assert } from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import { flowMatrix, flowMermaid, modelFromManifests } from "@vmafx-k8s/core";
import { DEFAULTS, buildPlan } from "@vmafx-k8s/vmafx/plan";
import { stackContext } from "../tools/offline/stack-context";
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

    it("draws the allowed flows of prod and of dev with NetworkPolicies on as Mermaid, from the flow analyzer", () => {
        const doc = generateDeploymentDoc();
        const blocks = [...doc.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
        assert.equal(blocks.length, 2);
        assert.ok(doc.indexOf("#### prod stack") < doc.indexOf(blocks[0]) && doc.indexOf(blocks[0]) < doc.indexOf("#### dev stack"));
        const prod = stackContext("prod");
        const manifests = buildPlan(prod).map((p) => p.manifest) as unknown as Record<string, any>[];
        assert.equal(blocks[0], flowMermaid(flowMatrix(modelFromManifests(manifests, prod.naming.namespace))));
        assert.match(blocks[0], /^flowchart LR\n/);
        assert.match(blocks[0], /\["Deployment\/vmafx-node"\]/);
        assert.match(blocks[0], /\[\/"10\.20\.0\.0\/16 except 10\.20\.128\.0\/20"\/\]/);
        // prod lets nothing reach the whole internet: no /0 endpoint is drawn.
        assert.doesNotMatch(blocks[0], /"(0\.0\.0\.0|::)\/0/);
        assert.match(blocks[1], /"0\.0\.0\.0\/0 except 10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16, 169\.254\.0\.0\/16"/);
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
