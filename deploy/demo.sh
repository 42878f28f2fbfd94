#!/usr/bin/env bash
# The tonghop demo: builds what is needed, starts tonghopd on a fresh data
# directory with gRPC and HTTPS over mutual TLS, loads the reference data
# and the two real plans with the Ministry's machine certificate, and shows
# what an official would look at, each agency calling with its own
# certificate. A second tonghopd is the Ministry's own instance, holding the
# national plan (2715/QĐ-TTg): the first pushes Đồng Nai's accepted figures
# to it by itself, as the province's instance does (federation). The first
# run makes a throw-away CA and the certificates (build/demo-pki, reused
# later).
#
#   ./deploy/demo.sh          leaves the server running at the printed address
#   ./deploy/demo.sh --exit   stops it at the end (used by tests/run.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/pki.sh"

EXIT_AT_END=0
for arg in "$@"; do
  case "$arg" in
    --exit) EXIT_AT_END=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

tonghop_ensure_packages "${TONGHOP_DEMO_PACKAGES[@]}"
tonghop_build tonghopd tonghop

# The dashboard is a static bundle built with npm (packages from the npm
# registry, no CDN at run time). Without npm the demo runs without it.
DASHBOARD_DIR="$TONGHOP_ROOT/clients/dashboard/dist"
if [ ! -f "$DASHBOARD_DIR/index.html" ] || [ "$TONGHOP_ROOT/clients/dashboard/src" -nt "$DASHBOARD_DIR/index.html" ]; then
  tonghop_log "building the dashboard (npm ci, vite build)"
  if ! (cd "$TONGHOP_ROOT/clients/dashboard" && npm ci --no-audit --no-fund --loglevel=error >/dev/null \
        && npm run --silent build >/dev/null); then
    echo "demo.sh: the dashboard could not be built; continuing without it" >&2
  fi
fi

# Certificates: a CA, the server's, and one per agency that acts in the demo
# (a machine certificate naming spiffe://tonghop/agencies/ID). Made once.
PKI="${TONGHOP_DEMO_PKI:-$TONGHOP_BUILD_DIR/demo-pki}"
# `dong-nai` is the province's instance certificate, with which it pushes
# to the Ministry's instance.
DEMO_AGENCIES=(bo-tu-phap dong-nai dong-nai-so-tu-phap dong-nai-so-y-te dong-nai-so-noi-vu
  dong-nai-cong-an-tinh dong-nai-phuong-bien-hoa dong-nai-phuong-long-khanh
  dong-nai-xa-thu-nghiem-01 dong-nai-thanh-tra-tinh ha-noi-so-tu-phap)
# A browser proves who it is with a .p12 file (certificate and key) imported once.
P12_PASSWORD="tonghop"
if [ ! -s "$PKI/ca.crt" ]; then tonghop_log "making a throw-away CA and certificates in $PKI"; fi
tonghop_pki_ca "$PKI" && tonghop_pki_server "$PKI" server || {
  echo "demo.sh: the certificates could not be made (see $PKI/openssl.log)" >&2; exit 1; }
for agency in "${DEMO_AGENCIES[@]}"; do
  tonghop_pki_agency "$PKI" "$agency" || {
    echo "demo.sh: the certificate of $agency could not be made (see $PKI/openssl.log)" >&2; exit 1; }
done
tonghop_pki_p12 "$PKI" bo-tu-phap "$P12_PASSWORD"
tonghop_pki_p12 "$PKI" dong-nai-so-tu-phap "$P12_PASSWORD"

DATA_DIR="${TONGHOP_DEMO_DATA:-$TONGHOP_BUILD_DIR/demo-data}"
OUT_DIR="$TONGHOP_BUILD_DIR/demo-output"
rm -rf "$DATA_DIR" "$OUT_DIR"
mkdir -p "$DATA_DIR" "$OUT_DIR"
TONGHOPD="$TONGHOP_BUILD_DIR/services/server/tonghopd"
CLI="$TONGHOP_BUILD_DIR/clients/cli/tonghop"

