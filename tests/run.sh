#!/usr/bin/env bash
# Runs every test: installs missing Debian packages, builds everything with
# warnings as errors, runs the unit and integration tests (ctest), lints the
# protos, and runs the demo end to end in its exiting mode.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/lib/common.sh"
cd "$TONGHOP_ROOT"

export TONGHOP_WERROR=ON
tonghop_ensure_packages || exit 1
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

step "unit and integration tests (ctest)" \
  ctest --test-dir "$TONGHOP_BUILD_DIR" --output-on-failure -j 2 --timeout 300

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

step "demo end to end (deploy/demo.sh --exit)" "$TONGHOP_ROOT/deploy/demo.sh" --exit

echo
if [ "$failed" -gt 0 ]; then
  printf 'failed step: %s\n' "${failures[@]}"
fi
echo "tests/run.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
