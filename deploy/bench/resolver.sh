#!/usr/bin/env bash
# Queries/second, cache hits and cache misses: dnsplane resolver vs Debian's Unbound, both in front of the same
# upstream, same run.
#
#   deploy/bench/resolver.sh [--duration SECONDS] [--names N] [--upstream auto|authdns|nsd] [--miss-names N]
#                            [--rounds N] [--hits-only]
#
# The authdns and resolver jars are built first when missing or stale (deploy/lib/common.sh).
# Upstream: authdns (its fat jar on a throwaway database, dropped at exit) when
# PostgreSQL answers on 127.0.0.1:5432, else NSD serving the same generated zone. Servers run pinned to CPU 0,
# dnsperf to CPU 1. A warm-up pass asks every name once, so the timed runs are all cache hits; then --rounds
# (default 3) rounds of `dnsperf -c 8 -q 500 -l DURATION`, the two servers taking turns, so that this shared
# machine's slow minutes land on both alike; each server's figure is its median run. Printed per run: qps, the
# server's CPU seconds during it, and queries per server-CPU-second (dnsperf saturates its own core, so qps alone
# can understate a fast server).
# Then the cache-miss run: every query is a new name under a wildcard of zone miss.test., served by NSD (pinned
# to CPU 1 with dnsperf, so CPU 0 is the resolver's alone), each resolver with its own names, so every query is
# forwarded upstream; `dnsperf -n 1 -c 8 -q 500 -l DURATION` over --miss-names names per run (default 1000000),
# in rounds too.
# --hits-only skips it (for repeated A/B runs of the hit path).
set -euo pipefail

DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-10}" # as deploy/lib/bench.sh: the JIT settles after about 10 s of load
NAMES=10000
UPSTREAM=auto
MISS_NAMES=1000000
ROUNDS=3
HITS_ONLY=0
while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --names) NAMES="$2"; shift 2 ;;
    --upstream) UPSTREAM="$2"; shift 2 ;;
    --miss-names) MISS_NAMES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --hits-only) HITS_ONLY=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "resolver.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
TMP="$(mktemp -d /tmp/dnsplane-bench-resolver.XXXXXX)"
PIDS=()
DROP_DB=""   # the throwaway upstream database, when this script chose it
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n "$DROP_DB" ]] && command -v psql >/dev/null; then
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DROP_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

die() { echo "resolver.sh: $*" >&2; exit 1; }
log() { echo "resolver.sh: $*" >&2; }
# shellcheck source=deploy/lib/peers.sh
source "$ROOT/deploy/lib/peers.sh"
peer_need_pkg unbound unbound
peer_need_pkg dnsperf dnsperf
peer_need_pkg python3 python3
peer_need_pkg nsd nsd
command -v taskset >/dev/null || die "taskset (util-linux) is needed"

UP_PORT=$(peer_free_port); RES_PORT=$(peer_free_port); RES_HTTP=$(peer_free_port); UNB_PORT=$(peer_free_port); AUTH_HTTP=$(peer_free_port)
MISS_PORT=$(peer_free_port)

# ---- the zone and the query list ----
{
  echo '$ORIGIN aws.test.'
  echo '$TTL 86400'
  echo '@ SOA ns1 hostmaster 1 7200 3600 1209600 300'
  echo '@ NS ns1'
  echo 'ns1 A 192.0.2.1'
  for ((i = 0; i < NAMES; i++)); do echo "h$i A 192.0.2.$((i % 250 + 1))"; done
} >"$TMP/aws.test.zone"
for ((i = 0; i < NAMES; i++)); do echo "h$i.aws.test. A"; done | shuf >"$TMP/queries"

# the miss run's zone: any name under it exists, so each new name is a question the cache cannot answer
mkdir "$TMP/miss"
{
  echo '$ORIGIN miss.test.'
  echo '$TTL 86400'
  echo '@ SOA ns1 hostmaster 1 7200 3600 1209600 300'
  echo '@ NS ns1'
  echo 'ns1 A 192.0.2.1'
  echo '* A 192.0.2.2'
} >"$TMP/miss/miss.test.zone"
for who in resolver unbound; do # distinct names per server and run, so neither can be served from a cache
  for ((round = 1; round <= ROUNDS; round++)); do
    seq 1 "$MISS_NAMES" | awk -v p="${who:0:1}$round-" '{print p $1 ".miss.test. A"}' >"$TMP/miss-$who-$round"
  done
  seq 1 200000 | awk -v p="w${who:0:1}" '{print p $1 ".miss.test. A"}' >"$TMP/miss-warm-$who"
done

