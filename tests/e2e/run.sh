#!/usr/bin/env bash
# End-to-end tests of the dashboard: installs what they need (Debian's
# chromium, the npm packages of the dashboard and of these tests), builds the
# dashboard, starts tonghopd with the HTTP gateway on a temporary data
# directory, loads the reference data with the CLI, files reports through
# the gateway, and drives the dashboard in headless chromium with
# playwright-core; then, on a fresh instance with people who sign in, a
# clerk's and a reviewer's round through the report form and the review
# page, with tonghopd mailing its notices to a real SMTP server on loopback
# (tests/tools/smtp_sink.py); then the Ministry's page over federation, with
# the Ministry's instance and two provinces' pushing to it over mutual TLS
# (federation.test.mjs starts them itself). Exits non-zero when anything
# fails.
#
#   TONGHOP_BUILD_DIR=/path/to/build tests/e2e/run.sh
#
# TONGHOP_E2E_TESTS=clerk (or dashboard, or federation) runs only those
# tests; all three by default.
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
SMTP_PID=""
cleanup() {
  for pid in "$SERVER_PID" "$SMTP_PID"; do
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

# The server's clock is set (tonghopd --now) so that the round's reports
# are filed before the due date of 5 November 2026 and some after it, as in
# deploy/demo.sh; overdue tasks are then judged on 7 November.
GRPC_ADDRESS=""
HTTP_ADDRESS=""
start_server() {  # start_server NOW [more tonghopd flags...]
  local now="$1"
  shift
  log "starting tonghopd with --http (clock from $now) $*"
  : >"$OUT/tonghopd.out"
  "$TONGHOPD" --data-dir="$DATA_DIR" --listen=127.0.0.1:0 --http=127.0.0.1:0 --now="$now" --insecure-dev-identity \
    --dashboard-dir="$ROOT/clients/dashboard/dist" "$@" >"$OUT/tonghopd.out" 2>>"$OUT/tonghopd.log" &
  SERVER_PID=$!
  # The server prints its gRPC address, then its HTTP address, once it
  # listens; a dead server ends the wait at once.
  HTTP_ADDRESS=""
  for _ in $(seq 1 300); do
    # Read the HTTP line first: the gRPC line is printed before it, so once
    # the HTTP address is there the gRPC address is too.
    HTTP_ADDRESS="$(sed -n 's/^tonghopd http on \([^ ]*\).*/\1/p' "$OUT/tonghopd.out")"
    GRPC_ADDRESS="$(sed -n 's/^tonghopd listening on \([^ ]*\).*/\1/p' "$OUT/tonghopd.out")"
    [ -n "$HTTP_ADDRESS" ] && [ -n "$GRPC_ADDRESS" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/tonghopd.log" >&2; fail "tonghopd exited"; }
    sleep 0.1
  done
  [ -n "$HTTP_ADDRESS" ] && [ -n "$GRPC_ADDRESS" ] ||
    { cat "$OUT/tonghopd.log" >&2; fail "tonghopd did not print its gRPC and HTTP addresses"; }
  export TONGHOP_HTTP="http://$HTTP_ADDRESS"
  log "tonghopd: gRPC $GRPC_ADDRESS, dashboard $TONGHOP_HTTP"
}
stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

TESTS="${TONGHOP_E2E_TESTS:-dashboard clerk federation}"
wants() { [[ " $TESTS " == *" $1 "* ]]; }
status=0
export TONGHOP_E2E_OUT="$OUT"

if wants dashboard; then
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
  (cd "$ROOT/tests/e2e" && node --test --test-concurrency=1 --test-reporter=spec dashboard.test.mjs) || status=$?
  stop_server
fi

if wants clerk; then
  # A clerk's and a reviewer's round in the browser, on a fresh instance whose
  # clock is before the due date: the people sign in with passwords, made as
  # deploy/demo.sh makes them (the first administrator on the stopped server,
  # the others with the CLI).
  rm -rf "$DATA_DIR"
  mkdir -p "$DATA_DIR"
  ADMIN_PASSWORD="quan-tri-e2e-2026"
  export TONGHOP_CLERK_PASSWORD="can-bo-so-y-te-e2e" TONGHOP_REVIEWER_PASSWORD="can-bo-so-tu-phap-e2e"
  log "making the first administrator (tonghopd --bootstrap-admin)"
  printf '%s\n' "$ADMIN_PASSWORD" | "$TONGHOPD" --data-dir="$DATA_DIR" --bootstrap-admin=admin >"$OUT/bootstrap-admin.txt" 2>&1 \
    || { cat "$OUT/bootstrap-admin.txt" >&2; fail "the first administrator could not be made"; }
  # A real SMTP server on loopback (Debian's python3-aiosmtpd): tonghopd
  # mails its notices there, and the test reads each message, parsed by
  # Python's email package, from $TONGHOP_E2E_MAIL.
  export TONGHOP_E2E_MAIL="$OUT/mail"
  mkdir -p "$TONGHOP_E2E_MAIL"
  /usr/bin/python3 "$ROOT/tests/tools/smtp_sink.py" "$TONGHOP_E2E_MAIL" >"$OUT/smtp.out" 2>"$OUT/smtp.log" &
  SMTP_PID=$!
  SMTP_ADDRESS=""
  for _ in $(seq 1 300); do
    SMTP_ADDRESS="$(sed -n 's/^listening \([^ ]*\)$/\1/p' "$OUT/smtp.out")"
    [ -n "$SMTP_ADDRESS" ] && break
    kill -0 "$SMTP_PID" 2>/dev/null || { cat "$OUT/smtp.log" >&2; fail "the SMTP server exited (python3-aiosmtpd installed?)"; }
    sleep 0.1
  done
  [ -n "$SMTP_ADDRESS" ] || fail "the SMTP server did not print its address"
  start_server 2026-11-03T09:00:00+07:00 --smtp="$SMTP_ADDRESS" --smtp-from=tonghop@stp.dongnai.gov.vn
  admin() { TONGHOP_SERVER="$GRPC_ADDRESS" TONGHOP_STATE_DIR="$OUT/cli-admin" "$CLI" "$@"; }
  log "loading the reference data and making lan (clerk) and hung (reviewer)"
  TONGHOP_SERVER="$GRPC_ADDRESS" TONGHOP_STATE_DIR="$OUT/cli-state" \
    "$CLI" --agency=bo-tu-phap registry load "$ROOT/deploy/data" >"$OUT/registry-load-clerk.txt"
  printf '%s\n' "$ADMIN_PASSWORD" | admin login --user=admin >/dev/null
  export TONGHOP_E2E_AGENCY_EMAIL="vanthu@soyte.dongnai.gov.vn" TONGHOP_E2E_CLERK_EMAIL="lan@soyte.dongnai.gov.vn"
  TONGHOP_SERVER="$GRPC_ADDRESS" TONGHOP_STATE_DIR="$OUT/cli-state" \
    "$CLI" --agency=bo-tu-phap agency update dong-nai-so-y-te --email="$TONGHOP_E2E_AGENCY_EMAIL" >/dev/null
  admin user create lan --name="Nguyễn Thị Lan" --in-agency=dong-nai-so-y-te --roles=clerk \
    --email="$TONGHOP_E2E_CLERK_EMAIL" >/dev/null
  admin user create hung --name="Trần Văn Hùng" --in-agency=dong-nai-so-tu-phap --roles=reviewer >/dev/null
  printf '%s\n' "$TONGHOP_CLERK_PASSWORD" | admin user set-password lan >/dev/null
  printf '%s\n' "$TONGHOP_REVIEWER_PASSWORD" | admin user set-password hung >/dev/null
  log "a clerk and a reviewer in chromium"
  (cd "$ROOT/tests/e2e" && node --test --test-concurrency=1 --test-reporter=spec clerk.test.mjs) || status=$?
  stop_server
  kill "$SMTP_PID" 2>/dev/null || true
  wait "$SMTP_PID" 2>/dev/null || true
  SMTP_PID=""
fi
if wants federation; then
  log "the Ministry's page over federation (a Ministry and two provinces, mutual TLS) in chromium"
  (cd "$ROOT/tests/e2e" && TONGHOP_BUILD_DIR="$BUILD_DIR" node --test --test-concurrency=1 --test-reporter=spec federation.test.mjs) || status=$?
fi
log "screenshots and downloads in $OUT"
exit "$status"
