import { strict as assert } from "assert";
import { LabelSelector, selectorMatches } from "./index";

describe("netpol: selectorMatches", () => {
    const web = { app: "web", tier: "frontend", env: "prod" };
    const bare = { app: "web" };
    const cases: { title: string; sel: LabelSelector | undefined; labels: Record<string, string>; want: boolean }[] = [
        { title: "undefined selects everything", sel: undefined, labels: {}, want: true },
        { title: "{} selects everything", sel: {}, labels: web, want: true },
        { title: "matchLabels subset matches", sel: { matchLabels: { app: "web" } }, labels: web, want: true },
        { title: "matchLabels needs every pair", sel: { matchLabels: { app: "web", env: "dev" } }, labels: web, want: false },
        { title: "matchLabels values are case-sensitive", sel: { matchLabels: { app: "Web" } }, labels: web, want: false },
        { title: "matchLabels missing key", sel: { matchLabels: { tier: "frontend" } }, labels: bare, want: false },
        { title: "matchLabels empty-string value needs the key", sel: { matchLabels: { tier: "" } }, labels: bare, want: false },
        {
            title: "In matches a listed value",
            sel: { matchExpressions: [{ key: "tier", operator: "In", values: ["backend", "frontend"] }] },
            labels: web,
            want: true,
        },
        { title: "In rejects an unlisted value", sel: { matchExpressions: [{ key: "tier", operator: "In", values: ["backend"] }] }, labels: web, want: false },
        { title: "In rejects a missing key", sel: { matchExpressions: [{ key: "tier", operator: "In", values: ["frontend"] }] }, labels: bare, want: false },
        { title: "In with no values matches nothing", sel: { matchExpressions: [{ key: "tier", operator: "In", values: [] }] }, labels: web, want: false },
        {
            title: "NotIn rejects a listed value",
            sel: { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["frontend"] }] },
            labels: web,
            want: false,
        },
        {
            title: "NotIn accepts an unlisted value",
            sel: { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["backend"] }] },
            labels: web,
            want: true,
        },
        {
            title: "NotIn accepts a missing key",
            sel: { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["frontend"] }] },
            labels: bare,
            want: true,
        },
        { title: "Exists with the key", sel: { matchExpressions: [{ key: "tier", operator: "Exists" }] }, labels: web, want: true },
        { title: "Exists without the key", sel: { matchExpressions: [{ key: "tier", operator: "Exists" }] }, labels: bare, want: false },
        { title: "DoesNotExist without the key", sel: { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels: bare, want: true },
        { title: "DoesNotExist with the key", sel: { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, labels: web, want: false },
        {
            title: "unknown operator selects nothing",
            sel: { matchExpressions: [{ key: "tier", operator: "Equals", values: ["frontend"] }] },
            labels: web,
            want: false,
        },
        {
            title: "matchLabels AND matchExpressions (both hold)",
            sel: {
                matchLabels: { app: "web" },
                matchExpressions: [
                    { key: "env", operator: "In", values: ["prod"] },
                    { key: "debug", operator: "DoesNotExist" },
                ],
            },
            labels: web,
            want: true,
        },
        {
            title: "matchLabels AND matchExpressions (expression fails)",
            sel: { matchLabels: { app: "web" }, matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] },
            labels: web,
            want: false,
        },
        {
            title: "matchLabels AND matchExpressions (labels fail)",
            sel: { matchLabels: { app: "api" }, matchExpressions: [{ key: "env", operator: "In", values: ["prod"] }] },
            labels: web,
            want: false,
        },
    ];
    for (const c of cases) {
        it(c.title, () => assert.equal(selectorMatches(c.sel, c.labels), c.want));
    }

    it("does not read inherited properties as labels", () => {
        assert.equal(selectorMatches({ matchExpressions: [{ key: "toString", operator: "Exists" }] }, {}), false);
        assert.equal(selectorMatches({ matchExpressions: [{ key: "constructor", operator: "DoesNotExist" }] }, {}), true);
    });
});
