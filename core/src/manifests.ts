// Reads Kubernetes objects from YAML for the vmafx-policy command and the pack's tests: files (multi-document),
// directories (recursively, *.yaml and *.yml in name order) and `-` for stdin; `kind: List`
// (and any *List kind with items) is expanded into its items. Empty documents are skipped.
// `index` is the 0-based position of an object among the objects of its file after expansion.
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

export interface ManifestObject {
    /** The input as given (`-` for stdin), or a file found under a given directory. */
    file: string;
    index: number;
    object: Record<string, any>;
}

export interface ManifestLoad {
    objects: ManifestObject[];
    /** Unreadable inputs and documents that are not Kubernetes objects. */
    errors: string[];
}

const isYamlFile = (name: string) => /\.ya?ml$/i.test(name);

function filesUnder(dir: string): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push(...filesUnder(p));
        else if (entry.isFile() && isYamlFile(entry.name)) out.push(p);
    }
    return out;
}

function isObject(v: unknown): v is Record<string, any> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Parses one YAML text into Kubernetes objects. */
export function parseManifests(text: string, file: string): ManifestLoad {
    const objects: ManifestObject[] = [];
    const errors: string[] = [];
    let docs: unknown[];
    try {
        docs = yaml.loadAll(text);
    } catch (e) {
        return { objects, errors: [`${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}`] };
    }
    const add = (doc: unknown, where: string) => {
        if (doc === null || doc === undefined) return;
        if (!isObject(doc) || typeof doc.kind !== "string" || typeof doc.apiVersion !== "string") {
            errors.push(`${file}: ${where} is not a Kubernetes object (it needs apiVersion and kind)`);
            return;
        }
        if (doc.kind.endsWith("List") && Array.isArray(doc.items)) {
            doc.items.forEach((item: unknown, i: number) => add(item, `${where} items[${i}]`));
            return;
        }
        objects.push({ file, index: objects.length, object: doc });
    };
    docs.forEach((doc, i) => add(doc, `document ${i + 1}`));
    return { objects, errors };
}

/** Loads every input; `readStdin` is called once when an input is `-`. */
export function loadManifests(inputs: readonly string[], readStdin: () => string): ManifestLoad {
    const result: ManifestLoad = { objects: [], errors: [] };
    const merge = (r: ManifestLoad) => {
        result.objects.push(...r.objects);
        result.errors.push(...r.errors);
    };
    for (const input of inputs) {
        if (input === "-") {
            let text: string;
            try {
                text = readStdin();
            } catch (e) {
                result.errors.push(`-: cannot read stdin: ${(e as Error).message}`);
                continue;
            }
            merge(parseManifests(text, "-"));
            continue;
        }
        let files: string[];
        try {
            files = fs.statSync(input).isDirectory() ? filesUnder(input) : [input];
        } catch (e) {
            result.errors.push(`${input}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
            continue;
        }
        for (const file of files) {
            let text: string;
            try {
                text = fs.readFileSync(file, "utf8");
            } catch (e) {
                result.errors.push(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
                continue;
            }
            merge(parseManifests(text, file));
        }
    }
    return result;
}
