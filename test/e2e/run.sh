#!/usr/bin/env bash
# `npm run e2e`: the real-engine end-to-end test of issues #5 and #6.
#
#  1. Builds or reuses the toolchain (test/e2e/build-toolchain.sh).
#  2. Copies the project into a temp dir (committed files are never touched), logs in to a file backend there and
#     creates the stacks dev and prod from the committed Pulumi.dev.yaml / Pulumi.prod.yaml.
#  3. `pulumi preview --stack <s> --policy-pack policy-pack --policy-pack-config stacks/policy-config.<s>.json` must
#     pass for prod and dev; on a throwaway copy of prod whose object-store CIDR is 0.0.0.0/0 it must fail, naming the
#     prod egress policy.
#  4. Starts etcd and kube-apiserver on loopback.
#  5. The component package from other languages (package.sh): `pulumi package add` of the package's sources into a
#     copy of examples/yaml, `pulumi package get-schema` equal to `npm run schema`, examples/python run against the
#     Python SDK generated from that schema, `pulumi preview` of the YAML example with the policy pack against the API
#     server (checked by verify.ts against VmafxStack built in TypeScript), and the same preview with 0.0.0.0/0
#     object-store egress blocked.
#  6. `pulumi up` dev and prod against the API server, and checks with kubectl (test/e2e/verify.ts): objects exist,
#     restricted namespace labels, server-side dry-run Pods from every pod template admitted, a non-compliant Pod
#     rejected by PodSecurity, applied objects == offline render.
#  7. `pulumi destroy` both stacks and stops the servers, also when a step fails (trap).
#
#   VMAFX_E2E_KEEP=1   keep the temp dir (logs, state, kubeconfig) for debugging
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
T0=$(date +%s)

