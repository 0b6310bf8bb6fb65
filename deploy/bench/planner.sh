#!/usr/bin/env bash
# planner.sh — how long the planner takes to compute and commit a plan for N endpoints.
#
# usage: deploy/bench/planner.sh [N...]   (default: 1000 10000 100000 endpoints)
#
# Runs dnsplane.planner.bench.PlanBench (planner test scope) against a throwaway database on the
# PostgreSQL the test fixture finds (DNSPLANE_TEST_DB_URL, else 127.0.0.1:5432, else embedded).
# Per size it prints, in ms from the planner's decision to plan until the plan is committed: the
# first plan, a heartbeat plan and a plan for one health change (medians of 3), and the CPU ms each
# cost (the JVM's plus the bench database's PostgreSQL backends', when the server is local): on a
# shared machine the wall time mostly measures the other load. Then, per size, the
# rows of deploy/bench/all's table (deploy/lib/bench.sh's bench_row) against issue 13's goal: a
# 100,000-endpoint plan computed and committed in at most 2 s (ratio = figure / goal).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
# shellcheck source=deploy/lib/bench.sh
. "$ROOT/deploy/lib/bench.sh"
for n in "$@"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -gt 0 ]] || { sed -n '4p' "$0" | sed 's/^# //' >&2; exit 2; }
done
cd "$ROOT"
cp="$(mktemp /tmp/planner-bench-cp.XXXXXX)"
trap 'rm -f "$cp"' EXIT
echo "planner-bench: compiling planner and its test classpath ..." >&2
# No install: ~/.m2 is shared by parallel builds. In one reactor run, build-classpath names the
# sibling modules by their target/classes (and db's target/test-classes), not by installed jars.
# Offline first; online only if a plugin dependency was never downloaded.
build=(-B -q -DskipTests -pl planner -am test-compile
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
  -Dmdep.outputFile="$cp" -Dmdep.includeScope=test)
mvn -o "${build[@]}" >&2 || mvn "${build[@]}" >&2
classpath="$(cat "$cp")"
rm -f "$cp"
out="$(mktemp /tmp/planner-bench-out.XXXXXX)"
trap 'rm -f "$cp" "$out"' EXIT
# DNSPLANE_JAVA_OPTS: e.g. -XX:StartFlightRecording=filename=planner.jfr to profile a run.
# DNSPLANE_BENCH_PG_OPTIONS: server settings for the planner's connections, e.g.
# "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=30
#  -c auto_explain.log_analyze=on -c auto_explain.log_nested_statements=on" (server log).
# shellcheck disable=SC2086
java ${DNSPLANE_JAVA_OPTS:-} \
  -Dlogback.configurationFile=planner/target/test-classes/logback-test.xml \
  -cp "planner/target/test-classes:planner/target/classes:$classpath" \
  dnsplane.planner.bench.PlanBench "$@" | tee "$out"
GOAL_MS=2000
# PlanBench's lines: endpoints, all-changed ms, heartbeat ms, health-change ms, then CPU ms.
while read -r n every heartbeat change _; do
  [[ "$n" =~ ^[0-9]+$ ]] || continue
  size="$(awk -v n="$n" 'BEGIN { if (n >= 1000 && n % 1000 == 0) printf "%dk", n / 1000; else print n }')"
  for kind in "first plan (every entry new):$every" "heartbeat plan:$heartbeat" \
    "one health change:$change"; do
    ms="${kind##*:}"
    bench_row "planner, $size endpoints, ${kind%:*}" \
      "$(awk -v ms="$ms" 'BEGIN { printf "%.2f s", ms / 1000 }')" \
      "goal $((GOAL_MS / 1000)) s" "$(bench_ratio "$ms" "$GOAL_MS")"
  done
done <"$out"
