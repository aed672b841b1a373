// The fast YAML reader against js-yaml: wherever it reads a text, it must give exactly js-yaml's documents
// (same keys in the same order, same scalar types and values, -0, NaN and Dates included), and it must leave
// every text js-yaml rejects to js-yaml, so that errors stay js-yaml's.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { ManifestObject, forEachManifest, loadAllYaml, loadManifests, parseManifests, readYamlFast } from "./manifests";

/** A text form of a loaded value that tells apart what deepEqual does not: key order, -0, NaN, Dates, prototypes. */
function shape(v: unknown): string {
    if (v === null) return "null";
    if (typeof v === "number") return Object.is(v, -0) ? "n:-0" : `n:${v}`;
    if (typeof v === "string") return `s:${JSON.stringify(v)}`;
    if (typeof v === "boolean") return `b:${v}`;
    if (v instanceof Date) return `d:${v.getTime()}`;
    if (Array.isArray(v)) return `[${v.map(shape).join(",")}]`;
    if (typeof v === "object") {
        const proto = Object.getPrototypeOf(v) === Object.prototype ? "" : "!proto";
        return `{${proto}${Object.keys(v as object)
            .map((k) => `${JSON.stringify(k)}:${shape((v as Record<string, unknown>)[k])}`)
            .join(",")}}`;
    }
    return `?${typeof v}`;
}

/** js-yaml's documents, or "error". */
function jsYaml(text: string): string {
    try {
        return shape(yaml.loadAll(text));
    } catch {
        return "error";
    }
}

/** The fast reader's documents, or undefined where it leaves the text to js-yaml. */
function fast(text: string): string | undefined {
    const docs = readYamlFast(text);
    return docs === undefined ? undefined : shape(docs);
}

function assertSame(text: string): void {
    const got = fast(text);
    if (got === undefined) return;
    const expected = jsYaml(text);
    assert.notEqual(expected, "error", `the fast reader accepted what js-yaml rejects: ${JSON.stringify(text)}`);
    assert.equal(got, expected, JSON.stringify(text));
}

/** mulberry32 */
function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const MANIFESTS = `# Source: chart/templates/deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: "front"}
  annotations:
    checksum/config: 0a1b2c
    note: 'it''s fine'
    empty: ""
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.27
        args: ["--port", "8080", -v, 1e3]
        env:
          - name: A
            value: "x\\ty \\u00e9 \\x41 \\U0001F600 \\\\ \\" \\/"
          - name: B # a comment
            value: 0x1F
        securityContext:
          capabilities:
            drop:
              - ALL
      volumes: []
---
apiVersion: v1
kind: ConfigMap
data:
  a.conf: |
    line 1

      indented
    last
  b.txt: >-
    folded
    text

    para
      more indented
    back
  c: |+
    keep

  d: ~
  e: 2001-12-14
  f: 2001-12-14t21:59:43.10-05:00
  g: .inf
  h: -.5
  i: 012
  j: +12
  k: 1_000
  "quoted key": yes
  'single': no
  l: true
  m: Null
  n: -0
  o: -0.0
  p: .NaN
  q: 0o17
  r: 0b101
  s: 12345678901234567890
  t: a#b
  u: a  # trailing comment
  v:   spaced
  w: "#"
  1: one
  1.5: one and a half
  true: yes
  null: nothing
  2001-12-14: a date key
---
---
list:
- a
- b: c
  d: [1, {x: y}, 'q', "r", [], {}]
- - n1
  - n2
-
  - deep
- |-
  block in seq
- "quoted"
- key:
  - same indentation
  other: 1
nested:
  - name: x
    ports:
    - containerPort: 80
    image: y
`;

