#!/usr/bin/env bash
# enactor.sh — how long the enactor takes to apply a plan, and how long until authdns serves it.
#
# usage: deploy/bench/enactor.sh [--noop] [--micronaut] [N...]   (default: 1 1000 10000 100000 endpoints)
#
# Runs dnsplane.enactor.bench.ApplyBench (enactor test scope) against a throwaway database on the
# PostgreSQL the test fixture finds (DNSPLANE_TEST_DB_URL, else 127.0.0.1:5432, else embedded) with
# an in-process authdns. Per size it prints the safe-mode apply time of the first plan and of the
# next one, and commit-to-served: plan committed → authdns answers the new generation over DNS.
# --noop adds a heartbeat table: a plan with the content already served under a new generation —
# its apply time, the change-log rows, serial bumps and audit rows it caused, and authdns's query
# rate (dnsperf, if installed) with no plan and while such plans are applied back to back
# (window: -Ddnsplane.bench.seconds via DNSPLANE_BENCH_SECONDS, default 10). --micronaut applies
# through the service's transactions (Micronaut Data's transaction manager) instead of a plain pool.
# At the end, per size, the rows of deploy/bench/all's table (deploy/lib/bench.sh's bench_row):
# first plan applied, next plan applied and commit-to-served, each against issue 13's goal of
# 15 s (a plan of 100,000 endpoints applied in at most 15 s), ratio = figure / goal.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
for n in "$@"; do
  [[ "$n" == --noop || "$n" == --micronaut || ("$n" =~ ^[0-9]+$ && "$n" -gt 0) ]] || { sed -n '4p' "$0" | sed 's/^# //' >&2; exit 2; }
done
cd "$ROOT"
# shellcheck source=deploy/lib/bench.sh
. "$ROOT/deploy/lib/bench.sh"
cp="$(mktemp /tmp/enactor-bench-cp.XXXXXX)"
out="$(mktemp /tmp/enactor-bench-out.XXXXXX)"
trap 'rm -f "$cp" "$out"' EXIT
echo "enactor-bench: compiling enactor and its test classpath ..." >&2
# No install: ~/.m2 is shared by parallel builds. In one reactor run, build-classpath names the
# sibling modules by their target/classes (and db's target/test-classes), not by installed jars.
# Offline first; online only if a plugin dependency was never downloaded.
build=(-B -q -DskipTests -pl enactor -am test-compile
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
  -Dmdep.outputFile="$cp" -Dmdep.includeScope=test)
mvn -o "${build[@]}" >&2 || mvn "${build[@]}" >&2
classpath="$(cat "$cp")"
# DNSPLANE_JAVA_OPTS: e.g. -XX:StartFlightRecording=filename=enactor.jfr to profile a run.
# shellcheck disable=SC2086
java ${DNSPLANE_JAVA_OPTS:-} -Ddnsplane.bench.seconds="${DNSPLANE_BENCH_SECONDS:-10}" \
  -Dlogback.configurationFile=enactor/target/test-classes/logback-test.xml \
  -cp "enactor/target/test-classes:enactor/target/classes:$classpath" \
  dnsplane.enactor.bench.ApplyBench "$@" | tee "$out"

# The size table is the lines after ApplyBench's header up to the first blank line (--noop's
# heartbeat table follows one): endpoints, first, next and commit-to-served in milliseconds.
goal_s=15
echo
awk '/^endpoints +first-apply-ms/ { t = 1; next } t && NF == 0 { exit }
     t && $1 ~ /^[0-9]+$/ { print $1, $2, $3, $4 }' "$out" |
  while read -r n first next served; do
    if ((n >= 1000 && n % 1000 == 0)); then size="$((n / 1000))k endpoints"; else size="$n endpoints"; fi
    ((n == 1)) && size="1 endpoint"
    for f in "first plan applied:$first" "next plan applied:$next" "commit-to-served:$served"; do
      what="${f%%:*}" ms="${f##*:}"
      s="$(awk -v ms="$ms" 'BEGIN { printf "%.1f", ms / 1000 }')"
      bench_row "enactor, $size, $what" "$s s" "goal $goal_s s" \
        "$(bench_ratio "$s" "$goal_s")"
    done
  done
