#!/usr/bin/env bash
# Builds, or reuses, the binaries of the real-engine end-to-end test (issues #5 and #6), from Go modules only:
#   pulumi, pulumi-language-nodejs,       test/e2e/tools/pulumi    (CLI: github.com/pulumi/pulumi/pkg/v3)
#     sdkgen (Python and Go SDK generator)
#   pulumi-language-yaml                  test/e2e/tools/yaml      (github.com/pulumi/pulumi-yaml)
#   pulumi-resource-kubernetes            test/e2e/tools/provider  (github.com/pulumi/pulumi-kubernetes/provider/v4)
#   kube-apiserver, kubectl, etcd         test/e2e/tools/kube      (k8s.io/kubernetes + go.etcd.io/etcd/server/v3)
#   kube-controller-manager               test/e2e/tools/kube      (the same k8s.io/kubernetes as kube-apiserver)
#   kube-router                           test/e2e/tools/kube-router (github.com/cloudnativelabs/kube-router/v2)
#     only its NetworkPolicy firewall, as a test engine; v2.1.0 has reported security flaws (see its section below)
#
# Each binary is cached outside the repository under a key of exactly its own inputs (its wrapper module's go.mod and
# go.sum, its own Go sources, the Go version, the recipe), at
#   ${VMAFX_E2E_CACHE:-$HOME/.cache/vmafx-e2e}/store/<binary>-<key>/
# so editing one language host rebuilds that host only. The binaries are then linked into
#   ${VMAFX_E2E_CACHE:-$HOME/.cache/vmafx-e2e}/<versions>_<hash of all keys>/bin
# Progress and per-binary build times go to stderr; the only line on stdout is the bin directory. Any build failure
# exits non-zero.
#
#   VMAFX_E2E_CACHE   cache root (default ~/.cache/vmafx-e2e)
#   VMAFX_E2E_NICE    niceness of the go builds (default 10), so other work on a 2-core machine stays responsive
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="$HERE/tools"
CACHE_ROOT="${VMAFX_E2E_CACHE:-$HOME/.cache/vmafx-e2e}"
NICE="${VMAFX_E2E_NICE:-10}"
# Bump when a build flag or the layout below changes, so old cache entries are not reused.
RECIPE=2

