#!/usr/bin/env bash
# Runs every test: installs missing Debian packages, builds everything with
# warnings as errors, runs the unit and integration tests (ctest) — among
# them the standing fault tests, tests/integration/fault_*_test.cc (kill -9
# under load, damaged logs, full disks, the outbox under every error,
# forwarding, two servers on one port; see docs/reliability.md) — lints the
# protos, drives the dashboard in headless chromium, and runs the demo end to
# end in its exiting mode.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib/common.sh"
cd "$TONGHOP_ROOT"

export TONGHOP_WERROR=ON
# LibreOffice makes the .docx and .pdf the plan import is tested on (the
# test says so and skips where it is missing).
tonghop_ensure_packages libreoffice-writer-nogui fonts-liberation || exit 1
tonghop_ensure_packages "${TONGHOP_DEMO_PACKAGES[@]}" "${TONGHOP_TEST_PACKAGES[@]}" || exit 1
# The Kubernetes manifests' check runs Debian's kubectl (see common.sh).
TONGHOP_KUBECTL="$(tonghop_debian_kubectl)" && export TONGHOP_KUBECTL ||
  echo "tests/run.sh: Debian's kubectl is not available; the manifests' kubectl check is skipped" >&2
tonghop_build || { echo "tests/run.sh: build failed" >&2; exit 1; }

passed=0
failed=0
failures=()
step() {  # step NAME command...
  local name="$1"; shift
  tonghop_log "$name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

start_time=$SECONDS
ctest_log="$TONGHOP_BUILD_DIR/ctest.log"
run_ctest() {
  ctest --test-dir "$TONGHOP_BUILD_DIR" --output-on-failure -j 2 --timeout 300 2>&1 | tee "$ctest_log"
  return "${PIPESTATUS[0]}"
}
step "unit and integration tests (ctest)" run_ctest

lint_protos() {
  # buf comes from the npm registry; it is a lint tool, not part of the build.
  local tools="$TONGHOP_BUILD_DIR/tools"
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is not installed: cannot lint the protos with buf" >&2
    return 1
  fi
  if [ ! -x "$tools/node_modules/.bin/buf" ]; then
    mkdir -p "$tools"
    (cd "$tools" && npm install --silent --no-audit --no-fund @bufbuild/buf@1.75.0 >/dev/null) || return 1
  fi
  (cd "$TONGHOP_ROOT/proto" && "$tools/node_modules/.bin/buf" lint)
}
step "proto lint (buf)" lint_protos

step "dashboard end to end in chromium (tests/e2e/run.sh)" \
  env TONGHOP_BUILD_DIR="$TONGHOP_BUILD_DIR" "$TONGHOP_ROOT/tests/e2e/run.sh"

step "demo end to end (deploy/demo.sh --exit)" "$TONGHOP_ROOT/deploy/demo.sh" --exit

# Three provinces and the Ministry; 5 reports a second, so that the
# servers are killed while the provinces ingest and push (about 20 s).
step "federation drill, small scale (deploy/federation-drill.sh)" \
  "$TONGHOP_ROOT/deploy/federation-drill.sh" --provinces=3 --communes=18 --departments=3 \
  --independent-bodies=1 --tasks=6 --indicators=8 --rate=5

# The closing line counts every test: each ctest test, plus the lint, the
# browser tests, the demo and the drill as one test each (the ctest step
# itself is not counted again).
ctest_total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$ctest_log" | tail -1)
ctest_failed=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$ctest_log" | tail -1)
ctest_ok=1
for f in "${failures[@]:-}"; do [ "$f" = "unit and integration tests (ctest)" ] && ctest_ok=0; done
if [ -z "$ctest_total" ]; then ctest_total=1; ctest_failed=$((1 - ctest_ok)); fi
echo
if [ "$failed" -gt 0 ]; then printf 'failed step: %s\n' "${failures[@]}"; fi
echo "ran in $((SECONDS - start_time)) s after the build"
echo "tests: $((ctest_total - ctest_failed + passed - ctest_ok)) passed, $((ctest_failed + failed - (1 - ctest_ok))) failed"
[ "$failed" -eq 0 ]
