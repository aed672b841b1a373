// docs/policies/<id>.md: one page per policy of the pack and per Pod Security check, and README.md listing them,
// generated from the definitions the checks run from (policy-pack/policies/info.ts, explain.ts). `npm run docs`
// writes them with the other generated files (tools/docs.ts); `npm run docs -- --check` fails when one is stale.
import * as path from "path";
import { checkPages } from "@vmafx-k8s/policy-pack/policies";
import { PROJECT_DIR } from "./project";

export const POLICY_DOCS_DIR = path.join(PROJECT_DIR, "docs", "policies");

/** Every page with the content `npm run docs` writes. */
export function policyDocFiles(): { path: string; content: string }[] {
    return checkPages().map((p) => ({ path: path.join(POLICY_DOCS_DIR, p.file), content: p.markdown }));
}