wait_udp() { # wait until a server answers ns1.ZONE on port $1 (max 60 s); ZONE is $2, aws.test. by default
  local q="ns1.${2:-aws.test.}"
  for _ in $(seq 1 600); do
    dig +short +tries=1 +time=1 -p "$1" @127.0.0.1 "$q" A >/dev/null 2>&1 \
      && [[ -n "$(dig +short +tries=1 +time=1 -p "$1" @127.0.0.1 "$q" A)" ]] && return 0
    sleep 0.1
  done
  echo "resolver.sh: nothing answers on port $1" >&2; return 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# ---- the jars: built here when missing or older than their sources, as deploy/dnsplane does ----
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
dp_ensure_built authdns resolver >&2
AUTH_JAR="$(dp_jar authdns)"
RES_JAR="$(dp_jar resolver)"

# ---- upstream ----
if [[ "$UPSTREAM" == auto ]]; then
  if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then UPSTREAM=authdns; else UPSTREAM=nsd; fi
fi
if [[ "$UPSTREAM" == authdns ]]; then
  if [[ -z "${DNSPLANE_BENCH_DB_URL:-}" ]]; then DROP_DB="dnsplane_bench_resolver_$$"; fi
  export DNSPLANE_DB_URL="${DNSPLANE_BENCH_DB_URL:-jdbc:postgresql://127.0.0.1:5432/$DROP_DB}"
  java -jar "$AUTH_JAR" zone import "$TMP/aws.test.zone" >"$TMP/import.log" 2>&1 \
    || { cat "$TMP/import.log" >&2; exit 1; }
  taskset -c 0 java -Xmx512m -jar "$AUTH_JAR" serve --listen "127.0.0.1:$UP_PORT" --http "127.0.0.1:$AUTH_HTTP" \
    --state-dir "$TMP/state" >"$TMP/authdns.log" 2>&1 &
  PIDS+=($!)
else
  peer_need_pkg nsd nsd
  peer_nsd_conf "$TMP" "$UP_PORT" aws.test. aws.test.zone >"$TMP/nsd.conf"
  taskset -c 0 nsd -d -c "$TMP/nsd.conf" >"$TMP/nsd.log" 2>&1 &
  PIDS+=($!)
fi
wait_udp "$UP_PORT"
echo "upstream: $UPSTREAM on 127.0.0.1:$UP_PORT, $NAMES names"
peer_nsd_conf "$TMP/miss" "$MISS_PORT" miss.test. miss.test.zone >"$TMP/miss/nsd.conf"
taskset -c 1 nsd -d -c "$TMP/miss/nsd.conf" >"$TMP/miss/nsd.out" 2>&1 &
PIDS+=($!)
wait_udp "$MISS_PORT" miss.test.
echo "miss-run upstream: nsd on 127.0.0.1:$MISS_PORT (CPU 1), wildcard zone miss.test."

# ---- the two resolvers ----
# dnsperf is one client sending ~160k qps: the resolver's per-client limit (rate-limit, default 5000) would drop
# almost all of it, so it is off here, as Unbound's ip-ratelimit is by default.
# The JVM flags `deploy/dnsplane resolver` uses, with a 512m heap, then RESOLVER_JAVA_OPTS.
dp_java_flags java 512m resolver
# shellcheck disable=SC2086 # RESOLVER_JAVA_OPTS is a list of JVM flags
taskset -c 0 java "${DP_FLAGS[@]}" ${RESOLVER_JAVA_OPTS:-} -jar "$RES_JAR" --listen "127.0.0.1:$RES_PORT" --http "127.0.0.1:$RES_HTTP" \
  --stub-zone "aws.test.=127.0.0.1:$UP_PORT" --stub-zone "miss.test.=127.0.0.1:$MISS_PORT" --cache-max-entries 1000000 --cache-max-bytes 256m \
  --rate-limit 0 \
  >"$TMP/resolver.log" 2>&1 &
RES_PID=$!
PIDS+=("$RES_PID")

cat >"$TMP/unbound.conf" <<UNB
server:
  interface: 127.0.0.1@$UNB_PORT
  port: $UNB_PORT
  do-not-query-localhost: no
  username: ""
  chroot: ""
  directory: "$TMP"
  pidfile: "$TMP/unbound.pid"
  use-syslog: no
  logfile: ""
  verbosity: 0
  num-threads: 1
  so-rcvbuf: 2m
  msg-cache-size: 128m
  rrset-cache-size: 256m
  access-control: 127.0.0.0/8 allow
  module-config: "iterator"
  qname-minimisation: no
  local-zone: "test." nodefault
remote-control:
  control-enable: no
stub-zone:
  name: "aws.test."
  stub-addr: 127.0.0.1@$UP_PORT
stub-zone:
  name: "miss.test."
  stub-addr: 127.0.0.1@$MISS_PORT
UNB
taskset -c 0 unbound -d -c "$TMP/unbound.conf" >"$TMP/unbound.log" 2>&1 &
UNB_PID=$!
PIDS+=("$UNB_PID")
wait_udp "$RES_PORT"
wait_udp "$UNB_PORT"

misses() { curl -s "http://127.0.0.1:$RES_HTTP/metrics" | awk '/^dnsplane_resolver_cache_misses_total/ {print $2}'; }

declare -A RUNS # name -> one line per timed run: queries/s, queries per server-CPU-second
measure() { # name port pid queryfile [dnsperf args...]: one timed dnsperf run, printed and kept
  local name="$1" port="$2" pid="$3" file="$4" out t0 t1 hz qps lost
  shift 4
  local m0=0
  if [[ "$name" == resolver ]]; then m0="$(misses)"; fi
  hz=$(getconf CLK_TCK)
  t0=$(cpu_ticks "$pid")
  out="$(taskset -c 1 dnsperf -s 127.0.0.1 -p "$port" -d "$file" "$@" -c 8 -q 500 -l "$DURATION" 2>&1)"
  t1=$(cpu_ticks "$pid")
  qps="$(awk '/Queries per second/ {print $4}' <<<"$out")"
  lost="$(awk '/Queries lost/ {print $3}' <<<"$out")"
  local secs; secs="$(awk '/Run time \(s\)/ {print $4}' <<<"$out")"
  local cpu; cpu="$(awk -v a="$t0" -v b="$t1" -v hz="$hz" 'BEGIN {printf "%.2f", (b - a) / hz}')"
  local per; per="$(awk -v q="$qps" -v d="$secs" -v c="$cpu" 'BEGIN {if (c > 0) printf "%.0f", q * d / c; else print 0}')"
  printf '%-9s qps %10s   lost %6s   server CPU %6ss in %ss   queries per server-CPU-second %s\n' \
    "$name" "$qps" "$lost" "$cpu" "$secs" "$per"
  if [[ "$name" == resolver ]]; then
    echo "          cache misses during the timed run: $(( $(misses) - m0 ))"
  fi
  RUNS[$name]+="$qps $per"$'\n'
}

median() { # name column (1: queries/s, 2: per server-CPU-second) over the name's runs
  sort -g -k"$2,$2" <<<"${RUNS[$1]%$'\n'}" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

ratio() { # label: resolver/unbound, the median runs of each; the runs are forgotten after
  local R_QPS R_PER QPS PER
  R_QPS="$(median resolver 1)" R_PER="$(median resolver 2)" QPS="$(median unbound 1)" PER="$(median unbound 2)"
  RUNS=()
  awk -v l="$1" -v rq="$R_QPS" -v uq="$QPS" -v rp="$R_PER" -v up="$PER" -v n="$ROUNDS" \
    'BEGIN {printf "%s, median of %d runs each: resolver/unbound  qps %.2fx   per server-CPU-second %.2fx\n", l, n, (uq > 0 ? rq / uq : 0), (up > 0 ? rp / up : 0)}'
  # rows for deploy/bench/all (deploy/lib/bench.sh's format): qps, then queries per server-CPU-second
  awk -v l="$1" -v rq="$R_QPS" -v uq="$QPS" -v rp="$R_PER" -v up="$PER" 'BEGIN {
    printf "ROW\tresolver qps, %s\t%.1fk\tUnbound %.1fk\t%.2f×\n", l, rq / 1000, uq / 1000, (uq > 0 ? rq / uq : 0)
    printf "ROW\tresolver queries per server-CPU-second, %s\t%.1fk\tUnbound %.1fk\t%.2f×\n", l, rp / 1000, up / 1000, (up > 0 ? rp / up : 0) }'
}

warm() { # port: fills the cache, then a few seconds of load, so the JVM's JIT has compiled the hit path
  taskset -c 1 dnsperf -s 127.0.0.1 -p "$1" -d "$TMP/queries" -n 1 -c 8 -q 500 >/dev/null 2>&1
  taskset -c 1 dnsperf -s 127.0.0.1 -p "$1" -d "$TMP/queries" -c 8 -q 500 -l "$WARMUP" >/dev/null 2>&1
}

warm_miss() { # name port: names never asked before, so the miss path is compiled too
  taskset -c 1 dnsperf -s 127.0.0.1 -p "$2" -d "$TMP/miss-warm-$1" -n 1 -c 8 -q 500 -l "$WARMUP" >/dev/null 2>&1
}

echo "cache-hit runs: dnsperf -c 8 -q 500 -l $DURATION, $ROUNDS rounds (servers on CPU 0, dnsperf on CPU 1)"
warm "$RES_PORT"
warm "$UNB_PORT"
for ((round = 1; round <= ROUNDS; round++)); do
  measure resolver "$RES_PORT" "$RES_PID" "$TMP/queries"
  measure unbound "$UNB_PORT" "$UNB_PID" "$TMP/queries"
done
ratio "cache hits"
if ((HITS_ONLY)); then exit 0; fi

echo "cache-miss runs: dnsperf -n 1 -c 8 -q 500 -l $DURATION, a new name per query, $ROUNDS rounds (upstream nsd on CPU 1)"
warm_miss resolver "$RES_PORT"
warm_miss unbound "$UNB_PORT"
for ((round = 1; round <= ROUNDS; round++)); do
  measure resolver "$RES_PORT" "$RES_PID" "$TMP/miss-resolver-$round" -n 1
  measure unbound "$UNB_PORT" "$UNB_PID" "$TMP/miss-unbound-$round" -n 1
done
ratio "cache misses"
