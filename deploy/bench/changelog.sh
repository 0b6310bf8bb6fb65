#!/usr/bin/env bash
# changelog.sh — the limits of the write and replication tiers, for the road map in README.md:
# change-log writes per second through the counter lock, the follower's apply rate, and transfer
# sizes.
#
# usage: deploy/bench/changelog.sh [-n NAMES] [-l SECONDS] [-r ROWS]
#   defaults: -n 10000 -l 10 -r 200000
#
# 1. Writes: pgbench against a throwaway database holding a zone of -n names, -l seconds each:
#    single-rrset UPDATE transactions from 1 and from 8 clients (every write takes the change-log
#    counter lock, so they serialize), then 1,000-rrset UPDATE transactions (how the enactor
#    writes). Reported as change-log rows per second (counter delta / seconds).
# 2. Apply rate: authdns is stopped (SIGTERM: it saves its snapshot), -r rows of changes are
#    committed, and authdns is started again: it serves its saved copy at once and catches up
#    through the change log. Reported: start-to-serving, and rows per second of the catch-up.
# 3. Transfer size: AXFR of the zone, and IXFR after one change, from dig's XFR statistics.
#
# environment: AUTHDNS_JAR, COMPARE_PG (host:port, default 127.0.0.1:5432), DNSPLANE_DB_USER,
#   DNSPLANE_DB_PASSWORD, KEEP_WORK=1, CATCHUP_JAVA_OPTS (extra JVM options for the authdns that
#   catches up in part 2, e.g. a flight recording: -XX:StartFlightRecording=filename=/tmp/c.jfr).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NAMES=10000 DURATION=10 ROWS=200000
usage() { sed -n '6,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "n:l:r:h" opt; do
  case "$opt" in
    n) NAMES="$OPTARG" ;; l) DURATION="$OPTARG" ;; r) ROWS="$OPTARG" ;; *) usage ;;
  esac
done
for v in "$NAMES" "$DURATION" "$ROWS"; do
  [[ "$v" =~ ^[0-9]+$ && "$v" -gt 0 ]] || { echo "changelog.sh: options take positive integers" >&2; usage; }
done
((NAMES >= 1000)) || { echo "changelog.sh: -n must be at least 1000 (the batched writes)" >&2; usage; }

