#!/usr/bin/env bash
# rrl.sh — what response rate limiting costs: authdns and NSD, each with RRL off, with RRL on at a
# rate the benchmark never reaches, and with RRL on at a rate that limits it; same zone, same
# queries, same run.
#
# usage: deploy/bench/rrl.sh [-l SECONDS] [-c CLIENTS] [-q OUTSTANDING] [-n NAMES] [-r LIMIT]
#   defaults: -l 10 -c 8 -q 500 -n 10000 -r 5
#
# Servers are pinned to CPU 0, dnsperf to CPU 1, as in authdns.sh; each run is one warm-up pass and
# 10 s more (WARMUP=seconds in the environment; see deploy/lib/bench.sh), then -l seconds, and
# prints queries/s, lost queries, the server's CPU seconds and queries per
# server-CPU-second. dnsperf sends from 127.0.0.1 only, so every query is one /24; both servers
# key answers by qname, so with 10,000 names at ~150k qps each name is asked ~15 times a second:
#   off    authdns --rrl-rate 0            NSD rrl-ratelimit: 0
#   high   --rrl-rate 1000000              rrl-ratelimit: 1000000   (the table is used, nothing limited)
#   limit  --rrl-rate LIMIT --rrl-slip 1   rrl-ratelimit: LIMIT, rrl-slip: 1 (most answers become
#          TC=1 slips: every query still gets a reply, so dnsperf does not stall on timeouts)
# environment: AUTHDNS_JAR, COMPARE_PG (host:port, default 127.0.0.1:5432), DNSPLANE_DB_USER,
#   DNSPLANE_DB_PASSWORD, KEEP_WORK=1.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
DURATION=10 CLIENTS=8 OUTSTANDING=500 NAMES=10000 LIMIT=5
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "l:c:q:n:r:h" opt; do
  case "$opt" in
    l) DURATION="$OPTARG" ;; c) CLIENTS="$OPTARG" ;; q) OUTSTANDING="$OPTARG" ;;
    n) NAMES="$OPTARG" ;; r) LIMIT="$OPTARG" ;; *) usage ;;
  esac
done
for v in "$DURATION" "$CLIENTS" "$OUTSTANDING" "$NAMES" "$LIMIT"; do
  [[ "$v" =~ ^[0-9]+$ && "$v" -gt 0 ]] || { echo "rrl.sh: options take positive integers" >&2; usage; }
done

die() { echo "bench: $*" >&2; exit 2; }
log() { echo "bench: $*" >&2; }
# shellcheck source=deploy/lib/peers.sh
source "$ROOT/deploy/lib/peers.sh"
peer_need_pkg nsd nsd
peer_need_pkg dnsperf dnsperf
peer_need_pkg dig bind9-dnsutils
peer_need_pkg psql postgresql-client
peer_need_pkg curl curl
peer_need_pkg python3 python3
command -v taskset >/dev/null || die "taskset (util-linux) is needed"
(($(nproc) >= 2)) || die "needs 2 CPUs (server on 0, dnsperf on 1)"
AUTHDNS_JAR="$(peer_authdns_jar)"

# shellcheck source=deploy/lib/bench.sh
source "$ROOT/deploy/lib/bench.sh"
bench_setup rrl-bench

ORIGIN=bench.test.
awk -v n="$NAMES" 'BEGIN {
  print "$ORIGIN bench.test.\n$TTL 300"
  print "@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.1"
  for (i = 0; i < n - 1; i++) printf "h%d A 192.0.2.%d\n", i, i % 250 + 1
}' >"$WORK/bench.zone"
awk -v n="$NAMES" 'BEGIN { for (i = 0; i < n - 1; i++) printf "h%d.bench.test. A\n", i }' \
  | shuf >"$WORK/queries"

ORDER=()
run() { # name port: one dnsperf run, reported as it ends
  bench_dnsperf "$1" "$2"
  ORDER+=("$1")
  log "$1: ${QPS[$1]} q/s, lost ${LOST[$1]}, server CPU ${CPU[$1]} s; $(awk "/Response codes/" "$WORK/$1.perf")"
}

# ---- NSD: off, high, limit ---------------------------------------------------------------------
nsd_run() { # name ratelimit slip
  local port conf
  port="$(peer_free_port)"
  conf="$WORK/nsd-$1.conf"
  peer_nsd_conf "$WORK" "$port" "$ORIGIN" "$WORK/bench.zone" \
    | sed "s/^  rrl-ratelimit: 0\$/  rrl-ratelimit: $2\n  rrl-slip: $3\n  rrl-ipv4-prefix-length: 24/" >"$conf"
  grep -q "rrl-ratelimit: $2" "$conf" || die "could not set rrl-ratelimit in the NSD config"
  taskset -c 0 nsd -d -c "$conf" >"$WORK/nsd-$1.out" 2>&1 &
  SERVER_PID=$!
  bench_wait_for NSD 30 dig +short +time=1 +tries=1 @127.0.0.1 -p "$port" h1.bench.test A
  run "$1" "$port"
  bench_stop_server
}
log "NSD $(nsd -v 2>&1 | head -1 | awk '{print $3}'); dnsperf -c $CLIENTS -q $OUTSTANDING -l $DURATION; load: $(cut -d' ' -f1-3 /proc/loadavg)"
nsd_run nsd-off 0 2
nsd_run nsd-high 1000000 2
nsd_run nsd-limit "$LIMIT" 1

# ---- authdns: off, high, limit -----------------------------------------------------------------
export DNSPLANE_DB_URL="jdbc:postgresql://$PG/$DB_NAME"
export DNSPLANE_DB_USER="$PG_USER"
java -jar "$AUTHDNS_JAR" zone import "$WORK/bench.zone" >"$WORK/import.out" 2>&1 \
  || die "zone import failed: $(tail -3 "$WORK/import.out")"
authdns_run() { # name rate slip
  local port http
  port="$(peer_free_port)" http="$(peer_free_port)"
  taskset -c 0 java -Xmx512m -XX:+UseParallelGC -jar "$AUTHDNS_JAR" serve \
    --listen "127.0.0.1:$port" --http "127.0.0.1:$http" --rrl-rate "$2" --rrl-slip "$3" \
    --state-dir "$WORK/state-$1" >"$WORK/$1.out" 2>&1 &
  SERVER_PID=$!
  bench_wait_for authdns 60 curl -sf "http://127.0.0.1:$http/health"
  run "$1" "$port"
  curl -s "http://127.0.0.1:$http/metrics" | grep -E '^dnsplane_authdns_rrl_(slipped|dropped)_total\{class="normal"\}' \
    | sed "s/^/bench: $1 /" >&2 || true
  bench_stop_server
}
authdns_run authdns-off 0 2
authdns_run authdns-high 1000000 2
authdns_run authdns-limit "$LIMIT" 1

# ---- report ------------------------------------------------------------------------------------
echo
echo "zone: $NAMES names; dnsperf -c $CLIENTS -q $OUTSTANDING -l $DURATION after one pass and ${WARMUP:-10} s of warm-up; server on CPU 0, dnsperf on CPU 1; load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s %12s %16s %12s %14s\n' run "replies/s" "lost" "server CPU s" "q per CPU-s"
for s in "${ORDER[@]}"; do
  per="$(bench_per_cpu "$s")"
  printf '%-14s %12s %16s %12s %14s\n' "$s" "${QPS[$s]}" "${LOST[$s]}" "${CPU[$s]}" "$per"
done
