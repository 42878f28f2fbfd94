#!/usr/bin/env bash
# End-to-end tests of the dashboard: installs what they need (Debian's
# chromium, the npm packages of the dashboard and of these tests), builds the
# dashboard, starts tonghopd with the HTTP gateway on a temporary data
# directory, loads the reference data with the CLI, files reports through
# the gateway, and drives the dashboard in headless chromium with
# playwright-core. Exits non-zero when anything fails.
#
#   TONGHOP_BUILD_DIR=/path/to/build tests/e2e/run.sh
#
# TONGHOP_BUILD_DIR (default: build/ of this tree) must hold built
# services/server/tonghopd and clients/cli/tonghop; this script builds no C++.
# Screenshots, downloads and the server log go to $TONGHOP_BUILD_DIR/e2e/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${TONGHOP_BUILD_DIR:-$ROOT/build}"
OUT="$BUILD_DIR/e2e"
TONGHOPD="$BUILD_DIR/services/server/tonghopd"
CLI="$BUILD_DIR/clients/cli/tonghop"

log() { printf '\033[1m==> e2e: %s\033[0m\n' "$*" >&2; }
fail() { echo "tests/e2e/run.sh: $*" >&2; exit 1; }

for binary in "$TONGHOPD" "$CLI"; do
  [ -x "$binary" ] || fail "$binary is not built (set TONGHOP_BUILD_DIR to a build directory)"
done
# grep reads the whole help: with pipefail, grep -q could close the pipe early
# and tonghopd's later writes would fail it.
"$TONGHOPD" --help | grep -- '--http=' >/dev/null || fail "$TONGHOPD has no HTTP gateway (--http)"

# Debian's chromium and a font with Vietnamese letters; never a browser
# download of Playwright's own.
missing=()
for package in chromium fonts-dejavu-core; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v npm >/dev/null || fail "npm is not installed"

log "npm ci (dashboard, e2e)"
(cd "$ROOT/clients/dashboard" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
log "dashboard unit tests (figures and dates formatted as in C++)"
(cd "$ROOT/clients/dashboard" && npm test --silent)
log "building the dashboard"
(cd "$ROOT/clients/dashboard" && npm run --silent build)

rm -rf "$OUT"
mkdir -p "$OUT"
DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/tonghop-e2e-XXXXXX")"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

# The server's clock is set (tonghopd --now) so that the round's reports
# are filed before the due date of 5 November 2026 and some after it, as in
# deploy/demo.sh; overdue tasks are then judged on 7 November.
GRPC_ADDRESS=""
HTTP_ADDRESS=""
start_server() {  # start_server NOW
  log "starting tonghopd with --http (clock from $1)"
  : >"$OUT/tonghopd.out"
  "$TONGHOPD" --data-dir="$DATA_DIR" --listen=127.0.0.1:0 --http=127.0.0.1:0 --now="$1" --insecure-dev-identity \
    --dashboard-dir="$ROOT/clients/dashboard/dist" >"$OUT/tonghopd.out" 2>>"$OUT/tonghopd.log" &
  SERVER_PID=$!
  # The server prints its gRPC address, then its HTTP address, once it
  # listens; a dead server ends the wait at once.
  HTTP_ADDRESS=""
  for _ in $(seq 1 300); do
    GRPC_ADDRESS="$(sed -n 's/^tonghopd listening on \([^ ]*\).*/\1/p' "$OUT/tonghopd.out")"
    HTTP_ADDRESS="$(sed -n 's/^tonghopd http on \([^ ]*\).*/\1/p' "$OUT/tonghopd.out")"
    [ -n "$HTTP_ADDRESS" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/tonghopd.log" >&2; fail "tonghopd exited"; }
    sleep 0.1
  done
  [ -n "$HTTP_ADDRESS" ] || { cat "$OUT/tonghopd.log" >&2; fail "tonghopd did not print its HTTP address"; }
  export TONGHOP_HTTP="http://$HTTP_ADDRESS"
  log "tonghopd: gRPC $GRPC_ADDRESS, dashboard $TONGHOP_HTTP"
}
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

start_server 2026-11-03T09:00:00+07:00
log "loading the reference data (tonghop registry load deploy/data)"
TONGHOP_SERVER="$GRPC_ADDRESS" TONGHOP_STATE_DIR="$OUT/cli-state" \
  "$CLI" --agency=bo-tu-phap registry load "$ROOT/deploy/data" >"$OUT/registry-load.txt"
log "filing reports through the gateway, before the due date"
node "$ROOT/tests/e2e/seed.mjs" "$TONGHOP_HTTP" on-time | tee "$OUT/seed-on-time.json"
stop_server

start_server 2026-11-07T09:00:00+07:00
log "filing the late reports"
TONGHOP_SEED_CHANGES="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).changes)' "$OUT/seed-on-time.json")" \
  node "$ROOT/tests/e2e/seed.mjs" "$TONGHOP_HTTP" late | tee "$OUT/seed-late.json"

log "driving the dashboard in chromium"
export TONGHOP_E2E_OUT="$OUT"
status=0
(cd "$ROOT/tests/e2e" && node --test --test-concurrency=1 --test-reporter=spec dashboard.test.mjs) || status=$?
log "screenshots and downloads in $OUT"
exit "$status"
