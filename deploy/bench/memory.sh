#!/usr/bin/env bash
# memory.sh — authdns vs NSD on one generated zone of N names, in the same run: time from start to
# the first answer, memory after the load, and memory after one pass querying every name.
#
# usage: deploy/bench/memory.sh [-n NAMES]
#   default: -n 1000000 (e.g. -n 100000, -n 5000000)
#
# The zone, bench.test., is SOA, NS, ns1 and one A record for each of NAMES names (h0 ... hN-1).
# NSD loads the zone file; authdns gets it through `deploy/dnsplane zone import` into a throwaway
# database (the import writes the first snapshot checkpoint as it ends) and is then started as
# users start it, `deploy/dnsplane authdns`, with the launcher's default JVM flags (DNSPLANE_XMX /
# DNSPLANE_JAVA_OPTS apply as they do there) and an empty state directory, so it starts from the
# import's checkpoint (the first servers after an import). That checkpoint is then deleted and a
# fresh authdns reads every rrset row (what a database without a checkpoint costs; three times,
# the checkpoint each writes deleted before the next); it writes a checkpoint of its own once it
# serves, and fresh servers with empty state directories then start
# from that one and the change log after it, as every later server that starts with nothing of its
# own does. The rows server is then stopped and started again, a restart, which serves the
# snapshot its state directory kept (NSD reads its zone file again on every start). Then a fresh
# authdns with an empty state directory is started with --seed-from
# that one, and timed to its first answer: the copy comes over HTTP from the running peer. Last, a
# fresh NSD secondary of that authdns, with no zone file, is timed to its first answer: the zone
# comes by AXFR, as a server with nothing local of its own starts. The launcher starts servers from a class-data archive that the first start of a
# build writes as it stops; when the build has none yet, that first start is made and timed
# first, from a state directory of its own, and printed apart.
#
# Start to first answer: from the server's start until it answers the last name of the zone (dig,
# polled every 0.1 s); NSD's, authdns's from each checkpoint, from the rrset rows, seeded and its
# restart's are the median of three starts each. Memory: RSS of the server (NSD: summed over its
# processes, which share pages after fork, so PSS, each shared page counted once, is printed too). The ratios put authdns's RSS
# (and PSS) against NSD's PSS. Sampled once the server answers, after a 2 s pause, and after
# dnsperf sent every name once. The ROW lines (deploy/bench/all) are start to first answer from
# PostgreSQL (from a checkpoint, and from the rrset rows), seeded and on a restart, RSS after the
# load, RSS and PSS after the pass; and the import's wall time and checkpoint.
#
# The database is vacuumed (VACUUM ANALYZE) after the import and after the checkpoint is written,
# so that autovacuum's pass over a million fresh rows never lands on a start being timed.
#
# What it starts it stops (trap EXIT): NSD (temp config), authdns, the throwaway database.
# environment: COMPARE_PG (host:port, default 127.0.0.1:5432), DNSPLANE_DB_USER,
#   DNSPLANE_DB_PASSWORD, KEEP_WORK=1.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NAMES=1000000
usage() { sed -n '5,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "n:h" opt; do
  case "$opt" in
    n) NAMES="$OPTARG" ;; *) usage ;;
  esac
done
if ! [[ "$NAMES" =~ ^[0-9]+$ ]] || ((NAMES < 10)); then
  echo "memory.sh: -n takes an integer of at least 10" >&2
  usage
fi

die() { echo "bench: $*" >&2; exit 2; }
log() { echo "bench: $*" >&2; }
# shellcheck source=deploy/lib/peers.sh
source "$ROOT/deploy/lib/peers.sh"
peer_need_pkg nsd nsd
peer_need_pkg dnsperf dnsperf
peer_need_pkg dig bind9-dnsutils
peer_need_pkg psql postgresql-client
peer_need_pkg python3 python3

# Built now if missing or stale, never while measured (DNSPLANE_BUILD=never below).
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
dp_ensure_built authdns >&2