# The demo runs tonghopd twice on the same data: first with its clock on
# 3 November 2026, before the reports' due date (5 November), then restarted
# on 7 November, after it, so that one report arrives late.
ON_TIME_CLOCK="2026-11-03T09:00:00+07:00"
LATE_CLOCK="2026-11-07T09:00:00+07:00"
PORT_FILE="$DATA_DIR/address"
HTTP_LISTEN="127.0.0.1:8443"
if (exec 3<>/dev/tcp/127.0.0.1/8443) 2>/dev/null; then HTTP_LISTEN="127.0.0.1:0"; fi
TLS_FLAGS=(--tls-cert="$PKI/server.crt" --tls-key="$PKI/server.key" --client-ca="$PKI/ca.crt")
await_port_file() {  # await_port_file FILE PID: until tonghopd wrote its address
  for _ in $(seq 1 100); do
    [ -s "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# The Ministry's own instance, on its own data directory: it receives what
# the provinces' instances push.
MINISTRY_DATA="${TONGHOP_DEMO_MINISTRY_DATA:-$TONGHOP_BUILD_DIR/demo-ministry-data}"
rm -rf "$MINISTRY_DATA"
mkdir -p "$MINISTRY_DATA"
"$TONGHOPD" --data-dir="$MINISTRY_DATA" --listen=127.0.0.1:0 --port-file="$MINISTRY_DATA/address" \
  --now="$ON_TIME_CLOCK" --http=127.0.0.1:0 --dashboard-dir="$DASHBOARD_DIR" "${TLS_FLAGS[@]}" \
  >>"$OUT_DIR/tonghopd-bo-tu-phap.log" 2>&1 &
MINISTRY_PID=$!
if ! await_port_file "$MINISTRY_DATA/address" "$MINISTRY_PID"; then
  cat "$OUT_DIR/tonghopd-bo-tu-phap.log" >&2
  echo "demo.sh: the Ministry's tonghopd did not start" >&2
  exit 1
fi
MINISTRY_ADDRESS="$(cat "$MINISTRY_DATA/address")"
stop_ministry() { kill "$MINISTRY_PID" 2>/dev/null && wait "$MINISTRY_PID" 2>/dev/null || true; }

# The province's instance (this demo's main one) pushes to the Ministry's as
# agencies/dong-nai, its instance certificate.
start_server() {  # start_server LISTEN NOW
  rm -f "$PORT_FILE"
  "$TONGHOPD" --data-dir="$DATA_DIR" --listen="$1" --port-file="$PORT_FILE" --now="$2" \
    --http="$HTTP_LISTEN" --dashboard-dir="$DASHBOARD_DIR" "${TLS_FLAGS[@]}" \
    --tls-ca="$PKI/ca.crt" --instance-cert="$PKI/dong-nai.crt" --instance-key="$PKI/dong-nai.key" \
    --upstream="$MINISTRY_ADDRESS" \
    >>"$OUT_DIR/tonghopd.log" 2>&1 &
  SERVER_PID=$!
  await_port_file "$PORT_FILE" "$SERVER_PID"
}
stop_server() { kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true; }
# The first administrator is made on the server's machine before tonghopd
# starts (it refuses while a tonghopd holds the data directory). The demo's
# passwords are throw-away, like its certificates.
ADMIN_PASSWORD="quan-tri-thu-nghiem-2026"
CLERK_PASSWORD="can-bo-so-y-te-2026"
REVIEWER_PASSWORD="can-bo-so-tu-phap-2026"
if ! printf '%s\n' "$ADMIN_PASSWORD" | "$TONGHOPD" --data-dir="$DATA_DIR" --bootstrap-admin=admin \
    >"$OUT_DIR/bootstrap-admin.txt" 2>&1; then
  cat "$OUT_DIR/bootstrap-admin.txt" >&2
  echo "demo.sh: the first administrator could not be made" >&2
  stop_ministry
  exit 1
fi
# Port 7070 when free, else any free port.
if ! start_server 127.0.0.1:7070 "$ON_TIME_CLOCK" && ! start_server 127.0.0.1:0 "$ON_TIME_CLOCK"; then
  cat "$OUT_DIR/tonghopd.log" >&2
  echo "demo.sh: tonghopd did not start" >&2
  stop_ministry
  exit 1
fi
ADDRESS="$(cat "$PORT_FILE")"
if [ "$EXIT_AT_END" = 1 ]; then trap 'stop_server; stop_ministry' EXIT; fi

export TONGHOP_SERVER="$ADDRESS"
export TONGHOP_STATE_DIR="$OUT_DIR/state"
# Every call goes over TLS to the server (certificate signed by the demo's
# CA) with a client certificate: `as ID …` calls as agency ID; plain `cli`
# reads as the Ministry.
export TONGHOP_TLS_CA="$PKI/ca.crt" TONGHOP_CERT="$PKI/bo-tu-phap.crt" TONGHOP_KEY="$PKI/bo-tu-phap.key"
cli() { "$CLI" "$@"; }
as() { local who="$1"; shift; "$CLI" --cert="$PKI/$who.crt" --key="$PKI/$who.key" "$@"; }
section() { printf '\n\033[1;34m## %s\033[0m\n' "$*"; }
check() {  # check "what" command...: fails the demo when the command fails
  local what="$1"; shift
  if ! "$@"; then echo "demo.sh: FAILED: $what" >&2; exit 1; fi
}

section "tonghopd đang chạy tại $ADDRESS, TLS hai chiều (mutual TLS; dữ liệu: $DATA_DIR; đồng hồ: $ON_TIME_CLOCK)"

section "Không có chứng thư thì không có danh tính (no certificate, no identity)"
if "$CLI" --cert= --key= --agency=bo-tu-phap registry load "$TONGHOP_ROOT/deploy/data" >/dev/null 2>"$OUT_DIR/no-certificate.txt"; then
  echo "demo.sh: FAILED: the development header was accepted" >&2; exit 1
fi
echo "  tonghop --agency=bo-tu-phap (tiêu đề x-tonghop-agency, không chứng thư) bị từ chối:"
grep -m1 '^error:' "$OUT_DIR/no-certificate.txt" | cut -c1-160 | sed 's/^/  /'

section "Nạp dữ liệu danh mục bằng chứng thư máy của Bộ Tư pháp (reference data, with the operator's certificate)"
check "registry load" as bo-tu-phap registry load "$TONGHOP_ROOT/deploy/data"
section "Nạp lại lần hai: không thay đổi gì (loading again changes nothing)"
check "registry load again" as bo-tu-phap registry load "$TONGHOP_ROOT/deploy/data"

# `ministry` runs the CLI against the Ministry's instance, as bo-tu-phap.
ministry() { "$CLI" --server="$MINISTRY_ADDRESS" "$@"; }
section "Máy chủ của Bộ Tư pháp ($MINISTRY_ADDRESS): kế hoạch quốc gia 2715/QĐ-TTg và các chỉ tiêu (the Ministry's instance: the national plan)"
MINISTRY_LOAD="$OUT_DIR/ministry-registry"
mkdir -p "$MINISTRY_LOAD"
cp "$TONGHOP_ROOT"/deploy/data/{agencies-national,dimensions,indicators}.json \
  "$TONGHOP_ROOT"/deploy/data/ministry/*.json "$MINISTRY_LOAD/"
check "registry load on the Ministry's instance" ministry registry load "$MINISTRY_LOAD"
check "the national plan" ministry task list --plan=quoc-gia-2715-2025
echo "  Kế hoạch 74/KH-UBND của Đồng Nai cung cấp số liệu cho kế hoạch quốc gia (upstreamPlan: plans/quoc-gia-2715-2025)"

# People who sign in with a password act without a certificate: `person
# WHO …` runs the CLI with WHO's own token store, so each keeps their own
# sign-in.
person() { local who="$1"; shift; TONGHOP_STATE_DIR="$OUT_DIR/state-$who" "$CLI" --cert= --key= "$@"; }
sign_in() {  # sign_in WHO PASSWORD: the password on standard input, as a script gives it
  printf '%s\n' "$2" | person "$1" login --user="$1"
}
section "Người dùng đăng nhập bằng mật khẩu (people who sign in with a password)"
check "the first administrator signs in" sign_in admin "$ADMIN_PASSWORD"
check "whoami" person admin whoami
check "create a clerk of the Department of Health" person admin user create lan \
  --name="Nguyễn Thị Lan" --in-agency=dong-nai-so-y-te --roles=clerk
check "create a reviewer of the Department of Justice" person admin user create hung \
  --name="Trần Văn Hùng" --in-agency=dong-nai-so-tu-phap --roles=reviewer
check "set lan's password" sh -c "printf '%s\n' '$CLERK_PASSWORD' | \
  TONGHOP_STATE_DIR='$OUT_DIR/state-admin' '$CLI' --cert= --key= user set-password lan >/dev/null"
check "set hung's password" sh -c "printf '%s\n' '$REVIEWER_PASSWORD' | \
  TONGHOP_STATE_DIR='$OUT_DIR/state-admin' '$CLI' --cert= --key= user set-password hung >/dev/null"
check "list the people" person admin user list
echo "  Người dùng thử và mật khẩu (demo people and their throw-away passwords):"
echo "    admin / $ADMIN_PASSWORD   (quản trị, Bộ Tư pháp)"
echo "    lan   / $CLERK_PASSWORD   (cán bộ nhập liệu, Sở Y tế Đồng Nai)"
echo "    hung  / $REVIEWER_PASSWORD (cán bộ duyệt, Sở Tư pháp Đồng Nai)"
check "lan signs in" sign_in lan "$CLERK_PASSWORD"
check "hung signs in" sign_in hung "$REVIEWER_PASSWORD"
if printf '%s\n' "sai-mat-khau-roi" | person lan login --user=lan 2>"$OUT_DIR/wrong-password.txt"; then
  echo "demo.sh: FAILED: a wrong password was accepted" >&2; exit 1
fi
echo "  mật khẩu sai bị từ chối (a wrong password is refused):"
grep -m1 -E '^(lỗi|error):' "$OUT_DIR/wrong-password.txt" | cut -c1-160 | sed 's/^/  /'
if person lan user create mai --name="Lê Thị Mai" --in-agency=dong-nai-so-y-te --roles=admin \
    2>"$OUT_DIR/clerk-makes-admin.txt"; then
  echo "demo.sh: FAILED: a clerk made an administrator" >&2; exit 1
fi
echo "  cán bộ nhập liệu không tạo được quản trị viên (a clerk cannot make an administrator):"
grep -m1 -E '^error:' "$OUT_DIR/clerk-makes-admin.txt" | cut -c1-160 | sed 's/^/  /'

section "Các kế hoạch (plans)"
check "plan list" cli plan list

section "Kế hoạch 74/KH-UBND tỉnh Đồng Nai: các nhiệm vụ và cơ quan chủ trì"
check "task list" cli task list --plan=dong-nai-74-2026
cli --output=json task list --plan=dong-nai-74-2026 >"$OUT_DIR/dong-nai-tasks.json"
check "every Đồng Nai task with lead agencies resolved" python3 - "$OUT_DIR/dong-nai-tasks.json" <<'PY'
import json, sys
tasks = json.load(open(sys.argv[1]))["tasks"]
leaves = [t for t in tasks if t.get("lead")]
bad = [t["outline"] for t in leaves
       for a in t["lead"] if not (a.get("agency", "").startswith("agencies/") or "group" in a)]
assert len(tasks) >= 60 and not bad, (len(tasks), bad)
print(f"  {len(tasks)} nhiệm vụ, {len(leaves)} có cơ quan chủ trì; mọi cơ quan chủ trì đều đã xác định")
PY

section "Kế hoạch 153/KH-UBND tỉnh Quảng Ngãi (2021)"
check "task list" cli task list --plan=quang-ngai-153-2021

section "Các đơn vị hành chính đã giải thể năm 2025 và đơn vị kế thừa (dissolved units)"
cli agency list --kind=province | grep -E "giải thể" | head -8 || true

section "Nhập kế hoạch từ văn bản đã ban hành (import a plan from its published text), chạy thử"
SEED="$TONGHOP_ROOT/services/registry/plan_import/testdata/004_5bba84d8a6f03fbf.txt"
as dong-nai-so-tu-phap plan import "$SEED" --format=text --issuer=dong-nai \
  --plan-id=dong-nai-74-2026-van-ban --dry-run >"$OUT_DIR/import-74-KH-UBND.txt"
head -4 "$OUT_DIR/import-74-KH-UBND.txt"
echo "  … (báo cáo đầy đủ / full import report: $OUT_DIR/import-74-KH-UBND.txt)"
as dong-nai-so-tu-phap --output=json plan import "$SEED" --format=text --issuer=dong-nai \
  --plan-id=dong-nai-74-2026-van-ban --dry-run >"$OUT_DIR/import-74-KH-UBND.json"
check "the text import finds every task and resolves every agency" python3 - "$OUT_DIR/import-74-KH-UBND.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
tasks = r["bundle"]["tasks"]
unresolved = r["report"].get("unresolvedAgencies", [])
requested = sum(1 for t in tasks for a in t.get("lead", []) + t.get("coordinating", []) if a.get("requested"))
assert len(tasks) == 71 and not unresolved, (len(tasks), unresolved)
print(f"  {len(tasks)} nhiệm vụ nhận diện được; 0 tên cơ quan chưa xác định; {requested} phân công 'đề nghị'")
PY

section "Xuất bảng phụ lục ra CSV để sửa trong bảng tính (export the appendix table as CSV)"
check "plan export csv" cli plan export dong-nai-74-2026 --format=csv --out="$OUT_DIR/74-KH-UBND-phu-luc.csv"
head -3 "$OUT_DIR/74-KH-UBND-phu-luc.csv" | cut -c1-160


R="$TONGHOP_ROOT/deploy/demo/reports"
P=dong-nai-74-2026
section "Sở Y tế xem các nhiệm vụ được giao và lấy mẫu báo cáo năm 2026 (report template)"
check "report template" as dong-nai-so-y-te report template --plan=$P --period=2026 \
  --out="$OUT_DIR/mau-bao-cao-so-y-te.json"
echo "  mẫu: $OUT_DIR/mau-bao-cao-so-y-te.json và .csv"
head -5 "$OUT_DIR/mau-bao-cao-so-y-te.csv" | cut -c1-150

section "Các sở, ngành và xã, phường nộp báo cáo năm 2026 (ngày 3/11, trước hạn 5/11)"
for who in so-tu-phap so-noi-vu cong-an-tinh phuong-bien-hoa phuong-long-khanh; do
  check "report submit $who" as dong-nai-$who report submit "$R/$who.json"
done
echo "  Sở Y tế: chị Lan (users/lan) nộp, đăng nhập bằng mật khẩu (the clerk signed in with her password)"
check "report submit so-y-te by lan" person lan report submit "$R/so-y-te.json"

section "Một báo cáo có lỗi bị từ chối, liệt kê mọi lỗi, không lưu gì (a faulty report)"
if as dong-nai-xa-thu-nghiem-01 report submit "$R/xa-thu-nghiem-01-co-loi.json"; then
  echo "demo.sh: FAILED: the faulty report was accepted" >&2; exit 1
fi
section "Xã sửa lỗi và nộp lại (fixed and resubmitted)"
check "report submit fixed" as dong-nai-xa-thu-nghiem-01 report submit "$R/xa-thu-nghiem-01.json"

section "Sở Tư pháp xem tình hình nộp báo cáo và duyệt (review)"
check "report status" as dong-nai-so-tu-phap report status --plan=$P --period=2026
check "return so-y-te" person hung report review dong-nai-so-y-te/$P/2026 \
  --return "--reason=Đề nghị bổ sung số liệu khiếu nại phân theo nhóm tuổi (nhiệm vụ B.III)."
for who in so-noi-vu cong-an-tinh phuong-bien-hoa phuong-long-khanh xa-thu-nghiem-01; do
  check "accept $who" as dong-nai-so-tu-phap report review dong-nai-$who/$P/2026 --accept
done
section "Sở Tư pháp không tự duyệt báo cáo của mình; Bộ Tư pháp duyệt (nobody reviews their own report)"
if as dong-nai-so-tu-phap report review dong-nai-so-tu-phap/$P/2026 --accept; then
  echo "demo.sh: FAILED: the Department of Justice accepted its own report" >&2; exit 1
fi
check "accept so-tu-phap" as bo-tu-phap report review dong-nai-so-tu-phap/$P/2026 --accept
section "Sở Y tế bổ sung và nộp lại; Sở Tư pháp chấp nhận (resubmitted after a return)"
check "resubmit so-y-te" person lan report submit "$R/so-y-te-nop-lai.json"
check "accept so-y-te" person hung report review dong-nai-so-y-te/$P/2026 --accept
check "history" as dong-nai-so-tu-phap report history dong-nai-so-y-te/$P/2026
as dong-nai-so-tu-phap --output=json report get dong-nai-so-y-te/$P/2026 >"$OUT_DIR/so-y-te-report.json"
check "the report names the people who submitted and reviewed it" python3 - "$OUT_DIR/so-y-te-report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r.get("submittedBy") == "users/lan", r.get("submittedBy")
assert r.get("reviewedBy") == "users/hung", r.get("reviewedBy")
print(f"  nộp bởi (submitted by) {r['submittedBy']}, duyệt bởi (reviewed by) {r['reviewedBy']}")
PY
check "lan signs out" person lan logout
if person lan report get dong-nai-so-y-te/$P/2026 >/dev/null 2>&1; then
  echo "demo.sh: FAILED: a call after signing out had an identity" >&2; exit 1
fi
echo "  sau khi đăng xuất, lệnh không còn danh tính (after signing out, no identity)"

section "Một sở tỉnh khác không được xem báo cáo của Đồng Nai (permission denied)"
if as ha-noi-so-tu-phap report get dong-nai-so-y-te/$P/2026 >/dev/null; then
  echo "demo.sh: FAILED: another province read Đồng Nai's report" >&2; exit 1
fi

section "Khởi động lại máy chủ vào ngày 7/11, sau hạn (restart on 7 November: data kept)"
stop_server
if ! start_server "$ADDRESS" "$LATE_CLOCK"; then
  cat "$OUT_DIR/tonghopd.log" >&2; echo "demo.sh: tonghopd did not restart" >&2; exit 1
fi
section "Thanh tra tỉnh nộp muộn: được nhận và đánh dấu trễ hạn (a late report)"
check "late submit" as dong-nai-thanh-tra-tinh report submit "$R/thanh-tra-tinh.json"
check "accept late" as dong-nai-so-tu-phap report review dong-nai-thanh-tra-tinh/$P/2026 --accept
check "report status" as dong-nai-so-tu-phap report status --plan=$P --period=2026
as dong-nai-so-tu-phap --output=json report status --plan=$P --period=2026 >"$OUT_DIR/reports.json"
check "reports: 8 accepted, one late, one resubmitted" python3 - "$OUT_DIR/reports.json" <<'PY'
import json, sys
reports = {r["agency"]: r for r in json.load(open(sys.argv[1]))["reports"]}
accepted = [a for a, r in reports.items() if r.get("state") == "REPORT_STATE_ACCEPTED"]
late = [a for a, r in reports.items() if not r.get("onTime")]
assert len(accepted) == 8, accepted
assert late == ["agencies/dong-nai-thanh-tra-tinh"], late
assert reports["agencies/dong-nai-so-y-te"]["revision"] == 2
print(f"  {len(accepted)} báo cáo đã chấp nhận; trễ hạn: {', '.join(late)}; Sở Y tế: lần nộp thứ 2")
PY

LAST_CHANGE=$(as bo-tu-phap --output=json report changes |
  python3 -c 'import json,sys; c=json.load(sys.stdin).get("changes",[]); print(c[-1]["sequence"] if c else 0)')
SCOPE=(--plan=$P --period=2026 --subtree=dong-nai --min-sequence="$LAST_CHANGE")
section "Số liệu tổng hợp của tỉnh Đồng Nai năm 2026, cập nhật theo từng báo cáo được chấp nhận (roll-up)"
check "rollup" as dong-nai-so-tu-phap rollup "${SCOPE[@]}"
section "Khiếu nại theo giới tính (complaints by sex)"
check "rollup by sex" as dong-nai-so-tu-phap rollup "${SCOPE[@]}" \
  --indicator=complaints-received,complaints-resolved --by=dimension --dimension=sex
section "Tình hình nộp báo cáo: đúng hạn, trễ hạn, chưa nộp (completeness)"
check "completeness" as dong-nai-so-tu-phap completeness "${SCOPE[@]}" | head -40
# The counts alone (what the national overview reads) are the full answer's.
as dong-nai-so-tu-phap completeness "${SCOPE[@]}" | grep 'phải báo cáo' >"$OUT_DIR/completeness-line.txt" || true
check "completeness --counts-only" as dong-nai-so-tu-phap completeness "${SCOPE[@]}" --counts-only \
  >"$OUT_DIR/completeness-counts.txt"
grep 'phải báo cáo' "$OUT_DIR/completeness-counts.txt" | sed 's/^/  chỉ số đếm (--counts-only): /'
if ! grep -q 'phải báo cáo' "$OUT_DIR/completeness-line.txt" ||
   ! diff -q <(grep 'phải báo cáo' "$OUT_DIR/completeness-counts.txt") "$OUT_DIR/completeness-line.txt" >/dev/null; then
  echo "demo.sh: FAILED: completeness --counts-only does not count what the full answer counts" >&2; exit 1
fi
section "Nhiệm vụ quá hạn (overdue tasks)"
as dong-nai-so-tu-phap tasks "${SCOPE[@]}" --overdue | head -20 || true

section "Báo cáo tổng hợp của tỉnh gửi Bộ Tư pháp (the compiled report)"
for format in md html xlsx docx pdf json; do
  check "compile $format" as dong-nai-so-tu-phap compile "${SCOPE[@]}" --format=$format \
    --out="$OUT_DIR/bao-cao-tong-hop-dong-nai-2026.$format"
done
as dong-nai-so-tu-phap --output=json rollup "${SCOPE[@]}" >"$OUT_DIR/rollup-dong-nai-2026.json"
check "the workbook's numbers equal the roll-up's" python3 "$TONGHOP_ROOT/tests/tools/xlsx_matches_rollup.py" \
  "$OUT_DIR/bao-cao-tong-hop-dong-nai-2026.xlsx" "$OUT_DIR/rollup-dong-nai-2026.json"
check "the .docx opens in LibreOffice as an administrative document with the roll-up's figures" \
  python3 "$TONGHOP_ROOT/tests/tools/document_matches_rollup.py" \
  "$OUT_DIR/bao-cao-tong-hop-dong-nai-2026.docx" "$OUT_DIR/rollup-dong-nai-2026.json" \
  --png="$OUT_DIR/bao-cao-tong-hop-dong-nai-2026-trang-1.png"
sed -n '1,25p' "$OUT_DIR/bao-cao-tong-hop-dong-nai-2026.md"
echo "  …"

section "Xuất số liệu sang hệ thống khác: ADX (như DHIS2 nhập) và SDMX-CSV 2.0, kèm danh mục mã (exchange formats)"
check "export adx" as dong-nai-so-tu-phap export "${SCOPE[@]}" --format=adx \
  --out="$OUT_DIR/adx/dong-nai-2026.adx.xml"
check "the ADX export validates against the data set's schema (its code lists)" \
  xmllint --noout --schema "$OUT_DIR/adx/dong-nai-74-2026.adx.xsd" "$OUT_DIR/adx/dong-nai-2026.adx.xml"
check "export sdmx-csv" as dong-nai-so-tu-phap export "${SCOPE[@]}" --format=sdmx-csv \
  --out="$OUT_DIR/sdmx/dong-nai-2026.csv"
head -4 "$OUT_DIR/sdmx/dong-nai-2026.csv"
echo "  … (danh mục mã / code lists: $(cd "$OUT_DIR/sdmx" && ls CL_*.csv | tr '\n' ' '))"
check "an ADX file reads back (dry run of the import)" \
  as dong-nai-so-tu-phap report import-adx "$OUT_DIR/adx/dong-nai-2026.adx.xml" \
  --schema="$OUT_DIR/adx/dong-nai-74-2026.adx.xsd" --dry-run

section "Dựng lại toàn bộ số liệu tổng hợp từ các báo cáo đã lưu: phải trùng khớp (rebuild)"
check "rebuild" as bo-tu-phap admin rebuild-aggregates --verify-only

NATIONAL=quoc-gia-2715-2025
section "Bộ Tư pháp nhận số liệu của Đồng Nai tự động qua liên thông (federation: the province's instance pushed by itself)"
# Bounded polling: until the Ministry holds the figures of Đồng Nai's last change.
for _ in $(seq 1 600); do
  HELD=$(ministry --output=json received --plan=$NATIONAL --period=2026 2>/dev/null |
    python3 -c 'import json,sys; f=json.load(sys.stdin).get("receivedFigures",[]); print(max([int(x.get("generation",0)) for x in f if x["agency"]=="agencies/dong-nai"] or [0]))' 2>/dev/null || echo 0)
  [ "$HELD" -ge "$LAST_CHANGE" ] && break
  sleep 0.1
done
check "the Ministry holds Đồng Nai's last change ($LAST_CHANGE; it holds $HELD)" test "$HELD" -ge "$LAST_CHANGE"
check "upstream status on the province's instance" as dong-nai-so-tu-phap upstream status
check "who has sent, on the Ministry's instance" ministry received --plan=$NATIONAL --period=2026
check "the national overview" ministry national overview --plan=$NATIONAL --period=2026 \
  >"$OUT_DIR/toan-quoc-2026.txt"
head -12 "$OUT_DIR/toan-quoc-2026.txt"
echo "  … (cả bảng / the whole overview: $OUT_DIR/toan-quoc-2026.txt)"
ministry --output=json national province dong-nai --plan=$NATIONAL --period=2026 >"$OUT_DIR/bo-nhan-dong-nai-2026.json"
ministry --output=json national overview --plan=$NATIONAL --period=2026 >"$OUT_DIR/toan-quoc-2026.json"
check "the Ministry's figures for Đồng Nai and the national totals equal Đồng Nai's own roll-up" python3 - \
  "$OUT_DIR/rollup-dong-nai-2026.json" "$OUT_DIR/bo-nhan-dong-nai-2026.json" "$OUT_DIR/toan-quoc-2026.json" <<'PY'
import json, sys
from decimal import Decimal
rollup, held, overview = (json.load(open(f, encoding="utf-8")) for f in sys.argv[1:4])
local = {i["indicator"]: Decimal(i["total"]["value"]) for i in rollup["indicators"]
         if i.get("aggregation") == "AGGREGATION_SUM" and i.get("total", {}).get("present")}
sent = {}
for v in held.get("values", []):
    if v.get("cells"):
        continue
    sent[v["indicator"]] = Decimal(v.get("intValue") or v.get("decimalValue") or "0")
national = {i["indicator"]: Decimal(i["total"]["value"]) for i in overview.get("indicators", [])
            if i.get("total", {}).get("present")}
compared = 0
for indicator, value in sent.items():
    assert local.get(indicator) == value, (indicator, local.get(indicator), value)
    assert national.get(indicator) == value, (indicator, national.get(indicator), value)
    compared += 1
assert compared >= 10, compared
assert overview.get("provincesReceived") == 1, overview.get("provincesReceived")
print(f"  {compared} chỉ tiêu: số Bộ nhận = số tổng hợp của Đồng Nai = tổng cả nước (1/{len(overview['provinces'])} tỉnh đã gửi)")
PY

HTTP_ADDRESS="$(sed -n 's/^tonghopd https\{0,1\} on \([^ ]*\).*/\1/p' "$OUT_DIR/tonghopd.log" | tail -1)"
COMPLETENESS_URL="https://$HTTP_ADDRESS/v1/aggregation/Completeness?plan=plans/$P&period=2026&agency=agencies/dong-nai"
CURL=(curl -sS --fail-with-body --cacert "$PKI/ca.crt" --cert "$PKI/dong-nai-so-tu-phap.crt"
  --key "$PKI/dong-nai-so-tu-phap.key" "$COMPLETENESS_URL")
# The same call as a line to paste into a shell.
curl_line() {
  printf '  curl --cacert %q --cert %q --key %q %s\n' "$PKI/ca.crt" "$PKI/dong-nai-so-tu-phap.crt" \
    "$PKI/dong-nai-so-tu-phap.key" "'$COMPLETENESS_URL'"
}
section "Qua HTTPS với chứng thư của Sở Tư pháp Đồng Nai (the same over HTTPS, with a client certificate)"
curl_line
check "completeness over HTTPS" "${CURL[@]}" -o "$OUT_DIR/completeness-https.json"
check "the HTTPS answer counts the province's reporters" python3 - "$OUT_DIR/completeness-https.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert int(r.get("expected", 0)) > 0 and int(r.get("received", 0)) >= 8, r
print(f"  {r['expected']} cơ quan phải báo cáo, {r['received']} đã nộp (JSON qua HTTPS)")
PY
CODE=$(curl -sS -o /dev/null -w '%{http_code}' --cacert "$PKI/ca.crt" -H 'x-tonghop-agency: bo-tu-phap' \
  "https://$HTTP_ADDRESS/v1/submissions/GetReport?name=reports/dong-nai-so-y-te/$P/2026")
echo "  Không chứng thư, chỉ có tiêu đề x-tonghop-agency: bo-tu-phap → HTTP $CODE (without a certificate)"
check "the development header is refused over HTTPS" test "$CODE" = 401

section "Đăng nhập vào bảng điều khiển bằng mật khẩu (signing in to the dashboard with a password)"
JAR="$OUT_DIR/dashboard-cookies.txt"
rm -f "$JAR"
check "lan signs in at the dashboard" curl -sS --fail --cacert "$PKI/ca.crt" -c "$JAR" \
  -H 'Content-Type: application/json' --data "{\"user\":\"lan\",\"password\":\"$CLERK_PASSWORD\"}" \
  -o "$OUT_DIR/dashboard-login.json" "https://$HTTP_ADDRESS/v1/auth/login"
check "her session names her" sh -c "curl -sS --fail --cacert '$PKI/ca.crt' -b '$JAR' \
  'https://$HTTP_ADDRESS/v1/auth/WhoAmI' | grep -q '\"users/lan\"'"
CSRF="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrfToken"])' "$OUT_DIR/dashboard-login.json")"
check "she signs out" curl -sS --fail --cacert "$PKI/ca.crt" -b "$JAR" -H "X-CSRF-Token: $CSRF" \
  -H 'Content-Type: application/json' --data '{}' -o /dev/null "https://$HTTP_ADDRESS/v1/auth/logout"