log() { echo "[build-toolchain] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v go >/dev/null || die "go is not on PATH"
export CGO_ENABLED=0

modver() { # <wrapper dir> <module path>: the version the wrapper's build list selects
    (cd "$1" && go list -m -f '{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}' "$2")
}
modtime() { (cd "$1" && go list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' "$2"); }

log "resolving versions from the wrapper modules (downloads go.mod files on a fresh machine)"
PULUMI_VERSION="$(modver "$TOOLS/pulumi" github.com/pulumi/pulumi/pkg/v3)"
PULUMI_SDK_VERSION="$(modver "$TOOLS/pulumi" github.com/pulumi/pulumi/sdk/v3)"
PROVIDER_MODVER="$(modver "$TOOLS/provider" github.com/pulumi/pulumi-kubernetes/provider/v4)"
PROVIDER_SDK_VERSION="$(modver "$TOOLS/provider" github.com/pulumi/pulumi-kubernetes/sdk/v4)"
KUBE_VERSION="$(modver "$TOOLS/kube" k8s.io/kubernetes)"
ETCD_VERSION="$(modver "$TOOLS/kube" go.etcd.io/etcd/server/v3)"
KUBE_ROUTER_VERSION="$(modver "$TOOLS/kube-router" github.com/cloudnativelabs/kube-router/v2)"
[[ -n "$PULUMI_VERSION" && -n "$PROVIDER_MODVER" && -n "$KUBE_VERSION" && -n "$ETCD_VERSION" &&
    -n "$KUBE_ROUTER_VERSION" ]] ||
    die "could not read versions from $TOOLS/*/go.mod"
[[ "$PULUMI_VERSION" == "v$PULUMI_SDK_VERSION" || "$PULUMI_VERSION" == "$PULUMI_SDK_VERSION" ]] ||
    die "pulumi pkg/v3 $PULUMI_VERSION and sdk/v3 $PULUMI_SDK_VERSION differ"
# The provider stamps its module version without the leading v (as upstream's VERSION=4.x.y does).
PROVIDER_VERSION="${PROVIDER_MODVER#v}"

GOVERSION="$(go env GOVERSION)"
# inputs_key <files or directories…>: a short hash of the recipe, the Go version and the named inputs (paths
# relative to tools/; directories contribute their *.go files).
inputs_key() {
    (cd "$TOOLS" && { echo "recipe $RECIPE $GOVERSION"; for f in "$@"; do
        if [[ -d "$f" ]]; then find "$f" -name '*.go' | LC_ALL=C sort | while read -r g; do echo "== $g"; cat "$g"; done
        else echo "== $f"; cat "$f"; fi
    done; } | sha256sum | cut -c1-12)
}
K_PULUMI="$(inputs_key pulumi/go.mod pulumi/go.sum)"
K_NODEJS="$(inputs_key pulumi/go.mod pulumi/go.sum pulumi/langhost)"
K_SDKGEN="$(inputs_key pulumi/go.mod pulumi/go.sum pulumi/sdkgen)"
K_YAML="$(inputs_key yaml/go.mod yaml/go.sum yaml/langhost)"
K_PROVIDER="$(inputs_key provider/go.mod provider/go.sum)"
K_KUBE="$(inputs_key kube/go.mod kube/go.sum)"
K_KUBE_ROUTER="$(inputs_key kube-router/go.mod kube-router/go.sum)"
YAML_VERSION="$(modver "$TOOLS/yaml" github.com/pulumi/pulumi-yaml)"
[[ -n "$YAML_VERSION" ]] || die "could not read the pulumi-yaml version from $TOOLS/yaml/go.mod"

HASH="$(echo "$K_PULUMI $K_NODEJS $K_SDKGEN $K_YAML $K_PROVIDER $K_KUBE $K_KUBE_ROUTER" | sha256sum | cut -c1-12)"
KEY="pulumi-${PULUMI_VERSION}_k8sprov-${PROVIDER_MODVER}_kube-${KUBE_VERSION}_etcd-${ETCD_VERSION}"
KEY+="_kube-router-${KUBE_ROUTER_VERSION}_${HASH}"
DIR="$CACHE_ROOT/$KEY"
BIN="$DIR/bin"
STORE="$CACHE_ROOT/store"
mkdir -p "$BIN" "$DIR/logs" "$STORE"
log "cache: $DIR"

declare -a TIMINGS=()
# build <name> <key> <wrapper dir> <go build args...>: puts $STORE/<name>-<key>/<name> into $BIN, building it first
# unless a complete earlier build is there.
build() {
    local name="$1" key="$2" dir="$3"; shift 3
    local out="$STORE/$name-$key"
    if [[ -x "$out/$name" && -f "$out/.ok" ]]; then
        TIMINGS+=("$name: cached ($out)")
    else
        rm -rf "$out"
        mkdir -p "$out"
        local logf="$DIR/logs/$name.log" start end
        log "building $name (log: $logf)"
        start=$(date +%s)
        if ! (cd "$dir" && nice -n "$NICE" go build -trimpath -o "$out/$name" "$@") >"$logf" 2>&1; then
            tail -n 40 "$logf" >&2
            die "building $name failed (full log: $logf)"
        fi
        end=$(date +%s)
        touch "$out/.ok"
        TIMINGS+=("$name: built in $((end - start)) s")
        log "built $name in $((end - start)) s"
    fi
    # A hard link (a copy across file systems), not a symlink: the CLI looks for language hosts next to the path
    # of its own executable, with symlinks resolved.
    rm -f "$BIN/$name"
    ln "$out/$name" "$BIN/$name" 2>/dev/null || cp "$out/$name" "$BIN/$name"
}

# --- Pulumi CLI and the Node.js language host ------------------------------------------------------------------
PULUMI_X="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION#v}"
build pulumi "$K_PULUMI" "$TOOLS/pulumi" -tags osusergo,grpcnotrace -ldflags "-s -w $PULUMI_X" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
build pulumi-language-nodejs "$K_NODEJS" "$TOOLS/pulumi" -ldflags "-s -w -X main.version=${PULUMI_VERSION#v}" ./langhost
build sdkgen "$K_SDKGEN" "$TOOLS/pulumi" -ldflags "-s -w" ./sdkgen

# --- Pulumi YAML language host (upstream's, plus the Link call; see tools/yaml/langhost) -------------------------
build pulumi-language-yaml "$K_YAML" "$TOOLS/yaml" \
    -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=${YAML_VERSION}" ./langhost

# --- pulumi-kubernetes provider -----------------------------------------------------------------------------------
# Its main package embeds schema-embed.json and terraform-mapping-embed.json, which are gitignored upstream and so
# missing from the module zip: copy the command directory out of the module cache and run its generate step.
SRC="$STORE/src-provider-$K_PROVIDER"
if [[ ! -f "$STORE/pulumi-resource-kubernetes-$K_PROVIDER/.ok" ]]; then
    rm -rf "$SRC"
    mkdir -p "$SRC/cmd/pulumi-resource-kubernetes"
    cp "$TOOLS/provider/go.mod" "$TOOLS/provider/go.sum" "$SRC/"
    (cd "$TOOLS/provider" && go mod download github.com/pulumi/pulumi-kubernetes/provider/v4) ||
        die "downloading the provider module failed"
    PMOD="$(cd "$TOOLS/provider" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
    [[ -d "$PMOD/cmd/pulumi-resource-kubernetes" ]] || die "provider module has no cmd/pulumi-resource-kubernetes"
    cp "$PMOD"/cmd/pulumi-resource-kubernetes/*.go "$PMOD"/cmd/pulumi-resource-kubernetes/*.json \
        "$SRC/cmd/pulumi-resource-kubernetes/"
    chmod -R u+w "$SRC"
    log "generating the provider's embedded schema (VERSION=$PROVIDER_VERSION)"
    gstart=$(date +%s)
    (cd "$SRC/cmd/pulumi-resource-kubernetes" && VERSION="$PROVIDER_VERSION" nice -n "$NICE" go run generate.go) \
        >"$DIR/logs/provider-generate.log" 2>&1 || { cat "$DIR/logs/provider-generate.log" >&2; die "provider generate step failed"; }
    for f in schema-embed.json terraform-mapping-embed.json; do
        [[ -s "$SRC/cmd/pulumi-resource-kubernetes/$f" ]] || die "generate step did not write $f"
    done
    TIMINGS+=("provider generate step: $(( $(date +%s) - gstart )) s")
fi
build pulumi-resource-kubernetes "$K_PROVIDER" "$SRC" \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$PROVIDER_VERSION" \
    ./cmd/pulumi-resource-kubernetes
# The directory the e2e project names as its kubernetes provider plugin (Pulumi.yaml `plugins.providers[].path`).
mkdir -p "$DIR/plugins/kubernetes"
ln -sf "$BIN/pulumi-resource-kubernetes" "$DIR/plugins/kubernetes/pulumi-resource-kubernetes"

# --- kube-apiserver, kube-controller-manager, kubectl, etcd ---------------------------------------------------------
KV="${KUBE_VERSION#v}"; KMAJOR="${KV%%.*}"; KMINOR="$(echo "$KV" | cut -d. -f2)"
KDATE="$(modtime "$TOOLS/kube" k8s.io/kubernetes)"; KDATE="${KDATE:-1970-01-01T00:00:00Z}"
KX=""
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    KX+=" -X $p.gitVersion=v$KV -X $p.gitMajor=$KMAJOR -X $p.gitMinor=$KMINOR -X $p.gitTreeState=clean"
    KX+=" -X $p.buildDate=$KDATE"
done
build kube-apiserver "$K_KUBE" "$TOOLS/kube" -ldflags "-s -w$KX" k8s.io/kubernetes/cmd/kube-apiserver
build kube-controller-manager "$K_KUBE" "$TOOLS/kube" -ldflags "-s -w$KX" k8s.io/kubernetes/cmd/kube-controller-manager
build kubectl "$K_KUBE" "$TOOLS/kube" -ldflags "-s -w$KX" k8s.io/kubernetes/cmd/kubectl
build etcd "$K_KUBE" "$TOOLS/kube" -ldflags "-s -w" go.etcd.io/etcd/server/v3

# --- kube-router ----------------------------------------------------------------------------------------------------
# kube-router v2.1.0 (the only version the module proxy serves) has reported security flaws. It is used only as the
# test NetworkPolicy engine (its firewall controller) inside an isolated network namespace of the e2e run, never on
# a real network. Its wrapper's go.mod/go.sum are what `go get -tool …@v2.1.0` wrote, deliberately not tidied:
# `go mod tidy` also resolves packages of other OSes and of tests that kube-router's go.mod does not list, and would
# pull the newest grpc, otel and golang.org/x modules instead of the versions kube-router pins.
KRDATE="$(modtime "$TOOLS/kube-router" github.com/cloudnativelabs/kube-router/v2)"; KRDATE="${KRDATE:-1970-01-01T00:00:00Z}"
KRX="-X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$KUBE_ROUTER_VERSION"
KRX+=" -X github.com/cloudnativelabs/kube-router/v2/pkg/version.BuildDate=$KRDATE"
build kube-router "$K_KUBE_ROUTER" "$TOOLS/kube-router" -ldflags "-s -w $KRX" \
    github.com/cloudnativelabs/kube-router/v2/cmd/kube-router

# --- checks: every binary runs and reports the pinned version ----------------------------------------------------
check() { # <expected substring> <command...>
    local want="$1"; shift
    local out
    out="$("$@" 2>&1 | head -n 5)" || die "'$*' failed: $out"
    [[ "$out" == *"$want"* ]] || die "'$*' printed '$out', expected '$want'"
}
check "v${PULUMI_VERSION#v}" "$BIN/pulumi" version
check "v$KV" "$BIN/kube-apiserver" --version
check "v$KV" "$BIN/kube-controller-manager" --version
check "v$KV" "$BIN/kubectl" version --client
check "${ETCD_VERSION#v}" "$BIN/etcd" --version
# kube-router prints "Running <argv0> version <Version>, built on <BuildDate>, <go version>" (to stderr).
check "version $KUBE_ROUTER_VERSION," "$BIN/kube-router" --version

cat >"$DIR/versions.txt" <<EOF
pulumi (CLI)                 v${PULUMI_VERSION#v}   github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION
pulumi-language-nodejs       ${PULUMI_VERSION#v}    test/e2e/tools/pulumi/langhost against github.com/pulumi/pulumi/sdk/v3@v${PULUMI_SDK_VERSION#v}
sdkgen                     ${PULUMI_VERSION#v}    test/e2e/tools/pulumi/sdkgen: github.com/pulumi/pulumi/pkg/v3@$PULUMI_VERSION codegen/python, codegen/go
pulumi-language-yaml         ${YAML_VERSION#v}    github.com/pulumi/pulumi-yaml@$YAML_VERSION + Link (test/e2e/tools/yaml/langhost)
pulumi-resource-kubernetes   $PROVIDER_VERSION   github.com/pulumi/pulumi-kubernetes/provider/v4@$PROVIDER_MODVER (sdk/v4 => $PROVIDER_SDK_VERSION)
kube-apiserver, kubectl      v$KV   k8s.io/kubernetes@$KUBE_VERSION
kube-controller-manager      v$KV   k8s.io/kubernetes@$KUBE_VERSION
etcd                         ${ETCD_VERSION#v}   go.etcd.io/etcd/server/v3@$ETCD_VERSION
kube-router                  $KUBE_ROUTER_VERSION   github.com/cloudnativelabs/kube-router/v2@$KUBE_ROUTER_VERSION (firewall only; known security flaws, isolated netns)
EOF
log "versions:"; sed 's/^/[build-toolchain]   /' "$DIR/versions.txt" >&2
log "timings:"; for t in "${TIMINGS[@]}"; do log "  $t"; done
echo "$BIN"
