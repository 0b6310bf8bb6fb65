#!/usr/bin/env bash
# interleavings.sh — the full-size run of the real-SQL interleaving check (enactor's InterleavingTest).
#
# usage: deploy/bench/interleavings.sh [COUNT [FIRST-SEED [safe|legacy]]]   (default: 10000, now, safe)
#
# Runs dnsplane.enactor.interleave.InterleavingBench (enactor test scope) against a throwaway database
# on the PostgreSQL the test fixture finds. Each interleaving is a seeded race of a planner, three
# enactors, a repair and a zone import, scheduled one SQL statement at a time on separate connections,
# with every invariant checked after every statement. Prints the count, the seeds and every violation
# (with its seed, to replay); exits 1 on any.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
[[ "${1:-10000}" =~ ^[0-9]+$ ]] || { sed -n '4p' "$0" | sed 's/^# //' >&2; exit 2; }
cd "$ROOT"
cp="$(mktemp /tmp/interleave-bench-cp.XXXXXX)"
trap 'rm -f "$cp"' EXIT
echo "interleavings: compiling enactor and its test classpath ..." >&2
mvn -B -q -DskipTests -pl enactor -am install >&2
mvn -B -q -pl enactor org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$cp" -Dmdep.includeScope=test >&2
exec java -cp "enactor/target/test-classes:enactor/target/classes:$(cat "$cp")" \
  dnsplane.enactor.interleave.InterleavingBench "${1:-10000}" "${2:-$(date +%s)}" "${3:-safe}"
