#!/usr/bin/env bash
# The tonghop demo: builds what is needed, starts tonghopd on a fresh data
# directory, loads the reference data and the two real plans, and shows what
# an official would look at.
#
#   ./deploy/demo.sh          leaves the server running at the printed address
#   ./deploy/demo.sh --exit   stops it at the end (used by tests/run.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

EXIT_AT_END=0
for arg in "$@"; do
  case "$arg" in
    --exit) EXIT_AT_END=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "demo.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

tonghop_ensure_packages
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
HTTP_LISTEN="127.0.0.1:8080"
if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then HTTP_LISTEN="127.0.0.1:0"; fi
start_server() {  # start_server LISTEN NOW
  rm -f "$PORT_FILE"
  "$TONGHOPD" --data-dir="$DATA_DIR" --listen="$1" --port-file="$PORT_FILE" --now="$2" \
    --http="$HTTP_LISTEN" --dashboard-dir="$DASHBOARD_DIR" >>"$OUT_DIR/tonghopd.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    [ -s "$PORT_FILE" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
stop_server() { kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true; }
# Port 7070 when free, else any free port.
if ! start_server 127.0.0.1:7070 "$ON_TIME_CLOCK" && ! start_server 127.0.0.1:0 "$ON_TIME_CLOCK"; then
  cat "$OUT_DIR/tonghopd.log" >&2
  echo "demo.sh: tonghopd did not start" >&2
  exit 1
fi
ADDRESS="$(cat "$PORT_FILE")"
if [ "$EXIT_AT_END" = 1 ]; then trap stop_server EXIT; fi

export TONGHOP_SERVER="$ADDRESS"
export TONGHOP_STATE_DIR="$OUT_DIR/state"
cli() { "$CLI" "$@"; }
section() { printf '\n\033[1;34m## %s\033[0m\n' "$*"; }
check() {  # check "what" command...: fails the demo when the command fails
  local what="$1"; shift
  if ! "$@"; then echo "demo.sh: FAILED: $what" >&2; exit 1; fi
}

section "tonghopd đang chạy tại $ADDRESS (dữ liệu: $DATA_DIR; đồng hồ: $ON_TIME_CLOCK)"

section "Nạp dữ liệu danh mục (reference data): deploy/data"
check "registry load" cli --agency=bo-tu-phap registry load "$TONGHOP_ROOT/deploy/data"
section "Nạp lại lần hai: không thay đổi gì (loading again changes nothing)"
check "registry load again" cli --agency=bo-tu-phap registry load "$TONGHOP_ROOT/deploy/data"

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
cli --agency=dong-nai-so-tu-phap plan import "$SEED" --format=text --issuer=dong-nai \
  --plan-id=dong-nai-74-2026-van-ban --dry-run >"$OUT_DIR/import-74-KH-UBND.txt"
head -4 "$OUT_DIR/import-74-KH-UBND.txt"
echo "  … (báo cáo đầy đủ / full import report: $OUT_DIR/import-74-KH-UBND.txt)"
cli --output=json --agency=dong-nai-so-tu-phap plan import "$SEED" --format=text --issuer=dong-nai \
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
check "report template" cli --agency=dong-nai-so-y-te report template --plan=$P --period=2026 \
  --out="$OUT_DIR/mau-bao-cao-so-y-te.json"
echo "  mẫu: $OUT_DIR/mau-bao-cao-so-y-te.json và .csv"
head -5 "$OUT_DIR/mau-bao-cao-so-y-te.csv" | cut -c1-150

section "Các sở, ngành và xã, phường nộp báo cáo năm 2026 (ngày 3/11, trước hạn 5/11)"
for who in so-tu-phap so-y-te so-noi-vu cong-an-tinh phuong-bien-hoa phuong-long-khanh; do
  check "report submit $who" cli --agency=dong-nai-$who report submit "$R/$who.json"
done

section "Một báo cáo có lỗi bị từ chối, liệt kê mọi lỗi, không lưu gì (a faulty report)"
if cli --agency=dong-nai-xa-thu-nghiem-01 report submit "$R/xa-thu-nghiem-01-co-loi.json"; then
  echo "demo.sh: FAILED: the faulty report was accepted" >&2; exit 1
fi
section "Xã sửa lỗi và nộp lại (fixed and resubmitted)"
check "report submit fixed" cli --agency=dong-nai-xa-thu-nghiem-01 report submit "$R/xa-thu-nghiem-01.json"

section "Sở Tư pháp xem tình hình nộp báo cáo và duyệt (review)"
check "report status" cli --agency=dong-nai-so-tu-phap report status --plan=$P --period=2026
check "return so-y-te" cli --agency=dong-nai-so-tu-phap report review dong-nai-so-y-te/$P/2026 \
  --return "--reason=Đề nghị bổ sung số liệu khiếu nại phân theo nhóm tuổi (nhiệm vụ B.III)."
for who in so-tu-phap so-noi-vu cong-an-tinh phuong-bien-hoa phuong-long-khanh xa-thu-nghiem-01; do
  check "accept $who" cli --agency=dong-nai-so-tu-phap report review dong-nai-$who/$P/2026 --accept
done
section "Sở Y tế bổ sung và nộp lại; Sở Tư pháp chấp nhận (resubmitted after a return)"
check "resubmit so-y-te" cli --agency=dong-nai-so-y-te report submit "$R/so-y-te-nop-lai.json"
check "accept so-y-te" cli --agency=dong-nai-so-tu-phap report review dong-nai-so-y-te/$P/2026 --accept
check "history" cli --agency=dong-nai-so-tu-phap report history dong-nai-so-y-te/$P/2026

section "Một sở tỉnh khác không được xem báo cáo của Đồng Nai (permission denied)"
if cli --agency=ha-noi-so-tu-phap report get dong-nai-so-y-te/$P/2026 >/dev/null; then
  echo "demo.sh: FAILED: another province read Đồng Nai's report" >&2; exit 1
fi

section "Khởi động lại máy chủ vào ngày 7/11, sau hạn (restart on 7 November: data kept)"
stop_server
if ! start_server "$ADDRESS" "$LATE_CLOCK"; then
  cat "$OUT_DIR/tonghopd.log" >&2; echo "demo.sh: tonghopd did not restart" >&2; exit 1
fi
section "Thanh tra tỉnh nộp muộn: được nhận và đánh dấu trễ hạn (a late report)"
check "late submit" cli --agency=dong-nai-thanh-tra-tinh report submit "$R/thanh-tra-tinh.json"
check "accept late" cli --agency=dong-nai-so-tu-phap report review dong-nai-thanh-tra-tinh/$P/2026 --accept
check "report status" cli --agency=dong-nai-so-tu-phap report status --plan=$P --period=2026
cli --output=json --agency=dong-nai-so-tu-phap report status --plan=$P --period=2026 >"$OUT_DIR/reports.json"
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

LAST_CHANGE=$(cli --agency=bo-tu-phap --output=json report changes |
  python3 -c 'import json,sys; c=json.load(sys.stdin).get("changes",[]); print(c[-1]["sequence"] if c else 0)')
SCOPE=(--plan=$P --period=2026 --subtree=dong-nai --min-sequence="$LAST_CHANGE")
section "Số liệu tổng hợp của tỉnh Đồng Nai năm 2026, cập nhật theo từng báo cáo được chấp nhận (roll-up)"
check "rollup" cli --agency=dong-nai-so-tu-phap rollup "${SCOPE[@]}"
section "Khiếu nại theo giới tính (complaints by sex)"
check "rollup by sex" cli --agency=dong-nai-so-tu-phap rollup "${SCOPE[@]}" \
  --indicator=complaints-received,complaints-resolved --by=dimension --dimension=sex
section "Tình hình nộp báo cáo: đúng hạn, trễ hạn, chưa nộp (completeness)"
check "completeness" cli --agency=dong-nai-so-tu-phap completeness "${SCOPE[@]}" | head -40
section "Nhiệm vụ quá hạn (overdue tasks)"
cli --agency=dong-nai-so-tu-phap tasks "${SCOPE[@]}" --overdue | head -20 || true

section "Báo cáo tổng hợp của tỉnh gửi Bộ Tư pháp (the compiled report)"
for format in md html xlsx docx pdf json; do
  check "compile $format" cli --agency=dong-nai-so-tu-phap compile "${SCOPE[@]}" --format=$format \
    --out="$OUT_DIR/bao-cao-tong-hop-dong-nai-2026.$format"
done
cli --agency=dong-nai-so-tu-phap --output=json rollup "${SCOPE[@]}" >"$OUT_DIR/rollup-dong-nai-2026.json"
check "the workbook's numbers equal the roll-up's" python3 "$TONGHOP_ROOT/tests/tools/xlsx_matches_rollup.py" \
  "$OUT_DIR/bao-cao-tong-hop-dong-nai-2026.xlsx" "$OUT_DIR/rollup-dong-nai-2026.json"
check "the .docx opens in LibreOffice as an administrative document with the roll-up's figures" \
  python3 "$TONGHOP_ROOT/tests/tools/document_matches_rollup.py" \
  "$OUT_DIR/bao-cao-tong-hop-dong-nai-2026.docx" "$OUT_DIR/rollup-dong-nai-2026.json" \
  --png="$OUT_DIR/bao-cao-tong-hop-dong-nai-2026-trang-1.png"
sed -n '1,25p' "$OUT_DIR/bao-cao-tong-hop-dong-nai-2026.md"
echo "  …"

section "Xuất số liệu sang hệ thống khác: ADX (như DHIS2 nhập) và SDMX-CSV 2.0, kèm danh mục mã (exchange formats)"
check "export adx" cli --agency=dong-nai-so-tu-phap export "${SCOPE[@]}" --format=adx \
  --out="$OUT_DIR/adx/dong-nai-2026.adx.xml"
check "the ADX export validates against the data set's schema (its code lists)" \
  xmllint --noout --schema "$OUT_DIR/adx/dong-nai-74-2026.adx.xsd" "$OUT_DIR/adx/dong-nai-2026.adx.xml"
check "export sdmx-csv" cli --agency=dong-nai-so-tu-phap export "${SCOPE[@]}" --format=sdmx-csv \
  --out="$OUT_DIR/sdmx/dong-nai-2026.csv"
head -4 "$OUT_DIR/sdmx/dong-nai-2026.csv"
echo "  … (danh mục mã / code lists: $(cd "$OUT_DIR/sdmx" && ls CL_*.csv | tr '\n' ' '))"
check "an ADX file reads back (dry run of the import)" \
  cli --agency=dong-nai report import-adx "$OUT_DIR/adx/dong-nai-2026.adx.xml" \
  --schema="$OUT_DIR/adx/dong-nai-74-2026.adx.xsd" --dry-run

section "Dựng lại toàn bộ số liệu tổng hợp từ các báo cáo đã lưu: phải trùng khớp (rebuild)"
check "rebuild" cli --agency=bo-tu-phap admin rebuild-aggregates --verify-only

section "Xong (done)"
echo "Kết quả ghi tại (outputs in): $OUT_DIR"
echo "Báo cáo tổng hợp (compiled report): $OUT_DIR/bao-cao-tong-hop-dong-nai-2026.{docx,pdf,md,html,xlsx,json}"
HTTP_ADDRESS="$(sed -n 's/^tonghopd http on \([^ ]*\).*/\1/p' "$OUT_DIR/tonghopd.log" | tail -1)"
if [ -n "$HTTP_ADDRESS" ] && [ -f "$DASHBOARD_DIR/index.html" ] && [ "$EXIT_AT_END" = 0 ]; then
  echo "Bảng điều khiển (dashboard): http://$HTTP_ADDRESS/  (Bộ Tư pháp: bo-tu-phap)"
fi
if [ "$EXIT_AT_END" = 1 ]; then
  echo "Máy chủ đã dừng (server stopped)."
else
  echo "Máy chủ vẫn chạy tại $ADDRESS (pid $SERVER_PID). Thử:"
  echo "  export TONGHOP_SERVER=$ADDRESS"
  echo "  $CLI agency list --parent=dong-nai"
  echo "Dừng bằng: kill $SERVER_PID"
fi
