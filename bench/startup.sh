#!/usr/bin/env bash
# Start-up time and idle memory of ./warden serve.
#
#   bench/startup.sh          5 measured starts (RUNS=n for another count)
#
# Each start gets a fresh temp data dir (so it includes creating the database, the policy file and
# the admin token) and is timed from the exec of ./warden to the first 200 from /healthz, polled
# every 10 ms. IDLE seconds (default 5) later the server's VmRSS is read from /proc. One unmeasured
# start first lets the JVM write its class-data archive (target/cds-serve.jsa) if it has none yet.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

RUNS="${RUNS:-5}"
IDLE="${IDLE:-5}"

ensure_built
bench_scratch
start_server
echo "priming start: ${READY_MS} ms"
stop_server
bench_cleanup

ready=() rss=()
for i in $(seq "$RUNS"); do
  bench_scratch
  load="$(loadavg)"
  start_server
  sleep "$IDLE"
  kb="$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")"
  hwm="$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")"
  threads="$(awk '/Threads/ {print $2}' "/proc/$SERVER_PID/status")"
  echo "start $i: ready in ${READY_MS} ms; after ${IDLE} s idle VmRSS $(( kb / 1024 )) MiB (peak $(( hwm / 1024 )) MiB), $threads threads; load average $load"
  ready+=("$READY_MS") rss+=("$(( kb / 1024 ))")
  stop_server
  bench_cleanup
  trap - EXIT
done

stats() { sort -n | awk '{a[NR]=$1} END {printf "min %s, median %s, max %s", a[1], a[int((NR+1)/2)], a[NR]}'; }
echo "ready (ms):    $(printf '%s\n' "${ready[@]}" | stats)"
echo "idle RSS (MiB): $(printf '%s\n' "${rss[@]}" | stats)"
