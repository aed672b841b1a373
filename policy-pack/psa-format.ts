// How vmafx-policy psa words a Pod Security violation (shared by the command and the check pages of explain.ts).
import { PsaResult, joinFieldPath } from "@vmafx-k8s/core";

/** One PSA violation as one line: reason (detail): where. Fix: ... */
export function psaViolationMessage(v: PsaResult["violations"][number], templatePath: string): string {
    const where = v.findings
        .map(
            (f) =>
                `${f.container !== undefined ? `container "${f.container}": ` : ""}${joinFieldPath(templatePath, f.path)}${f.value === undefined ? " is not set" : ` = ${JSON.stringify(f.value)}`}`,
        )
        .join("; ");
    return `${v.reason}${v.detail ? ` (${v.detail})` : ""}: ${where}. Fix: ${v.fix}.`;
}
