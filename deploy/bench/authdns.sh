#!/usr/bin/env bash
# authdns.sh — authdns vs NSD on the same 10,000-name zone, in the same run, plus authdns's
# commit-to-served latency.
#
# usage: deploy/bench/authdns.sh [-l SECONDS] [-c CLIENTS] [-q OUTSTANDING] [-n NAMES] [-u UPDATES]
#                               [-r CHANGES_PER_SECOND] [-t 0|1] [-w WARMUP_SECONDS]
#   defaults: -l 20 -c 8 -q 500 -n 10000 -u 200 -r 1000 -t 1 -w 10
#
# Throughput: each server in turn is pinned to CPU 0 (taskset -c 0), dnsperf to CPU 1; one
# warm-up pass over the query file (-n 1) and -w seconds more of the same load (the steady state:
# the JVM's JIT is still compiling for about 10 s), then a measured run of -l seconds. dnsperf saturates its
# own core at these rates, so the servers' CPU time over the measured run (utime+stime from
# /proc/PID/stat, children included) is printed too, and queries per server-CPU-second with it.
# Queries: A for every name of the zone, shuffled (all positive answers). Servers: NSD, Knot DNS
# (one UDP and one TCP worker) and authdns, each over UDP, then over TCP (-t 1: dnsperf -m tcp, -c
# connections with queries pipelined on each).
#
# Churn: the authdns run again while a driver (CPU 1, with dnsperf) commits -r rrset changes per
# second to random names of the zone (a transaction every 10 ms); its queries/s against the static
# run's is the ratio the answer cache is for (0 skips the churn run). A control run before it makes
# the same commits to a copy of the database that authdns does not follow: churn against control
# is what following the changes costs authdns, control against static what the database's work
# costs the load side. Both get 30 s more warm-up than the static runs (the JIT's, for the
# follower's path), and in both dnsperf runs at nice 10, so that the driver's commits, due every
# 10 ms, and the database's work on them get their share of the core they share with it. For those runs a local PostgreSQL cluster is pinned to CPU 1 with the driver
# and dnsperf (its CPU set is put back after): left to the scheduler, the database's work lands on the server's CPU as well, which a
# database on a host of its own would not do, and the run would measure the sharing of two cores.
#
# Latency: UPDATE one rrset in PostgreSQL (autocommit), then query authdns over UDP in a tight
# loop until the new address is served; repeated -u times; p50/p99/max of commit-returned →
# first-answer-with-new-data.
#
# What it starts it stops (trap EXIT): NSD (temp config), authdns, the throwaway database.
# environment: AUTHDNS_JAR, COMPARE_PG (host:port, default 127.0.0.1:5432), DNSPLANE_DB_USER,
#   DNSPLANE_DB_PASSWORD, KEEP_WORK=1, AUTHDNS_OPTS (JVM flags for authdns, e.g. a JFR recording).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
DURATION=20 CLIENTS=8 OUTSTANDING=500 NAMES=10000 UPDATES=200 CHURN=1000 TCP=1 WARMUP=10
usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "l:c:q:n:u:r:t:w:h" opt; do
  case "$opt" in
    l) DURATION="$OPTARG" ;; c) CLIENTS="$OPTARG" ;; q) OUTSTANDING="$OPTARG" ;;
    n) NAMES="$OPTARG" ;; u) UPDATES="$OPTARG" ;; r) CHURN="$OPTARG" ;; t) TCP="$OPTARG" ;;
    w) WARMUP="$OPTARG" ;;
    *) usage ;;
  esac
done
for v in "$DURATION" "$CLIENTS" "$OUTSTANDING" "$NAMES" "$UPDATES"; do
  [[ "$v" =~ ^[0-9]+$ && "$v" -gt 0 ]] || { echo "authdns.sh: options take positive integers" >&2; usage; }
done
[[ "$CHURN" =~ ^[0-9]+$ ]] || { echo "authdns.sh: -r takes a whole number" >&2; usage; }
[[ "$WARMUP" =~ ^[0-9]+$ ]] || { echo "authdns.sh: -w takes a whole number" >&2; usage; }
[[ "$TCP" == 0 || "$TCP" == 1 ]] || { echo "authdns.sh: -t takes 0 or 1" >&2; usage; }

