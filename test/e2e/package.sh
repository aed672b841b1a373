# The component package from other languages (issue #6). Sourced by run.sh once the loopback API server is up: it uses
# run.sh's helpers (say, ok, bad, add_counts, pulumi_in, copy_sources) and variables (ROOT, HERE, WORK, TOOLDIR,
# BIN, TS_NODE, PULUMI_FLAGS, EGRESS_POLICY, P_API, TOKEN).
#
# The package as an outside user gets it: the sources without installed packages or build output (what a clone of the
# repository holds). `pulumi package add <sources>/components` has the Node.js language host install its dependencies
# (components/ is a member of the npm workspace, so, as upstream's host does, it runs npm install at the workspace
# root, whose prepare script builds every package's dist/), asks the component provider for the schema and records
# the package in the YAML project. `pulumi package get-schema` must print what `npm run schema` prints offline. From that schema
# the Python and Go SDKs are generated with the generators pulumi-language-python and pulumi-language-go use
# (tools/pulumi/sdkgen), and examples/python and examples/go run against them under their SDK's mocks
# (python/record_example.py, go/record_example_test.go; compared with the YAML example). The preview then runs
# examples/yaml through
# pulumi-language-yaml, the component provider (Construct), the kubernetes provider against the API server and the
# policy pack with the prod settings; with 0.0.0.0/0 object-store egress the same preview is blocked.

