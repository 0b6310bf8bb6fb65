package dnsplane.enactor.bench;

import dnsplane.db.testing.TestDb;
import dnsplane.enactor.apply.ApplyReport;
import dnsplane.enactor.apply.Enactor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * HeartbeatBench measures what a heartbeat costs: a plan with exactly the content already served,
 * under a new generation, as the planner writes every 60 s. For one size it prints
 *
 * <ul>
 *   <li>the apply time of one such plan, the change-log rows and SOA serial bumps it caused (each
 *       serial bump is a NOTIFY to every secondary, and a follower's cache flush in authdns), and
 *       the audit rows it wrote;
 *   <li>authdns's query rate (dnsperf on loopback, A queries for every endpoint) for a window with
 *       no plan, then for the same window while such plans are applied back to back, and how many
 *       were applied in it.
 * </ul>
 *
 * The rate is a side-by-side figure, not an absolute one: PostgreSQL, the enactor, authdns and
 * dnsperf share the machine. Without dnsperf on the PATH the rates print as n/a. The window is
 * {@code -Ddnsplane.bench.seconds} (default 10).
 */
final class HeartbeatBench {

  static final String HEADER =
      "heartbeat (same content, new generation):\n"
          + "endpoints  noop-apply-ms  change-log-rows  serial-bumps  audit-rows"
          + "  qps-idle  qps-heartbeats  heartbeats  change-log-rows-in-window";

  /** Writes the next plan (with the content already served) and returns its generation. */
  @FunctionalInterface
  interface Publisher {
    long publish() throws Exception;
  }

  private static final int SECONDS = Integer.getInteger("dnsplane.bench.seconds", 10);

  private final TestDb db;
  private final Enactor enactor;
  private final InetSocketAddress authdns;
  private final int endpoints;
  private final Publisher heartbeat;

  HeartbeatBench(
      TestDb db, Enactor enactor, InetSocketAddress authdns, int endpoints, Publisher heartbeat) {
    this.db = db;
    this.enactor = enactor;
    this.authdns = authdns;
    this.endpoints = endpoints;
    this.heartbeat = heartbeat;
  }

  /** One table row for {@link #HEADER}. */
  String measure() throws Exception {
    long seq0 = scalar("SELECT last_seq FROM change_log_counter");
    long serial0 = scalar("SELECT serial FROM zone WHERE name = 'bench.test.'");
    long audit0 = scalar("SELECT count(*) FROM audit_log");
    long g = heartbeat.publish();
    long t0 = System.nanoTime();
    ApplyReport r = enactor.applyOnce();
    long applyMs = (System.nanoTime() - t0) / 1_000_000;
    if (r.generation() == null || r.generation() != g) {
      throw new IllegalStateException("the heartbeat plan " + g + " was not applied: " + r);
    }
    // The generation must advance on every rrset even when nothing published changes.
    long holding = scalar("SELECT count(*) FROM rrset WHERE applied_generation = " + g);
    if (holding != 3L * endpoints) {
      throw new IllegalStateException(
          holding + " rrsets hold plan " + g + ", expected " + 3L * endpoints);
    }
    long rows = scalar("SELECT last_seq FROM change_log_counter") - seq0;
    long bumps = scalar("SELECT serial FROM zone WHERE name = 'bench.test.'") - serial0;
    long audit = scalar("SELECT count(*) FROM audit_log") - audit0;

    String idle = "n/a";
    String busy = "n/a";
    int applied = 0;
    long windowRows = 0;
    if (dnsperfInstalled()) {
      Path queries = queryFile();
      try {
        idle = qps(dnsperf(queries).waitForRate());
        Dnsperf running = dnsperf(queries);
        long seq1 = scalar("SELECT last_seq FROM change_log_counter");
        while (running.alive()) {
          heartbeat.publish();
          enactor.applyOnce();
          applied++;
        }
        busy = qps(running.waitForRate());
        windowRows = scalar("SELECT last_seq FROM change_log_counter") - seq1;
      } finally {
        Files.deleteIfExists(queries);
      }
    }
    return String.format(
        Locale.ROOT,
        "%9d  %13d  %15d  %12d  %10d  %8s  %14s  %10d  %25d",
        endpoints,
        applyMs,
        rows,
        bumps,
        audit,
        idle,
        busy,
        applied,
        windowRows);
  }

  private static String qps(double rate) {
    return String.format(Locale.ROOT, "%.0f", rate);
  }

  private long scalar(String sql) throws Exception {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Path queryFile() throws IOException {
    List<String> lines = new ArrayList<>(endpoints);
    for (int i = 1; i <= endpoints; i++) {
      lines.add("ep" + i + ".bench.test. A");
    }
    Collections.shuffle(lines, new java.util.Random(1));
    Path f = Files.createTempFile("heartbeat-queries", ".txt");
    Files.write(f, lines, StandardCharsets.US_ASCII);
    return f;
  }

  private static boolean dnsperfInstalled() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "dnsperf"))) {
        return true;
      }
    }
    return false;
  }

  /** dnsperf against authdns on loopback for {@link #SECONDS} seconds. */
  private Dnsperf dnsperf(Path queries) throws IOException {
    Process p =
        new ProcessBuilder(
                "dnsperf",
                "-s",
                authdns.getAddress().getHostAddress(),
                "-p",
                Integer.toString(authdns.getPort()),
                "-d",
                queries.toString(),
                "-l",
                Integer.toString(SECONDS),
                "-c",
                "4",
                "-q",
                "200")
            .redirectErrorStream(true)
            .start();
    return new Dnsperf(p);
  }

  /** A running dnsperf; its report is read when it ends. */
  private record Dnsperf(Process process) {
    boolean alive() {
      return process.isAlive();
    }

    double waitForRate() throws IOException, InterruptedException {
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(SECONDS + 30L, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("dnsperf failed:\n" + out);
      }
      for (String line : out.split("\n")) {
        String t = line.strip();
        if (t.startsWith("Queries per second:")) {
          return Double.parseDouble(t.substring("Queries per second:".length()).strip());
        }
      }
      throw new IllegalStateException("no rate in dnsperf's report:\n" + out);
    }
  }
}
