// metav1.LabelSelector matching (k8s.io/apimachinery LabelSelectorAsSelector semantics).
import { LabelSelector, LabelSelectorRequirement } from "./types";

function requirementMatches(req: LabelSelectorRequirement, labels: Record<string, string>): boolean {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
        case "In":
            return has && values.includes(labels[req.key]);
        case "NotIn":
            // A pod without the key matches NotIn.
            return !has || !values.includes(labels[req.key]);
        case "Exists":
            return has;
        case "DoesNotExist":
            return !has;
        default:
            // The API server rejects other operators; an invalid selector selects nothing.
            return false;
    }
}

/**
 * True when `labels` satisfy the selector: every matchLabels pair AND every
 * matchExpressions requirement. An empty selector (`{}`) matches everything; so does
 * `undefined`/`null`, which is how an absent spec.podSelector behaves. (Peer selectors
 * treat "absent" differently: that is decided by the caller, not here.)
 */
export function selectorMatches(sel: LabelSelector | null | undefined, labels: Record<string, string>): boolean {
    if (sel == null) {
        return true;
    }
    for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
        if (!Object.prototype.hasOwnProperty.call(labels, key) || labels[key] !== value) {
            return false;
        }
    }
    return (sel.matchExpressions ?? []).every((req) => requirementMatches(req, labels));
}
