// Reads Kubernetes objects from YAML and JSON for the vmafx-policy command and the pack's tests: files
// (multi-document), directories (recursively, *.yaml, *.yml and *.json in name order, as `kubectl apply -f <dir>`
// reads them) and `-` for stdin; `kind: List` (and any *List kind with items) is expanded into its items. Empty
// documents are skipped. `index` is the 0-based position of an object among the objects of its file after
// expansion.
//
// A Helm chart is not a manifest: a directory holding a Chart.yaml is reported (with the `helm template`
// command to run first) instead of read, and so is a Chart.yaml given by name; a file that is not valid YAML
// and holds template actions (`{{ ... }}`) gets the same hint.
//
// YAML is read by js-yaml's loadAll, or, for the block-style YAML that tools write (helm template,
// kubectl get -o yaml, kustomize, the offline render), by the fast reader below, which gives the same
// documents several times faster and without loading js-yaml at all (see readYamlFast). JSON (a `.json`
// file, or stdin starting with `{`) is read by JSON.parse.
import { isAscii } from "buffer";
import * as fs from "fs";
import type * as JsYaml from "js-yaml";
import * as path from "path";

export interface ManifestObject {
    /** The input as given (`-` for stdin), or a file found under a given directory. */
    file: string;
    index: number;
    object: Record<string, any>;
    /** 1-based line of the object's first key (of its `- ` entry for a List item); only with `positions`. */
    line?: number;
    /** 1-based column of the same; only with `positions`. */
    column?: number;
}

export interface ManifestLoad {
    objects: ManifestObject[];
    /** Unreadable inputs, documents that are not Kubernetes objects, Helm charts and (without allowEmpty) empty inputs. */
    errors: string[];
}

export interface ManifestOptions {
    /** Sets `line` and `column` of every object (one extra pass over each file's text). Default false. */
    positions?: boolean;
    /**
     * False: an input (a file, a directory, stdin) that holds no Kubernetes object is an error, so that a
     * CI job pointed at the wrong path or fed an empty pipe does not pass. Default true.
     */
    allowEmpty?: boolean;
}

const isManifestFile = (name: string) => /\.(ya?ml|json)$/i.test(name);
const isJsonFile = (name: string) => /\.json$/i.test(name);
const byName = (a: fs.Dirent, b: fs.Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** What `helm template` takes; the hint every chart error ends with. */
const HELM_HINT = "render it first, e.g. `helm template <release> <chart-dir> [-f values.yaml] | vmafx-policy <command> -`";

function chartError(name: string, file = false): string {
    return `${name}: ${file ? "the Chart.yaml of a Helm chart" : "a Helm chart (it holds Chart.yaml)"}, not rendered manifests: ${HELM_HINT}`;
}

/** The manifest files under dir, in name order; a chart directory is reported and not entered. */
function filesUnder(dir: string, errors: string[]): string[] {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort(byName);
    if (entries.some((e) => e.isFile() && e.name === "Chart.yaml")) {
        errors.push(chartError(dir));
        return [];
    }
    const out: string[] = [];
    for (const entry of entries) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) out.push(...filesUnder(p, errors));
        else if (entry.isFile() && isManifestFile(entry.name)) out.push(p);
    }
    return out;
}

function isObject(v: unknown): v is Record<string, any> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

let jsYaml: typeof JsYaml | undefined;

function jsYamlLoadAll(text: string): unknown[] {
    // Required on first use: most inputs never need it, and loading it is most of the command's start-up.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jsYaml ??= require("js-yaml") as typeof JsYaml;
    return jsYaml.loadAll(text);
}

/**
 * Every document of a YAML stream, exactly as js-yaml's `loadAll(text)` gives them (and its exception when the
 * text is not valid YAML): the fast reader where it covers the text, js-yaml (loaded on first use) otherwise.
 */
export function loadAllYaml(text: string): unknown[] {
    return readYamlFast(text) ?? jsYamlLoadAll(text);
}

