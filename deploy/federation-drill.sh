#!/usr/bin/env bash
# The federation drill, at small scale: the Ministry's instance and Đồng Nai's
# as separate tonghopd processes on loopback, each with its own data
# directory and certificate, over mutual TLS. Đồng Nai's instance runs with
# --upstream and pushes its accepted figures to the Ministry's by itself.
# While Đồng Nai's agencies submit and are accepted (the demo's reports),
# the drill kills Đồng Nai's instance with SIGKILL and the Ministry's once,
# and starts both again. At the end it prints the reports accepted, the
# figures the Ministry holds, lost and counted twice (both must be 0), and
# the time from the last acceptance to the Ministry holding it.
#
#   ./deploy/federation-drill.sh      exit 0 when nothing was lost or doubled
#
# Not yet: 34 provinces, the load generator, p50/p99 over many acceptances.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/pki.sh"

tonghop_build tonghopd tonghop
TONGHOPD="$TONGHOP_BUILD_DIR/services/server/tonghopd"
CLI="$TONGHOP_BUILD_DIR/clients/cli/tonghop"
WORK="$TONGHOP_BUILD_DIR/federation-drill"
rm -rf "$WORK"
mkdir -p "$WORK/ministry-data" "$WORK/province-data"
PKI="$WORK/pki"
tonghop_pki_ca "$PKI" && tonghop_pki_server "$PKI" server && tonghop_pki_agency "$PKI" dong-nai || {
  echo "federation-drill.sh: the certificates could not be made (see $PKI/openssl.log)" >&2; exit 1; }

# The clock of both instances: before the reports' due date.
NOW="2026-11-03T09:00:00+07:00"
P=dong-nai-74-2026
NATIONAL=national-2026
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

start() {  # start NAME LISTEN ARGS...: starts tonghopd, sets ADDRESS and PID
  local name="$1" listen="$2"; shift 2
  rm -f "$WORK/$name.address"
  "$TONGHOPD" --data-dir="$WORK/$name" --listen="$listen" --port-file="$WORK/$name.address" \
    --now="$NOW" --tls-cert="$PKI/server.crt" --tls-key="$PKI/server.key" \
    --client-ca="$PKI/ca.crt" --insecure-dev-identity "$@" >>"$WORK/$name.log" 2>&1 &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 1 200); do
    if [ -s "$WORK/$name.address" ]; then ADDRESS="$(cat "$WORK/$name.address")"; return 0; fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$WORK/$name.log" >&2
  echo "federation-drill.sh: $name did not start" >&2
  exit 1
}
# The drill's own calls: TLS trusting the CA, acting as an agency through
# the development header (the instances run with --insecure-dev-identity).
at() { local server="$1" who="$2"; shift 2; "$CLI" --server="$server" --tls-ca="$PKI/ca.crt" \
  --cert= --key= --agency="$who" --state-dir="$WORK/cli-$who" "$@"; }

# The Ministry: the national agencies and the national plan, whose one task
# every province leads, listing the counts and decimals Đồng Nai's plan asks.
start ministry 127.0.0.1:0
MINISTRY="$ADDRESS"; MINISTRY_PID="$PID"
D="$TONGHOP_ROOT/deploy/data"
cp "$D/agencies-national.json" "$D/dimensions.json" "$D/indicators.json" "$WORK/ministry-data/"
python3 - "$D" "$WORK" "$P" "$NATIONAL" <<'PY'
import json, sys
data, work, plan_id, national = sys.argv[1:]
kinds = {i["name"]: i.get("valueType") for i in json.load(open(f"{data}/indicators.json"))["indicators"]}
bundle = json.load(open(f"{data}/plan-{plan_id}.json"))
wanted = sorted({i for t in bundle["tasks"] for i in t.get("indicators", [])
                 if kinds.get(i) in ("VALUE_TYPE_COUNT", "VALUE_TYPE_DECIMAL")})
plan = {"name": f"plans/{national}", "symbol": "2715/QĐ-TTg",
        "title": "Kế hoạch quốc gia (diễn tập liên thông)", "issuer": "agencies/bo-tu-phap",
        "compiler": "agencies/bo-tu-phap", "firstYear": 2026, "lastYear": 2030,
        "schedule": bundle["plan"]["schedule"], "state": "PLAN_STATE_ACTIVE"}
task = {"name": f"plans/{national}/tasks/A", "outline": "A", "title": "Số liệu của các tỉnh",
        "lead": [{"group": {"ancestor": "agencies/bo-tu-phap", "kind": "AGENCY_KIND_PROVINCE",
                            "label": "UBND các tỉnh, thành phố"}}],
        "deadline": {"kind": "DEADLINE_KIND_EVERY_YEAR"}, "indicators": wanted}
json.dump({"plan": plan, "tasks": [task]}, open(f"{work}/ministry-data/plan-{national}.json", "w"),
          ensure_ascii=False, indent=1)
bundle["plan"]["upstreamPlan"] = f"plans/{national}"
json.dump(bundle, open(f"{work}/province-data/plan-{plan_id}.json", "w"), ensure_ascii=False, indent=1)
print(f"national plan: {len(wanted)} indicators")
PY
at "$MINISTRY" bo-tu-phap registry load "$WORK/ministry-data" >"$WORK/ministry-load.txt"

# Đồng Nai: its agencies and its plan, which feeds the national one.
cp "$D/agencies-national.json" "$D/agencies-province-dong-nai.json" "$D/dimensions.json" \
  "$D/indicators.json" "$WORK/province-data/"
