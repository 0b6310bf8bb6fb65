#!/usr/bin/env bash
# authdns.sh — authdns vs NSD on the same 10,000-name zone, in the same run, plus authdns's
# commit-to-served latency.
#
# usage: deploy/bench/authdns.sh [-l SECONDS] [-c CLIENTS] [-q OUTSTANDING] [-n NAMES] [-u UPDATES]
#                               [-r CHANGES_PER_SECOND] [-t 0|1] [-w WARMUP_SECONDS] [-R ROUNDS]
#   defaults: -l 20 -c 8 -q 500 -n 10000 -u 200 -r 1000 -t 1 -w 10 -R 3
#
# Throughput: NSD, Knot DNS (one UDP and one TCP worker) and authdns are all up at once, each
# pinned to CPU 0, dnsperf to CPU 1. Each gets one warm-up pass over the query file (-n 1) and -w
# seconds more of the same load (the steady state: the JVM's JIT is still compiling for about
# 10 s). Then -R rounds of one measured run of -l seconds per server, the servers taking turns, and
# each server's figure is its median run: this shared machine's slow minutes land on every server
# alike rather than on whichever ran then. dnsperf saturates its own core at these rates, so the
# servers' CPU time over each run (utime+stime from /proc/PID/stat, children included) is printed
# too, and the median of queries per server-CPU-second with it. Queries: A for every name of the
# zone, shuffled (all positive answers). Each server over UDP, then over TCP (-t 1: dnsperf -m tcp,
# -c connections with queries pipelined on each).
#
# Churn: a driver (CPU 1, with dnsperf) commits -r rrset changes per second to random names (a
# transaction of -r/100 every 10 ms, from four connections in turn, as several enactors would),
# after 30 s of it as more warm-up (the JIT's, for the follower's path), and then 10 s more at a
# time until the JIT's compiler threads are quiet (under 1% of a core), at most 300 s more.
# Then -R rounds of three authdns runs in turn: the driver idle (static), committing to a copy of
# the database that authdns does not follow (control), and committing to the database authdns
# follows (churn). Churn against static is the ratio the answer cache is for (-r 0 skips it);
# churn against control is what following the changes costs authdns, control against static what
# the database's work costs the load side. In these runs dnsperf runs at nice 10, so that the
# driver's commits, due every 10 ms, and the database's work on them get their share of the core
# they share with it; alone on its core a niced dnsperf runs as it would unniced. For those runs a
# local PostgreSQL cluster is pinned to CPU 1 with the driver and dnsperf (its CPU set is put back
# after): left to the scheduler, the database's work lands on the server's CPU as well, which a
# database on a host of its own would not do, and the run would measure the sharing of two cores.
# The cluster's CPU seconds over each of those runs are printed too (its processes', those that
# exited in the run included): what the control's commits, and the churn's reads, take from dnsperf.
# So churn against static at full load measures the load side as well as authdns. What following
# the changes costs authdns itself is measured apart from it: -R more rounds of a static and a churn
# run in turn at one fixed offered load (dnsperf -Q, 60% of the static runs' median queries/s, a
# load the load side keeps up with under the churn too), comparing authdns's CPU seconds for the
# same queries. Its queries per CPU-second under churn against static there is a lower bound on
# the share of its static capacity it keeps: the cost of following is set against 60% of a core's
# work instead of all of it.
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
DURATION=20 CLIENTS=8 OUTSTANDING=500 NAMES=10000 UPDATES=200 CHURN=1000 TCP=1 WARMUP=10 ROUNDS=3
usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while getopts "l:c:q:n:u:r:t:w:R:h" opt; do
  case "$opt" in
    l) DURATION="$OPTARG" ;; c) CLIENTS="$OPTARG" ;; q) OUTSTANDING="$OPTARG" ;;
    n) NAMES="$OPTARG" ;; u) UPDATES="$OPTARG" ;; r) CHURN="$OPTARG" ;; t) TCP="$OPTARG" ;;
    w) WARMUP="$OPTARG" ;; R) ROUNDS="$OPTARG" ;;
    *) usage ;;
  esac
done
for v in "$DURATION" "$CLIENTS" "$OUTSTANDING" "$NAMES" "$UPDATES" "$ROUNDS"; do
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