die() { echo "bench: $*" >&2; exit 2; }
log() { echo "bench: $*" >&2; }
# shellcheck source=deploy/lib/peers.sh
source "$ROOT/deploy/lib/peers.sh"
peer_need_pkg nsd nsd
peer_need_pkg knotd knot
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
bench_setup authdns-bench

# ---- the zone and the queries -------------------------------------------------------------------
ORIGIN=bench.test.
awk -v n="$NAMES" 'BEGIN {
  print "$ORIGIN bench.test.\n$TTL 300"
  print "@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.1\nprobe 5 A 198.51.100.1"
  for (i = 0; i < n - 2; i++) printf "h%d A 192.0.2.%d\n", i, i % 250 + 1
}' >"$WORK/bench.zone"
awk -v n="$NAMES" 'BEGIN { for (i = 0; i < n - 2; i++) printf "h%d.bench.test. A\n", i }' \
  | shuf >"$WORK/queries"

# ---- NSD ---------------------------------------------------------------------------------------
NSD_PORT="$(peer_free_port)"
peer_nsd_conf "$WORK" "$NSD_PORT" "$ORIGIN" "$WORK/bench.zone" >"$WORK/nsd.conf"
taskset -c 0 nsd -d -c "$WORK/nsd.conf" >"$WORK/nsd.out" 2>&1 &
SERVER_PID=$!
bench_wait_for NSD 30 dig +short +time=1 +tries=1 @127.0.0.1 -p "$NSD_PORT" h1.bench.test A
log "NSD $(nsd -v 2>&1 | head -1 | awk '{print $3}') on 127.0.0.1:$NSD_PORT (CPU 0); dnsperf -c $CLIENTS -q $OUTSTANDING -l $DURATION (CPU 1)"
bench_dnsperf nsd "$NSD_PORT"
((TCP)) && bench_dnsperf nsd-tcp "$NSD_PORT" tcp
bench_stop_server

# ---- Knot DNS ----------------------------------------------------------------------------------
KNOT_PORT="$(peer_free_port)"
mkdir -p "$WORK/knot-db"
peer_knot_conf "$WORK" "$KNOT_PORT" "$ORIGIN" "$WORK/bench.zone" >"$WORK/knot.conf"
taskset -c 0 knotd -c "$WORK/knot.conf" >"$WORK/knot.out" 2>&1 &
SERVER_PID=$!
bench_wait_for Knot 30 dig +short +time=1 +tries=1 @127.0.0.1 -p "$KNOT_PORT" h1.bench.test A
log "Knot $(knotd -V 2>&1 | awk '{print $NF; exit}') on 127.0.0.1:$KNOT_PORT (CPU 0)"
bench_dnsperf knot "$KNOT_PORT"
((TCP)) && bench_dnsperf knot-tcp "$KNOT_PORT" tcp
bench_stop_server

# ---- authdns -----------------------------------------------------------------------------------
export DNSPLANE_DB_URL="jdbc:postgresql://$PG/$DB_NAME"
export DNSPLANE_DB_USER="$PG_USER"
java -jar "$AUTHDNS_JAR" zone import "$WORK/bench.zone" >"$WORK/import.out" 2>&1 \
  || die "zone import failed: $(tail -3 "$WORK/import.out")"
# A bulk import leaves a million new rows (at -n 1000000) for autovacuum, which would start within
# a minute and share the machine with whichever run it met: vacuumed now, as a database a fleet
# follows has long been (deploy/bench/memory.sh does the same).
for t in rrset change_log zone; do
  psql -q -h "${PG%:*}" -p "${PG##*:}" -U "$PG_USER" -d "$DB_NAME" -c "VACUUM (ANALYZE) $t" \
    || die "VACUUM $t failed"
