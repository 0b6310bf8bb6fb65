#!/usr/bin/env bash
# import.sh — `deploy/dnsplane zone import` of a large generated zone, with the launcher's default
# heap, into a throwaway database: wall time and peak RSS.
#
# usage: deploy/bench/import.sh [-n NAMES]
#   default: -n 1000000
#
# The zone, bench.test., is generated: SOA, NS, ns1, and one A record for each of NAMES names,
# plus a second address for every 100th name at the end of the file (so those rrsets are not
# contiguous). Three runs, each its own `deploy/dnsplane zone import` process:
#   fresh    the zone is created: every rrset inserted;
#   again    the same file once more: nothing to write;
#   changed  1 name in 100 with another address, 1 in 1000 gone and as many new: only those written.
# Each prints the wall time, the peak RSS of the import process (GNU time's "Maximum resident set
# size", else VmHWM sampled from /proc), the command's own result line and what it did about a
# snapshot checkpoint (a fresh import writes one, in its time and memory). PostgreSQL's memory is
# not counted: the records are staged, grouped and compared there.
#
# environment: COMPARE_PG (host:port, default 127.0.0.1:5432), DNSPLANE_DB_USER,
#   DNSPLANE_DB_PASSWORD, DNSPLANE_XMX (the import's heap; default the launcher's, 512m),
#   KEEP_WORK=1.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
NAMES=1000000
usage() { sed -n '5,6p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "n:h" opt; do
  case "$opt" in
    n) NAMES="$OPTARG" ;; *) usage ;;
  esac
done
if ! [[ "$NAMES" =~ ^[0-9]+$ ]] || ((NAMES < 1000)); then
  echo "import.sh: -n takes an integer of at least 1000" >&2
  usage
fi

die() { echo "bench: $*" >&2; exit 2; }
log() { echo "bench: $*" >&2; }
# shellcheck source=deploy/lib/peers.sh
source "$ROOT/deploy/lib/peers.sh"
peer_need_pkg psql postgresql-client

# Built now if missing or stale, never while measured (DNSPLANE_BUILD=never below).
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
dp_ensure_built authdns >&2

# shellcheck source=deploy/lib/bench.sh
source "$ROOT/deploy/lib/bench.sh"
bench_setup import-bench
declare -A WALL RSS

# `zone import` creates the database and migrates it; bench_cleanup drops it.
export DNSPLANE_DB_URL="jdbc:postgresql://$PG/$DB_NAME"
export DNSPLANE_DB_USER="$PG_USER"
export DNSPLANE_BUILD=never

# ---- the zones ---------------------------------------------------------------------------------
zone() { # changed (0|1)
  awk -v n="$NAMES" -v changed="$1" 'BEGIN {
    print "$ORIGIN bench.test.\n$TTL 300"
    print "@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.1"
    for (i = 0; i < n; i++) {
      if (changed && i % 1000 == 999) continue
      a = i % 250 + 1
      if (changed && i % 100 == 50) a = a % 250 + 1
      printf "h%d A 192.0.2.%d\n", i, a
    }
    for (i = 0; i < n; i += 100) printf "h%d A 198.51.100.%d\n", i, i / 100 % 250 + 1
    if (changed) for (i = 0; i < n / 1000; i++) printf "new%d A 203.0.113.%d\n", i, i % 250 + 1
  }'
}
zone 0 >"$WORK/bench.zone"
zone 1 >"$WORK/changed.zone"
log "zone bench.test.: $NAMES names, $(($(wc -l <"$WORK/bench.zone") - 2)) records, $(du -h "$WORK/bench.zone" | cut -f1)"

# ---- the runs ----------------------------------------------------------------------------------
# One `deploy/dnsplane zone import FILE` as run $1; records WALL (s) and RSS (MiB) under that name.
measure() { # name file
  local name="$1" file="$2" start end kb=0 pid hwm
  log "$name: zone import $(basename "$file") ..."
  start="$EPOCHREALTIME"
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v -o "$WORK/$name.time" "$ROOT/deploy/dnsplane" zone import "$file" \
      >"$WORK/$name.out" 2>&1 || die "$name: zone import failed: $(tail -5 "$WORK/$name.out")"
    kb="$(awk -F': *' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")"
  else
    "$ROOT/deploy/dnsplane" zone import "$file" >"$WORK/$name.out" 2>&1 &
    pid=$!
    # The launcher execs java: the process sampled is the JVM. Sampling, not synchronization.
    while kill -0 "$pid" 2>/dev/null; do
      hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
      if [[ -n "$hwm" ]] && ((hwm > kb)); then kb="$hwm"; fi
      sleep 0.1
    done
    wait "$pid" || die "$name: zone import failed: $(tail -5 "$WORK/$name.out")"
  fi
  end="$EPOCHREALTIME"
  WALL[$name]="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')"
  RSS[$name]="$(awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }')"
  log "$name: ${WALL[$name]} s, peak RSS ${RSS[$name]} MiB"
}
measure fresh "$WORK/bench.zone"
measure again "$WORK/bench.zone"
measure changed "$WORK/changed.zone"

# ---- report ------------------------------------------------------------------------------------
echo
echo "zone import of bench.test. ($NAMES names, $(du -h "$WORK/bench.zone" | cut -f1)), heap ${DNSPLANE_XMX:-512m}," \
  "peak RSS by $([[ -x /usr/bin/time ]] && echo "GNU time" || echo "/proc VmHWM samples")"
printf '%-8s %8s %14s  %s\n' run "wall s" "peak RSS MiB" "result"
for run in fresh again changed; do
  printf '%-8s %8s %14s  %s\n' "$run" "${WALL[$run]}" "${RSS[$run]}" "$(grep -m1 '^imported ' "$WORK/$run.out" || true)"
  printf '%-8s %8s %14s  %s\n' "" "" "" "$(grep -m1 'snapshot checkpoint' "$WORK/$run.out" || true)"
done

# ---- rows of deploy/bench/all's table ----------------------------------------------------------
# Issue 13 asks for a streaming import: constant memory whatever the file size. No peer imports
# into PostgreSQL, so the rows carry the figures alone.
bench_row "zone import, $(bench_k "$NAMES" | sed 's/\.0k$/k/') names: fresh, wall s / peak RSS MiB" \
  "${WALL[fresh]} s / ${RSS[fresh]} MiB" "heap ${DNSPLANE_XMX:-512m}"
bench_row "zone import, the same file again (nothing to write), wall s / peak RSS MiB" \
  "${WALL[again]} s / ${RSS[again]} MiB"
bench_row "zone import, 1 name in 100 changed, wall s / peak RSS MiB" \
  "${WALL[changed]} s / ${RSS[changed]} MiB"
