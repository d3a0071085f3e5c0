#!/usr/bin/env bash
# What watching the machine costs: CPU time of an idle ./warden serve over a window, without alert
# rules (no monitor thread) and with two rules sampled every INTERVALS seconds.
#
#   bench/monitor.sh                  WINDOW=60 INTERVALS="1 5"
#
# Each server starts on a fresh data dir, idles 10 s, then its user+system CPU time is read from
# /proc at the start and end of the window. Nothing calls the server meanwhile.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

WINDOW="${WINDOW:-60}"
INTERVALS="${INTERVALS:-1 5}"

measure() {
  local label=$1 yaml=$2
  bench_scratch
  printf '%s\n' "$yaml" > "$DATA_DIR/warden.yaml"
  start_server
  sleep 10
  local t0 t1
  t0="$(cpu_ticks "$SERVER_PID")"
  sleep "$WINDOW"
  t1="$(cpu_ticks "$SERVER_PID")"
  local ms=$(( (t1 - t0) * 1000 / CLK_TCK ))
  printf '%-22s %6d ms CPU in %d s = %5.2f %% of one core   (load %s)\n' "$label" "$ms" "$WINDOW" \
    "$(echo "scale=2; $ms / ($WINDOW * 10)" | bc)" "$(loadavg)"
  stop_server
  bench_cleanup
}

ensure_built
measure "no alert rules" ""
for interval in $INTERVALS; do
  measure "2 rules every ${interval} s" "monitor:
  intervalSeconds: $interval
  alerts:
    - {name: memory-high, when: 'memory.usedPercent > 99.9', for: 1m}
    - {name: load-high, when: 'load.one > cpu.cores * 8', for: 5m}"
done