# ---- the servers: NSD, Knot DNS and authdns, all up at once on CPU 0 -----------------------------
up() { # name seconds port: waits until the server just started ($SERVER_PID) answers, then keeps it up
  bench_wait_for "$1" "$2" dig +short +time=1 +tries=1 @127.0.0.1 -p "$3" h1.bench.test A
  BENCH_SERVERS+=("$SERVER_PID")
  SERVER_PID=""
}
NSD_PORT="$(peer_free_port)"
peer_nsd_conf "$WORK" "$NSD_PORT" "$ORIGIN" "$WORK/bench.zone" >"$WORK/nsd.conf"
taskset -c 0 nsd -d -c "$WORK/nsd.conf" >"$WORK/nsd.out" 2>&1 &
SERVER_PID=$! NSD_PID=$!
up NSD 60 "$NSD_PORT"
log "NSD $(nsd -v 2>&1 | head -1 | awk '{print $3}') on 127.0.0.1:$NSD_PORT (CPU 0)"

KNOT_PORT="$(peer_free_port)"
mkdir -p "$WORK/knot-db"
peer_knot_conf "$WORK" "$KNOT_PORT" "$ORIGIN" "$WORK/bench.zone" >"$WORK/knot.conf"
taskset -c 0 knotd -c "$WORK/knot.conf" >"$WORK/knot.out" 2>&1 &
SERVER_PID=$! KNOT_PID=$!
up Knot 120 "$KNOT_PORT"
log "Knot $(knotd -V 2>&1 | awk '{print $NF; exit}') on 127.0.0.1:$KNOT_PORT (CPU 0)"

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
# The churn runs' control database: a copy of the zone that authdns does not follow (made before
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
SERVER_PID=$! AUTH_PID=$!
up authdns 60 "$AUTH_PORT"
log "authdns on 127.0.0.1:$AUTH_PORT (CPU 0): $(tail -1 "$WORK/import.out")"
log "dnsperf -c $CLIENTS -q $OUTSTANDING (CPU 1): $ROUNDS rounds of $DURATION s per server"

# ---- throughput: the servers take turns ---------------------------------------------------------
declare -A PID=([nsd]="$NSD_PID" [knot]="$KNOT_PID" [authdns]="$AUTH_PID")
declare -A PORT=([nsd]="$NSD_PORT" [knot]="$KNOT_PORT" [authdns]="$AUTH_PORT")
modes=(udp)
((TCP)) && modes+=(tcp)
for mode in "${modes[@]}"; do
  suffix=""
  if [[ $mode == tcp ]]; then suffix=-tcp; fi
  for s in nsd knot authdns; do bench_warm "$s$suffix" "${PORT[$s]}" "$mode"; done
  for ((round = 1; round <= ROUNDS; round++)); do
    for s in nsd knot authdns; do bench_window "$s$suffix" "${PID[$s]}" "${PORT[$s]}" "$mode"; done
  done
  for s in nsd knot authdns; do bench_settle "$s$suffix"; done
done

# ---- churn: authdns while rrset changes are committed ------------------------------------------
if ((CHURN > 0)); then
  cat >"$WORK/ChurnDriver.java" <<'JAVA'
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Commits RATE rrset changes per second to random h-names, a transaction of RATE/100 every 10 ms,
 * from WRITERS connections in turn, to the database its phase names. Phases come on stdin, one
 * line each: "churn LABEL" (the database authdns follows), "control LABEL" (its copy), "idle
 * LABEL" (neither), then "end"; it prints "LABEL SECONDS CHANGES" for each phase.
 */
public class ChurnDriver {
  record Phase(String target, String label, long start, LongAdder changed) {
    static Phase of(String line) {
      String[] words = (line.trim() + " -").split("\\s+");
      return new Phase(words[0], words[1], System.nanoTime(), new LongAdder());
    }
  }

  static volatile Phase phase;