UPSTREAM=(--tls-ca="$PKI/ca.crt" --instance-cert="$PKI/dong-nai.crt"
          --instance-key="$PKI/dong-nai.key" --upstream="$MINISTRY")
start dong-nai 127.0.0.1:0 "${UPSTREAM[@]}"
PROVINCE="$ADDRESS"; PROVINCE_PID="$PID"
at "$PROVINCE" bo-tu-phap registry load "$WORK/province-data" >"$WORK/province-load.txt"

R="$TONGHOP_ROOT/deploy/demo/reports"
REPORTERS=(so-noi-vu cong-an-tinh phuong-bien-hoa so-tu-phap so-y-te phuong-long-khanh
           xa-thu-nghiem-01 thanh-tra-tinh)
accepted=0
for who in "${REPORTERS[@]}"; do
  at "$PROVINCE" "dong-nai-$who" report submit "$R/$who.json" >/dev/null
  reviewer=dong-nai-so-tu-phap
  [ "$who" = so-tu-phap ] && reviewer=bo-tu-phap
  at "$PROVINCE" "$reviewer" report review "dong-nai-$who/$P/2026" --accept >/dev/null
  accepted=$((accepted + 1))
  LAST_ACCEPT_NS=$(date +%s%N)
  if [ "$accepted" = 3 ]; then
    echo "SIGKILL Đồng Nai's instance right after acceptance $accepted; starting it again"
    kill -9 "$PROVINCE_PID"; wait "$PROVINCE_PID" 2>/dev/null || true
    start dong-nai 127.0.0.1:0 "${UPSTREAM[@]}"
    PROVINCE="$ADDRESS"; PROVINCE_PID="$PID"
  fi
  if [ "$accepted" = 5 ]; then
    echo "SIGKILL the Ministry's instance right after acceptance $accepted; starting it again"
    kill -9 "$MINISTRY_PID"; wait "$MINISTRY_PID" 2>/dev/null || true
    start ministry "$MINISTRY"
    MINISTRY_PID="$PID"
  fi
done

# Wait (at most a minute) until the Ministry holds figures reflecting Đồng
# Nai's last change.
LAST=$(at "$PROVINCE" bo-tu-phap --output=json report changes |
  python3 -c 'import json,sys; c=json.load(sys.stdin); c=c.get("changes", c); print(max(int(x["sequence"]) for x in c))')
held=0
for _ in $(seq 1 1200); do
  held=$(at "$MINISTRY" bo-tu-phap --output=json received --plan=$NATIONAL --period=2026 |
    python3 -c 'import json,sys; r=json.load(sys.stdin).get("receivedFigures", []); print(max([int(f["generation"]) for f in r] or [0]))')
  [ "$held" -ge "$LAST" ] && break
  sleep 0.05
done
ARRIVED_NS=$(date +%s%N)
at "$MINISTRY" bo-tu-phap --output=json received --plan=$NATIONAL --period=2026 --values \
  >"$WORK/ministry-received.json"
at "$PROVINCE" dong-nai-so-tu-phap --output=json rollup --plan=$P --period=2026 --subtree=dong-nai \
  >"$WORK/province-rollup.json"
at "$MINISTRY" bo-tu-phap received --plan=$NATIONAL --period=2026
python3 - "$WORK" "$accepted" "$LAST" "$held" "$(( (ARRIVED_NS - LAST_ACCEPT_NS) / 1000000 ))" \
  "$NATIONAL" <<'PY'
import json, sys
from decimal import Decimal
work, national_id = sys.argv[1], sys.argv[6]
accepted, last, held = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ms = sys.argv[5]
asked = json.load(open(f"{work}/ministry-data/plan-{national_id}.json"))["tasks"][0]["indicators"]
received = json.load(open(f"{work}/ministry-received.json")).get("receivedFigures", [])
rollup = json.load(open(f"{work}/province-rollup.json"))
# The Ministry's totals for Đồng Nai, and Đồng Nai's own.
held_totals = {v["indicator"]: Decimal(str(v.get("intValue", v.get("decimalValue"))))
               for f in received if f["agency"] == "agencies/dong-nai"
               for v in f.get("values", []) if not v.get("cells")}
local = {i["indicator"]: Decimal(i["total"]["value"]) for i in rollup["indicators"]
         if i.get("total", {}).get("present") and i["indicator"] in asked}
lost = sum(1 for k, v in local.items() if held_totals.get(k, Decimal(0)) < v)
twice = sum(1 for k, v in local.items() if held_totals.get(k, Decimal(0)) > v)
twice += sum(1 for k in held_totals if k not in local)
print(f"reports accepted (Đồng Nai): {accepted}")
print(f"Đồng Nai's last change: {last}; the Ministry holds generation {held}")
print(f"figures the Ministry holds for Đồng Nai: "
      f"{sum(int(f.get('valueCount', 0)) for f in received if f['agency'] == 'agencies/dong-nai')}")
print(f"indicator totals compared with Đồng Nai's own roll-up: {len(local)}; "
      f"national total of the first: {next(iter(sorted(held_totals.items())), ('-', '-'))}")
print(f"lost = {lost}")
print(f"counted twice = {twice}")
print(f"last acceptance to the national figure: {ms} ms (after two SIGKILLs and restarts)")
ok = held >= last and lost == 0 and twice == 0 and len(local) > 0
print("DRILL PASSED" if ok else "DRILL FAILED")
sys.exit(0 if ok else 1)
PY