PKG_SRC="$WORK/package-source"
copy_sources "$PKG_SRC"
YAML_DIR="$WORK/yaml-example"
mkdir -p "$YAML_DIR"
# The example without its `packages:` entry (package add must write it), naming the built kubernetes provider.
node - "$ROOT/examples/yaml/Pulumi.yaml" "$YAML_DIR/Pulumi.yaml" "$TOOLDIR/plugins/kubernetes" <<'EOF'
const fs = require("fs");
const [from, to, pluginDir] = process.argv.slice(2);
let text = fs.readFileSync(from, "utf8");
if (/^plugins:/m.test(text)) throw new Error(`${from} already declares plugins; the e2e copy cannot add its provider`);
text = text.replace(/^packages:\n(?:[ #].*\n|\n)*/m, "");
if (/^packages:/m.test(text)) throw new Error(`could not remove the packages: block of ${from}`);
text = `${text.replace(/\n*$/, "\n")}plugins:\n  providers:\n    - name: kubernetes\n      path: ${JSON.stringify(pluginDir)}\n`;
fs.writeFileSync(to, text);
EOF

say "pulumi package add $PKG_SRC/components (from $YAML_DIR)"
RECORDED=""
if pulumi_in "$YAML_DIR" yaml-package-add package add "$PKG_SRC/components" "${PULUMI_FLAGS[@]}"; then
    RECORDED="$(node -e '
const yaml = require(process.argv[1]);
const doc = yaml.load(require("fs").readFileSync(process.argv[2], "utf8"));
process.stdout.write(String(doc.packages?.vmafx ?? ""));' "$ROOT/node_modules/js-yaml" "$YAML_DIR/Pulumi.yaml")"
fi
if [[ "$RECORDED" == "$PKG_SRC/components" ]]; then
    ok "pulumi package add of the component package from its sources: dependencies installed, schema read, packages.vmafx = $RECORDED recorded in Pulumi.yaml"
else
    cat "$WORK/logs/yaml-package-add.log"
    bad "pulumi package add $PKG_SRC/components failed or did not record packages.vmafx (got '$RECORDED')"
    exit 1
fi
if [[ -f "$PKG_SRC/components/dist/index.js" && -f "$PKG_SRC/core/dist/index.js" &&
    -L "$PKG_SRC/node_modules/@vmafx-k8s/core" ]]; then
    ok "package add installed the clean sources at their workspace root: node_modules/@vmafx-k8s/core linked, core/dist and components/dist built by prepare"
else
    cat "$WORK/logs/yaml-package-add.log"
    bad "package add did not install and build $PKG_SRC as a workspace (no core/dist, components/dist or node_modules/@vmafx-k8s/core link)"
    exit 1
fi

say "pulumi package get-schema $PKG_SRC/components vs npm run schema"
(cd "$YAML_DIR" && pulumi package get-schema "$PKG_SRC/components") >"$WORK/schema-cli.json" 2>"$WORK/logs/yaml-get-schema.log" ||
    { cat "$WORK/logs/yaml-get-schema.log"; bad "pulumi package get-schema failed"; exit 1; }
(cd "$ROOT" && npm run --silent schema) >"$WORK/schema-offline.json" 2>"$WORK/logs/schema-offline.log" ||
    { cat "$WORK/logs/schema-offline.log"; bad "npm run schema failed"; exit 1; }
# The CLI prints the schema after a round trip through its Go types, which drop empty lists and maps and the Node.js
# SDK's `optional` marker (not part of the package schema format); everything else must be equal.
if SCHEMA_SUMMARY="$(node -e '
const fs = require("fs");
const norm = (v) => JSON.stringify(v, (k, x) => {
    if (k === "optional") return undefined;
    if (Array.isArray(x)) return x.length ? x : undefined;
    if (x && typeof x === "object") {
        const keys = Object.keys(x).filter((k) => x[k] !== undefined).sort();
        return keys.length ? Object.fromEntries(keys.map((k) => [k, x[k]])) : undefined;
    }
    return x;
}, 1);
const [cli, offline] = process.argv.slice(1, 3).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
fs.writeFileSync(process.argv[3], norm(cli));
fs.writeFileSync(process.argv[4], norm(offline));
if (norm(cli) !== norm(offline)) process.exit(1);
const r = cli.resources["vmafx:index:VmafxStack"];
console.log(`${Object.keys(r.inputProperties).length} inputs, ${Object.keys(r.properties).length} outputs, ${Object.keys(cli.types ?? {}).length} types`);' \
    "$WORK/schema-cli.json" "$WORK/schema-offline.json" "$WORK/schema-cli.norm.json" "$WORK/schema-offline.norm.json")"; then
    ok "the schema the CLI gets from the component provider equals npm run schema ($SCHEMA_SUMMARY)"
else
    diff "$WORK/schema-cli.norm.json" "$WORK/schema-offline.norm.json" >"$WORK/logs/schema-diff.log" || true
    head -n 40 "$WORK/logs/schema-diff.log"
    bad "pulumi package get-schema differs from npm run schema (normalized; see $WORK/logs/schema-diff.log)"
    exit 1
fi

# examples/<language> against the SDK generated from the schema the CLI got: its registrations under the language
# SDK's mocks, recorded to $WORK/example-<language>.json, must be the YAML example's VmafxStack.
verify_example() { # <language>
    if "$TS_NODE" --transpile-only "$HERE/verify.ts" example --stack prod --language "$1" \
        --recorded "$WORK/example-$1.json" --program "$ROOT/examples/yaml/Pulumi.yaml" | tee "$WORK/logs/verify-example-$1.log"; then
        add_counts "$WORK/logs/verify-example-$1.log"
    else
        add_counts "$WORK/logs/verify-example-$1.log"
        bad "examples/$1 against the generated $1 SDK"
        exit 1
    fi
}

say "Python SDK from the schema the CLI got, and examples/python against it"
"$BIN/sdkgen" python "$WORK/schema-cli.json" "$WORK/python-sdk" >"$WORK/logs/python-sdk.log" 2>&1 ||
    { cat "$WORK/logs/python-sdk.log"; bad "generating the Python SDK failed"; exit 1; }
# The generator names the module <schema namespace>_<name> (pulumi_<name> without a namespace); the example must
# import exactly that module.
PY_MODULE="$(cd "$WORK/python-sdk" && for d in */__init__.py; do dirname "$d"; done)"
if [[ "$(wc -w <<<"$PY_MODULE")" -eq 1 ]] && grep -qE "^import $PY_MODULE as vmafx$" "$ROOT/examples/python/__main__.py"; then
    ok "the generated Python SDK is the module $PY_MODULE, which examples/python imports"
else
    bad "the generated Python SDK's module ($PY_MODULE) is not the one examples/python/__main__.py imports"
    exit 1
fi
PY_PULUMI="$(pulumi version)"
(python3 -m venv "$WORK/python-venv" &&
    "$WORK/python-venv/bin/pip" install --disable-pip-version-check -q -r "$ROOT/examples/python/requirements.txt" \
        "pulumi==${PY_PULUMI#v}" "$WORK/python-sdk") >>"$WORK/logs/python-sdk.log" 2>&1 ||
    { cat "$WORK/logs/python-sdk.log"; bad "installing the Python SDK (pulumi==${PY_PULUMI#v} and the generated $PY_MODULE) failed"; exit 1; }
"$WORK/python-venv/bin/python" "$HERE/python/record_example.py" "$ROOT/examples/python" "$WORK/example-python.json" \
    >"$WORK/logs/example-python.log" 2>&1 ||
    { cat "$WORK/logs/example-python.log"; bad "examples/python does not run against the generated Python SDK"; exit 1; }
verify_example python

say "Go SDK from the schema the CLI got, and examples/go against it"
GO_EXAMPLE="$WORK/go-example"
mkdir -p "$GO_EXAMPLE"
tar -C "$ROOT/examples/go" --exclude=./sdks -cf - . | tar -C "$GO_EXAMPLE" -xf -
# Where `pulumi package add` puts a local SDK: sdks/<schema namespace>-<name> (sdks/<name> without a namespace).
SDK_DIR="sdks/$(node -e 'const s = require(process.argv[1]); console.log(s.namespace ? `${s.namespace}-${s.name}` : s.name)' "$WORK/schema-cli.json")"
"$BIN/sdkgen" go "$WORK/schema-cli.json" "$GO_EXAMPLE/$SDK_DIR" >"$WORK/logs/go-sdk.log" 2>&1 ||
    { cat "$WORK/logs/go-sdk.log"; bad "generating the Go SDK failed"; exit 1; }
# The generator names the module github.com/<schema namespace>/pulumi-<name>/sdk/go; examples/go/go.mod must replace
# exactly that module with ./$SDK_DIR (and main.go import its package).
GO_MODULE="$(awk '$1 == "module" { print $2 }' "$GO_EXAMPLE/$SDK_DIR/go.mod")"
GO_REPLACED="$(awk -v dir="./$SDK_DIR" '$1 == "replace" && $3 == "=>" && $4 == dir { print $2 }' "$ROOT/examples/go/go.mod")"
if [[ -n "$GO_MODULE" && "$GO_MODULE" == "$GO_REPLACED" ]] && grep -qF "\"$GO_MODULE/vmafx\"" "$ROOT/examples/go/main.go"; then
    ok "the generated Go SDK is the module $GO_MODULE, which examples/go replaces with ./$SDK_DIR and imports"
else
    bad "the generated Go SDK's module ($GO_MODULE) is not the one examples/go/go.mod replaces ($GO_REPLACED) or main.go imports"
    exit 1
fi
cp "$HERE/go/record_example_test.go" "$GO_EXAMPLE/"
(cd "$GO_EXAMPLE" && VMAFX_RECORD_FILE="$WORK/example-go.json" go test -count=1 .) >"$WORK/logs/example-go.log" 2>&1 ||
    { cat "$WORK/logs/example-go.log"; bad "examples/go does not build or run against the generated Go SDK"; exit 1; }
verify_example go

# Server-side dry-run requests the API server has answered (its apiserver_request_total metric), to show that the
# provider planned against it rather than offline.
dry_run_requests() {
    curl -sf --cacert "$WORK/pki/apiserver.crt" -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$P_API/metrics" |
        awk '/^apiserver_request_total\{/ && /dry_run="All"/ { n += $NF } END { print n + 0 }'
}

pulumi_in "$YAML_DIR" yaml-stack-init stack init prod --non-interactive || { cat "$WORK/logs/yaml-stack-init.log"; exit 1; }
say "pulumi preview of examples/yaml --stack prod --policy-pack policy-pack --policy-pack-config stacks/policy-config.prod.json (API server on 127.0.0.1:$P_API)"
DRY_RUNS_BEFORE="$(dry_run_requests)"
rc=0
(cd "$YAML_DIR" && pulumi preview --stack prod --json --non-interactive --policy-pack "$WORK/project/policy-pack" \
    --policy-pack-config "$WORK/project/stacks/policy-config.prod.json") >"$WORK/yaml-preview.json" 2>"$WORK/logs/yaml-preview.log" || rc=$?
DRY_RUNS=$(($(dry_run_requests) - DRY_RUNS_BEFORE))
if [[ $rc -eq 0 && $DRY_RUNS -gt 0 ]]; then
    ok "pulumi preview of the YAML example with the policy pack (prod settings) succeeds; the API server answered $DRY_RUNS server-side dry-run requests of it"
else
    cat "$WORK/logs/yaml-preview.log" "$WORK/yaml-preview.json"
    bad "pulumi preview of the YAML example failed (exit $rc) or sent the API server no dry-run request ($DRY_RUNS)"
    exit 1
fi
if "$TS_NODE" --transpile-only "$HERE/verify.ts" yaml-preview --stack prod --preview "$WORK/yaml-preview.json" \
    --program "$YAML_DIR/Pulumi.yaml" | tee "$WORK/logs/verify-yaml-preview.log"; then
    add_counts "$WORK/logs/verify-yaml-preview.log"
else
    bad "checks of the YAML example's preview"
    exit 1
fi

say "throwaway copy of the YAML example with the object-store CIDR at 0.0.0.0/0"
YAML_BLOCKED="$WORK/yaml-blocked"
mkdir -p "$YAML_BLOCKED" "$WORK/state-yaml-blocked"
node - "$YAML_DIR/Pulumi.yaml" "$YAML_BLOCKED/Pulumi.yaml" "$ROOT/node_modules/js-yaml" <<'EOF'
const fs = require("fs");
const [from, to, jsYaml] = process.argv.slice(2);
const yaml = require(jsYaml);
const doc = yaml.load(fs.readFileSync(from, "utf8"));
const dest = doc.resources.vmafx.properties.networkPolicy.nodeToObjectStore.destinations[0];
if (!dest.cidr || dest.cidr === "0.0.0.0/0") throw new Error(`unexpected object-store CIDR ${dest.cidr} in ${from}`);
dest.cidr = "0.0.0.0/0";
fs.writeFileSync(to, yaml.dump(doc));
EOF
rc=0
(
    export PULUMI_BACKEND_URL="file://$WORK/state-yaml-blocked"
    cd "$YAML_BLOCKED"
    pulumi stack init prod --non-interactive && pulumi preview --stack prod "${PULUMI_FLAGS[@]}" \
        --policy-pack "$WORK/project/policy-pack" --policy-pack-config "$WORK/project/stacks/policy-config.prod.json"
) >"$WORK/logs/yaml-preview-blocked.log" 2>&1 || rc=$?
if [[ $rc -ne 0 ]] && grep -q "$EGRESS_POLICY" "$WORK/logs/yaml-preview-blocked.log" &&
    grep -q "mandatory" "$WORK/logs/yaml-preview-blocked.log"; then
    ok "preview of the YAML example with 0.0.0.0/0 object-store egress is blocked by $EGRESS_POLICY (exit $rc)"
    echo "---- blocked YAML preview, policy lines:"
    grep -n -A4 -E "\[mandatory\]" "$WORK/logs/yaml-preview-blocked.log" >"$WORK/yaml-blocked-lines.txt" || true
    head -n 12 "$WORK/yaml-blocked-lines.txt"
    echo "----"
else
    cat "$WORK/logs/yaml-preview-blocked.log"
    bad "preview of the YAML example with 0.0.0.0/0 object-store egress was not blocked by $EGRESS_POLICY (exit $rc)"
    exit 1
fi
