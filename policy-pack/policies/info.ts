// The pages of docs/policies/ and `vmafx-policy explain` (explain.ts renders them) from the policy objects: their
// description, kind, default level and config schema, as the pack runs them.
import { Policy, StackValidationPolicy } from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { DOC_IDS } from "../check-docs";
import { PolicyInfo, indexPage, isPolicyId, policyPage, psaCheckPage } from "../explain";
import { PROD_MANDATORY, POLICIES } from "./index";

function kindOf(p: Policy): "resource" | "stack" {
    return typeof (p as StackValidationPolicy).validateStack === "function" ? "stack" : "resource";
}

function typeText(s: PolicyConfigJSONSchema): string {
    if (Array.isArray(s.type)) return s.type.join(" or ");
    const items = s.items;
    if (s.type === "array" && items !== undefined && typeof items === "object" && !Array.isArray(items)) return `${String(items.type ?? "any")}[]`;
    return String(s.type ?? "any");
}

/** What a page says about each policy of the pack, in POLICIES order. */
export function policyInfos(): PolicyInfo[] {
    return POLICIES.map((p) => ({
        name: p.name,
        description: p.description,
        defaultLevel: PROD_MANDATORY.includes(p.name) ? "mandatory in prod, advisory elsewhere" : (p.enforcementLevel ?? "advisory"),
        kind: kindOf(p),
        config: Object.entries(p.configSchema?.properties ?? {}).map(([key, s]) => ({
            key,
            type: typeText(s),
            default: s.default,
            description: s.description,
        })),
    }));
}

/** The Markdown page of one ID (a policy or a Pod Security check); throws for an unknown ID. */
export function checkPage(id: string): string {
    if (isPolicyId(id)) return policyPage(policyInfos().find((p) => p.name === id)!);
    return psaCheckPage(id);
}

/** Every page of docs/policies/: README.md (the index) and <id>.md for each ID. */
export function checkPages(): { file: string; markdown: string }[] {
    const infos = policyInfos();
    return [{ file: "README.md", markdown: indexPage(infos) }, ...DOC_IDS.map((id) => ({ file: `${id}.md`, markdown: checkPage(id) }))];
}