  public static void main(String[] a) throws Exception {
    String user = a[2], pw = a[3];
    int rate = Integer.parseInt(a[4]), names = Integer.parseInt(a[5]);
    int writers = a.length > 6 ? Integer.parseInt(a[6]) : 4;
    int perTransaction = Math.max(1, rate / 100);
    long tick = 10_000_000L, period = tick * writers; // each writer commits once per period
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String first = in.readLine();
    if (first == null || first.trim().equals("end")) return;
    phase = Phase.of(first);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread t = new Thread(() -> {
        Random random = new Random(writer);
        String sql = "UPDATE rrset SET rdata = ARRAY[?] WHERE type = 'A' AND name = ANY (?)";
        try (Connection followed = DriverManager.getConnection(a[0], user, pw);
            Connection copy = DriverManager.getConnection(a[1], user, pw);
            PreparedStatement toFollowed = followed.prepareStatement(sql);
            PreparedStatement toCopy = copy.prepareStatement(sql)) {
          Phase current = null;
          long k = 0;
          for (Phase p; (p = phase) != null; k++) {
            if (p != current) {
              current = p;
              k = 0;
            }
            PreparedStatement target = switch (p.target()) {
              case "churn" -> toFollowed;
              case "control" -> toCopy;
              default -> null;
            };
            if (target != null) {
              String[] batch = new String[perTransaction];
              for (int i = 0; i < perTransaction; i++) batch[i] = "h" + random.nextInt(names) + ".bench.test.";
              target.setString(1, "198.51.100." + (1 + random.nextInt(250)));
              target.setArray(2, target.getConnection().createArrayOf("text", batch));
              p.changed().add(target.executeUpdate());
            }
            // Pacing, not synchronization: this writer's next transaction is due one period after
            // its last, the writers a tick apart; a writer behind catches up at once.
            long wait = p.start() + writer * tick + (k + 1) * period - System.nanoTime();
            if (wait > 0) LockSupport.parkNanos(wait);
          }
        } catch (Exception e) {
          e.printStackTrace();
          System.exit(1);
        }
      });
      t.start();
      threads.add(t);
    }
    List<String> ended = new ArrayList<>();
    List<Phase> phases = new ArrayList<>();
    for (String line = in.readLine(); ; line = in.readLine()) {
      Phase p = phase;
      phases.add(p);
      ended.add(String.format("%.3f", (System.nanoTime() - p.start()) / 1e9));
      if (line == null || line.trim().equals("end")) {
        phase = null;
        break;
      }
      phase = Phase.of(line);
    }
    for (Thread t : threads) t.join();
    // Totals once every writer has stopped: a transaction of a phase may commit just after it ends.
    for (int i = 0; i < phases.size(); i++) {
      System.out.println(phases.get(i).label() + " " + ended.get(i) + " " + phases.get(i).changed().sum());
    }
  }
}
JAVA
  # The database's share of the churn (the UPDATEs, their change-log rows, the follower's reads)
  # runs on the load side's CPU, as it would on a database host of its own.
  bench_pg_pin 1
  mkfifo "$WORK/phases"
  # Held open read-write, so that the driver sees no end of input between phases.
  exec {PHASES}<>"$WORK/phases"
  taskset -c 1 java -cp "$AUTHDNS_JAR" "$WORK/ChurnDriver.java" "jdbc:postgresql://$PG/$DB_NAME" \
    "jdbc:postgresql://$PG/$DB_NAME$CONTROL_DB" "$PG_USER" "$PGPASSWORD" "$CHURN" $((NAMES - 2)) \
    <"$WORK/phases" >"$WORK/driver.out" 2>"$WORK/driver.err" &
  DRIVER_PID=$!
  phase() { # what [label]
    kill -0 "$DRIVER_PID" 2>/dev/null || die "churn driver exited: $(tail -5 "$WORK/driver.err")"
    echo "$*" >&"$PHASES"
  }
  # The steady state of a stream of changes: when changes start after a quiet spell, the JIT
  # compiles the follower's path and recompiles the answer path for swaps, and for 10-25 s (at a
  # million names) authdns answers up to half as many queries. The churn runs get that much more
  # warm-up, under the same commits, than the static ones.
  CHURN_SETTLE=30
  # CPU ticks of the JVM's JIT compiler threads (C1 and C2) in process $1. A thread's comm may hold
  # spaces: fields are counted after its closing parenthesis (utime and stime are then 12 and 13).
  jit_ticks() { # pid
    local t v total=0
    for t in /proc/"$1"/task/*; do
      [[ "$(cat "$t/comm" 2>/dev/null)" == C[12]" CompilerThre"* ]] || continue
      v="$(sed 's/^.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')" # gone: no line
      total=$((total + ${v:-0}))
    done
    echo "$total"
  }
  # dnsperf yields its core to the driver and the database. At a million names the database's work
  # per change grows (the table is three times the default shared_buffers: most UPDATEs read and
  # evict pages), and on an even share with dnsperf's busy loop the driver managed 94-728 of the
  # 1,000 changes/s, from one connection or from several.
  export DNSPERF_NICE=10
  phase churn settle
  WARMUP=$((WARMUP + CHURN_SETTLE)) bench_warm authdns-churn "$AUTH_PORT"
  # Then until the JIT is quiet. The follower's path runs about a hundred times a second, not at the
  # answer path's rate, so its compiled forms come late: at 10k names, after 30 s of churn the
  # compiler threads still took 1-7% of a core through the churn windows (none in the static ones),
  # and under 0.5% after 150 s. Steady churn is what the runs compare: more of it under load, 10 s at
  # a time, until the compiler threads take under 1% of a core over the last 10 s (or 300 s more).
  jit_settle=0
  while ((jit_settle < 300)); do
    jit_before="$(jit_ticks "$AUTH_PID")"
    bench_perf "$AUTH_PORT" udp -l 10 >>"$WORK/authdns-churn.warmup" 2>&1 \
      || die "authdns churn settle failed: $(tail -3 "$WORK/authdns-churn.warmup")"
    jit_settle=$((jit_settle + 10))
    (($(jit_ticks "$AUTH_PID") - jit_before < CLK_TCK / 10)) && break
  done
  log "churn: the JIT was quiet after $((WARMUP + CHURN_SETTLE + jit_settle)) s of churn under load"
  for ((round = 1; round <= ROUNDS; round++)); do
    phase idle "static-$round"
    bench_window authdns-static "$AUTH_PID" "$AUTH_PORT"
    phase control "control-$round"
    bench_window authdns-control "$AUTH_PID" "$AUTH_PORT"
    phase churn "churn-$round"
    bench_window authdns-churn "$AUTH_PID" "$AUTH_PORT"
  done
  # authdns's own cost of following, at a fixed offered load both kinds of run keep up with.
  bench_settle authdns-static
  FIXED_RATE="$(awk -v q="${QPS[authdns-static]}" 'BEGIN { printf "%d", int(q * 0.6 / 1000) * 1000 }')"
  ((FIXED_RATE > 0)) || die "the static runs answered too few queries for a fixed-load run: ${QPS[authdns-static]}/s"
  for ((round = 1; round <= ROUNDS; round++)); do
    phase idle "fixed-static-$round"
    DNSPERF_RATE="$FIXED_RATE" bench_window authdns-static-fixed "$AUTH_PID" "$AUTH_PORT"
    phase churn "fixed-churn-$round"
    DNSPERF_RATE="$FIXED_RATE" bench_window authdns-churn-fixed "$AUTH_PID" "$AUTH_PORT"
  done
  phase end
  wait "$DRIVER_PID" || die "churn driver failed: $(tail -5 "$WORK/driver.err")"
  exec {PHASES}>&-
  unset DNSPERF_NICE
  for s in authdns-static authdns-control authdns-churn authdns-static-fixed authdns-churn-fixed; do
    bench_settle "$s"
  done
  # The rate the driver kept up in its slowest run of a kind (changes/s).
  slowest() { # label-prefix
    awk -v p="^$1-" '$1 ~ p && $2 > 0 { r = $3 / $2; if (min == "" || r < min) min = r } END { printf "%.0f", min }' "$WORK/driver.out"
  }
  CHURN_RATE="$(slowest churn)" CONTROL_RATE="$(slowest control)" FIXED_CHURN_RATE="$(slowest fixed-churn)"
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
bench_stop_servers

# ---- report ------------------------------------------------------------------------------------
echo
echo "zone: $NAMES names; dnsperf -c $CLIENTS -q $OUTSTANDING; each server's median of $ROUNDS runs of $DURATION s, the servers taking turns, after one pass and $WARMUP s of warm-up; servers on CPU 0, dnsperf on CPU 1; load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-20s %12s %16s %14s %12s %12s %14s %18s\n' server "queries/s" "lost" "avg latency" "server CPU s" "server busy" "q per CPU-s" "runs' queries/s"
runs=(nsd knot authdns)
((TCP)) && runs+=(nsd-tcp knot-tcp authdns-tcp)
((CHURN > 0)) && runs+=(authdns-static authdns-control authdns-churn authdns-static-fixed authdns-churn-fixed)
for s in "${runs[@]}"; do
  busy="$(awk -v c="${CPU[$s]}" -v d="$DURATION" 'BEGIN { printf "%.0f%%", 100 * c / d }')"
  printf '%-20s %12s %16s %14s %12s %12s %14s %18s\n' "$s" "${QPS[$s]}" "${LOST[$s]}" "${LAT[$s]}" "${CPU[$s]}" "$busy" \
    "$(bench_per_cpu "$s")" "${SPREAD[$s]}"
done
if ((CHURN > 0)); then
  echo "the churn runs, in turn with the static and control runs (dnsperf at nice 10): the driver committed at least $CHURN_RATE rrset changes/s in every churn run (control runs: at least $CONTROL_RATE/s)"
  awk -v c="${QPS[authdns-churn]}" -v s="${QPS[authdns-static]}" -v k="${QPS[authdns-control]}" \
    -v pc="$(bench_per_cpu authdns-churn)" -v ps="$(bench_per_cpu authdns-static)" \
    -v pk="$(bench_per_cpu authdns-control)" -v r="$CHURN_RATE" 'BEGIN {
      printf "authdns under churn (%s rrset changes/s committed): %.2fx the static queries/s, %.2fx per CPU-second\n", r, c / s, pc / ps
      printf "  the same commits to a copy authdns does not follow (control): %.2fx the static queries/s, %.2fx per CPU-second: the database work on dnsperf'"'"'s CPU\n", k / s, pk / ps
      printf "  churn against control: %.2fx the queries/s, %.2fx per CPU-second: what following the changes costs authdns\n", c / k, pc / pk }'
  # Zero when the cluster is not this machine's (not pinned, not measured).
  awk -v s="${DB_CPU[authdns-static]}" -v k="${DB_CPU[authdns-control]}" -v c="${DB_CPU[authdns-churn]}" -v d="$DURATION" 'BEGIN { if (k > 0 || c > 0)
      printf "  PostgreSQL'"'"'s CPU seconds per %s s run (on dnsperf'"'"'s CPU, medians): static %.2f, control %.2f (the writers'"'"' commits), churn %.2f (those and authdns'"'"'s reads and checkpoints)\n", d, s, k, c }'
  FIXED_RATIO="$(bench_ratio "$(bench_per_cpu authdns-churn-fixed)" "$(bench_per_cpu authdns-static-fixed)")"
  # At one offered load the median of the windows' queries per CPU-second is that of their CPU
  # seconds, which the line prints (CPU[] is the median window's by queries/s, all alike here).
  awk -v r="$FIXED_RATE" -v qs="${QPS[authdns-static-fixed]}" -v qc="${QPS[authdns-churn-fixed]}" \
    -v ps="$(bench_per_cpu authdns-static-fixed)" -v pc="$(bench_per_cpu authdns-churn-fixed)" \
    -v d="$DURATION" -v x="$FIXED_RATIO" -v k="$FIXED_CHURN_RATE" 'BEGIN {
      printf "at a fixed offered load of %d queries/s (dnsperf -Q, 60%% of the static median), in turn: static answered %.0f/s on %.2f s of authdns'"'"'s CPU per %s s run, churn (%s changes/s) %.0f/s on %.2f s (medians)\n", r, qs, qs * d / ps, d, k, qc, qc * d / pc
      if (qs >= 0.98 * r && qc >= 0.98 * r)
        printf "  queries per authdns CPU-second, churn against static: %s: what following the changes costs authdns itself (the load side kept up in both)\n", x
      else
        printf "  queries per authdns CPU-second, churn against static: %s; NOTE: a run answered under 98%% of the offered load, so the load side did not keep up and this compares unequal loads\n", x }'
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
  bench_row "authdns UDP qps under ${CHURN_RATE} committed changes/s, vs its static runs in turn" \
    "$(bench_k "${QPS[authdns-churn]}")" "static $(bench_k "${QPS[authdns-static]}")" \
    "$(bench_ratio "${QPS[authdns-churn]}" "${QPS[authdns-static]}")"
  bench_row "authdns UDP qps under ${CHURN_RATE} committed changes/s, vs the same commits to a copy it does not follow" \
    "$(bench_k "${QPS[authdns-churn]}")" "control $(bench_k "${QPS[authdns-control]}")" \
    "$(bench_ratio "${QPS[authdns-churn]}" "${QPS[authdns-control]}")"
  bench_row "authdns queries per server-CPU-second under ${FIXED_CHURN_RATE} committed changes/s at a fixed ${FIXED_RATE} queries/s, vs its static runs in turn" \
    "$(bench_k "$(bench_per_cpu authdns-churn-fixed)")" "static $(bench_k "$(bench_per_cpu authdns-static-fixed)")" \
    "$FIXED_RATIO"
fi
bench_row "authdns commit-to-served, $names names" "$LATENCY" "" ""