/** Go template actions, as in a chart's templates/ (`{{ .Values.x }}`, `{{- if ... }}`, `{{ include ... }}`). */
const TEMPLATE_ACTION = /\{\{-?\s*(?:[.$(/"]|[a-z]+\b)/;

/** The Helm hint for an error in a text that holds template actions, else "". */
function templateHint(text: string): string {
    return TEMPLATE_ACTION.test(text) ? `; it holds {{ ... }} template actions: an un-rendered Helm template? ${HELM_HINT}` : "";
}

/** Where the objects of a file are: by document number (1-based, as in error messages) and List item index. */
type Locate = (doc: number, item?: number) => { line: number; column: number } | undefined;

/** Hands the Kubernetes objects of one document (a *List's items) to `add`, and names what is not one. */
function documentObjects(
    doc: unknown,
    where: string,
    file: string,
    add: (object: Record<string, any>, item?: number) => void,
    errors: string[],
    item?: number,
): void {
    if (doc === null || doc === undefined) return;
    if (!isObject(doc) || typeof doc.kind !== "string" || typeof doc.apiVersion !== "string") {
        errors.push(`${file}: ${where} is not a Kubernetes object (it needs apiVersion and kind)`);
        return;
    }
    if (doc.kind.endsWith("List") && Array.isArray(doc.items)) {
        // Items of nested Lists are located at their outermost item.
        doc.items.forEach((entry: unknown, i: number) => documentObjects(entry, `${where} items[${i}]`, file, add, errors, item ?? i));
        return;
    }
    add(doc, item);
}

/** The objects of one file's documents; errors name the file. */
function parseDocuments(docs: () => unknown[], file: string, text: string, options: ManifestOptions): ManifestLoad {
    const objects: ManifestObject[] = [];
    const errors: string[] = [];
    let all: unknown[];
    try {
        all = docs();
    } catch (e) {
        const what = isJsonText(file, text) ? "JSON" : "YAML";
        return { objects, errors: [`${file}: not valid ${what}: ${(e as Error).message.split("\n")[0]}${templateHint(text)}`] };
    }
    const locate = options.positions ? locator(file, text) : undefined;
    for (let i = 0; i < all.length; i++) {
        const add = (object: Record<string, any>, item?: number) => objects.push(withPosition({ file, index: objects.length, object }, locate, i + 1, item));
        documentObjects(all[i], `document ${i + 1}`, file, add, errors);
    }
    if (errors.length > 0 && objects.length === 0) {
        const hint = templateHint(text);
        if (hint) errors[errors.length - 1] += hint;
    }
    return { objects, errors };
}

function withPosition(m: ManifestObject, locate: Locate | undefined, doc: number, item: number | undefined): ManifestObject {
    const at = locate?.(doc, item);
    if (at) {
        m.line = at.line;
        m.column = at.column;
    }
    return m;
}

/** Read as JSON: a .json file, or stdin whose first character is `{`. */
function isJsonText(file: string, text: string): boolean {
    if (isJsonFile(file)) return true;
    if (file !== "-") return false;
    const start = /\S/.exec(text);
    return start !== null && text[start.index] === "{";
}

/** The documents of one file: JSON.parse for JSON, else the fast reader or js-yaml. */
function documentsOf(file: string, text: string): unknown[] {
    if (isJsonText(file, text)) return [JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)];
    return loadAllYaml(text);
}

/** Parses one YAML (or JSON, by the file's extension) text into Kubernetes objects. */
export function parseManifests(text: string, file: string, options: ManifestOptions = {}): ManifestLoad {
    return parseDocuments(() => documentsOf(file, text), file, text, options);
}

/** Receives the objects of forEachManifest, file by file. */
export interface ManifestSink {
    /** The next object of the file being read. */
    object(m: ManifestObject): void;
    /**
     * The objects given since the file's start are void: the file is read again from its start (rare: the fast
     * reader met something it leaves to js-yaml; js-yaml gives the same objects again, or finds the file invalid).
     */
    restart(): void;
    /** The file's objects are all given. */
    end(): void;
}

/**
 * What loadManifests reads, handed to `sink` object by object as soon as each document is read, so that the
 * caller need not keep the documents (vmafx-policy psa over large inputs); returns loadManifests' errors.
 */
export function forEachManifest(inputs: readonly string[], readStdin: () => string, sink: ManifestSink, options: ManifestOptions = {}): string[] {
    const errors: string[] = [];
    const counted = countingObjects(inputs, errors, options);
    for (const input of eachManifestText(inputs, readStdin, errors)) {
        const { file, text } = input;
        let index = 0;
        const fileErrors: string[] = [];
        const locate = options.positions ? locator(file, text) : undefined;
        let n = 0;
        const add = (object: Record<string, any>, item?: number) => sink.object(withPosition({ file, index: index++, object }, locate, n, item));
        if (!isJsonText(file, text) && readYamlFast(text, (doc) => documentObjects(doc, `document ${++n}`, file, add, fileErrors)) !== undefined) {
            if (index === 0 && fileErrors.length > 0) fileErrors[fileErrors.length - 1] += templateHint(text);
            for (const e of fileErrors) errors.push(e);
        } else {
            if (index > 0) sink.restart();
            const load = parseDocuments(() => (isJsonText(file, text) ? documentsOf(file, text) : jsYamlLoadAll(text)), file, text, options);
            index = load.objects.length;
            for (const o of load.objects) sink.object(o);
            for (const e of load.errors) errors.push(e);
        }
        counted.add(input.input, index);
        sink.end();
    }
    counted.finish();
    return errors;
}

/** Loads every input; `readStdin` is called once when an input is `-`. */
export function loadManifests(inputs: readonly string[], readStdin: () => string, options: ManifestOptions = {}): ManifestLoad {
    const result: ManifestLoad = { objects: [], errors: [] };
    const counted = countingObjects(inputs, result.errors, options);
    for (const input of eachManifestText(inputs, readStdin, result.errors)) {
        const load = parseManifests(input.text, input.file, options);
        for (const o of load.objects) result.objects.push(o);
        for (const e of load.errors) result.errors.push(e);
        counted.add(input.input, load.objects.length);
    }
    counted.finish();
    return result;
}

/** Counts the objects of each input, and (without allowEmpty) reports the inputs that were read but held none. */
function countingObjects(inputs: readonly string[], errors: string[], options: ManifestOptions) {
    const counts = new Map<number, number>();
    const readable = new Set<number>();
    return {
        add(input: number, objects: number) {
            readable.add(input);
            counts.set(input, (counts.get(input) ?? 0) + objects);
        },
        finish() {
            if (options.allowEmpty !== false) return;
            inputs.forEach((name, i) => {
                if ((counts.get(i) ?? 0) > 0) return;
                // An input that could not be read, or whose files are all reported, has its errors already.
                const under = name.endsWith(path.sep) ? name : name + path.sep;
                if (errors.some((e) => e.startsWith(`${name}:`) || e.startsWith(under))) return;
                const why =
                    name === "-"
                        ? "stdin is empty or holds only empty documents"
                        : readable.has(i)
                          ? "its documents are all empty"
                          : "it holds no .yaml, .yml or .json file";
                errors.push(`${name}: no Kubernetes objects (${why}); an empty input is an error unless allowed (vmafx-policy --allow-empty)`);
            });
        },
    };
}

/** The text of every file the inputs name (stdin for `-`), in order; what cannot be read is added to `errors`. */
function* eachManifestText(
    inputs: readonly string[],
    readStdin: () => string,
    errors: string[],
): Generator<{ input: number; file: string; text: string }, void, undefined> {
    for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i];
        if (input === "-") {
            let text: string;
            try {
                text = readStdin();
            } catch (e) {
                errors.push(`-: cannot read stdin: ${(e as Error).message}`);
                continue;
            }
            yield { input: i, file: "-", text };
            continue;
        }
        let files: string[];
        try {
            if (fs.statSync(input).isDirectory()) {
                files = filesUnder(input, errors);
            } else if (path.basename(input) === "Chart.yaml") {
                errors.push(chartError(input, true));
                continue;
            } else {
                files = [input];
            }
        } catch (e) {
            errors.push(`${input}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
            continue;
        }
        for (const file of files) {
            let text: string;
            try {
                // as readFileSync(file, "utf8"), twice as fast for the usual all-ASCII file
                const bytes = fs.readFileSync(file);
                text = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
            } catch (e) {
                errors.push(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
                continue;
            }
            yield { input: i, file, text };
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Positions. Only SARIF output needs them, so they are found in a pass of their own over the text, after the
// documents are read, by either reader: documents start as both readers start them (a `---` line, or content
// before the first one; `...` ends a document), and a List item starts at its `- ` line under `items:`. Where the
// text does not have that block shape (a flow-style List, say), an item gets its document's position.

interface DocumentStart {
    /** 0-based offset of the document's first content (-1: the document is empty). */
    offset: number;
    line: number;
    column: number;
}

/** Where each document of a YAML stream starts (index 0 is document 1). */
export function documentStarts(text: string): DocumentStart[] {
    const docs: DocumentStart[] = [];
    let open = false;
    let line = 0;
    for (let p = 0; p < text.length;) {
        line++;
        let e = text.indexOf("\n", p);
        if (e < 0) e = text.length;
        const marker = e - p >= 3 ? text.slice(p, p + 3) : "";
        const afterMarker = text.charCodeAt(p + 3);
        const isMarker = (marker === "---" || marker === "...") && (p + 3 >= e || afterMarker === 0x20 || afterMarker === 0x09 || afterMarker === 0x0d);
        if (isMarker && marker === "---") {
            const rest = /^[ \t]*(?:#.*)?\r?$/.test(text.slice(p + 3, e));
            const at = rest ? -1 : p + 3 + /^[ \t]*/.exec(text.slice(p + 3, e))![0].length;
            docs.push({ offset: at, line, column: at < 0 ? 0 : at - p + 1 });
            open = true;
        } else if (isMarker) {
            open = false;
        } else {
            let q = p;
            while (q < e && (text.charCodeAt(q) === 0x20 || text.charCodeAt(q) === 0x09)) q++;
            const c = text.charCodeAt(q);
            const content = q < e && c !== 0x23 /* # */ && c !== 0x0d && !(c === 0x25 /* % */ && !open && q === p);
            if (content) {
                if (!open) {
                    docs.push({ offset: q, line, column: q - p + 1 });
                    open = true;
                } else if (docs[docs.length - 1].offset < 0) {
                    docs[docs.length - 1] = { offset: q, line, column: q - p + 1 };
                }
            }
        }
        p = e + 1;
    }
    return docs;
}

/** The `- ` lines of the block sequence under `items:` of the document starting at `start` (ending before `end`). */
function itemStarts(text: string, start: DocumentStart, end: number): { line: number; column: number }[] {
    const out: { line: number; column: number }[] = [];
    const re = /^items:[ \t]*(?:#.*)?$/m;
    const body = text.slice(start.offset, end);
    const m = re.exec(body);
    if (!m) return out;
    let line = start.line + countLines(body, m.index) + 1;
    let p = start.offset + m.index + m[0].length + 1;
    let indent = -1;
    while (p < end) {
        let e = text.indexOf("\n", p);
        if (e < 0 || e > end) e = end;
        let q = p;
        while (q < e && text.charCodeAt(q) === 0x20) q++;
        const c = text.charCodeAt(q);
        if (q < e && c !== 0x23) {
            const ind = q - p;
            const dash = c === 0x2d && (q + 1 >= e || text.charCodeAt(q + 1) === 0x20);
            if (indent < 0) {
                if (!dash) return out;
                indent = ind;
            }
            if (ind < indent || (ind === indent && !dash)) break;
            if (ind === indent) out.push({ line, column: ind + 1 });
        }
        line++;
        p = e + 1;
    }
    return out;
}

function countLines(s: string, upTo: number): number {
    let n = 0;
    for (let i = s.indexOf("\n"); i >= 0 && i < upTo; i = s.indexOf("\n", i + 1)) n++;
    return n;
}

/** Positions of the objects of one file's text. */
function locator(file: string, text: string): Locate {
    if (isJsonText(file, text)) {
        // One document: its first character. (Items of a JSON List are not located one by one.)
        const m = /\S/.exec(text);
        const at = m ? { line: countLines(text, m.index) + 1, column: m.index - text.lastIndexOf("\n", m.index) } : undefined;
        return () => at;
    }
    let starts: DocumentStart[] | undefined;
    const items = new Map<number, { line: number; column: number }[]>();
    return (doc, item) => {
        starts ??= documentStarts(text);
        const d = starts[doc - 1];
        if (!d || d.offset < 0) return undefined;
        if (item === undefined) return { line: d.line, column: d.column };
        let list = items.get(doc);
        if (!list) {
            const next = starts.slice(doc).find((s) => s.offset >= 0);
            list = itemStarts(text, d, next ? text.lastIndexOf("\n", next.offset) + 1 : text.length);
            items.set(doc, list);
        }
        return list[item] ?? { line: d.line, column: d.column };
    };
}
// ---------------------------------------------------------------------------------------------------------------
// The fast reader. js-yaml reads about 10 MB/s on this project's machines, most of the time of
// `vmafx-policy psa` on large inputs, and loading it is most of the command's start-up. The reader
// below covers the block-style YAML that tools write, line by line:
//   - documents separated by `---` lines (a comment may follow), each empty or a block mapping at column 0;
//   - block mappings and sequences (a sequence may sit at its key's indentation; `- key: value` and `- - x`
//     compact forms), comment and blank lines anywhere between entries;
//   - one-line scalars: plain, 'single' and "double" quoted (js-yaml's escapes), with a trailing comment;
//     literal and folded block scalars (`|`, `>`, with `-` or `+` chomping; js-yaml's algorithm);
//   - one-line flow collections of those scalars and of nested flow collections (`[]`, `{}`, `["ALL"]`,
//     `{app: web}`);
//   - plain scalars resolved by js-yaml's default schema (null, bool, int, float, timestamp), reimplemented
//     exactly below and compared with js-yaml's own types in manifests.test.ts.
// Anything else (anchors, aliases, tags, directives, `...`, explicit `?` keys, merge keys `<<`, multi-line
// plain, quoted or flow scalars, duplicate keys, `__proto__`, tabs, CR line breaks, control characters,
// surrogates, a top level that is not a mapping, nesting deeper than MAX_DEPTH, and every construct js-yaml
// rejects) makes the reader give the whole text up, and js-yaml reads it as before, so results and error
// messages are js-yaml's in every case. manifests.test.ts compares both readers on mutated inputs.

/** Thrown (one instance) where the text leaves the reader's subset. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported("outside the fast YAML reader's subset");

/** Characters the reader leaves to js-yaml wherever they appear (js-yaml rejects many of them, or warns). */
// eslint-disable-next-line no-control-regex
const OUTSIDE_SUBSET = /[\x00-\x09\x0B-\x1F\x7F-\x9F\uD800-\uDFFF\u2028\u2029\uFEFF\uFFFE\uFFFF]/;
/** Anything but printable ASCII and line feeds: twice as fast to rule out as OUTSIDE_SUBSET. */
// eslint-disable-next-line no-control-regex
const NOT_PLAIN_ASCII = /[^\x0A\x20-\x7E]/;

/** js-yaml counts nesting to 100 (maxDepth); the reader stays well below. */
const MAX_DEPTH = 40;

const NL = 0x0a;
const SP = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const COMMA = 0x2c;

const hasOwn = Object.prototype.hasOwnProperty;

const isFlowIndicator = (c: number) => c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;

/** Characters js-yaml does not start a plain scalar with (`-`, `?`, `:` are handled where they matter). */
function isIndicator(c: number): boolean {
    switch (c) {
        case COMMA:
        case LBRACKET:
        case RBRACKET:
        case LBRACE:
        case RBRACE:
        case HASH:
        case 0x26: // &
        case 0x2a: // *
        case 0x21: // !
        case 0x7c: // |
        case 0x3e: // >
        case SQUOTE:
        case DQUOTE:
        case 0x25: // %
        case 0x40: // @
        case 0x60: // `
        case SP:
        case NL:
            return true;
        default:
            return false;
    }
}

/**
 * js-yaml's escapes in double-quoted scalars (simpleEscapeSequence in its loader), by the character after the
 * backslash; `\` before a line break (a continuation) is left to js-yaml.
 */
const SIMPLE_ESCAPES: Record<string, string> = {
    "0": "\x00",
    a: "\x07",
    b: "\x08",
    t: "\x09",
    n: "\x0A",
    v: "\x0B",
    f: "\x0C",
    r: "\x0D",
    e: "\x1B",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    N: "\x85",
    _: "\xA0",
    L: "\u2028",
    P: "\u2029",
};

function hexValue(c: number): number {
    if (c >= 0x30 && c <= 0x39) return c - 0x30;
    const lc = c | 0x20;
    return lc >= 0x61 && lc <= 0x66 ? lc - 0x61 + 10 : -1;
}

// js-yaml's default schema, implicit types in its order: null, bool, int, float, timestamp, merge.

/** js-yaml's int type: resolve. */
function isYamlInt(data: string): boolean {
    const max = data.length;
    let index = 0;
    let hasDigits = false;
    if (!max) return false;
    let ch = data[index];
    if (ch === "-" || ch === "+") ch = data[++index];
    if (ch === "0") {
        if (index + 1 === max) return true;
        ch = data[++index];
        if (ch === "b" || ch === "x" || ch === "o") {
            const digit = ch === "b" ? /[01]/ : ch === "x" ? /[0-9A-Fa-f]/ : /[0-7]/;
            for (index++; index < max; index++) {
                if (!digit.test(data[index])) return false;
                hasDigits = true;
            }
            return hasDigits && isFinite(yamlInt(data));
        }
    }
    for (; index < max; index++) {
        const c = data.charCodeAt(index);
        if (c < 0x30 || c > 0x39) return false;
        hasDigits = true;
    }
    return hasDigits && isFinite(yamlInt(data));
}

/** js-yaml's int type: construct. */
function yamlInt(data: string): number {
    let value = data;
    let sign = 1;
    let ch = value[0];
    if (ch === "-" || ch === "+") {
        if (ch === "-") sign = -1;
        value = value.slice(1);
        ch = value[0];
    }
    if (value === "0") return 0;
    if (ch === "0") {
        if (value[1] === "b") return sign * parseInt(value.slice(2), 2);
        if (value[1] === "x") return sign * parseInt(value.slice(2), 16);
        if (value[1] === "o") return sign * parseInt(value.slice(2), 8);
    }
    return sign * parseInt(value, 10);
}

const YAML_FLOAT = /^(?:[-+]?(?:[0-9]+)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const YAML_FLOAT_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** js-yaml's float type: construct (after its resolve: YAML_FLOAT and a finite or special value). */
function yamlFloat(data: string): number {
    let value = data.toLowerCase();
    const sign = value[0] === "-" ? -1 : 1;
    if ("+-".indexOf(value[0]) >= 0) value = value.slice(1);
    if (value === ".inf") return sign === 1 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    if (value === ".nan") return NaN;
    return sign * parseFloat(value);
}

const YAML_DATE = /^([0-9][0-9][0-9][0-9])-([0-9][0-9])-([0-9][0-9])$/;
const YAML_TIMESTAMP =
    /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?$/;

/** js-yaml's timestamp type: construct, or undefined where its resolve fails. */
function yamlTimestamp(data: string): Date | undefined {
    const match = YAML_DATE.exec(data) ?? YAML_TIMESTAMP.exec(data);
    if (match === null) return undefined;
    const year = +match[1];
    const month = +match[2] - 1;
    const day = +match[3];
    if (!match[4]) return new Date(Date.UTC(year, month, day));
    const hour = +match[4];
    const minute = +match[5];
    const second = +match[6];
    let fraction = 0;
    if (match[7]) {
        let f = match[7].slice(0, 3);
        while (f.length < 3) f += "0";
        fraction = +f;
    }
    let delta = 0;
    if (match[9]) {
        delta = (+match[10] * 60 + +(match[11] || 0)) * 60000;
        if (match[9] === "-") delta = -delta;
    }
    const date = new Date(Date.UTC(year, month, day, hour, minute, second, fraction));
    if (delta) date.setTime(date.getTime() - delta);
    return date;
}

/** A plain scalar's value under js-yaml's default schema (`<<`, a merge key, is left to js-yaml). */
function plainValue(raw: string): unknown {
    const c = raw.charCodeAt(0);
    if ((c >= 0x30 && c <= 0x39) || c === DASH || c === 0x2b /* + */ || c === 0x2e /* . */) {
        if (isYamlInt(raw)) return yamlInt(raw);
        if (YAML_FLOAT.test(raw) && (isFinite(parseFloat(raw)) || YAML_FLOAT_SPECIAL.test(raw))) return yamlFloat(raw);
        if (raw.length >= 8 && raw.charCodeAt(4) === DASH) {
            const date = yamlTimestamp(raw);
            if (date !== undefined) return date;
        }
        return raw;
    }
    switch (raw.length) {
        case 1:
            return raw === "~" ? null : raw;
        case 2:
            if (raw === "<<") throw UNSUPPORTED;
            return raw;
        case 4:
            if (raw === "null" || raw === "Null" || raw === "NULL") return null;
            if (raw === "true" || raw === "True" || raw === "TRUE") return true;
            return raw;
        case 5:
            return raw === "false" || raw === "False" || raw === "FALSE" ? false : raw;
        default:
            return raw;
    }
}

/** js-yaml's mapping key from a plain scalar: the resolved value as a string. */
const plainKey = (raw: string): string => String(plainValue(raw));

/**
 * The last plain scalars read, by hash of their text (direct-mapped): manifests repeat the same keys and many
 * values, and a hit costs neither a new string nor a resolution. Dates (objects) are never shared.
 */
class ScalarCache {
    private readonly texts: (string | undefined)[] = new Array(1024);
    private readonly values: unknown[] = new Array(1024);

    constructor(private readonly resolve: (raw: string) => unknown) {}

    /** The value of the plain scalar s[start, end) whose hash is `hash`. */
    get(s: string, start: number, end: number, hash: number): unknown {
        const len = end - start;
        if (len > 64) return this.resolve(s.slice(start, end));
        const i = (hash ^ (hash >>> 10)) & 1023;
        const cached = this.texts[i];
        if (cached !== undefined && cached.length === len && s.startsWith(cached, start)) return this.values[i];
        const text = s.slice(start, end);
        const value = this.resolve(text);
        if (!(value instanceof Date)) {
            this.texts[i] = text;
            this.values[i] = value;
        }
        return value;
    }
}

class FastYamlReader {
    private readonly s: string;
    private readonly n: number;
    private readonly keys = new ScalarCache(plainKey);
    private readonly values = new ScalarCache(plainValue);
    /** After a node: start of the next line with content (not blank, not a comment), or n. */
    private p = 0;
    /** Indentation of the line at p. */
    private ind = 0;
    /** After a scalar or flow collection on a line: the position after it. */
    private q = 0;
    private depth = 0;

    constructor(text: string) {
        this.s = text;
        this.n = text.length;
    }

    /** Every document, to `visit` (as soon as it is read) or into the array returned. */
    documents(visit?: (doc: unknown) => void): unknown[] {
        const docs: unknown[] = [];
        const add = visit ?? ((doc: unknown) => docs.push(doc));
        let count = 0;
        this.skipToContent(0);
        if (this.p < this.n && !this.isSeparator(this.p)) {
            add(this.document());
            count++;
        }
        while (this.p < this.n) {
            if (!this.isSeparator(this.p)) throw UNSUPPORTED;
            this.skipToContent(this.lineEnd(this.p) + 1);
            add(this.p < this.n && !this.isSeparator(this.p) ? this.document() : null);
            count++;
        }
        if (count === 0) {
            // js-yaml (which adds a final line break where there is none): one empty document unless the text
            // is only spaces and a line break
            let i = 0;
            while (i < this.n && this.s.charCodeAt(i) === SP) i++;
            const length = this.s.charCodeAt(this.n - 1) === NL ? this.n : this.n + 1;
            if (i < length - 1) add(null);
        }
        return docs;
    }

    private document(): unknown {
        if (this.ind !== 0) throw UNSUPPORTED;
        const m = this.mapping(0, this.p);
        if (m === undefined) throw UNSUPPORTED;
        return m;
    }

    private lineEnd(p: number): number {
        const e = this.s.indexOf("\n", p);
        return e < 0 ? this.n : e;
    }

    /** Moves p to the next line with content at or after the line starting at `from`. */
    private skipToContent(from: number): void {
        const s = this.s;
        const n = this.n;
        let p = from;
        while (p < n) {
            let q = p;
            while (q < n && s.charCodeAt(q) === SP) q++;
            if (q >= n) break;
            const c = s.charCodeAt(q);
            if (c === NL) {
                p = q + 1;
            } else if (c === HASH) {
                p = this.lineEnd(q) + 1;
            } else {
                this.p = p;
                this.ind = q - p;
                return;
            }
        }
        this.p = n;
        this.ind = 0;
    }

    /** A `---` line at p (the line has content and indentation 0); `...` and `--- content` are left to js-yaml. */
    private isSeparator(p: number): boolean {
        const s = this.s;
        if (this.ind !== 0) return false;
        const c = s.charCodeAt(p);
        if ((c !== DASH && c !== 0x2e) || s.charCodeAt(p + 1) !== c || s.charCodeAt(p + 2) !== c) return false;
        const after = s.charCodeAt(p + 3);
        if (after !== SP && after !== NL && p + 3 < this.n) return false;
        if (c !== DASH) throw UNSUPPORTED;
        let i = p + 3;
        while (s.charCodeAt(i) === SP) i++;
        if (i < this.n && s.charCodeAt(i) !== NL && s.charCodeAt(i) !== HASH) throw UNSUPPORTED;
        return true;
    }

    /** `-` followed by a space or the end of the line. */
    private isDash(i: number): boolean {
        if (this.s.charCodeAt(i) !== DASH) return false;
        const next = this.s.charCodeAt(i + 1);
        return next === SP || next === NL || i + 1 >= this.n;
    }

    /**
     * The key of a block mapping entry starting at k (before le, the end of its line), with q set after its `:`;
     * undefined when the line there is not a mapping entry the reader covers.
     */
    private key(k: number, le: number): string | undefined {
        const s = this.s;
        const c = s.charCodeAt(k);
        if (c === DQUOTE || c === SQUOTE) {
            const key = c === DQUOTE ? this.doubleQuoted(k, le) : this.singleQuoted(k, le);
            let i = this.q;
            while (i < le && s.charCodeAt(i) === SP) i++;
            if (s.charCodeAt(i) !== COLON || (i + 1 < le && s.charCodeAt(i + 1) !== SP)) return undefined;
            this.q = i + 1;
            return key;
        }
        if (isIndicator(c) || c === DASH || c === 0x3f /* ? */ || c === COLON) return undefined;
        let e = k + 1;
        let hash = c;
        for (; e < le; e++) {
            const ch = s.charCodeAt(e);
            if (ch === COLON) {
                if (e + 1 === le || s.charCodeAt(e + 1) === SP) break;
            } else if (ch === HASH && s.charCodeAt(e - 1) === SP) {
                return undefined;
            }
            hash = (Math.imul(hash, 31) + ch) | 0;
        }
        if (e >= le) return undefined;
        this.q = e + 1;
        if (s.charCodeAt(e - 1) !== SP) return this.keys.get(s, k, e, hash) as string;
        let end = e;
        while (s.charCodeAt(end - 1) === SP) end--;
        return plainKey(s.slice(k, end));
    }

    /** A block mapping at column `col` whose first key starts at k. */
    private mapping(col: number, k: number): Record<string, unknown> | undefined {
        if (++this.depth > MAX_DEPTH) throw UNSUPPORTED;
        const obj: Record<string, unknown> = {};
        let keyStart = k;
        let count = 0;
        for (;;) {
            const le = this.lineEnd(keyStart);
            const key = this.key(keyStart, le);
            if (key === undefined) {
                if (count > 0) throw UNSUPPORTED;
                this.depth--;
                return undefined;
            }
            if (key === "__proto__") throw UNSUPPORTED;
            obj[key] = this.value(col, this.q, le);
            count++;
            if (this.p >= this.n || this.ind < col) break;
            if (this.ind > col) throw UNSUPPORTED;
            if (col === 0 && this.isSeparator(this.p)) break;
            keyStart = this.p + col;
        }
        // A duplicate key (an error for js-yaml) has overwritten an earlier one.
        if (count > 1 && Object.keys(obj).length !== count) throw UNSUPPORTED;
        this.depth--;
        return obj;
    }

    /** A block sequence at column `col`; its first `-` is at d on the line starting at ls. */
    private sequence(col: number, ls: number, d: number): unknown[] {
        if (++this.depth > MAX_DEPTH) throw UNSUPPORTED;
        const s = this.s;
        const arr: unknown[] = [];
        let lineStart = ls;
        let dash = d;
        for (;;) {
            const le = this.lineEnd(dash);
            let j = dash + 1;
            while (j < le && s.charCodeAt(j) === SP) j++;
            if (j >= le || s.charCodeAt(j) === HASH) {
                this.skipToContent(le + 1);
                // After an empty entry, js-yaml takes a `-` line of any lower indentation as this sequence's next entry.
                if (this.p < this.n && this.ind < col && this.isDash(this.p + this.ind)) throw UNSUPPORTED;
                arr.push(this.p < this.n && this.ind > col ? this.nested() : null);
            } else if (this.isDash(j)) {
                arr.push(this.sequence(j - lineStart, lineStart, j));
            } else {
                const m = this.mapping(j - lineStart, j);
                arr.push(m !== undefined ? m : this.inline(col, j, le));
            }
            if (this.p >= this.n || this.ind < col) break;
            if (this.ind > col) throw UNSUPPORTED;
            if (!this.isDash(this.p + col)) break;
            lineStart = this.p;
            dash = lineStart + col;
        }
        this.depth--;
        return arr;
    }

    /** A mapping or sequence starting a line (at p, indentation ind) below its key or `-`. */
    private nested(): unknown {
        const c = this.ind;
        const ls = this.p;
        if (this.isDash(ls + c)) return this.sequence(c, ls, ls + c);
        const m = this.mapping(c, ls + c);
        if (m === undefined) throw UNSUPPORTED;
        return m;
    }

    /** The value of a mapping entry at column col, after its `:` at q - 1. */
    private value(col: number, q: number, le: number): unknown {
        const s = this.s;
        let j = q;
        while (j < le && s.charCodeAt(j) === SP) j++;
        if (j >= le || s.charCodeAt(j) === HASH) {
            this.skipToContent(le + 1);
            if (this.p < this.n) {
                if (this.ind > col) return this.nested();
                if (this.ind === col && this.isDash(this.p + col)) return this.sequence(col, this.p, this.p + col);
            }
            return null;
        }
        return this.inline(col, j, le);
    }

    /** A scalar or flow collection at j on a line of a collection at column col, up to le, the end of the line. */
    private inline(col: number, j: number, le: number): unknown {
        const s = this.s;
        const c = s.charCodeAt(j);
        let v: unknown;
        if (c === 0x7c /* | */ || c === 0x3e /* > */) return this.blockScalar(j, col + 1);
        if (c === DQUOTE) v = this.doubleQuoted(j, le);
        else if (c === SQUOTE) v = this.singleQuoted(j, le);
        else if (c === LBRACKET || c === LBRACE) v = this.flow(j, le);
        else {
            if (isIndicator(c)) throw UNSUPPORTED;
            if (c === DASH || c === 0x3f /* ? */ || c === COLON) {
                const next = s.charCodeAt(j + 1);
                if (next === SP || j + 1 >= le) throw UNSUPPORTED;
            }
            let e = j + 1;
            let hash = c;
            for (; e < le; e++) {
                const ch = s.charCodeAt(e);
                if (ch === COLON) {
                    if (e + 1 === le || s.charCodeAt(e + 1) === SP) throw UNSUPPORTED;
                } else if (ch === HASH && s.charCodeAt(e - 1) === SP) {
                    break;
                }
                hash = (Math.imul(hash, 31) + ch) | 0;
            }
            this.skipToContent(le + 1);
            if (s.charCodeAt(e - 1) !== SP) return this.values.get(s, j, e, hash);
            while (s.charCodeAt(e - 1) === SP) e--;
            return plainValue(s.slice(j, e));
        }
        // After a quoted scalar or a flow collection: spaces, then the end of the line or a comment.
        let i = this.q;
        while (i < le && s.charCodeAt(i) === SP) i++;
        if (i < le && (s.charCodeAt(i) !== HASH || i === this.q)) throw UNSUPPORTED;
        this.skipToContent(le + 1);
        return v;
    }

    /** A single-quoted scalar at i ending on its line; q is set after it. */
    private singleQuoted(i: number, le: number): string {
        const s = this.s;
        let out = "";
        let start = i + 1;
        for (;;) {
            const close = s.indexOf("'", start);
            if (close < 0 || close >= le) throw UNSUPPORTED;
            out += s.slice(start, close);
            if (s.charCodeAt(close + 1) !== SQUOTE) {
                this.q = close + 1;
                return out;
            }
            out += "'";
            start = close + 2;
        }
    }

    /** A double-quoted scalar at i ending on its line; q is set after it. */
    private doubleQuoted(i: number, le: number): string {
        const s = this.s;
        let out = "";
        let start = i + 1;
        for (let p = start; p < le; p++) {
            const ch = s.charCodeAt(p);
            if (ch === DQUOTE) {
                this.q = p + 1;
                return out + s.slice(start, p);
            }
            if (ch !== BACKSLASH) continue;
            out += s.slice(start, p);
            const e = s[p + 1];
            if (p + 1 >= le) throw UNSUPPORTED;
            const simple = SIMPLE_ESCAPES[e];
            if (simple !== undefined && hasOwn.call(SIMPLE_ESCAPES, e)) {
                out += simple;
                p += 1;
            } else {
                const len = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
                if (len === 0 || p + 1 + len >= le) throw UNSUPPORTED;
                let code = 0;
                for (let h = 0; h < len; h++) {
                    const d = hexValue(s.charCodeAt(p + 2 + h));
                    if (d < 0) throw UNSUPPORTED;
                    code = (code << 4) + d;
                }
                if (code < 0 || code > 0x10ffff) throw UNSUPPORTED;
                out += code <= 0xffff ? String.fromCharCode(code) : String.fromCharCode(((code - 0x10000) >> 10) + 0xd800, ((code - 0x10000) & 0x3ff) + 0xdc00);
                p += 1 + len;
            }
            start = p + 1;
        }
        throw UNSUPPORTED;
    }

    /** A flow collection at i ending on its line; q is set after it. */
    private flow(i: number, le: number): unknown {
        if (++this.depth > MAX_DEPTH) throw UNSUPPORTED;
        const s = this.s;
        const isMap = s.charCodeAt(i) === LBRACE;
        const close = isMap ? RBRACE : RBRACKET;
        const arr: unknown[] = [];
        const obj: Record<string, unknown> = {};
        let p = this.skipSpaces(i + 1, le);
        if (s.charCodeAt(p) === close && p < le) {
            this.q = p + 1;
            this.depth--;
            return isMap ? obj : arr;
        }
        for (;;) {
            if (p >= le) throw UNSUPPORTED;
            if (isMap) {
                const c = s.charCodeAt(p);
                if (c === LBRACKET || c === LBRACE) throw UNSUPPORTED;
                const key = c === DQUOTE || c === SQUOTE ? (this.flowNode(p, le) as string) : plainKey(this.flowPlain(p, le));
                p = this.skipSpaces(this.q, le);
                if (p >= le || s.charCodeAt(p) !== COLON) throw UNSUPPORTED;
                p = this.skipSpaces(p + 1, le);
                const v = s.charCodeAt(p);
                if (p >= le || v === COMMA || v === RBRACE) throw UNSUPPORTED;
                if (key === "__proto__" || (obj[key] !== undefined && hasOwn.call(obj, key))) throw UNSUPPORTED;
                obj[key] = this.flowNode(p, le);
            } else {
                arr.push(this.flowNode(p, le));
            }
            p = this.skipSpaces(this.q, le);
            if (p >= le) throw UNSUPPORTED;
            const c = s.charCodeAt(p);
            if (c === COMMA) {
                p = this.skipSpaces(p + 1, le);
                if (p < le && s.charCodeAt(p) === close) break;
            } else if (c === close) {
                break;
            } else {
                throw UNSUPPORTED;
            }
        }
        this.q = p + 1;
        this.depth--;
        return isMap ? obj : arr;
    }

    private skipSpaces(p: number, le: number): number {
        while (p < le && this.s.charCodeAt(p) === SP) p++;
        return p;
    }

    /** A node inside a flow collection at p; q is set after it. */
    private flowNode(p: number, le: number): unknown {
        const c = this.s.charCodeAt(p);
        if (c === DQUOTE) return this.doubleQuoted(p, le);
        if (c === SQUOTE) return this.singleQuoted(p, le);
        if (c === LBRACKET || c === LBRACE) return this.flow(p, le);
        return plainValue(this.flowPlain(p, le));
    }

    /** The text of a plain scalar inside a flow collection at p; q is set after it. */
    private flowPlain(p: number, le: number): string {
        const s = this.s;
        const c = s.charCodeAt(p);
        if (isIndicator(c)) throw UNSUPPORTED;
        if (c === DASH || c === 0x3f /* ? */ || c === COLON) {
            const next = s.charCodeAt(p + 1);
            if (p + 1 >= le || next === SP || isFlowIndicator(next)) throw UNSUPPORTED;
        }
        let e = p + 1;
        for (; e < le; e++) {
            const ch = s.charCodeAt(e);
            if (isFlowIndicator(ch)) break;
            if (ch === COLON) {
                const next = s.charCodeAt(e + 1);
                if (e + 1 >= le || next === SP || isFlowIndicator(next)) break;
            } else if (ch === HASH && s.charCodeAt(e - 1) === SP) {
                throw UNSUPPORTED;
            }
        }
        if (e >= le) throw UNSUPPORTED;
        this.q = e;
        while (s.charCodeAt(e - 1) === SP) e--;
        return s.slice(p, e);
    }

    /**
     * A literal (`|`) or folded (`>`) block scalar whose indicator is at i, for a node at indentation `nodeIndent`
     * (the enclosing collection's column + 1), with js-yaml's readBlockScalar algorithm. Leaves p at the line
     * that ends it, then at the next line with content.
     */
    private blockScalar(i: number, nodeIndent: number): string {
        const s = this.s;
        const n = this.n;
        const folding = s.charCodeAt(i) === 0x3e;
        let chomping = 1; // 1 clip, 2 strip, 3 keep
        let pos = i + 1;
        let ch = s.charCodeAt(pos);
        if (ch === 0x2b /* + */ || ch === DASH) {
            chomping = ch === DASH ? 2 : 3;
            ch = s.charCodeAt(++pos);
        }
        if (ch === SP) {
            do ch = s.charCodeAt(++pos);
            while (ch === SP);
            if (ch === HASH) {
                pos = this.lineEnd(pos);
                ch = NL;
            }
        }
        if (ch !== NL) throw UNSUPPORTED; // an indentation indicator, or anything else after the header
        let result = "";
        let didReadContent = false;
        let detectedIndent = false;
        let textIndent = nodeIndent;
        let emptyLines = 0;
        let atMoreIndented = false;
        let lineStart = n;
        let ended = false;
        while (pos < n) {
            // at a line break
            pos++;
            lineStart = pos;
            let lineIndent = 0;
            ch = pos < n ? s.charCodeAt(pos) : 0;
            while ((!detectedIndent || lineIndent < textIndent) && ch === SP) {
                lineIndent++;
                ch = ++pos < n ? s.charCodeAt(pos) : 0;
            }
            if (!detectedIndent && lineIndent > textIndent) textIndent = lineIndent;
            // (a last line without a line break ends with the one js-yaml adds)
            if (ch === NL || (pos >= n && pos > lineStart)) {
                emptyLines++;
                continue;
            }
            if (!detectedIndent && textIndent === 0) throw UNSUPPORTED;
            if (lineIndent < textIndent) {
                ended = true;
                break;
            }
            if (folding) {
                if (ch === SP) {
                    atMoreIndented = true;
                    result += "\n".repeat(didReadContent ? 1 + emptyLines : emptyLines);
                } else if (atMoreIndented) {
                    atMoreIndented = false;
                    result += "\n".repeat(emptyLines + 1);
                } else if (emptyLines === 0) {
                    if (didReadContent) result += " ";
                } else {
                    result += "\n".repeat(emptyLines);
                }
            } else {
                result += "\n".repeat(didReadContent ? 1 + emptyLines : emptyLines);
            }
            didReadContent = true;
            detectedIndent = true;
            emptyLines = 0;
            const end = this.lineEnd(pos);
            result += s.slice(pos, end);
            pos = end;
        }
        // The end of the scalar: a less indented line, or the end of the text.
        if (chomping === 3) result += "\n".repeat(didReadContent ? 1 + emptyLines : emptyLines);
        else if (chomping === 1 && didReadContent) result += "\n";
        if (!ended) lineStart = n;
        this.skipToContent(lineStart);
        return result;
    }
}

/**
 * The fast reader alone: every document of the text as js-yaml's `loadAll` gives them, or undefined where the
 * text leaves the reader's subset (then only js-yaml can tell what it holds, or that it is invalid). With
 * `visit`, each document is handed to it as soon as it is read (and the array returned is empty); documents
 * visited before the reader gives up are js-yaml's first documents, unless js-yaml finds the text invalid.
 */
export function readYamlFast(text: string, visit?: (doc: unknown) => void): unknown[] | undefined {
    const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (NOT_PLAIN_ASCII.test(s) && OUTSIDE_SUBSET.test(s)) return undefined;
    try {
        return new FastYamlReader(s).documents(visit);
    } catch (e) {
        if (e === UNSUPPORTED) return undefined;
        throw e;
    }
}