die() { echo "bench: $*" >&2; exit 2; }
log() { echo "bench: $*" >&2; }
# shellcheck source=deploy/lib/peers.sh
source "$ROOT/deploy/lib/peers.sh"
peer_need_pkg dig bind9-dnsutils
peer_need_pkg psql postgresql-client
peer_need_pkg curl curl
PGBENCH="$(command -v pgbench || true)"
for candidate in /usr/lib/postgresql/*/bin/pgbench; do
  [[ -n "$PGBENCH" || ! -x "$candidate" ]] || PGBENCH="$candidate"
done
[[ -x "$PGBENCH" ]] || die "pgbench not found (Debian: postgresql-contrib or the server package)"
AUTHDNS_JAR="$(peer_authdns_jar)"

# shellcheck source=deploy/lib/bench.sh
source "$ROOT/deploy/lib/bench.sh"
bench_setup changelog-bench

awk -v n="$NAMES" 'BEGIN {
  print "$ORIGIN bench.test.\n$TTL 300"
  print "@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.1"
  for (i = 0; i < n; i++) printf "h%d A 192.0.2.%d\n", i, i % 250 + 1
}' >"$WORK/bench.zone"
export DNSPLANE_DB_URL="jdbc:postgresql://$PG/$DB_NAME"
export DNSPLANE_DB_USER="$PG_USER"
java -jar "$AUTHDNS_JAR" zone import "$WORK/bench.zone" >"$WORK/import.out" 2>&1 \
  || die "zone import failed: $(tail -3 "$WORK/import.out")"

psql_q() { psql -qAt -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -d "$DB_NAME" -c "$1"; }
counter() { psql_q "SELECT last_seq FROM change_log_counter"; }

AUTH_PORT="$(peer_free_port)" AUTH_HTTP="$(peer_free_port)"
start_authdns() { # [extra JVM options]
  # shellcheck disable=SC2086 # the options are words
  java -Xmx1g ${1:-} -jar "$AUTHDNS_JAR" serve --listen "127.0.0.1:$AUTH_PORT" --http "127.0.0.1:$AUTH_HTTP" \
    --state-dir "$WORK/state" >>"$WORK/authdns.out" 2>&1 &
  SERVER_PID=$!
}
applied() { curl -sf "http://127.0.0.1:$AUTH_HTTP/metrics" | awk '/^dnsplane_authdns_applied_seq / {print $2}'; }
start_authdns
bench_wait_for authdns 60 curl -sf "http://127.0.0.1:$AUTH_HTTP/health"

# ---- 1. writes through the counter lock ---------------------------------------------------------
cat >"$WORK/single.sql" <<SQL
\set h random(0, $((NAMES - 1)))
\set a random(1, 254)
UPDATE rrset SET rdata = ARRAY['198.51.100.' || :a] WHERE name = 'h' || :h || '.bench.test.' AND type = 'A';
SQL
cat >"$WORK/batch.sql" <<SQL
\set s random(0, $((NAMES - 1000)))
\set a random(1, 254)
UPDATE rrset SET rdata = ARRAY['203.0.113.' || :a]
 WHERE name IN (SELECT 'h' || g || '.bench.test.' FROM generate_series(:s, :s + 999) g) AND type = 'A';
SQL
declare -A RATE
run_writes() { # label clients script
  local before after
  before="$(counter)"
  "$PGBENCH" -n -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -c "$2" -j "$2" -T "$DURATION" \
    -f "$WORK/$3" "$DB_NAME" >"$WORK/pgbench-$2-$3.out" 2>&1 || die "pgbench $1: $(tail -3 "$WORK/pgbench-$2-$3.out")"
  after="$(counter)"
  RATE[$1]="$(awk -v d=$((after - before)) -v t="$DURATION" 'BEGIN {printf "%.0f", d / t}')"
  log "writes $1: ${RATE[$1]} change-log rows/s"
}
run_writes "1 client, 1 rrset/txn" 1 single.sql
run_writes "8 clients, 1 rrset/txn" 8 single.sql
run_writes "8 clients, 1000 rrsets/txn" 8 batch.sql

# ---- 2. the follower's apply rate ------------------------------------------------------------
bench_wait_for "authdns catch-up" 120 bash -c "[[ \"\$(curl -sf http://127.0.0.1:$AUTH_HTTP/metrics | awk '/^dnsplane_authdns_changelog_lag /{print \$2}')\" == 0 ]]"
bench_stop_server
txns=$(((ROWS + 999) / 1000))
before="$(counter)"
"$PGBENCH" -n -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -c 2 -j 2 -t $(((txns + 1) / 2)) \
  -f "$WORK/batch.sql" "$DB_NAME" >"$WORK/pgbench-backlog.out" 2>&1 || die "pgbench backlog failed"
target="$(counter)"
backlog=$((target - before))
t0="$(date +%s%N)"
start_authdns "${CATCHUP_JAVA_OPTS:-}"
bench_wait_for authdns 60 curl -sf "http://127.0.0.1:$AUTH_HTTP/health"
t1="$(date +%s%N)"
cpu1="$(bench_cpu_ticks "$SERVER_PID")"
until [[ "$(applied)" == "$target" ]]; do
  kill -0 "$SERVER_PID" 2>/dev/null || die "authdns exited: $(tail -5 "$WORK/authdns.out")"
  sleep 0.05
done
t2="$(date +%s%N)"
# CPU time tells more than wall time on a shared machine (GC and JIT threads included).
cpu_ms=$((($(bench_cpu_ticks "$SERVER_PID") - cpu1) * 1000 / CLK_TCK))
serving_ms=$(((t1 - t0) / 1000000))
catchup_ms=$(((t2 - t1) / 1000000))
apply_rate="$(awk -v r="$backlog" -v ms="$catchup_ms" 'BEGIN { printf "%.0f", r / (ms > 0 ? ms : 1) * 1000 }')"

# ---- 3. transfer sizes -----------------------------------------------------------------------
serial="$(dig +short @127.0.0.1 -p "$AUTH_PORT" bench.test. SOA | awk '{print $3}')"
axfr="$(dig +stats @127.0.0.1 -p "$AUTH_PORT" bench.test. AXFR | grep 'XFR size' || true)"
psql_q "UPDATE rrset SET rdata = ARRAY['192.0.2.254'] WHERE name = 'h1.bench.test.' AND type = 'A'" >/dev/null
until [[ "$(applied)" == "$(counter)" ]]; do sleep 0.05; done
ixfr="$(dig +stats @127.0.0.1 -p "$AUTH_PORT" bench.test. "IXFR=$serial" | grep 'XFR size' || true)"
bench_stop_server

echo
echo "zone: $NAMES names; pgbench -T $DURATION per row; PostgreSQL at $PG; authdns on the same machine"
printf '%-32s %s\n' "writes" "change-log rows/s"
for k in "1 client, 1 rrset/txn" "8 clients, 1 rrset/txn" "8 clients, 1000 rrsets/txn"; do
  printf '%-32s %s\n' "$k" "${RATE[$k]}"
done
echo
echo "authdns restart with $backlog change-log rows committed while it was down:"
echo "  start to serving (its saved snapshot): $serving_ms ms"
echo "  catch-up through the change log:       $catchup_ms ms for $backlog rows"
echo "change-log apply rate (one row = one rrset change): $apply_rate rrset changes/s" \
  "($(awk -v r="$apply_rate" 'BEGIN { printf "%.2f", r / 50000 }')x the 50,000/s goal)"
echo "  authdns CPU during the catch-up: $cpu_ms ms ($(awk -v r="$backlog" -v ms="$cpu_ms" \
  'BEGIN { printf "%.0f", r / (ms > 0 ? ms : 1) * 1000 }') rows per CPU-second)"
echo
echo "AXFR of the zone:             ${axfr#;; }"
echo "IXFR after one changed rrset: ${ixfr#;; }"

# ---- rows of deploy/bench/all's table ----------------------------------------------------------
bench_row "authdns change-log apply rate (rrset changes/s, catch-up after a restart)" \
  "$(bench_k "$apply_rate")" "goal 50.0k" "$(bench_ratio "$apply_rate" 50000)"
bench_row "authdns restart with $(bench_k "$backlog") change-log rows pending: start to serving / caught up" \
  "$serving_ms ms / +$catchup_ms ms"
bench_row "change-log writes, 8 clients, 1000 rrsets a transaction (rows/s)" \
  "$(bench_k "${RATE[8 clients, 1000 rrsets/txn]}")"