echo "  POST /v1/auth/login (lan) → phiên làm việc; WhoAmI → users/lan; POST /v1/auth/logout → đã đăng xuất"

section "Xong (done)"
echo "Kết quả ghi tại (outputs in): $OUT_DIR"
echo "Báo cáo tổng hợp (compiled report): $OUT_DIR/bao-cao-tong-hop-dong-nai-2026.{docx,pdf,md,html,xlsx,json}"
echo "Chứng thư (certificates, throw-away CA): $PKI"
MINISTRY_HTTP="$(sed -n 's/^tonghopd https\{0,1\} on \([^ ]*\).*/\1/p' "$OUT_DIR/tonghopd-bo-tu-phap.log" | tail -1)"
echo "Máy chủ của Bộ Tư pháp (the Ministry's instance): $MINISTRY_ADDRESS (pid $MINISTRY_PID)"
if [ -n "$MINISTRY_HTTP" ] && [ -f "$DASHBOARD_DIR/index.html" ] && [ "$EXIT_AT_END" = 0 ]; then
  echo "  số liệu các tỉnh (the provinces' figures): https://$MINISTRY_HTTP/#/ministry?plan=plans/$NATIONAL&period=2026"
fi
if [ -n "$HTTP_ADDRESS" ] && [ -f "$DASHBOARD_DIR/index.html" ] && [ "$EXIT_AT_END" = 0 ]; then
  echo "Bảng điều khiển (dashboard): https://$HTTP_ADDRESS/"
  echo "  trình duyệt tin $PKI/ca.crt và dùng chứng thư $PKI/bo-tu-phap.p12 (mật khẩu: $P12_PASSWORD)"
  echo "  (the browser trusts ca.crt and presents bo-tu-phap.p12, password $P12_PASSWORD: it calls as the Ministry)"
  echo "  hoặc không dùng chứng thư, đăng nhập tại https://$HTTP_ADDRESS/#/login (or, without a certificate, sign in there):"
  echo "    lan / $CLERK_PASSWORD     → Việc của tôi: báo cáo phải nộp, biểu mẫu nhập liệu (what she owes, the report form)"
  echo "    hung / $REVIEWER_PASSWORD → Duyệt báo cáo: chấp nhận hoặc trả lại (the review queue)"
fi
if [ "$EXIT_AT_END" = 1 ]; then
  echo "Máy chủ đã dừng (server stopped)."
else
  echo "Máy chủ vẫn chạy tại $ADDRESS (pid $SERVER_PID). Thử (try):"
  echo "  export TONGHOP_SERVER=$ADDRESS TONGHOP_TLS_CA=$PKI/ca.crt"
  echo "  $CLI --cert= --key= login --user=lan     # mật khẩu (password): $CLERK_PASSWORD"
  echo "  export TONGHOP_CERT=$PKI/dong-nai-so-tu-phap.crt TONGHOP_KEY=$PKI/dong-nai-so-tu-phap.key"
  echo "  $CLI agency list --parent=dong-nai"
  curl_line
  echo "Dừng bằng (stop with): kill $SERVER_PID $MINISTRY_PID"
fi
