#!/usr/bin/env bash
# standby.sh — commit-to-served latency of an authdns that follows a PostgreSQL hot standby: a change
# committed on the primary, streamed to the standby, polled by authdns, answered over DNS.
#
# usage: deploy/bench/standby.sh
#
# Runs the authdns test StandbyFollowTest, which builds a private primary and streaming standby
# (initdb + pg_basebackup on free loopback ports; as root the servers run as user postgres), and
# prints its p50/p99 line. Needs the PostgreSQL server binaries (Debian: postgresql).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
(($# == 0)) || { sed -n '5p' "$0" | sed 's/^# //' >&2; exit 2; }
cd "$ROOT"
echo "standby-bench: building and running StandbyFollowTest (about a minute) ..." >&2
mvn -B -q -DskipTests -pl authdns -am install >&2
mvn -B -q -pl authdns test -Dtest=StandbyFollowTest -Dsurefire.failIfNoSpecifiedTests=false >&2
grep -h "standby commit-to-served" authdns/target/surefire-reports/*StandbyFollowTest*-output.txt
