// --format junit: JUnit XML that CI systems show as test results. One <testsuite> per policy (psa: pod-security),
// one <testcase> per object of the input in each (object x policy), named `Kind namespace/name (file#index)`:
//   - a blocking finding (a pod not allowed, a mandatory violation) is a <failure>, its messages the body;
//   - advisory findings leave the case passing and are its <system-out> (they do not fail the command either);
//   - a case whose findings were all exempted is <skipped> with the exemption's reason, so exemptions show;
//   - an object the run has nothing to judge in (psa: not pod-bearing) is <skipped> too.
// Stack-wide findings are a case "(stack)" of their policy; input errors are <error> cases of a suite "input".
// The XML is built by fast-xml-parser's builder (escaping), after removing the characters XML 1.0 cannot hold.
import type { XMLBuilder as Builder } from "fast-xml-parser";
import { Finding, ObjectRef, Report, exemptionText, objectLabel } from "./report";

/** Characters XML 1.0 forbids (control characters but tab, LF, CR; lone surrogates; U+FFFE/U+FFFF). */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const xmlText = (s: string) => s.replace(NOT_XML, "\uFFFD");

interface Case {
    name: string;
    object?: ObjectRef;
    findings: Finding[];
}

function testcase(suite: string, c: Case): Record<string, unknown> {
    const open = c.findings.filter((f) => !f.exemption);
    const blocking = open.filter((f) => f.blocking);
    const advisory = open.filter((f) => !f.blocking);
    const exempted = c.findings.filter((f) => f.exemption);
    const body: Record<string, unknown> = {
        "@_classname": `vmafx-policy.${suite}`,
        "@_name": xmlText(c.name),
        ...(c.object ? { "@_file": xmlText(c.object.file), ...(c.object.line !== undefined ? { "@_line": c.object.line } : {}) } : {}),
    };
    if (blocking.length > 0) {
        body.failure = {
            "@_message": xmlText(blocking[0].message.split("\n")[0]),
            "@_type": blocking[0].level ?? blocking[0].check,
            "#text": xmlText(blocking.map((f) => `[${f.check}] ${f.message}`).join("\n")),
        };
    } else if (exempted.length > 0 && advisory.length === 0) {
        body.skipped = { "@_message": xmlText(`exempted: ${exempted.map((f) => `${f.check}: ${exemptionText(f.exemption!)}`).join("; ")}`) };
    } else if (c.findings.length === 0 && c.object?.notApplicable) {
        body.skipped = { "@_message": xmlText(c.object.notApplicable) };
    }
    const notes = [
        ...advisory.map((f) => `[advisory] [${f.check}] ${f.message}`),
        ...exempted.map((f) => `[exempted] [${f.check}] ${f.message} - ${exemptionText(f.exemption!)}`),
    ];
    if (notes.length > 0) body["system-out"] = xmlText(notes.join("\n"));
    return body;
}

/** The JUnit XML of a report. */
export function junitXml(report: Report): string {
    const key = (o: ObjectRef) => `${o.file}#${o.index}`;
    const suites: Record<string, unknown>[] = [];
    let tests = 0;
    let failures = 0;
    let skipped = 0;
    for (const suite of report.suites) {
        const byObject = new Map<string, Finding[]>();
        const stack: Finding[] = [];
        for (const f of report.findings) {
            if (f.policy !== suite) continue;
            if (f.object) byObject.set(key(f.object), [...(byObject.get(key(f.object)) ?? []), f]);
            else stack.push(f);
        }
        const cases: Case[] = report.objects.map((o) => ({ name: objectLabel(o), object: o, findings: byObject.get(key(o)) ?? [] }));
        if (stack.length > 0) cases.push({ name: "(stack)", findings: stack });
        const built = cases.map((c) => testcase(suite, c));
        const f = built.filter((b) => b.failure).length;
        const s = built.filter((b) => b.skipped).length;
        tests += built.length;
        failures += f;
        skipped += s;
        suites.push({ "@_name": suite, "@_tests": built.length, "@_failures": f, "@_errors": 0, "@_skipped": s, testcase: built });
    }
    if (report.errors.length > 0) {
        suites.push({
            "@_name": "input",
            "@_tests": report.errors.length,
            "@_failures": 0,
            "@_errors": report.errors.length,
            "@_skipped": 0,
            testcase: report.errors.map((e) => ({
                "@_classname": "vmafx-policy.input",
                "@_name": xmlText(e.split(": ")[0]),
                error: { "@_message": xmlText(e), "@_type": "input" },
            })),
        });
        tests += report.errors.length;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { XMLBuilder } = require("fast-xml-parser") as { XMLBuilder: typeof Builder };
    const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, indentBy: "  ", suppressEmptyNode: true });
    return (
        `<?xml version="1.0" encoding="UTF-8"?>\n` +
        builder.build({
            testsuites: {
                "@_name": xmlText(`vmafx-policy ${report.command}: ${report.title}`),
                "@_tests": tests,
                "@_failures": failures,
                "@_errors": report.errors.length,
                "@_skipped": skipped,
                testsuite: suites,
            },
        })
    );
}
