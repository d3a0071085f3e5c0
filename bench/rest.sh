#!/usr/bin/env bash
# REST throughput and latency with wrk, every request audited durably.
#
#   bench/rest.sh                 fs.stat, then fs.write of 1 KiB
#   bench/rest.sh fs.stat         one of them
#
# Environment: DURATION (30s), CONNECTIONS (256), THREADS (2, wrk's), WARMUP (10s, same load, not
# counted), PROFILE=1 (record a JFR profile of the server and print its hottest methods),
# KEEP_SCRATCH=1 (keep the temp data dir and the server log).
#
# A fresh server on a free port, with a temp data dir and root and WARDEN_ADMIN_TOKEN, serves each
# run. After a run the script waits a moment for requests still in flight, then checks that the
# audit trail grew by at least the number of requests wrk counted (and by at most that plus the
# connections, whose last requests wrk stops waiting for), and finally verifies the hash chain.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

DURATION="${DURATION:-30s}"
CONNECTIONS="${CONNECTIONS:-256}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-10s}"
ACTIONS=("$@")
[ ${#ACTIONS[@]} -eq 0 ] && ACTIONS=(fs.stat fs.write)

command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install wrk)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed (Debian: apt-get install sqlite3)" >&2; exit 1; }

ensure_built
status=0
for action in "${ACTIONS[@]}"; do
  bench_scratch
  case "$action" in
    fs.stat) script="$BENCH_DIR/wrk/post.lua"; export BODY='{"path":"README.md"}' ;;
    fs.write) script="$BENCH_DIR/wrk/write.lua" ;;
    *) echo "no wrk script for $action" >&2; exit 2 ;;
  esac
  if [ -n "${PROFILE:-}" ]; then
    export WARDEN_JAVA_OPTS="-XX:StartFlightRecording=filename=$SCRATCH/server.jfr,settings=profile,dumponexit=true"
  fi
  start_server
  echo "== $action: $CONNECTIONS connections, $THREADS wrk threads, $DURATION (server pid $SERVER_PID, ready in ${READY_MS} ms)"
  case "$action" in
    fs.stat) call fs.stat "$BODY"; echo ;;
    fs.write) call fs.write '{"path":"out/probe.txt","content":"probe"}'; echo ;;
  esac
  if [ "$WARMUP" != "0" ] && [ "$WARMUP" != "0s" ]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$script" "$BASE_URL/v1/actions/$action" >/dev/null
  fi
  sleep 1
  before="$(audit_count)"
  echo "load average before: $(loadavg)"
  ticks0="$(cpu_ticks "$SERVER_PID")"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$BASE_URL/v1/actions/$action")"
  echo "$out"
  ticks1="$(cpu_ticks "$SERVER_PID")"
  echo "load average after:  $(loadavg)"
  sleep 2
  after="$(audit_count)"
  result="$(grep '^RESULT' <<<"$out")"
  requests="$(field requests "$result")"
  grown=$(( after - before ))
  echo "audit records: $before -> $after (+$grown); wrk counted $requests requests, $(field non2xx "$result") not 2xx"
  if [ "$grown" -ge "$requests" ] && [ "$grown" -le $(( requests + CONNECTIONS )) ]; then
    echo "audit check: OK (every counted request has its record; $(( grown - requests )) more were in flight when wrk stopped)"
  else
    echo "audit check: FAILED"; status=1
  fi
  cpu_ms=$(( (ticks1 - ticks0) * 1000 / CLK_TCK ))
  echo "server CPU during the run: $cpu_ms ms, $(( cpu_ms * 1000 / (requests > 0 ? requests : 1) )) us per request"
  rss="$(awk '/VmRSS/ {print $2 " " $3}' "/proc/$SERVER_PID/status")"
  echo "server RSS after the run: $rss"
  stop_server
  unset WARDEN_JAVA_OPTS
  t0="$(now_ns)"
  "$WARDEN_HOME/warden" audit verify --data-dir "$DATA_DIR" || status=1
  echo "audit verify of $after records took $(( ($(now_ns) - t0) / 1000000 )) ms"
  if [ -n "${PROFILE:-}" ]; then
    "$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$SCRATCH/server.jfr" 2>/dev/null | head -40 || true
    cp "$SCRATCH/server.jfr" "${TMPDIR:-/tmp}/warden-$action.jfr" && echo "profile: ${TMPDIR:-/tmp}/warden-$action.jfr"
  fi
  bench_cleanup
  trap - EXIT
  echo
done
exit $status
