#!/usr/bin/env bash
# Runs Warden's JMH benchmarks (src/jmh/java/dev/warden/bench).
#
#   bench/jmh.sh                         every benchmark, defaults below
#   bench/jmh.sh StageBenchmark          benchmarks whose name matches a regexp
#   bench/jmh.sh EngineBenchmark -i 10   any further JMH option (java -jar jmh.jar -h lists them)
#
# Defaults: one fork, 3 warm-up and 5 measured iterations of 5 s each; SampleTime mode (declared on
# the benchmarks) prints p0.50 ... p0.9999. The fork gets the JVM options ./warden serve uses.
set -euo pipefail

HERE="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$HERE"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
maven() { mvn "$@"; }

# test-compile runs JMH's annotation processor over src/jmh/java (a test source root).
maven -q -B -ntp -DskipTests test-compile 2>&1 | grep -v "WARNING: .*Unsafe\|HiddenClassDefiner\|terminally deprecated" >&2 || true
CP_FILE="$HERE/target/jmh.classpath"
maven -q -B -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" 2>/dev/null
CP="$HERE/target/test-classes:$HERE/target/classes:$(cat "$CP_FILE")"

FILTER=()
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then FILTER=("$1"); shift; fi

JVM_ARGS="--enable-native-access=ALL-UNNAMED -Xms16m -Xmx1g -XX:+UseSerialGC"
"$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[4-9]|[3-9][0-9])' && JVM_ARGS+=" --sun-misc-unsafe-memory-access=allow"

# JMH refuses an option given twice, so a default is added only when the caller did not give it.
DEFAULTS=()
for pair in "-f 1" "-wi 3" "-w 5s" "-i 5" "-r 5s"; do
  opt="${pair% *}"
  case " $* " in *" $opt "*) ;; *) DEFAULTS+=("$opt" "${pair#* }") ;; esac
done

exec "$JAVA_HOME/bin/java" -cp "$CP" org.openjdk.jmh.Main \
  "${DEFAULTS[@]}" -jvmArgsAppend "$JVM_ARGS" "${FILTER[@]}" "$@"