describe("manifests: the fast YAML reader", () => {
    it("reads block-style manifests exactly as js-yaml does", () => {
        assert.notEqual(fast(MANIFESTS), undefined, "the fast reader should cover this text");
        assertSame(MANIFESTS);
        assert.equal(shape(loadAllYaml(MANIFESTS)), jsYaml(MANIFESTS));
    });

    it("reads js-yaml's own output, in its styles, exactly as js-yaml does", () => {
        const rnd = prng(3);
        const word = () =>
            ["web", "a b", "x: y", "#c", "- d", "'q'", '"dq"', "1.5", "true", "null", "~", "0x10", "", " lead", "trail ", "ünï", "multi\nline\n", "tab\there"][
                Math.floor(rnd() * 18)
            ];
        const value = (depth: number): unknown => {
            const r = rnd();
            if (depth > 3 || r < 0.4) return [word(), Math.floor(rnd() * 1000) - 500, rnd() < 0.5, null, rnd() * 10, -0][Math.floor(rnd() * 6)];
            if (r < 0.7) return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => [`${word()}${i}`, value(depth + 1)]));
            return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
        };
        let covered = 0;
        for (let i = 0; i < 300; i++) {
            const docs = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({ apiVersion: "v1", kind: "ConfigMap", data: value(0) }));
            const options = [{}, { lineWidth: -1 }, { flowLevel: 2 }, { quotingType: '"' as const }, { forceQuotes: true }, { noCompatMode: true }][i % 6];
            const text = docs.map((d) => yaml.dump(d, options)).join("---\n");
            assertSame(text);
            if (fast(text) !== undefined) covered++;
        }
        assert.ok(covered > 150, `the fast reader covered only ${covered} of 300 texts`);
    });

    it("resolves plain scalars as js-yaml's default schema does, as values, keys and flow entries", () => {
        // separated by "|" (some contain spaces)
        const tokens = (
            "0|-0|+0|0.0|-0.0|00|09|0x|0x1F|0x1g|0b101|0b|0b2|0o17|0o8|1e5|1E+5|1e|1.|.5|-.5|+.5|.inf|-.Inf|+.INF|.nan|.NaN|NaN|inf|1_0|1,000|12345678901234567890|1e400|-1e400|2001-12-14|2001-12-14T21:59:43.10-05:00|2001-12-14 21:59:43.10 -5|2001-12-14t21:59:43Z" +
            "|2001-1-1T1:00:00|2001-12-14 21:59|2001-13-45|2001-12-14T21:59:43.1234|null|Null|NULL|nULL|~|~~|true|True|TRUE|tRUE|false|FALSE|yes|no|on|off|y|n|2:30|1:2:3|v1.25|500m|1Gi|+1|-1|+|.|-x|?x|:x|x:y|a.b/c|@x|`x`|%x|=|é|日本"
        ).split("|");
        for (const t of tokens) {
            for (const text of [`k: ${t}\n`, `${t}: v\n`, `k: [${t}]\n`, `k: {${t}: 1}\n`, `k:\n  - ${t}\n`]) assertSame(text);
        }
        assert.notEqual(fast("k: 0x1F\n"), undefined);
        assert.equal(shape(readYamlFast("a: 2001-12-14\nb: -0.0\nc: .nan\n")), shape([{ a: new Date(Date.UTC(2001, 11, 14)), b: -0, c: NaN }]));
    });

    it("leaves what it does not cover to js-yaml", () => {
        const left = [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
            "? a\n: 1\n",
            "a:\n  <<: {b: 1}\n",
            "a: b\n  c\n",
            "a: 'b\n  c'\n",
            'a: "b\\\n  c"\n',
            "a: [1,\n  2]\n",
            "a: 1\na: 2\n",
            "__proto__: 1\n",
            "a:\tb\n",
            "a: 1\r\nb: 2\r\n",
            "a: \u0001\n",
            "a: \ud83d\ude00\n",
            "- a\n- b\n",
            "just a string\n",
            "  a: 1\n",
            "a: |2\n   x\n",
            "--- a: 1\n",
            "a: b: c\n",
            "a:\n  b\n",
            "a: [\n",
            "- -\n- x\n",
        ];
        for (const text of left) {
            assert.equal(readYamlFast(text), undefined, JSON.stringify(text));
            // and the documents (or the error) are js-yaml's
            let expected: unknown;
            try {
                expected = shape(yaml.loadAll(text));
            } catch (e) {
                expected = (e as Error).message;
            }
            let got: unknown;
            try {
                got = shape(loadAllYaml(text));
            } catch (e) {
                got = (e as Error).message;
            }
            assert.equal(got, expected, JSON.stringify(text));
        }
    });

    it("counts documents as js-yaml does (empty ones included), with or without a final line break", () => {
        for (const text of [
            "",
            " ",
            "\n",
            "\n\n",
            "# c",
            "# c\n",
            "---",
            "--- ",
            "---\n---\n",
            "a: 1\n---\n",
            "a: 1\n---\n---\nb: 2",
            "# c\n---\na: 1",
            "a: |\n  x",
            "a: |+\n  x\n\n  ",
            "a: >\n  x\n   y",
            "a: 1",
        ]) {
            assert.notEqual(fast(text), undefined, JSON.stringify(text));
            assertSame(text);
        }
        assert.match(parseManifests("a: 1\n---\n---\nb: 2\n", "f.yaml").errors.join("\n"), /document 1 .*\n.*document 3 /);
    });

    it("agrees with js-yaml on thousands of mutated manifests", () => {
        const bases = [MANIFESTS, yaml.dump({ apiVersion: "v1", kind: "List", items: [{ a: [1, { b: "c d" }], e: "multi\nline" }, { f: null }] })];
        const inserts = [
            " ",
            "  ",
            "-",
            "- ",
            ":",
            ": ",
            "#",
            " #",
            "'",
            '"',
            "|",
            ">",
            "|-",
            "\n",
            "\n  ",
            "[",
            "]",
            "{",
            "}",
            ",",
            "&a",
            "*a",
            "!",
            "?",
            "? ",
            "0",
            ".",
            "e",
            "~",
            "\t",
            "\\",
            "---\n",
            "...\n",
            "<<",
            "%",
            "@",
            "\r",
            "-1",
            "null",
            "2001-01-01",
            "é",
        ];
        const rnd = prng(11);
        let covered = 0;
        for (let it = 0; it < 4000; it++) {
            let t = bases[it % bases.length];
            for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) {
                const pos = Math.floor(rnd() * (t.length + 1));
                const r = rnd();
                if (r < 0.45) t = t.slice(0, pos) + inserts[Math.floor(rnd() * inserts.length)] + t.slice(pos);
                else if (r < 0.8) t = t.slice(0, pos) + t.slice(pos + 1 + Math.floor(rnd() * 3));
                else {
                    const lines = t.split("\n");
                    const i = Math.floor(rnd() * lines.length);
                    lines[i] = rnd() < 0.5 ? ` ${lines[i]}` : lines[i].slice(1);
                    t = lines.join("\n");
                }
            }
            if (rnd() < 0.2) t = t.replace(/\n+$/, "");
            assertSame(t);
            if (fast(t) !== undefined) covered++;
        }
        assert.ok(covered > 500, `only ${covered} mutated texts were read by the fast reader`);
    });
});

