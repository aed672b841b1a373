#!/usr/bin/env bash
# `npm run e2e`: the real-engine end-to-end suite (test/e2e/suite; test/e2e/README.md says what it checks). One
# mocha run over test/e2e/suite/scenarios/*/*.e2e.ts, TypeScript driven by the Pulumi Automation API. Its root hooks
# build or reuse the toolchain (test/e2e/build-toolchain.sh), build the workspace (`npm run build`), start etcd and
# kube-apiserver on loopback, and afterwards destroy what a failed test left up, stop the servers and remove the
# temp dir. Prints one PASS/FAIL line per test and closes with `e2e: N passed, M failed`; exits non-zero on any
# failure.
#
#   VMAFX_E2E_KEEP=1          keep the temp dir (project copies, state, kubeconfig, server logs)
#   VMAFX_E2E_RATIO_PAIRS=N   timed with/without-pack preview pairs after the warm-up (default 5, at least 3)
#
# Arguments go to mocha, e.g. `npm run e2e -- --grep day-2`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
exec node_modules/.bin/mocha --config test/e2e/suite/.mocharc.json "$@"