done
# The churn run's control database: a copy of the zone that authdns does not follow (made before
# authdns connects: a database is copied only while no session uses it).
CONTROL_DB=_control
((CHURN > 0)) && bench_extra_db "$CONTROL_DB"
AUTH_PORT="$(peer_free_port)" AUTH_HTTP="$(peer_free_port)"
# The JVM flags `deploy/dnsplane authdns` uses (its 512m heap unless DNSPLANE_XMX says otherwise),
# then AUTHDNS_OPTS: the configuration users run.
# shellcheck source=deploy/lib/common.sh
source "$ROOT/deploy/lib/common.sh"
dp_java_flags java 512m authdns
# shellcheck disable=SC2086 # AUTHDNS_OPTS is a list of JVM flags (e.g. a JFR recording)
taskset -c 0 java "${DP_FLAGS[@]}" ${AUTHDNS_OPTS:-} -jar "$AUTHDNS_JAR" serve \
  --listen "127.0.0.1:$AUTH_PORT" --http "127.0.0.1:$AUTH_HTTP" --state-dir "$WORK/state" \
  >"$WORK/authdns.out" 2>&1 &
SERVER_PID=$!
bench_wait_for authdns 60 curl -sf "http://127.0.0.1:$AUTH_HTTP/health"
log "authdns on 127.0.0.1:$AUTH_PORT (CPU 0): $(tail -1 "$WORK/import.out")"
bench_dnsperf authdns "$AUTH_PORT"
((TCP)) && bench_dnsperf authdns-tcp "$AUTH_PORT" tcp

# ---- churn: the same run while rrset changes are committed -------------------------------------
if ((CHURN > 0)); then
  cat >"$WORK/ChurnDriver.java" <<'JAVA'
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Random;

