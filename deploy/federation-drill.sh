#!/usr/bin/env bash
# The federation drill: N provincial instances and the Ministry's, each a
# separate tonghopd on loopback with its own data directory and certificate
# (an agency certificate per province, from a throw-away CA made with
# deploy/lib/pki.sh), mutual TLS between them; every province's instance
# runs with --upstream and pushes its accepted figures to the Ministry's by
# itself (docs/federation.md). The load generator (tonghop-loadgen
# --federation) registers each province's generated agencies and plan on its
# instance and the national plan on the Ministry's, then every agency
# submits its report and is accepted. While the provinces ingest and push,
# the drill kills one province with SIGKILL while it has changes the
# Ministry has not acknowledged (its tonghop_upstream_pending_changes > 0),
# and the Ministry once, and starts each again on the same address.
#
# It prints reports accepted and figures the Ministry holds per province,
# lost and counted twice (both must be 0), the national total = the sum of
# the provincial totals = the generated sums, the p50/p99 time from an
# acceptance to the national figure, and the peak memory (VmHWM) of the
# Ministry's instance and of a province's. Exit status 0 only when every
# check passed.
#
#   ./deploy/federation-drill.sh                 the full drill: 34 provinces,
#                                                 3,321 communes, 3,899 reports
#   ./deploy/federation-drill.sh --provinces=3 --communes=18 \
#       --departments=3 --independent-bodies=1 --tasks=6 --indicators=8 --rate=5
#                                                 small (tests/run.sh)
#
# Options (the generated country): --provinces=N (34), --communes=N over
# the whole country (3321), per province --departments=N (14) and
# --independent-bodies=N (3); the plan's --tasks=N (60), --indicators=N (40);
# --concurrency=N submitting threads (6), --seed=N (1), --rate=N reports
# submitted per second at most (0: as fast as the servers take them; the
# small drill sets it so that its servers are killed while it ingests).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/pki.sh"

PROVINCES=34 COMMUNES=3321 DEPARTMENTS=14 BODIES=3 TASKS=60 INDICATORS=40
CONCURRENCY=6 SEED=1 RATE=0
for arg in "$@"; do
  case "$arg" in
    --provinces=*) PROVINCES="${arg#*=}" ;;
    --communes=*) COMMUNES="${arg#*=}" ;;
    --departments=*) DEPARTMENTS="${arg#*=}" ;;
    --independent-bodies=*) BODIES="${arg#*=}" ;;
    --tasks=*) TASKS="${arg#*=}" ;;
    --indicators=*) INDICATORS="${arg#*=}" ;;
    --concurrency=*) CONCURRENCY="${arg#*=}" ;;
    --seed=*) SEED="${arg#*=}" ;;
    --rate=*) RATE="${arg#*=}" ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "federation-drill.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
for v in "$PROVINCES" "$COMMUNES" "$DEPARTMENTS" "$BODIES" "$TASKS" "$INDICATORS" \
         "$CONCURRENCY" "$SEED" "$RATE"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "federation-drill.sh: \"$v\" is not a whole number" >&2; exit 2; }
done
if [ "$PROVINCES" -lt 2 ] || [ "$PROVINCES" -gt 99 ]; then
  echo "federation-drill.sh: --provinces must be 2 to 99 (one is killed, the others keep going)" >&2
  exit 2
fi

