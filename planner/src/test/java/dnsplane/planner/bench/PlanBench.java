package dnsplane.planner.bench;

import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.planner.service.PlanWriter;
import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PlanBench prints how long the planner takes to write a plan for N guarded endpoints (two IPv4
 * targets and an IPv6 one each) on a throwaway database, timed from the call that decides to plan
 * ({@link PlanWriter}) until the plan row and its entries are committed: a plan in which every
 * entry changes (every IPv4 target's weight), a heartbeat (the same content under a new generation)
 * and one health change (one target goes down or up: the planner's most frequent plan). The
 * planner's own first plan, written at start, is awaited before anything is timed. Each is run
 * {@code REPEAT} times; the median is printed. Args: endpoint counts (default 1000 10000 100000).
 *
 * <p>Each figure is followed by the CPU the plan cost, in ms: this JVM's (every thread, GC
 * included) plus the bench database's PostgreSQL backends' (read from /proc, so only when the
 * server runs on this machine; "-" otherwise). On a shared machine the wall time mostly measures
 * the other load; the CPU time is what the plan itself costs.
 */
public final class PlanBench {

  private static final int REPEAT = 3;

  private PlanBench() {}

  public static void main(String[] args) throws Exception {
    int[] sizes = Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    if (sizes.length == 0) {
      sizes = new int[] {1000, 10000, 100000};
    }
    System.out.println(
        "endpoints  all-changed-plan-ms  heartbeat-plan-ms  health-change-plan-ms"
            + "  cpu-ms(all-changed heartbeat health-change)");
    for (int n : sizes) {
      run(n);
    }
    System.exit(0);
  }

  static void run(int n) throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    seed(db, n);
    Map<String, Object> props = new HashMap<>(db.micronautProperties());
    // DNSPLANE_BENCH_PG_OPTIONS: server settings for the planner's connections only, e.g.
    // "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=100" to see in
    // the server log where a plan's statements spend their time.
    String pgOptions = System.getenv("DNSPLANE_BENCH_PG_OPTIONS");
    if (pgOptions != null && !pgOptions.isBlank()) {
      String url = db.settings().jdbcUrl();
      props.put(
          "datasources.default.url",
          url
              + (url.contains("?") ? "&" : "?")
              + "options="
              + java.net.URLEncoder.encode(pgOptions, java.nio.charset.StandardCharsets.UTF_8));
    }
    props.put("dnsplane.planner.heartbeat", "0");
    props.put("dnsplane.planner.check.interval", "1h");
    try (ApplicationContext ctx = ApplicationContext.run(props)) {
      PlanWriter writer = ctx.getBean(PlanWriter.class);
      // The planner's own evaluation at start writes the first plan; timed runs must not queue
      // behind it for the plan writers' lock.
      awaitFirstPlan(db);
      Cpu cpu = new Cpu(db);
      long every = timed(() -> expectPlan(writer.run("bench: all", false, (c, now) -> reweigh(c))));
      long everyCpu = cpu.lap();
      List<Long> heartbeat = new ArrayList<>();
      List<Long> change = new ArrayList<>();
      List<Long> heartbeatCpu = new ArrayList<>();
      List<Long> changeCpu = new ArrayList<>();
      for (int i = 0; i < REPEAT; i++) {
        cpu.lap();
        heartbeat.add(timed(() -> expectPlan(writer.force("bench: heartbeat"))));
        heartbeatCpu.add(cpu.lap());
        boolean healthy = i % 2 == 1;
        change.add(
            timed(
                () ->
                    expectPlan(
                        writer.run(
                            "bench: health",
                            false,
                            (c, now) -> {
                              try (PreparedStatement ps =
                                  c.prepareStatement(
                                      "UPDATE target SET healthy = ?, health_changed_at = ?"
                                          + " WHERE endpoint = 'ep1.bench.test.'"
                                          + " AND address = '192.0.2.1'")) {
                                ps.setBoolean(1, healthy);
                                ps.setTimestamp(2, java.sql.Timestamp.from(now));
                                return ps.executeUpdate();
                              }
                            }))));
        changeCpu.add(cpu.lap());
      }
      System.out.println(
          String.format(
              Locale.ROOT,
              "%9d  %19d  %17d  %21d  %s %s %s",
              n,
              every,
              median(heartbeat),
              median(change),
              Cpu.text(everyCpu),
              Cpu.text(median(heartbeatCpu)),
              Cpu.text(median(changeCpu))));
      check(db, n);
    }
  }

  /** n endpoints in zone bench.test., each with an IPv4 and an IPv6 target, all healthy. */
  private static void seed(TestDb db, int n) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO zone (name) VALUES ('bench.test.')");
      st.execute(
          "INSERT INTO endpoint (name, zone_id, guarded) SELECT 'ep' || i || '.bench.test.', z.id,"
              + " true FROM generate_series(1, "
              + n
              + ") i, zone z WHERE z.name = 'bench.test.'");
      st.execute(
          "INSERT INTO target (endpoint, address, az) SELECT e.name, a.address::inet, a.az FROM"
              + " endpoint e, (VALUES ('192.0.2.1', 'az-a'), ('192.0.2.2', 'az-b'),"
              + " ('2001:db8::1', 'az-a'))"
              + " a(address, az)");
      st.execute("ANALYZE");
    }
  }

  /** Every IPv4 target's weight changes: every entry of the next plan differs from the last. */
  private static int reweigh(Connection c) throws java.sql.SQLException {
    try (Statement st = c.createStatement()) {
      return st.executeUpdate(
          "UPDATE target SET weight = CASE weight WHEN 100 THEN 50 ELSE 100 END"
              + " WHERE family(address) = 4");
    }
  }

  private static void awaitFirstPlan(TestDb db) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofMinutes(5).toNanos();
    while (true) {
      try (Connection c = db.connect();
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM plan")) {
        rs.next();
        if (rs.getInt(1) > 0) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the planner wrote no plan at start");
      }
      Thread.sleep(20); // polling the condition, with the deadline above
    }
  }

  /** The newest plan has an entry per endpoint: the figures are of complete plans. */
  private static void check(TestDb db, int n) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM plan_entry WHERE generation = (SELECT max(generation) FROM"
                    + " plan)")) {
      rs.next();
      if (rs.getInt(1) != n) {
        throw new IllegalStateException("the newest plan has " + rs.getInt(1) + " entries");
      }
    }
  }

  private static void expectPlan(PlanWriter.Outcome<?> out) {
    if (out.generation() == null) {
      throw new IllegalStateException("no plan was written");
    }
  }

  /**
   * CPU used since the last lap, in ms: this process's and the bench database's backends'; -1 when
   * the backends' CPU cannot be read (the server is elsewhere).
   */
  private static final class Cpu {
    private final TestDb db;
    private long last;

    Cpu(TestDb db) throws Exception {
      this.db = db;
      this.last = now();
    }

    long lap() throws Exception {
      long now = now();
      long used = last < 0 || now < 0 ? -1 : now - last;
      last = now;
      return used;
    }

    static String text(long ms) {
      return ms < 0 ? "-" : Long.toString(ms);
    }

    private long now() throws Exception {
      long jvm =
          ((com.sun.management.OperatingSystemMXBean)
                      java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                  .getProcessCpuTime()
              / 1_000_000;
      long ticks = 0;
      try (Connection c = db.connect();
          Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")) {
        while (rs.next()) {
          java.nio.file.Path stat = java.nio.file.Path.of("/proc/" + rs.getInt(1) + "/stat");
          if (!java.nio.file.Files.isReadable(stat)) {
            return -1;
          }
          // utime and stime, fields 14 and 15, after the command name in parentheses.
          String text = java.nio.file.Files.readString(stat);
          String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
          ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
      }
      // Linux reports in clock ticks of 10 ms (USER_HZ = 100).
      return jvm + ticks * 10;
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static long timed(Step s) throws Exception {
    long t0 = System.nanoTime();
    s.run();
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }
}