# shellcheck source=deploy/lib/bench.sh
source "$ROOT/deploy/lib/bench.sh"
bench_setup memory-bench
declare -A START RSS_LOAD PSS_LOAD RSS_PASS PSS_PASS
export DNSPLANE_DB_URL="jdbc:postgresql://$PG/$DB_NAME"
export DNSPLANE_DB_USER="$PG_USER"
export DNSPLANE_BUILD=never

# ---- the zone and the queries -------------------------------------------------------------------
ORIGIN=bench.test.
LAST="h$((NAMES - 1)).bench.test."
awk -v n="$NAMES" 'BEGIN {
  print "$ORIGIN bench.test.\n$TTL 300"
  print "@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.1"
  for (i = 0; i < n; i++) printf "h%d A 192.0.2.%d\n", i, i % 250 + 1
}' >"$WORK/bench.zone"
awk -v n="$NAMES" 'BEGIN { for (i = 0; i < n; i++) printf "h%d.bench.test. A\n", i }' >"$WORK/queries"
log "zone $ORIGIN: $NAMES names, $(du -h "$WORK/bench.zone" | cut -f1)"

# ---- measuring -----------------------------------------------------------------------------------
# RSS and PSS in KiB summed over a process tree (smaps_rollup: Linux 4.14+).
mem_kib() { # pid field
  local p total=0 v
  for p in $(bench_descendants "$1"); do
    v="$(awk -v f="$2:" '$1 == f {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true)"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# dig +short prints its errors (";; connection refused") on stdout too: only an address counts.
answers() { # port
  dig +short +time=1 +tries=1 @127.0.0.1 -p "$1" "$LAST" A 2>/dev/null | grep -q '^192\.0\.2\.'
}

# Waits for the server on port $2 to answer the last name; records START (s) under name $1.
await_first_answer() { # name port start
  local deadline=$((SECONDS + 1200))
  until answers "$2"; do
    ((SECONDS < deadline)) || die "$1 did not answer in 1200 s: $(tail -5 "$WORK/${1%%-*}.out")"
    kill -0 "$SERVER_PID" 2>/dev/null || die "$1 exited: $(tail -5 "$WORK/${1%%-*}.out")"
    sleep 0.1
  done
  START[$1]="$(awk -v s="$3" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')"
  log "$1 answers after ${START[$1]} s"
}

# Memory once loaded, then after one dnsperf pass over every name.
measure_memory() { # name port
  sleep 2 # lets a collector that runs after the load finish: sampling, not synchronization
  RSS_LOAD[$1]="$(mib "$(mem_kib "$SERVER_PID" Rss)")"
  PSS_LOAD[$1]="$(mib "$(mem_kib "$SERVER_PID" Pss)")"
  dnsperf -s 127.0.0.1 -p "$2" -d "$WORK/queries" -c 4 -q 200 -n 1 >"$WORK/$1.perf" 2>&1 \
    || die "$1 dnsperf pass failed: $(tail -3 "$WORK/$1.perf")"
  RSS_PASS[$1]="$(mib "$(mem_kib "$SERVER_PID" Rss)")"
  PSS_PASS[$1]="$(mib "$(mem_kib "$SERVER_PID" Pss)")"
  log "$1: RSS ${RSS_LOAD[$1]} MiB after load, ${RSS_PASS[$1]} MiB after one pass" \
    "($(awk '/Queries completed/ {print $3}' "$WORK/$1.perf") answered)"
}

# ---- NSD -----------------------------------------------------------------------------------------
NSD_PORT="$(peer_free_port)"
peer_nsd_conf "$WORK" "$NSD_PORT" "$ORIGIN" "$WORK/bench.zone" >"$WORK/nsd.conf"
# Start times are the median of three starts (a start is one sample on a shared machine, and the
# ratios put one against another); memory is measured on the first.
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
start_nsd() {
  nsd -d -c "$WORK/nsd.conf" >>"$WORK/nsd.out" 2>&1 &
  SERVER_PID=$!
}
t0="$EPOCHREALTIME"
start_nsd
await_first_answer nsd-1 "$NSD_PORT" "$t0"
measure_memory nsd "$NSD_PORT"
bench_stop_server
for k in 2 3; do
  t0="$EPOCHREALTIME"
  start_nsd
  await_first_answer "nsd-$k" "$NSD_PORT" "$t0"
  bench_stop_server
done
START[nsd]="$(median3 "${START[nsd-1]}" "${START[nsd-2]}" "${START[nsd-3]}")"
log "nsd: start→answer ${START[nsd]} s (median of ${START[nsd-1]}, ${START[nsd-2]}, ${START[nsd-3]})"

# ---- authdns -------------------------------------------------------------------------------------
log "zone import into $DB_NAME ..."
t0="$EPOCHREALTIME"
"$ROOT/deploy/dnsplane" zone import "$WORK/bench.zone" >"$WORK/import.out" 2>&1 \
  || die "zone import failed: $(tail -3 "$WORK/import.out")"
IMPORT_S="$(awk -v s="$t0" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')"
IMPORT_CHECKPOINT="$(grep -oE "wrote snapshot checkpoint .* in [0-9]+ ms" "$WORK/import.out")" \
  || die "the import wrote no snapshot checkpoint: $(tail -3 "$WORK/import.out")"
log "zone import: $IMPORT_S s; $IMPORT_CHECKPOINT"
# A bulk import leaves a million new rows for autovacuum, which would start within a minute and
# share the machine with whichever start it met: vacuumed now, before anything is timed, as a
# database a fleet follows has long been.
vacuum_analyze() { # table...
  local t
  for t in "$@"; do
    psql -q -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -d "$DB_NAME" -c "VACUUM (ANALYZE) $t" \
      || die "VACUUM $t failed"
  done
}
vacuum_analyze rrset change_log zone
AUTH_PORT="$(peer_free_port)" AUTH_HTTP="$(peer_free_port)"
start_authdns() { # state-dir [flag...]
  local dir="$1"
  shift
  "$ROOT/deploy/dnsplane" authdns --listen "127.0.0.1:$AUTH_PORT" --http "127.0.0.1:$AUTH_HTTP" \
    --state-dir "$dir" "$@" >>"$WORK/authdns.out" 2>&1 &
  SERVER_PID=$! # the launcher execs java: this is the JVM
}
checkpoints() {
  psql -Atq -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -d "$DB_NAME" \
    -c "SELECT count(*) FROM snapshot_checkpoint"
}
delete_checkpoints() { # what-for
  psql -q -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -d "$DB_NAME" -c "DELETE FROM snapshot_checkpoint" \
    || die "could not delete $1"
}

# The launcher starts a server from the classes its earlier starts loaded (a class-data archive,
# written as the first start of a build stops). Every start but that first one has it; when this
# build has none yet, that first start is made (and timed) here, from a state directory of its own.
DP_FLAGS=()
dp_cds_flags java "$(dp_jar authdns)" authdns serve
if [[ " ${DP_FLAGS[*]} " == *"ArchiveClassesAtExit"* ]]; then
  log "no class-data archive for this build of authdns yet: its first start writes one as it stops"
  t0="$EPOCHREALTIME"
  start_authdns "$WORK/first-state" --checkpoints off
  await_first_answer authdns-first "$AUTH_PORT" "$t0"
  bench_stop_server
fi
[[ "$(checkpoints)" == 1 ]] || die "expected the import's checkpoint alone, found $(checkpoints)"

# The first servers after an import: an empty state directory, the checkpoint the import wrote.
starts_from_checkpoint() { # name-prefix
  local k before
  for k in 1 2 3; do
    before="$(grep -c "started from the checkpoint" "$WORK/authdns.out" || true)"
    t0="$EPOCHREALTIME"
    start_authdns "$WORK/$1-state-$k"
    await_first_answer "$1-$k" "$AUTH_PORT" "$t0"
    bench_stop_server
    [[ "$(grep -c "started from the checkpoint" "$WORK/authdns.out")" == $((before + 1)) ]] ||
      die "fresh start $1-$k read no checkpoint"
    grep -hoE "started from the checkpoint .*" "$WORK/authdns.out" | tail -1 | sed 's/^/bench: authdns /' >&2
  done
  START[$1]="$(median3 "${START[$1-1]}" "${START[$1-2]}" "${START[$1-3]}")"
}
starts_from_checkpoint authdns-import
log "authdns from the import's checkpoint: start→answer ${START[authdns-import]} s (median)"
# Without it: what a database with no checkpoint costs (a schema or role without them, --checkpoints
# off), and the way to the first checkpoint a server writes.
delete_checkpoints "the import's checkpoint"
vacuum_analyze snapshot_checkpoint snapshot_checkpoint_chunk

# From PostgreSQL's rrset rows: an empty state directory and no checkpoint, so the whole zone is
# read row by row. Three starts, as the default server runs: each writes a checkpoint once it
# serves, which the next two have deleted again first (and their state directories emptied); the
# last one's checkpoint and state directory stay, for the starts below. Memory is measured on the
# first.
for k in 1 2 3; do
  rm -rf "$WORK/state"
  t0="$EPOCHREALTIME"
  start_authdns "$WORK/state"
  await_first_answer "authdns-rows-$k" "$AUTH_PORT" "$t0"
  # Where the load's time went, as authdns logs it (parse beside the read, build, the collection).
  grep -hoE "full load: .*|(re)?loaded [0-9]+ zones.*" "$WORK/authdns.out" | tail -2 | sed 's/^/bench: authdns /' >&2 || true
  ((k == 1)) && measure_memory authdns "$AUTH_PORT"
  # It writes a checkpoint once it serves (seconds at a million names).
  deadline=$((SECONDS + 300))
  until [[ "$(checkpoints)" -ge 1 ]]; do
    ((SECONDS < deadline)) || die "no snapshot checkpoint after 300 s: $(tail -3 "$WORK/authdns.out")"
    sleep 0.2
  done
  grep -hoE "wrote checkpoint .*" "$WORK/authdns.out" | tail -1 | sed 's/^/bench: authdns /' >&2 || true
  # A clean stop saves the snapshot to the state directory (a copy is kept up to date as it runs).
  bench_stop_server
  if ((k < 3)); then
    delete_checkpoints "the rows start's checkpoint"
  fi
  vacuum_analyze snapshot_checkpoint snapshot_checkpoint_chunk # its TOAST rows, as above
done
START[authdns-rows]="$(median3 "${START[authdns-rows-1]}" "${START[authdns-rows-2]}" "${START[authdns-rows-3]}")"
log "authdns from the rrset rows: start→answer ${START[authdns-rows]} s (median)"

# From PostgreSQL, as every server that starts with nothing of its own after that one: an empty
# state directory, the newest checkpoint (a server's) and the change log after it.
starts_from_checkpoint authdns-cp
START[authdns]="${START[authdns-cp]}"
log "authdns from a server's checkpoint: start→answer ${START[authdns]} s (median)"

# Restart: what a restarted authdns does, serving the copy in its state directory at once, then
# confirming it against PostgreSQL; NSD's start above reads its zone file again on every start.
for k in 1 2 3; do
  t0="$EPOCHREALTIME"
  start_authdns "$WORK/state"
  await_first_answer "authdns-restart-$k" "$AUTH_PORT" "$t0"
  ((k == 3)) || bench_stop_server
done
START[authdns-restart]="$(median3 "${START[authdns-restart-1]}" "${START[authdns-restart-2]}" "${START[authdns-restart-3]}")"
log "authdns restart: start→answer ${START[authdns-restart]} s (median)"

# A fresh NSD with no copy of the zone, a secondary of this authdns: start to first answer, the
# zone coming by AXFR. NSD's start above reads a zone file it already has; a server that starts
# with nothing of its own is what authdns's start from PostgreSQL is.
AUTHDNS_PID="$SERVER_PID"
# Two servers up now: an exit on the way stops this authdns too (bench_cleanup stops SERVER_PID).
stop_both() { local rc=$?; kill -TERM "$AUTHDNS_PID" 2>/dev/null || true; (exit "$rc"); bench_cleanup; }
trap stop_both EXIT
# A fresh authdns with no copy of its own, seeded from the one still running (--seed-from): start
# to first answer, the copy coming over HTTP from that peer, then PostgreSQL followed from there.
# Three starts, each from an empty state directory of its own.
SEED_PORT="$(peer_free_port)" SEED_HTTP="$(peer_free_port)"
for k in 1 2 3; do
  t0="$EPOCHREALTIME"
  "$ROOT/deploy/dnsplane" authdns --listen "127.0.0.1:$SEED_PORT" --http "127.0.0.1:$SEED_HTTP" \
    --state-dir "$WORK/seeded-state-$k" --seed-from "http://127.0.0.1:$AUTH_HTTP" >>"$WORK/authdns.out" 2>&1 &
  SERVER_PID=$!
  await_first_answer "authdns-seeded-$k" "$SEED_PORT" "$t0"
  grep -hoE "seeded from .*" "$WORK/authdns.out" | tail -1 | sed 's/^/bench: authdns /' >&2 || true
  bench_stop_server
done
START[authdns-seeded]="$(median3 "${START[authdns-seeded-1]}" "${START[authdns-seeded-2]}" "${START[authdns-seeded-3]}")"
log "authdns seeded from a running authdns: start→answer ${START[authdns-seeded]} s (median)"

SECONDARY_PORT="$(peer_free_port)"
mkdir -p "$WORK/secondary"
{
  peer_nsd_conf "$WORK/secondary" "$SECONDARY_PORT" "$ORIGIN" "$WORK/secondary/bench.zone"
  echo "  request-xfr: AXFR 127.0.0.1@$AUTH_PORT NOKEY"
  echo "  allow-notify: 127.0.0.1 NOKEY"
} >"$WORK/secondary/nsd.conf"
t0="$EPOCHREALTIME"
nsd -d -c "$WORK/secondary/nsd.conf" >"$WORK/nsd-secondary.out" 2>&1 &
SERVER_PID=$!
await_first_answer nsd-secondary "$SECONDARY_PORT" "$t0"
bench_stop_server
SERVER_PID="$AUTHDNS_PID"
trap bench_cleanup EXIT
bench_stop_server

# ---- report --------------------------------------------------------------------------------------
echo
echo "zone: $NAMES names (one A each); authdns with the launcher's defaults" \
  "(DNSPLANE_XMX=${DNSPLANE_XMX:-unset} DNSPLANE_JAVA_OPTS=${DNSPLANE_JAVA_OPTS:-unset})"
printf '%-8s %16s %16s %16s %18s %18s\n' server "start→answer s" "RSS load MiB" "PSS load MiB" \
  "RSS 1 pass MiB" "PSS 1 pass MiB"
for s in nsd authdns; do
  printf '%-8s %16s %16s %16s %18s %18s\n' "$s" "${START[$s]}" "${RSS_LOAD[$s]}" "${PSS_LOAD[$s]}" \
    "${RSS_PASS[$s]}" "${PSS_PASS[$s]}"
done
echo "zone import: $IMPORT_S s, of which the checkpoint: ${IMPORT_CHECKPOINT##* in }"
echo "authdns first start after the import (the import's checkpoint): start→answer ${START[authdns-import]} s"
echo "authdns start from PostgreSQL's rrset rows (no checkpoint): start→answer ${START[authdns-rows]} s"
echo "authdns restart (its state directory's snapshot): start→answer ${START[authdns-restart]} s"
echo "authdns fresh start seeded from the running authdns (--seed-from): start→answer ${START[authdns-seeded]} s"
echo "NSD fresh secondary of authdns (the zone by AXFR): start→answer ${START[nsd-secondary]} s"
[[ -n "${START[authdns-first]:-}" ]] &&
  echo "authdns first start of this build (no class-data archive yet): start→answer ${START[authdns-first]} s"
# The goal (issue 13) puts authdns's RSS, all of its memory, against NSD's PSS, which counts the
# pages NSD's processes share once: NSD's RSS would count them once per process.
awk -v a="${START[authdns]}" -v n="${START[nsd]}" -v al="${RSS_LOAD[authdns]}" -v nl="${PSS_LOAD[nsd]}" \
  -v ap="${RSS_PASS[authdns]}" -v pp="${PSS_PASS[authdns]}" -v np="${PSS_PASS[nsd]}" 'BEGIN {
    printf "authdns/NSD: start→answer %.2fx; authdns RSS / NSD PSS after load %.2fx, after one pass %.2fx;" \
      " PSS / PSS after one pass %.2fx\n", (n > 0 ? a / n : 0), (nl > 0 ? al / nl : 0),
      (np > 0 ? ap / np : 0), (np > 0 ? pp / np : 0)
  }'