tonghop_build tonghopd tonghop-loadgen
TONGHOPD="$TONGHOP_BUILD_DIR/services/server/tonghopd"
LOADGEN="$TONGHOP_BUILD_DIR/clients/loadgen/tonghop-loadgen"
WORK="$TONGHOP_BUILD_DIR/federation-drill"
rm -rf "$WORK"
mkdir -p "$WORK"
PKI="$WORK/pki"
province_id() { printf 'lg-p%02d' "$1"; }  # the load generator's province ids
{
  tonghop_pki_ca "$PKI" && tonghop_pki_server "$PKI" server &&
    for p in $(seq 1 "$PROVINCES"); do tonghop_pki_agency "$PKI" "$(province_id "$p")" || exit 1; done
} || { echo "federation-drill.sh: the certificates could not be made (see $PKI/openssl.log)" >&2; exit 1; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
declare -A PID ADDRESS
LOADGEN_PID=""
cleanup() {
  [ -z "$LOADGEN_PID" ] || kill "$LOADGEN_PID" 2>/dev/null || true
  for pid in "${PID[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# launch NAME LISTEN ARGS...: starts tonghopd NAME in the background.
launch() {
  local name="$1" listen="$2"; shift 2
  rm -f "$WORK/$name.address"
  "$TONGHOPD" --data-dir="$WORK/$name" --listen="$listen" --port-file="$WORK/$name.address" \
    --tls-cert="$PKI/server.crt" --tls-key="$PKI/server.key" --client-ca="$PKI/ca.crt" \
    --insecure-dev-identity --request-log=none "$@" >>"$WORK/$name.log" 2>&1 &
  PID[$name]=$!
}
# await NAME: waits (at most 60 s) for NAME's address.
await() {
  local name="$1"
  for _ in $(seq 1 1200); do
    if [ -s "$WORK/$name.address" ]; then ADDRESS[$name]="$(cat "$WORK/$name.address")"; return 0; fi
    kill -0 "${PID[$name]}" 2>/dev/null || break
    sleep 0.05
  done
  tail -20 "$WORK/$name.log" >&2
  echo "federation-drill.sh: $name did not start" >&2
  exit 1
}
province_args() {  # the upstream flags of province $1
  local id; id="$(province_id "$1")"
  echo --tls-ca="$PKI/ca.crt" --instance-cert="$PKI/$id.crt" --instance-key="$PKI/$id.key" \
    --upstream="${ADDRESS[ministry]}"
}
# peak_kib NAME: the process's peak resident memory so far (VmHWM), KiB.
peak_kib() { awk '/^VmHWM:/ {print $2}' "/proc/${PID[$1]}/status" 2>/dev/null || echo 0; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }

launch ministry 127.0.0.1:0
await ministry
# The province killed mid-push: the middle one, with metrics to see that it
# has changes the Ministry has not acknowledged when it is killed.
VICTIM=$(( (PROVINCES + 1) / 2 ))
for p in $(seq 1 "$PROVINCES"); do
  extra=()
  [ "$p" = "$VICTIM" ] && extra=(--metrics=127.0.0.1:0)
  # shellcheck disable=SC2046
  launch "$(province_id "$p")" 127.0.0.1:0 $(province_args "$p") "${extra[@]}"
done
SERVERS=()
for p in $(seq 1 "$PROVINCES"); do await "$(province_id "$p")"; SERVERS+=("${ADDRESS[$(province_id "$p")]}"); done
VICTIM_NAME="$(province_id "$VICTIM")"
echo "started the Ministry's instance at ${ADDRESS[ministry]} and $PROVINCES provinces' instances"
pending_changes() {  # the victim's upstream_pending_changes, or -1
  local metrics
  metrics="$(sed -n 's/^tonghopd metrics on //p' "$WORK/$VICTIM_NAME.log" | tail -1)"
  [ -n "$metrics" ] || { echo -1; return; }
  curl -s --max-time 2 "http://$metrics/metrics" |
    awk '/^tonghop_upstream_pending_changes / {print $2; found=1} END {if (!found) print -1}'
}

REPORTERS=$((COMMUNES + PROVINCES * (DEPARTMENTS + BODIES)))
echo "generated country: $PROVINCES provinces, $COMMUNES communes, $DEPARTMENTS departments and" \
  "$BODIES independent bodies per province: $REPORTERS reports; $TASKS tasks, $INDICATORS indicators"
IFS=, ; SERVER_LIST="${SERVERS[*]}"; unset IFS
# Kill points: a third and two thirds of the reports. The load holds at each
# until the drill lets it go on, so both kills happen mid-load on a machine
# of any speed: the province is killed after the load resumes, once it holds
# changes the Ministry has not acknowledged (at most 5 s later; the load
# cannot pass the second point meanwhile), the Ministry while the load holds;
# then the load goes on while the killed server restarts (its calls are
# retried) and the others keep pushing.
PROVINCE_KILL_AT=$(( REPORTERS / 3 )) MINISTRY_KILL_AT=$(( 2 * REPORTERS / 3 ))
"$LOADGEN" --federation --ministry="${ADDRESS[ministry]}" --province-servers="$SERVER_LIST" \
  --tls-ca="$PKI/ca.crt" --provinces="$PROVINCES" --communes="$COMMUNES" \
  --departments="$DEPARTMENTS" --independent-bodies="$BODIES" --tasks="$TASKS" \
  --indicators="$INDICATORS" --concurrency="$CONCURRENCY" --seed="$SEED" \
  --rate="$RATE" --progress-file="$WORK/progress" \
  --hold-at="$PROVINCE_KILL_AT,$MINISTRY_KILL_AT" >"$WORK/loadgen.out" \
  2> >(tee "$WORK/loadgen.log" >&2) &
LOADGEN_PID=$!

accepted() { awk '{print $2}' "$WORK/progress" 2>/dev/null || echo 0; }
held() { awk '$5 == "held" {print $6}' "$WORK/progress" 2>/dev/null || true; }
release() { touch "$WORK/progress.release-$1"; }
PEAK_VICTIM_BEFORE=0 PEAK_MINISTRY_BEFORE=0 KILLED_PROVINCE=no KILLED_MINISTRY=no
while kill -0 "$LOADGEN_PID" 2>/dev/null; do
  at="$(held)"
  if [ "$KILLED_PROVINCE" = no ] && [ "$at" = "$PROVINCE_KILL_AT" ]; then
    release "$PROVINCE_KILL_AT"
    pending=-1
    for _ in $(seq 1 250); do
      pending="$(pending_changes)"
      [ "$pending" -gt 0 ] 2>/dev/null && break
      sleep 0.02
    done
    PEAK_VICTIM_BEFORE="$(peak_kib "$VICTIM_NAME")"
    kill -9 "${PID[$VICTIM_NAME]}"; wait "${PID[$VICTIM_NAME]}" 2>/dev/null || true
    echo "SIGKILL $VICTIM_NAME's instance after $(accepted) accepted reports, with $pending changes" \
      "not yet acknowledged by the Ministry; starting it again on ${ADDRESS[$VICTIM_NAME]}"
    # shellcheck disable=SC2046
    launch "$VICTIM_NAME" "${ADDRESS[$VICTIM_NAME]}" $(province_args "$VICTIM") --metrics=127.0.0.1:0
    await "$VICTIM_NAME"
    KILLED_PROVINCE=yes
  fi
  if [ "$KILLED_MINISTRY" = no ] && [ "$at" = "$MINISTRY_KILL_AT" ]; then
    PEAK_MINISTRY_BEFORE="$(peak_kib ministry)"
    kill -9 "${PID[ministry]}"; wait "${PID[ministry]}" 2>/dev/null || true
    release "$MINISTRY_KILL_AT"
    echo "SIGKILL the Ministry's instance after $(accepted) accepted reports; starting it again on" \
      "${ADDRESS[ministry]}"
    launch ministry "${ADDRESS[ministry]}"
    await ministry
    KILLED_MINISTRY=yes
  fi
  sleep 0.02
done
status=0
wait "$LOADGEN_PID" || status=$?
cat "$WORK/loadgen.out"
if [ "$KILLED_PROVINCE" = no ] || [ "$KILLED_MINISTRY" = no ]; then
  echo "federation-drill.sh: the load ended before both kills (province: $KILLED_PROVINCE," \
    "Ministry: $KILLED_MINISTRY)" >&2
  status=1
fi

# Peak memory: each process's VmHWM; the killed ones also before their kill.
ministry_now="$(peak_kib ministry)"
largest=0 largest_name="" sum=0
for p in $(seq 1 "$PROVINCES"); do
  k="$(peak_kib "$(province_id "$p")")"
  sum=$((sum + k))
  if [ "$k" -gt "$largest" ]; then largest="$k"; largest_name="$(province_id "$p")"; fi
done
echo "peak RSS (VmHWM): the Ministry $(mib "$PEAK_MINISTRY_BEFORE") before its SIGKILL," \
  "$(mib "$ministry_now") after its restart; province $VICTIM_NAME $(mib "$PEAK_VICTIM_BEFORE")" \
  "before its SIGKILL; largest province $largest_name $(mib "$largest");" \
  "the $PROVINCES provinces together $(mib "$sum")"
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
if [ "$status" = 0 ]; then echo "DRILL PASSED"; else echo "DRILL FAILED"; fi
exit "$status"