say() { echo "[e2e $(($(date +%s) - T0))s] $*"; }
PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
# Adds the counts of a verify.ts closing line ("verify ...: N passed, M failed") from a log.
add_counts() {
    local line
    line="$(grep -E '^verify .*: [0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)" || return 0
    PASSED=$((PASSED + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")))
    FAILED=$((FAILED + $(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")))
}
bad() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }

# --- toolchain -------------------------------------------------------------------------------------------------
say "toolchain"
BIN="$(bash "$HERE/build-toolchain.sh")"
TOOLDIR="$(dirname "$BIN")"
T_TOOLCHAIN=$(($(date +%s) - T0))
say "toolchain ready in ${T_TOOLCHAIN}s: $BIN"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vmafx-e2e.XXXXXX")"
mkdir -p "$WORK/logs" "$WORK/pki" "$WORK/state"
ETCD_PID=""
APISERVER_PID=""
UP_STACKS=()

export PATH="$BIN:$PATH"
export PULUMI_HOME="$WORK/pulumi-home"
PULUMI_CONFIG_PASSPHRASE="e2e-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export PULUMI_CONFIG_PASSPHRASE
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DISABLE_REGISTRY_RESOLVE=true
export PULUMI_IGNORE_AMBIENT_PLUGINS=true
export PULUMI_SKIP_CONFIRMATIONS=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
unset PULUMI_BACKEND_URL PULUMI_ACCESS_TOKEN
export KUBECONFIG="$WORK/kubeconfig"
PULUMI_FLAGS=(--non-interactive --color never)

# Runs pulumi in a project copy, logging to $WORK/logs/<log>.log; returns pulumi's exit code.
pulumi_in() { # <dir> <log name> <pulumi args...>
    local dir="$1" log="$WORK/logs/$2.log"; shift 2
    local rc=0
    if [[ "$1" == timeout ]]; then
        (cd "$dir" && "$@") >"$log" 2>&1 || rc=$?
    else
        (cd "$dir" && pulumi "$@") >"$log" 2>&1 || rc=$?
    fi
    return $rc
}

stop_servers() {
    if [[ -n "$APISERVER_PID" ]] && kill -0 "$APISERVER_PID" 2>/dev/null; then
        kill "$APISERVER_PID" 2>/dev/null || true
        wait "$APISERVER_PID" 2>/dev/null || true
    fi
    APISERVER_PID=""
    if [[ -n "$ETCD_PID" ]] && kill -0 "$ETCD_PID" 2>/dev/null; then
        kill "$ETCD_PID" 2>/dev/null || true
        wait "$ETCD_PID" 2>/dev/null || true
    fi
    ETCD_PID=""
}

cleanup() {
    local rc=$?
    set +e
    # Stacks still up (a step failed before the destroy step): destroy them while the API server still runs.
    for s in "${UP_STACKS[@]}"; do
        [[ -n "$s" ]] || continue
        say "cleanup: pulumi destroy --stack $s"
        VMAFX_E2E_SKIP_AWAIT=true pulumi_in "$WORK/project" "cleanup-destroy-$s" timeout 600 pulumi destroy --yes --skip-preview \
            --stack "$s" "${PULUMI_FLAGS[@]}" || echo "cleanup: destroy of $s failed, see $WORK/logs/cleanup-destroy-$s.log"
    done
    stop_servers
    if [[ $rc -ne 0 ]]; then
        echo "---- e2e failed (exit $rc); last lines of the logs in $WORK/logs:"
        for f in "$WORK"/logs/*.log; do
            [[ -f "$f" ]] || continue
            echo "---- $(basename "$f")"
            tail -n 25 "$f"
        done
    fi
    if [[ -n "${VMAFX_E2E_KEEP:-}" || $rc -ne 0 ]]; then
        echo "e2e: work dir kept at $WORK"
    else
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- project copies -------------------------------------------------------------------------------------------
# copy_sources <dest>: the working tree without git data, installed packages or build output, as a clone holds it.
copy_sources() {
    mkdir -p "$1"
    tar -C "$ROOT" --exclude=./.git --exclude=./node_modules --exclude=./rendered --exclude='./policy-pack/node_modules' \
        --exclude=./.pulumi --exclude=./components/bin -cf - . | tar -C "$1" -xf -
}

# The copy runs test/e2e/program/e2e-main.ts (the project's index.ts re-exported; see that file) and names the built
# provider binary as its kubernetes plugin (`plugins.providers` without a version matches any requested version),
# so the CLI never looks for a download.
copy_project() { # <dest>
    local dest="$1"
    copy_sources "$dest"
    # The project's own components/bin (built by npm ci's prepare), which node_modules/vmafx points to.
    cp -a "$ROOT/components/bin" "$dest/components/bin"
    ln -s "$ROOT/node_modules" "$dest/node_modules"
    if [[ -d "$ROOT/policy-pack/node_modules" ]]; then
        ln -s "$ROOT/policy-pack/node_modules" "$dest/policy-pack/node_modules"
    fi
    # A textual edit, so the CLI itself parses (and judges) the committed Pulumi.yaml.
    node - "$dest/Pulumi.yaml" "$TOOLDIR/plugins/kubernetes" <<'EOF'
const fs = require("fs");
const [file, pluginDir] = process.argv.slice(2);
let text = fs.readFileSync(file, "utf8");
if (/^plugins:/m.test(text)) throw new Error(`${file} already declares plugins; the e2e copy cannot add its provider`);
const mains = text.match(/^main:.*$/gm) ?? [];
if (mains.length > 1) throw new Error(`${file} has ${mains.length} top-level main: lines`);
const main = "main: test/e2e/program/e2e-main.ts";
text = mains.length === 1 ? text.replace(/^main:.*$/m, main) : `${text.replace(/\n*$/, "\n")}${main}\n`;
text = `${text.replace(/\n*$/, "\n")}plugins:\n  providers:\n    - name: kubernetes\n      path: ${JSON.stringify(pluginDir)}\n`;
fs.writeFileSync(file, text);
EOF
}

say "project copy and file backend in $WORK"
copy_project "$WORK/project"
pulumi_in "$WORK/project" login login "file://$WORK/state" || { cat "$WORK/logs/login.log"; exit 1; }
for s in dev prod; do
    pulumi_in "$WORK/project" "stack-init-$s" stack init "$s" --non-interactive ||
        { cat "$WORK/logs/stack-init-$s.log"; exit 1; }
done
ok "file backend file://$WORK/state with stacks dev and prod from the committed stack files"

TS_NODE="$ROOT/node_modules/.bin/ts-node"

# --- previews with the policy pack ------------------------------------------------------------------------------
# The prod egress policy's name: the key of stacks/policy-config.prod.json whose name mentions egress.
EGRESS_POLICY="$(node -e '
const c = require(process.argv[1]);
const names = Object.keys(c).filter((k) => /egress/.test(k));
if (names.length !== 1) { console.error(`expected one egress policy in ${process.argv[1]}, found ${names}`); process.exit(1); }
console.log(names[0]);' "$ROOT/stacks/policy-config.prod.json")"

T_PREVIEW0=$(date +%s)
for s in prod dev; do
    say "pulumi preview --stack $s --policy-pack policy-pack --policy-pack-config stacks/policy-config.$s.json"
    if pulumi_in "$WORK/project" "preview-$s" preview --stack "$s" "${PULUMI_FLAGS[@]}" \
        --policy-pack policy-pack --policy-pack-config "stacks/policy-config.$s.json"; then
        ok "pulumi preview --stack $s with the policy pack succeeds"
    else
        cat "$WORK/logs/preview-$s.log"
        bad "pulumi preview --stack $s with the policy pack failed"
        exit 1
    fi
done

say "throwaway prod copy with the object-store CIDR at 0.0.0.0/0"
copy_project "$WORK/blocked"
CIDR_PATH='networkPolicy.nodeToObjectStore.destinations[0].cidr'
(
    export PULUMI_BACKEND_URL="file://$WORK/state-blocked"
    mkdir -p "$WORK/state-blocked"
    cd "$WORK/blocked"
    pulumi stack init prod --non-interactive >"$WORK/logs/blocked-init.log" 2>&1
    before="$(pulumi config get --path "$CIDR_PATH" --stack prod)"
    echo "committed $CIDR_PATH = $before" >>"$WORK/logs/blocked-init.log"
    [[ -n "$before" && "$before" != "0.0.0.0/0" ]]
    pulumi config set --path "$CIDR_PATH" 0.0.0.0/0 --stack prod >>"$WORK/logs/blocked-init.log" 2>&1
) || { cat "$WORK/logs/blocked-init.log"; bad "could not prepare the throwaway prod stack"; exit 1; }
say "pulumi preview --stack prod (object store 0.0.0.0/0) --policy-pack policy-pack --policy-pack-config stacks/policy-config.prod.json"
rc=0
PULUMI_BACKEND_URL="file://$WORK/state-blocked" pulumi_in "$WORK/blocked" preview-blocked preview --stack prod \
    "${PULUMI_FLAGS[@]}" --policy-pack policy-pack --policy-pack-config stacks/policy-config.prod.json || rc=$?
if [[ $rc -ne 0 ]] && grep -q "$EGRESS_POLICY" "$WORK/logs/preview-blocked.log" &&
    grep -q "mandatory" "$WORK/logs/preview-blocked.log"; then
    ok "preview of prod with 0.0.0.0/0 object-store egress is blocked by $EGRESS_POLICY (exit $rc)"
    echo "---- blocked preview, policy lines:"
    grep -n -A4 -E "\[mandatory\]|$EGRESS_POLICY" "$WORK/logs/preview-blocked.log" | head -n 30
    echo "----"
else
    cat "$WORK/logs/preview-blocked.log"
    bad "preview of prod with 0.0.0.0/0 object-store egress was not blocked by $EGRESS_POLICY (exit $rc)"
    exit 1
fi
T_PREVIEW=$(($(date +%s) - T_PREVIEW0))

# --- etcd + kube-apiserver on loopback --------------------------------------------------------------------------
T_CLUSTER0=$(date +%s)
read -r P_ETCD P_PEER P_API < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
say "etcd on 127.0.0.1:$P_ETCD, kube-apiserver on 127.0.0.1:$P_API"
"$BIN/etcd" --name e2e --data-dir "$WORK/etcd" \
    --listen-client-urls "http://127.0.0.1:$P_ETCD" --advertise-client-urls "http://127.0.0.1:$P_ETCD" \
    --listen-peer-urls "http://127.0.0.1:$P_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$P_PEER" \
    --initial-cluster "e2e=http://127.0.0.1:$P_PEER" --unsafe-no-fsync --log-level warn \
    >"$WORK/logs/etcd.log" 2>&1 &
ETCD_PID=$!
for i in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$P_ETCD/health" >/dev/null 2>&1 && break
    kill -0 "$ETCD_PID" 2>/dev/null || { bad "etcd exited"; exit 1; }
    sleep 1
    [[ $i -eq 60 ]] && { bad "etcd not healthy after 60 s"; exit 1; }
done

openssl genrsa -out "$WORK/pki/sa.key" 2048 >/dev/null 2>&1
TOKEN="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
echo "$TOKEN,e2e-admin,e2e-admin,\"system:masters\"" >"$WORK/pki/tokens.csv"
# StorageObjectInUseProtection is off because it adds the kubernetes.io/pvc-protection finalizer to every PVC, and
# only kube-controller-manager (not run here) removes it: `pulumi destroy` would wait on the PVC forever. It changes
# no admission decision about Pods; PodSecurity stays on as by default.
"$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$P_ETCD" \
    --bind-address=127.0.0.1 --secure-port="$P_API" \
    --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
    --cert-dir="$WORK/pki" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-signing-key-file="$WORK/pki/sa.key" --service-account-key-file="$WORK/pki/sa.key" \
    --authorization-mode=RBAC --token-auth-file="$WORK/pki/tokens.csv" \
    --allow-privileged=true --enable-priority-and-fairness=false --profiling=false \
    --disable-admission-plugins=StorageObjectInUseProtection \
    >"$WORK/logs/kube-apiserver.log" 2>&1 &
APISERVER_PID=$!
for i in $(seq 1 120); do
    if [[ -f "$WORK/pki/apiserver.crt" ]] &&
        [[ "$(curl -s --cacert "$WORK/pki/apiserver.crt" -H "Authorization: Bearer $TOKEN" \
            "https://127.0.0.1:$P_API/readyz" 2>/dev/null)" == "ok" ]]; then
        break
    fi
    kill -0 "$APISERVER_PID" 2>/dev/null || { bad "kube-apiserver exited"; exit 1; }
    sleep 1
    [[ $i -eq 120 ]] && { bad "kube-apiserver not ready after 120 s"; exit 1; }
done
kubectl config set-cluster e2e --server="https://127.0.0.1:$P_API" \
    --certificate-authority="$WORK/pki/apiserver.crt" --embed-certs=true >/dev/null
kubectl config set-credentials e2e-admin --token="$TOKEN" >/dev/null
kubectl config set-context e2e --cluster=e2e --user=e2e-admin >/dev/null
kubectl config use-context e2e >/dev/null
for i in $(seq 1 60); do
    kubectl get namespace default >/dev/null 2>&1 && break
    sleep 1
    [[ $i -eq 60 ]] && { bad "namespace default not created after 60 s"; exit 1; }
done
ok "kube-apiserver $(kubectl version -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).serverVersion.gitVersion))') ready on 127.0.0.1:$P_API (PodSecurity admission on by default)"
T_CLUSTER=$(($(date +%s) - T_CLUSTER0))

# --- the component package from YAML and Python: package add, schema, Python SDK, YAML preview with the pack -------
T_PACKAGE0=$(date +%s)
# shellcheck source=test/e2e/package.sh
source "$HERE/package.sh"
T_PACKAGE=$(($(date +%s) - T_PACKAGE0))

# --- pulumi up, checks, destroy ------------------------------------------------------------------------------------
T_UP0=$(date +%s)
for s in dev prod; do
    say "pulumi up --yes --stack $s"
    UP_STACKS+=("$s")
    if VMAFX_E2E_SKIP_AWAIT=true pulumi_in "$WORK/project" "up-$s" up --yes --skip-preview --stack "$s" "${PULUMI_FLAGS[@]}"; then
        ok "pulumi up --stack $s against the loopback kube-apiserver"
    else
        cat "$WORK/logs/up-$s.log"
        bad "pulumi up --stack $s failed"
        exit 1
    fi
    (cd "$WORK/project" && pulumi stack export --stack "$s" >"$WORK/state-$s.json")
    say "offline render of $s"
    (cd "$ROOT" && npm run --silent render -- --stack "$s" --out "$WORK/render-$s") >"$WORK/logs/render-$s.log" 2>&1 ||
        { cat "$WORK/logs/render-$s.log"; bad "npm run render -- --stack $s failed"; exit 1; }
    say "kubectl checks of $s"
    if "$TS_NODE" --transpile-only "$HERE/verify.ts" applied --stack "$s" --export "$WORK/state-$s.json" \
        --render "$WORK/render-$s" --kubectl "$BIN/kubectl" | tee "$WORK/logs/verify-$s.log"; then
        add_counts "$WORK/logs/verify-$s.log"
    else
        bad "kubectl checks of $s"
        exit 1
    fi
done
T_UP=$(($(date +%s) - T_UP0))

T_DESTROY0=$(date +%s)
for s in prod dev; do
    say "pulumi destroy --yes --stack $s"
    if VMAFX_E2E_SKIP_AWAIT=true pulumi_in "$WORK/project" "destroy-$s" destroy --yes --skip-preview --stack "$s" "${PULUMI_FLAGS[@]}"; then
        UP_STACKS=("${UP_STACKS[@]/$s/}")
        ok "pulumi destroy --stack $s"
    else
        cat "$WORK/logs/destroy-$s.log"
        bad "pulumi destroy --stack $s failed"
        exit 1
    fi
    if "$TS_NODE" --transpile-only "$HERE/verify.ts" destroyed --stack "$s" --export "$WORK/state-$s.json" \
        --kubectl "$BIN/kubectl" | tee "$WORK/logs/verify-destroyed-$s.log"; then
        add_counts "$WORK/logs/verify-destroyed-$s.log"
    else
        bad "objects of $s left in the cluster after destroy"
        exit 1
    fi
done
UP_STACKS=()
T_DESTROY=$(($(date +%s) - T_DESTROY0))
stop_servers

say "timings: toolchain ${T_TOOLCHAIN}s, previews ${T_PREVIEW}s, cluster start ${T_CLUSTER}s, component package ${T_PACKAGE}s, up+checks ${T_UP}s, destroy ${T_DESTROY}s, total $(($(date +%s) - T0))s"
echo "e2e: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
