# Shared by the bench scripts (sourced, not run): a throw-away Warden server and its audit count.
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
WARDEN_HOME="$(cd "$BENCH_DIR/.." && pwd)"
export BENCH_DIR

# A scratch dir with data/ and root/, removed on exit together with any server started here.
bench_scratch() {
  SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/warden-bench.XXXXXX")"
  DATA_DIR="$SCRATCH/data"
  ROOT_DIR="$SCRATCH/root"
  mkdir -p "$DATA_DIR" "$ROOT_DIR/out"
  printf '# bench\n%.0s' {1..64} > "$ROOT_DIR/README.md"
  export WARDEN_TOKEN="wdn_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  SERVER_PID=""
  trap 'bench_cleanup' EXIT
}

bench_cleanup() {
  [ -n "${SERVER_PID:-}" ] && stop_server
  [ -n "${SCRATCH:-}" ] && [ -z "${KEEP_SCRATCH:-}" ] && rm -rf "$SCRATCH"
  return 0
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

now_ns() { date +%s%N; }

# Builds the jar if sources changed (outside any timing), so later starts measure only the start.
# Builds with Maven rather than running ./warden once: the first JVM run after a build writes the
# class-data archive, and it should be a `serve` run, not a short command that loads few classes.
ensure_built() {
  "$WARDEN_HOME/warden" build
}

# start_server: starts ./warden serve on a free port and waits for /healthz. Sets SERVER_PID, PORT,
# BASE_URL and READY_MS (from exec to the first 200 from /healthz, polled every 10 ms).
# One poller process does the polling: a curl started every 10 ms took a good part of a core from
# the start it was timing on a two-core machine (~1 s of a 3.5 s start).
start_server() {
  PORT="$(free_port)"
  BASE_URL="http://127.0.0.1:$PORT"
  local t0
  t0="$(now_ns)"
  WARDEN_ADMIN_TOKEN="$WARDEN_TOKEN" "$WARDEN_HOME/warden" serve --port "$PORT" --data-dir "$DATA_DIR" \
    --root "$ROOT_DIR" >"$SCRATCH/server.log" 2>&1 &
  SERVER_PID=$!
  if ! READY_MS="$(python3 - "$PORT" "$SERVER_PID" "$t0" <<'PY'
import http.client, os, sys, time
port, pid, t0 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
deadline = time.time() + 60
while time.time() < deadline:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        if connection.getresponse().status == 200:
            print((time.time_ns() - t0) // 1_000_000)
            sys.exit(0)
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except OSError:
        print("the server exited", file=sys.stderr)
        sys.exit(2)
    time.sleep(0.01)
print("the server did not answer /healthz within 60 s", file=sys.stderr)
sys.exit(1)
PY
)"; then
    echo "its log:" >&2; cat "$SCRATCH/server.log" >&2
    kill -0 "$SERVER_PID" 2>/dev/null || SERVER_PID=""
    return 1
  fi
}

stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

audit_count() {
  sqlite3 "file:$DATA_DIR/warden.db?mode=ro" "SELECT count(*) FROM audit_log"
}

# call ACTION JSON: one REST call, prints the answer.
call() {
  curl -s -H "Authorization: Bearer $WARDEN_TOKEN" -H 'Content-Type: application/json' -d "$2" "$BASE_URL/v1/actions/$1"
}

# cpu_ticks PID: user+system CPU time of a process and all its threads, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
CLK_TCK="$(getconf CLK_TCK)"

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

machine() {
  echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "mem: $(free -m | awk '/^Mem:/ {print $2 " MiB"}'), kernel $(uname -r)"
  echo "jdk: $("${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -version 2>&1 | head -1)"
  echo "disk: $(df -h "${SCRATCH:-/tmp}" | awk 'NR==2 {print $1 " " $2}')"
  echo "wrk: $(wrk -v 2>&1 | head -1)"
}

# field NAME LINE: the value of NAME=... in a RESULT line.
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2"; }
