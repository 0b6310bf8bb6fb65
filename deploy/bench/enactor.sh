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
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
for n in "$@"; do
  [[ "$n" == --noop || "$n" == --micronaut || ("$n" =~ ^[0-9]+$ && "$n" -gt 0) ]] || { sed -n '4p' "$0" | sed 's/^# //' >&2; exit 2; }
done
cd "$ROOT"
cp="$(mktemp /tmp/enactor-bench-cp.XXXXXX)"
trap 'rm -f "$cp"' EXIT
echo "enactor-bench: compiling enactor and its test classpath ..." >&2
# No install: ~/.m2 is shared by parallel builds. In one reactor run, build-classpath names the
# sibling modules by their target/classes (and db's target/test-classes), not by installed jars.
# Offline first; online only if a plugin dependency was never downloaded.
build=(-B -q -DskipTests -pl enactor -am test-compile
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
  -Dmdep.outputFile="$cp" -Dmdep.includeScope=test)
mvn -o "${build[@]}" >&2 || mvn "${build[@]}" >&2
# exec replaces this shell, so the EXIT trap would never remove the file: read it first.
classpath="$(cat "$cp")"
rm -f "$cp"
# DNSPLANE_JAVA_OPTS: e.g. -XX:StartFlightRecording=filename=enactor.jfr to profile a run.
# shellcheck disable=SC2086
exec java ${DNSPLANE_JAVA_OPTS:-} -Ddnsplane.bench.seconds="${DNSPLANE_BENCH_SECONDS:-10}" \
  -Dlogback.configurationFile=enactor/target/test-classes/logback-test.xml \
  -cp "enactor/target/test-classes:enactor/target/classes:$classpath" \
  dnsplane.enactor.bench.ApplyBench "$@"
