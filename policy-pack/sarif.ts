// --format sarif: one SARIF 2.1.0 log (GitHub code scanning and other SARIF viewers). One rule per check that can
// report (psa: the Pod Security checks; check: the policies), with its description, fix and documentation link;
// one result per finding, located at the object's file, line and column (uriBaseId SRCROOT = the working
// directory, so uploads resolve paths inside the repository); exempted findings carry a suppression (inSource
// for an annotation on the object, external for an exemptions file) with the reason; input errors are
// toolExecutionNotifications and make executionSuccessful false. sarif.test.ts validates the output against the
// official schema.
import * as path from "path";
import { pathToFileURL } from "url";
import type * as Sarif from "sarif";
import { docsUrl } from "./check-docs";
import { Finding, ObjectRef, Report, objectLabel } from "./report";

export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

export interface SarifOptions {
    version: string;
    /** Base URL of the docs/policies pages (--docs-url). */
    docsBase?: string;
    /** Paths are made relative to it (default: the working directory). */
    cwd?: string;
}

/** A file as an artifact location: relative to SRCROOT when inside it, else an absolute file URL; stdin as "-". */
function artifactLocation(file: string, cwd: string): Sarif.ArtifactLocation {
    if (file === "-") return { uri: "stdin" };
    const abs = path.resolve(cwd, file);
    const rel = path.relative(cwd, abs);
    if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
    return { uri: rel.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: "SRCROOT" };
}

function location(o: ObjectRef, cwd: string): Sarif.Location {
    return {
        physicalLocation: {
            artifactLocation: artifactLocation(o.file, cwd),
            region: { startLine: o.line ?? 1, ...(o.column !== undefined ? { startColumn: o.column } : {}) },
        },
        logicalLocations: [{ name: o.name, fullyQualifiedName: `${o.kind}/${o.namespace ? `${o.namespace}/` : ""}${o.name}`, kind: "object" }],
    };
}

function suppression(f: Finding): Sarif.Suppression[] | undefined {
    if (!f.exemption) return undefined;
    return [
        {
            kind: f.exemption.source === "annotation" ? "inSource" : "external",
            status: "accepted",
            justification: f.exemption.reason,
            location: { message: { text: f.exemption.where } },
            properties: { ...(f.exemption.expires ? { expires: f.exemption.expires } : {}), ...(f.exemption.owner ? { owner: f.exemption.owner } : {}) },
        },
    ];
}

/** The SARIF log of a report (not exported: its type is @types/sarif's, a dev dependency). */
function sarifLog(report: Report, options: SarifOptions): Sarif.Log {
    const cwd = options.cwd ?? process.cwd();
    const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
    const rules: Sarif.ReportingDescriptor[] = report.rules.map((r) => {
        const uri = r.documented ? docsUrl(r.id, options.docsBase) : undefined;
        const page = r.documented ? `docs/policies/${r.id}.md` : undefined;
        const help = [r.description, r.fix ? `Fix: ${r.fix}` : "", page ? `Documentation: ${uri ?? page}` : ""].filter((x) => x !== "");
        return {
            id: r.id,
            name: r.id,
            shortDescription: { text: r.summary },
            fullDescription: { text: r.description },
            help: {
                text: help.join("\n\n"),
                markdown: help.map((h) => (page && h.startsWith("Documentation: ") ? `Documentation: [${page}](${uri ?? page})` : h)).join("\n\n"),
            },
            ...(uri ? { helpUri: uri } : {}),
            defaultConfiguration: { level: r.blocking ? "error" : "warning" },
            properties: { tags: ["kubernetes", "security", report.command === "psa" ? "pod-security" : "policy"] },
        };
    });
    const results: Sarif.Result[] = report.findings.map((f) => {
        const ruleId = report.ruleOf(f);
        const sup = suppression(f);
        const index = ruleIndex.get(ruleId);
        return {
            ruleId,
            ...(index !== undefined ? { ruleIndex: index } : {}),
            level: f.blocking ? "error" : "warning",
            message: { text: f.object ? `${objectLabel(f.object)}: ${f.message}` : f.message },
            ...(f.object ? { locations: [location(f.object, cwd)] } : {}),
            ...(f.object
                ? { partialFingerprints: { "vmafxObject/v1": `${f.object.kind}/${f.object.namespace ?? ""}/${f.object.name}/${f.policy}/${f.check}` } }
                : {}),
            ...(sup ? { suppressions: sup } : {}),
            properties: { policy: f.policy, check: f.check, ...(f.level ? { enforcementLevel: f.level } : {}) },
        };
    });
    return {
        $schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: [
            {
                tool: { driver: { name: "vmafx-policy", version: options.version, semanticVersion: options.version, rules } },
                invocations: [
                    {
                        executionSuccessful: report.errors.length === 0,
                        exitCode: report.exitCode,
                        toolExecutionNotifications: [
                            ...report.errors.map((e): Sarif.Notification => ({ level: "error", message: { text: e } })),
                            ...report.warnings.map((w): Sarif.Notification => ({ level: "warning", message: { text: w } })),
                        ],
                    },
                ],
                originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
                properties: { command: report.command, title: report.title, objects: report.objects.length },
                results,
            },
        ],
    };
}

/** The SARIF log as the text written to stdout. */
export function sarifText(report: Report, options: SarifOptions): string {
    return JSON.stringify(sarifLog(report, options), null, 2);
}