# ---- rows for deploy/bench/all -------------------------------------------------------------------
echo
bench_row "authdns first start after an import (empty state directory: the checkpoint zone import wrote), $NAMES names (s)" \
  "${START[authdns-import]}" "NSD ${START[nsd]}" "$(bench_ratio "${START[authdns-import]}" "${START[nsd]}")"
bench_row "authdns start to first answer from PostgreSQL (a server's checkpoint and the changes after it), $NAMES names (s)" \
  "${START[authdns]}" "NSD ${START[nsd]}" "$(bench_ratio "${START[authdns]}" "${START[nsd]}")"
bench_row "authdns start from PostgreSQL's rrset rows (no checkpoint in the database), $NAMES names (s)" \
  "${START[authdns-rows]}" "NSD ${START[nsd]}" "$(bench_ratio "${START[authdns-rows]}" "${START[nsd]}")"
bench_row "authdns start to first answer from PostgreSQL, vs a fresh NSD secondary by AXFR from authdns, $NAMES names (s)" \
  "${START[authdns]}" "NSD by AXFR ${START[nsd-secondary]}" "$(bench_ratio "${START[authdns]}" "${START[nsd-secondary]}")"
bench_row "authdns start to first answer seeded from a running authdns (--seed-from), $NAMES names (s)" \
  "${START[authdns-seeded]}" "NSD ${START[nsd]}" "$(bench_ratio "${START[authdns-seeded]}" "${START[nsd]}")"
bench_row "authdns restart to first answer (state directory's snapshot), $NAMES names (s)" \
  "${START[authdns-restart]}" "NSD ${START[nsd]}" "$(bench_ratio "${START[authdns-restart]}" "${START[nsd]}")"
bench_row "authdns RSS after load, $NAMES names (MiB; NSD: PSS)" "${RSS_LOAD[authdns]}" \
  "NSD ${PSS_LOAD[nsd]}" "$(bench_ratio "${RSS_LOAD[authdns]}" "${PSS_LOAD[nsd]}")"
bench_row "authdns RSS after one query per name, $NAMES names (MiB; NSD: PSS)" "${RSS_PASS[authdns]}" \
  "NSD ${PSS_PASS[nsd]}" "$(bench_ratio "${RSS_PASS[authdns]}" "${PSS_PASS[nsd]}")"
bench_row "authdns PSS after one query per name, $NAMES names (MiB)" "${PSS_PASS[authdns]}" \
  "NSD ${PSS_PASS[nsd]}" "$(bench_ratio "${PSS_PASS[authdns]}" "${PSS_PASS[nsd]}")"
