#!/usr/bin/env bash
# shell.exec of `true` through REST against spawning `true` straight from a JVM.
#
#   bench/shell.sh                 concurrency 1 and 4 (CONCURRENCY="1 4 8" for others)
#
# The floor is ProcessSpawnBenchmark (JMH, `new ProcessBuilder("true").start().waitFor()`, the
# server's JVM options, 1 and 4 threads). The REST side is a closed loop: wrk with as many
# connections as threads, each sending the next request when the last answer arrived, for
# DURATION (20s) after a WARMUP (5s). The ratio is of the median per-call latencies.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

CONCURRENCY="${CONCURRENCY:-1 4}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-5s}"
export BODY='{"argv":["true"]}'

ensure_built
JMH_JSON="$(mktemp "${TMPDIR:-/tmp}/warden-spawn.XXXXXX.json")"
echo "== direct spawn (JMH ProcessSpawnBenchmark), load average $(loadavg)"
"$BENCH_DIR/jmh.sh" ProcessSpawnBenchmark -wi 2 -i 3 -r 5s -rf json -rff "$JMH_JSON" | grep -E '^(Benchmark|ProcessSpawn)'
declare -A direct
while read -r threads p50; do direct[$threads]="$p50"; done < <(python3 - "$JMH_JSON" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1])):
    print(b["threads"], b["primaryMetric"]["scorePercentiles"]["50.0"] / 1000.0)  # us -> ms
PY
)
rm -f "$JMH_JSON"

bench_scratch
start_server
echo "== REST shell.exec, server pid $SERVER_PID"
call shell.exec "$BODY"; echo
for c in $CONCURRENCY; do
  wrk -t1 -c"$c" -d"$WARMUP" -s "$BENCH_DIR/wrk/post.lua" "$BASE_URL/v1/actions/shell.exec" >/dev/null
  load="$(loadavg)"
  out="$(wrk -t1 -c"$c" -d"$DURATION" --latency -s "$BENCH_DIR/wrk/post.lua" "$BASE_URL/v1/actions/shell.exec")"
  result="$(grep '^RESULT' <<<"$out")"
  rest="$(field p50_ms "$result")"
  base="${direct[$c]:-}"
  echo "concurrency $c: REST $(field rps "$result") calls/s, p50 ${rest} ms, p99 $(field p99_ms "$result") ms, $(field non2xx "$result") not 2xx; load average $load"
  if [ -n "$base" ]; then
    echo "concurrency $c: direct spawn p50 $(printf '%.3f' "$base") ms; ratio REST/direct $(python3 -c "print(f'{$rest/$base:.2f}')")"
  else
    echo "concurrency $c: no direct figure (ProcessSpawnBenchmark runs 1 and 4 threads)"
  fi
done