describe("manifests: loading", () => {
    it("forEachManifest gives loadManifests' objects and errors, object by object, file by file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-manifests-"));
        try {
            fs.mkdirSync(path.join(dir, "sub"));
            fs.writeFileSync(path.join(dir, "b.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
            fs.writeFileSync(path.join(dir, "sub", "a.yml"), "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n- 3\n");
            // read by the fast reader up to its second document, then again by js-yaml (an alias), then found invalid
            fs.writeFileSync(path.join(dir, "c.yaml"), "apiVersion: v1\nkind: ConfigMap\n---\na: &x 1\nb: *x\n---\na: [\n");
            // the same, valid: read again by js-yaml from its start
            fs.writeFileSync(path.join(dir, "d.yaml"), "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\nb: &x 1\nc: *x\n");
            const inputs = [path.join(dir, "missing.yaml"), dir, "-"];
            const stdin = () => "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n";
            const all = loadManifests(inputs, stdin);
            const given: ManifestObject[] = [];
            let file: ManifestObject[] = [];
            const events: string[] = [];
            const errors = forEachManifest(inputs, stdin, {
                object: (m) => file.push(m),
                restart: () => {
                    events.push(`restart ${path.basename(file[0].file)}`);
                    file = [];
                },
                end: () => {
                    given.push(...file);
                    file = [];
                },
            });
            assert.deepEqual(given, all.objects);
            assert.deepEqual(errors, all.errors);
            assert.deepEqual(events, ["restart c.yaml", "restart d.yaml"]);
            assert.deepEqual(
                all.objects.map((o) => [o.file === "-" ? "-" : path.relative(dir, o.file), o.index, o.object.kind]),
                [
                    ["b.yaml", 0, "ConfigMap"],
                    ["d.yaml", 0, "ConfigMap"],
                    ["d.yaml", 1, "Secret"],
                    [path.join("sub", "a.yml"), 0, "Pod"],
                    ["-", 0, "Secret"],
                ],
            );
            assert.equal(all.errors.length, 3);
            assert.match(all.errors[0], /missing\.yaml: cannot read: ENOENT/);
            assert.match(all.errors[1], /c\.yaml: not valid YAML/);
            assert.match(all.errors[2], /a\.yml: document 1 items\[1\] is not a Kubernetes object/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("manifests: kubectl-like inputs and positions", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "vmafx-inputs-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const LIST =
        "# rendered\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n-   apiVersion: v1\n    kind: Pod\n---\n\n---\n  # c\napiVersion: v1\nkind: Secret\n";

    it("positions: the line and column of each object (a List item at its `- `), the same from the fast reader and from js-yaml", () => {
        // The same text with an alias in its last document makes the fast reader give up: js-yaml reads it all.
        const viaJsYaml = LIST + "data: &x {}\nstringData: *x\n";
        for (const text of [LIST, viaJsYaml]) {
            assert.equal(readYamlFast(text) === undefined, text === viaJsYaml);
            fs.writeFileSync(path.join(dir, "m.yaml"), text);
            const load = loadManifests([dir], () => "", { positions: true });
            const streamed: ManifestObject[] = [];
            forEachManifest([dir], () => "", { object: (m) => streamed.push(m), restart: () => streamed.splice(0), end: () => {} }, { positions: true });
            for (const objects of [load.objects, streamed]) {
                assert.deepEqual(
                    objects.map((o) => [o.object.kind, o.line, o.column]),
                    [
                        ["Pod", 6, 1],
                        ["Pod", 9, 1],
                        ["Secret", 15, 1],
                    ],
                );
            }
        }
        // Without the option, objects carry no position (the fast path does not look for them).
        assert.equal(parseManifests(LIST, "f.yaml").objects[0].line, undefined);
        assert.deepEqual(
            parseManifests("--- \napiVersion: v1\nkind: A\n...\n%YAML 1.2\n---\napiVersion: v1\nkind: B\n", "f.yaml", { positions: true }).objects.map(
                (o) => o.line,
            ),
            [2, 7],
        );
    });

    it("reads .json files in directories (kubectl apply -f <dir>) and JSON on stdin; invalid JSON is named as such", () => {
        fs.writeFileSync(
            path.join(dir, "a.json"),
            JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }] }),
        );
        fs.writeFileSync(path.join(dir, "b.json"), "{ not json");
        fs.writeFileSync(path.join(dir, "notes.txt"), "ignored");
        const load = loadManifests([dir, "-"], () => '  {"apiVersion": "v1", "kind": "Secret"}', { positions: true });
        assert.deepEqual(
            load.objects.map((o) => [path.basename(o.file), o.object.kind, o.line, o.column]),
            [
                ["a.json", "ConfigMap", 1, 1],
                ["-", "Secret", 1, 3],
            ],
        );
        assert.equal(load.errors.length, 1);
        assert.match(load.errors[0], /b\.json: not valid JSON: /);
    });

    it("a Helm chart directory is reported with the helm template hint and not read; an un-rendered template gets the hint", () => {
        fs.mkdirSync(path.join(dir, "web", "templates"), { recursive: true });
        fs.writeFileSync(path.join(dir, "web", "Chart.yaml"), "apiVersion: v2\nname: web\n");
        fs.writeFileSync(path.join(dir, "web", "templates", "d.yaml"), "kind: {{ .Values.kind }}\n");
        fs.writeFileSync(path.join(dir, "tpl.yaml"), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include "x" . }}\n{{- end }}\n');
        // Rendered manifests may carry {{ }} in their data (alert templates): that is no error.
        fs.writeFileSync(
            path.join(dir, "rule.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: r}\ndata:\n  summary: '{{ $labels.instance }} is down'\n",
        );
        const load = loadManifests([dir, path.join(dir, "web", "Chart.yaml")], () => "");
        assert.deepEqual(
            load.objects.map((o) => o.object.metadata.name),
            ["r"],
        );
        assert.equal(load.errors.length, 3, load.errors.join("\n"));
        // The chart is found while the directory is listed, before its files are read.
        assert.match(
            load.errors[1],
            /tpl\.yaml: not valid YAML: .*; it holds \{\{ \.\.\. \}\} template actions: an un-rendered Helm template\? render it first, e\.g\. `helm template/,
        );
        assert.match(load.errors[0], /web: a Helm chart \(it holds Chart\.yaml\), not rendered manifests: render it first/);
        assert.match(load.errors[2], /Chart\.yaml: the Chart\.yaml of a Helm chart, not rendered manifests/);
    });

    it("allowEmpty false: an input without objects is an error (empty directory, empty stdin, only empty documents), one per input", () => {
        fs.mkdirSync(path.join(dir, "empty"));
        fs.writeFileSync(path.join(dir, "blank.yaml"), "---\n# nothing\n---\n");
        const inputs = [path.join(dir, "empty"), path.join(dir, "blank.yaml"), "-", path.join(dir, "missing.yaml")];
        const strict = loadManifests(inputs, () => "", { allowEmpty: false });
        assert.deepEqual(
            strict.errors.map((e) => e.replace(dir, "<dir>").replace(/;.*/, "")),
            [
                "<dir>/missing.yaml: cannot read: ENOENT",
                "<dir>/empty: no Kubernetes objects (it holds no .yaml, .yml or .json file)",
                "<dir>/blank.yaml: no Kubernetes objects (its documents are all empty)",
                "-: no Kubernetes objects (stdin is empty or holds only empty documents)",
            ],
        );
        const streamed = forEachManifest(inputs, () => "", { object: () => {}, restart: () => {}, end: () => {} }, { allowEmpty: false });
        assert.deepEqual(streamed, strict.errors);
        assert.deepEqual(loadManifests(inputs, () => "").errors.length, 1);
    });
});
