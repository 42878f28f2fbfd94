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

DATA_DIR="${TONGHOP_DEMO_DATA:-$TONGHOP_BUILD_DIR/demo-data}"
OUT_DIR="$TONGHOP_BUILD_DIR/demo-output"
rm -rf "$DATA_DIR" "$OUT_DIR"
mkdir -p "$DATA_DIR" "$OUT_DIR"
TONGHOPD="$TONGHOP_BUILD_DIR/services/server/tonghopd"
CLI="$TONGHOP_BUILD_DIR/clients/cli/tonghop"

# Port 7070 when free, else any free port.
PORT_FILE="$DATA_DIR/address"
start_server() {
  "$TONGHOPD" --data-dir="$DATA_DIR" --listen="127.0.0.1:$1" --port-file="$PORT_FILE" \
    >"$OUT_DIR/tonghopd.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    [ -s "$PORT_FILE" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
if ! start_server 7070 && ! start_server 0; then
  cat "$OUT_DIR/tonghopd.log" >&2
  echo "demo.sh: tonghopd did not start" >&2
  exit 1
fi
ADDRESS="$(cat "$PORT_FILE")"
stop_server() { kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true; }
if [ "$EXIT_AT_END" = 1 ]; then trap stop_server EXIT; fi

export TONGHOP_SERVER="$ADDRESS"
export TONGHOP_STATE_DIR="$OUT_DIR/state"
cli() { "$CLI" "$@"; }
section() { printf '\n\033[1;34m## %s\033[0m\n' "$*"; }
check() {  # check "what" command...: fails the demo when the command fails
  local what="$1"; shift
  if ! "$@"; then echo "demo.sh: FAILED: $what" >&2; exit 1; fi
}

section "tonghopd đang chạy tại $ADDRESS (dữ liệu: $DATA_DIR)"

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

section "Xong (done)"
echo "Kết quả ghi tại (outputs in): $OUT_DIR"
if [ "$EXIT_AT_END" = 1 ]; then
  echo "Máy chủ đã dừng (server stopped)."
else
  echo "Máy chủ vẫn chạy tại $ADDRESS (pid $SERVER_PID). Thử:"
  echo "  export TONGHOP_SERVER=$ADDRESS"
  echo "  $CLI agency list --parent=dong-nai"
  echo "Dừng bằng: kill $SERVER_PID"
fi
