#!/usr/bin/env bash
# MCP tool-call throughput and latency: one TypeScript client (the official SDK), reading the same
# 4 KiB file from four servers in one run:
#
#   warden-stdio   ./warden mcp, as a desktop client starts it (acts as the local admin)
#   warden-http    ./warden serve, /mcp over Streamable HTTP with the admin token
#   filesystem     @modelcontextprotocol/server-filesystem (the reference server), stdio
#   null           bench/mcp/null-server.mjs: the TypeScript SDK answering 4 KiB from memory, stdio
#
#   bench/mcp.sh                  concurrency 1, then 8; 10 s warm-up and 10 s measured per target
#
# Environment: DURATION (10, seconds), WARMUP (20, same load, not counted: the JVM compiles its hot
# paths meanwhile), CONCURRENCY ("1 8"), ROUNDS (1: with more, the targets take turns that many
# times per level and the figures add up), TARGETS (all four, comma-separated), KEEP_SCRATCH=1
# (keep the temp dirs and the servers' logs), PCTS=1 (also print p80 to p99.9 per target and level).
# WARDEN_JAVA_OPTS reaches both Wardens.
#
# The client keeps c calls in flight on one connection per target and checks every answer (no
# isError, exactly the 4 KiB); a refusal stops the run. Afterwards each Warden's audit trail must
# hold a record for every call the client made to it, and its hash chain must verify.
set -euo pipefail
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-20}"
CONCURRENCY="${CONCURRENCY:-1 8}"
ROUNDS="${ROUNDS:-1}"
TARGETS="${TARGETS:-warden-stdio,warden-http,filesystem,null}"
NODE_DIR="$BENCH_DIR/mcp"

command -v node >/dev/null || { echo "node is not installed (Debian: apt-get install nodejs npm)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed (Debian: apt-get install sqlite3)" >&2; exit 1; }

# The client and the two Node servers, from the lock file, into bench/mcp/node_modules (npm cache
# outside the checkout, --prefer-offline: see src/test/node/install.sh).
"$BENCH_DIR/../src/test/node/install.sh" "$NODE_DIR"

ensure_built
bench_scratch
FILE="$ROOT_DIR/bench-4k.txt"
node "$NODE_DIR/content.mjs" > "$FILE"
STDIO_DATA="$SCRATCH/data-stdio"
LOGS="$SCRATCH/logs"
mkdir -p "$STDIO_DATA" "$LOGS"

echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "jdk: $("${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -version 2>&1 | head -1); node $(node --version)"
if [[ ",$TARGETS," == *",warden-http,"* ]]; then
  start_server
  echo "warden-http: pid $SERVER_PID on $BASE_URL, ready in ${READY_MS} ms"
fi
# A c=1 call cannot answer before its audit record is durable: what one durable write costs here.
echo "disk under the data dir: $(node "$NODE_DIR/fsync.mjs" "$STDIO_DATA")"
echo "load average before: $(loadavg)"
status=0
out="$(WARDEN_TOKEN="$WARDEN_TOKEN" node "$NODE_DIR/drive.mjs" --file "$FILE" --targets "$TARGETS" \
  --warden "$WARDEN_HOME/warden" --data-dir "$STDIO_DATA" --root "$ROOT_DIR" \
  --http "${BASE_URL:-}" --http-pid "${SERVER_PID:-}" --clk-tck "$CLK_TCK" --logs "$LOGS" \
  --duration "$DURATION" --warmup "$WARMUP" --concurrency "${CONCURRENCY// /,}" --rounds "$ROUNDS")" || status=$?
echo "$out" | grep -v '^CALLS '
echo "load average after:  $(loadavg)"
[ -n "${SERVER_PID:-}" ] && stop_server
if [ "$status" -ne 0 ]; then
  echo "the client failed (exit $status); the servers' logs:" >&2
  tail -n 20 "$LOGS"/*.log >&2 || true
  exit "$status"
fi

# Every call the client made (warm-up included) must have its durable audit record.
check_audit() {
  local name="$1" dir="$2" calls records
  calls="$(sed -n "s/^CALLS target=$name total=\([0-9]*\)$/\1/p" <<<"$out")"
  [ -n "$calls" ] || return 0
  records="$(sqlite3 "file:$dir/warden.db?mode=ro" "SELECT count(*) FROM audit_log WHERE action = 'fs.read'")"
  if [ "$records" -ge "$calls" ]; then
    echo "$name audit: OK ($records fs.read records for $calls calls)"
  else
    echo "$name audit: FAILED ($records fs.read records for $calls calls)"; status=1
  fi
  "$WARDEN_HOME/warden" audit verify --data-dir "$dir" >/dev/null || { echo "$name audit verify: FAILED"; status=1; }
}
sleep 1 # the stdio Warden exits once the client has closed its stdin
check_audit warden-stdio "$STDIO_DATA"
check_audit warden-http "$DATA_DIR"
exit $status
