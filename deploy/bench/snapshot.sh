#!/usr/bin/env bash
# snapshot.sh — what authdns's persisted snapshot costs: file size, save time (write + fsyncs) and
# restore time (read, checksum, build) at N names.
#
# usage: deploy/bench/snapshot.sh [N...]        (default: 100000 1000000 names)
#
# Runs dnsplane.authdns.persist.SnapshotFileBench (authdns test scope) in a temporary directory; no
# database, no network. One A record per name, as an endpoint-heavy zone has.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
for n in "$@"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -gt 0 ]] || { sed -n '5p' "$0" | sed 's/^# //' >&2; exit 2; }
done
cd "$ROOT"
cp="$(mktemp /tmp/snapshot-bench-cp.XXXXXX)"
trap 'rm -f "$cp"' EXIT
echo "snapshot-bench: compiling authdns and its test classpath ..." >&2
mvn -B -q -DskipTests -pl authdns -am install >&2
mvn -B -q -pl authdns org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$cp" -Dmdep.includeScope=test >&2
exec java -Xmx4g -XX:+UseParallelGC -cp "authdns/target/test-classes:authdns/target/classes:$(cat "$cp")" \
  dnsplane.authdns.persist.SnapshotFileBench "$@"