/** Commits RATE rrset changes per second to random h-names, a transaction every 10 ms, for SECONDS. */
public class ChurnDriver {
  public static void main(String[] a) throws Exception {
    String url = a[0], user = a[1], pw = a[2];
    int rate = Integer.parseInt(a[3]), seconds = Integer.parseInt(a[4]), names = Integer.parseInt(a[5]);
    int perTick = Math.max(1, rate / 100);
    Random random = new Random(1);
    long changed = 0, start = System.nanoTime(), end = start + seconds * 1_000_000_000L;
    try (Connection c = DriverManager.getConnection(url, user, pw);
        PreparedStatement ps = c.prepareStatement(
            "UPDATE rrset SET rdata = ARRAY[?] WHERE type = 'A' AND name = ANY (?)")) {
      for (long tick = 0; System.nanoTime() < end; tick++) {
        String[] batch = new String[perTick];
        for (int i = 0; i < perTick; i++) {
          batch[i] = "h" + random.nextInt(names) + ".bench.test.";
        }
        ps.setString(1, "198.51.100." + (1 + tick % 250));
        ps.setArray(2, c.createArrayOf("text", batch));
        changed += ps.executeUpdate();
        // Pacing, not synchronization: the next transaction is due 10 ms after the last one was.
        long due = start + (tick + 1) * 10_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
    }
    System.out.printf("%.0f%n", changed / ((System.nanoTime() - start) / 1e9));
  }
}
JAVA
  # The database's share of the churn (the UPDATEs, their change-log rows, the follower's reads)
  # runs on the load side's CPU, as it would on a database host of its own.
  bench_pg_pin 1
  # The steady state of a stream of changes: when changes start after a quiet spell, the JIT
  # compiles the follower's path and recompiles the answer path for swaps, and for 10-25 s (at a
  # million names) authdns answers up to half as many queries. These runs get that much more
  # warm-up, under the same commits, than the static ones.
  CHURN_SETTLE=30
  declare -A RATE
  churn_run() { # name database: the dnsperf run while the driver commits to that database
    # Long enough for dnsperf's warm-up and its measured run.
    taskset -c 1 java -cp "$AUTHDNS_JAR" "$WORK/ChurnDriver.java" "jdbc:postgresql://$PG/$2" "$PG_USER" \
      "$PGPASSWORD" "$CHURN" $((DURATION + WARMUP + CHURN_SETTLE + 15)) $((NAMES - 2)) >"$WORK/$1.driver" 2>"$WORK/$1.err" &
    local driver=$!
    # dnsperf yields its core to the driver and the database: a commit every 10 ms is latency-
    # bound, and under an even share with dnsperf's busy loop the driver managed 333-728 of the
    # 1,000 changes/s at a million names (the database's work per commit grows with the table).
    # Alone on its core, as in the static runs, a niced dnsperf runs as it would unniced.
    DNSPERF_NICE=10 WARMUP=$((WARMUP + CHURN_SETTLE)) bench_dnsperf "$1" "$AUTH_PORT"
    wait "$driver" || die "churn driver failed: $(tail -5 "$WORK/$1.err")"
    RATE[$1]="$(tail -1 "$WORK/$1.driver")"
  }
  # The control: the same commits to the copy, which authdns does not follow. The database's work
  # then takes the same share of dnsperf's CPU as in the churn run, and nothing changes in authdns:
  # churn against control is what following the changes costs authdns, static against control what
  # the database's work costs this two-core machine.
  churn_run authdns-control "$DB_NAME$CONTROL_DB"
  churn_run authdns-churn "$DB_NAME"
  CHURN_RATE="${RATE[authdns-churn]}"
  bench_pg_unpin
fi

# ---- commit-to-served latency ------------------------------------------------------------------
cat >"$WORK/LatencyProbe.java" <<'JAVA'
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import org.xbill.DNS.*;
import org.xbill.DNS.Record;

/** Commit an rrset change, then poll authdns over UDP until it serves it; prints percentiles. */
public class LatencyProbe {
  public static void main(String[] a) throws Exception {
    String url = a[0], user = a[1], pw = a[2];
    int port = Integer.parseInt(a[3]), n = Integer.parseInt(a[4]);
    SimpleResolver dns = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
    dns.setTimeout(Duration.ofSeconds(2));
    Message q = Message.newQuery(Record.newRecord(Name.fromString("probe.bench.test."), Type.A, DClass.IN));
    long[] us = new long[n];
    try (Connection c = DriverManager.getConnection(url, user, pw);
        PreparedStatement ps = c.prepareStatement(
            "UPDATE rrset SET rdata = ARRAY[?] WHERE name = 'probe.bench.test.' AND type = 'A'")) {
      for (int i = 0; i < n + 5; i++) {
        String want = "198.51.100." + (2 + i % 250);
        ps.setString(1, want);
        ps.executeUpdate();
        long t0 = System.nanoTime();
        while (true) {
          Message m = dns.send(q);
          if (!m.getSection(Section.ANSWER).isEmpty()
              && m.getSection(Section.ANSWER).get(0).rdataToString().equals(want)) break;
          if (System.nanoTime() - t0 > 10_000_000_000L) throw new IllegalStateException("not served in 10 s: " + want);
        }
        if (i >= 5) us[i - 5] = (System.nanoTime() - t0) / 1000;   // first 5: warm-up
      }
    }
    Arrays.sort(us);
    System.out.printf("p50 %.2f ms  p99 %.2f ms  max %.2f ms  (n=%d)%n",
        us[n / 2] / 1000.0, us[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1000.0, us[n - 1] / 1000.0, n);
  }
}
JAVA
# The probe runs on authdns's classpath, whose logging is configured by authdns's own main: here
# logback's default prints dnsjava's DEBUG lines to stdout, around the figures' one line.
java -cp "$AUTHDNS_JAR" "$WORK/LatencyProbe.java" "$DNSPLANE_DB_URL" "$PG_USER" "$PGPASSWORD" \
  "$AUTH_PORT" "$UPDATES" >"$WORK/probe.out" 2>"$WORK/probe.err" \
  || die "latency probe failed: $(tail -5 "$WORK/probe.err")"
LATENCY="$(grep -m1 '^p50 ' "$WORK/probe.out")" || die "latency probe printed no figures: $(tail -3 "$WORK/probe.out")"
bench_stop_server

# ---- report ------------------------------------------------------------------------------------
echo
echo "zone: $NAMES names; dnsperf -c $CLIENTS -q $OUTSTANDING -l $DURATION after one pass and $WARMUP s of warm-up; server on CPU 0, dnsperf on CPU 1; load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-15s %12s %16s %14s %12s %12s %14s\n' server "queries/s" "lost" "avg latency" "server CPU s" "server busy" "q per CPU-s"
runs=(nsd knot authdns)
((CHURN > 0)) && runs+=(authdns-control authdns-churn)
((TCP)) && runs+=(nsd-tcp knot-tcp authdns-tcp)
for s in "${runs[@]}"; do
  per="$(bench_per_cpu "$s")"
  busy="$(awk -v c="${CPU[$s]}" -v d="$DURATION" 'BEGIN { printf "%.0f%%", 100 * c / d }')"
  printf '%-15s %12s %16s %14s %12s %12s %14s\n' "$s" "${QPS[$s]}" "${LOST[$s]}" "${LAT[$s]}" "${CPU[$s]}" "$busy" "$per"
done
if ((CHURN > 0)); then
  awk -v c="${QPS[authdns-churn]}" -v s="${QPS[authdns]}" -v k="${QPS[authdns-control]}" \
    -v pc="$(bench_per_cpu authdns-churn)" -v ps="$(bench_per_cpu authdns)" \
    -v pk="$(bench_per_cpu authdns-control)" -v r="$CHURN_RATE" 'BEGIN {
      printf "authdns under churn (%s rrset changes/s committed): %.2fx the static queries/s, %.2fx per CPU-second\n", r, c / s, pc / ps
      printf "  the same commits to a copy authdns does not follow (control): %.2fx the static queries/s, %.2fx per CPU-second: the database work on dnsperf'"'"'s CPU\n", k / s, pk / ps
      printf "  churn against control: %.2fx the queries/s, %.2fx per CPU-second: what following the changes costs authdns\n", c / k, pc / pk }'
fi
echo "authdns commit-to-served latency (UPDATE committed → first UDP answer with the new data): $LATENCY"

# ---- rows for deploy/bench/all -----------------------------------------------------------------
echo
names="$(awk -v n="$NAMES" 'BEGIN { if (n >= 1000000 && n % 1000000 == 0) printf "%dM", n / 1000000; else if (n >= 1000 && n % 1000 == 0) printf "%dk", n / 1000; else print n }')"
bench_row "authdns UDP qps, $names names" "$(bench_k "${QPS[authdns]}")" "NSD $(bench_k "${QPS[nsd]}")" \
  "$(bench_ratio "${QPS[authdns]}" "${QPS[nsd]}")"
bench_row "authdns UDP queries per server-CPU-second, $names names" "$(bench_k "$(bench_per_cpu authdns)")" \
  "NSD $(bench_k "$(bench_per_cpu nsd)")" "$(bench_ratio "$(bench_per_cpu authdns)" "$(bench_per_cpu nsd)")"
if ((TCP)); then
  best=nsd-tcp
  awk -v k="${QPS[knot-tcp]}" -v n="${QPS[nsd-tcp]}" 'BEGIN { exit !(k > n) }' && best=knot-tcp
  peer="$( [[ $best == knot-tcp ]] && echo Knot || echo NSD)"
  bench_row "authdns TCP qps (best peer of NSD and Knot), $names names" "$(bench_k "${QPS[authdns-tcp]}")" \
    "$peer $(bench_k "${QPS[$best]}")" "$(bench_ratio "${QPS[authdns-tcp]}" "${QPS[$best]}")"
fi
if ((CHURN > 0)); then
  bench_row "authdns UDP qps under ${CHURN_RATE} committed changes/s, vs its static run" \
    "$(bench_k "${QPS[authdns-churn]}")" "static $(bench_k "${QPS[authdns]}")" \
    "$(bench_ratio "${QPS[authdns-churn]}" "${QPS[authdns]}")"
  bench_row "authdns UDP qps under ${CHURN_RATE} committed changes/s, vs the same commits to a copy it does not follow" \
    "$(bench_k "${QPS[authdns-churn]}")" "control $(bench_k "${QPS[authdns-control]}")" \
    "$(bench_ratio "${QPS[authdns-churn]}" "${QPS[authdns-control]}")"
fi
bench_row "authdns commit-to-served, $names names" "$LATENCY" "" ""

