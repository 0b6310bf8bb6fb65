package dnsplane.enactor.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.db.DbBootstrap;
import dnsplane.db.Transactions;
import dnsplane.db.rrset.ZoneIndex;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.Plan;
import dnsplane.enactor.store.PlanStore;
import dnsplane.enactor.testing.Plans;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Concurrency stress on the database itself: eight threads write random plan generations (stale
 * ones included) and run cleanups with random keep counts, all on the same rrsets, through the
 * enactor's own RrsetWriter and Cleaner, while a planner thread keeps publishing. A reader follows
 * change_log as authdns does (seq &gt; last, in order) and checks every change it sees: an address
 * rrset is never empty, and an endpoint's generation never goes back. Each plan's IPv6 address
 * carries its place in the planner's order, so the reader checks the addresses themselves, not only
 * the marker.
 */
@RequiresPostgres
class ConcurrentWritesStressTest {

  private static final List<String> ENDPOINTS =
      List.of("alpha.aws.test.", "beta.aws.test.", "gamma.aws.test.");
  private static final int THREADS = 8;
  private static final int OPERATIONS = 10_000;

  private static final String ZONE =
      """
      $ORIGIN aws.test.
      $TTL 300
      @        SOA ns1 hostmaster 1 7200 3600 1209600 60
      @        NS  ns1
      ns1      A   192.0.2.1
      """;

  @Test
  void readersOfTheChangeLogNeverSeeAnEmptyFamilyOrAGenerationGoBack() throws Exception {
    List<String> problems = stress(Mode.SAFE, OPERATIONS);
    assertEquals(List.of(), problems.subList(0, Math.min(problems.size(), 10)));
  }

  /**
   * The reader can see a violation: legacy's unconditional stale writes make generations go back.
   */
  @Test
  void theSameReaderSeesLegacyGoBack() throws Exception {
    List<String> problems = stress(Mode.LEGACY, 2_000);
    assertTrue(problems.stream().anyMatch(p -> p.contains("went back")), problems.toString());
  }

  private List<String> stress(Mode mode, int operations) throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE, null);
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      for (String e : ENDPOINTS) {
        st.execute(
            "INSERT INTO endpoint (name, zone_id, guarded) SELECT '"
                + e
                + "', id, false"
                + " FROM zone WHERE name = 'aws.test.'");
        st.execute(
            "INSERT INTO target (endpoint, address, az) VALUES ('"
                + e
                + "', '192.0.2.10',"
                + " 'az-a'), ('"
                + e
                + "', '2001:db8::10', 'az-b')");
      }
    }
    List<Long> generations = new ArrayList<>();
    generations.add(publish(db, 1));
    try (HikariDataSource pool = DbBootstrap.pool(db.settings(), "stress", THREADS + 2)) {
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
      ChangeLogReader reader = new ChangeLogReader(db, stop, seen);
      ExecutorService threads = Executors.newFixedThreadPool(THREADS + 2);
      Future<?> reading = threads.submit(reader);
      Future<?> planning =
          threads.submit(
              () -> {
                for (int i = 2; i <= 400 && !stop.get(); i++) {
                  long g = publish(db, i);
                  synchronized (generations) {
                    generations.add(g);
                  }
                }
                return null;
              });
      AtomicLong writes = new AtomicLong();
      AtomicLong cleanups = new AtomicLong();
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = 1000 + t;
        String az = "az-" + t;
        workers.add(
            threads.submit(
                () -> {
                  Random r = new Random(seed);
                  PlanStore plans = new PlanStore(pool);
                  RrsetWriter writer = new RrsetWriter(az, pool, new Faults(), 1000);
                  Cleaner cleaner = new Cleaner(az, pool, plans);
                  ZoneIndex zones = Transactions.over(pool).write(ZoneIndex::load);
                  for (int i = 0; i < operations / THREADS; i++) {
                    if (r.nextInt(4) == 0) {
                      cleaner.cleanup(mode, 1 + r.nextInt(3));
                      cleanups.incrementAndGet();
                      continue;
                    }
                    long g;
                    synchronized (generations) {
                      // Mostly recent plans, now and then a stale one from far back.
                      int n = generations.size();
                      g =
                          generations.get(
                              r.nextInt(4) == 0 ? r.nextInt(n) : Math.max(0, n - 1 - r.nextInt(3)));
                    }
                    Optional<Plan> plan = plans.load(g);
                    if (plan.isPresent()) {
                      writer.write(mode, plan.get().entries(), zones);
                    }
                    writes.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> w : workers) {
        w.get(5, TimeUnit.MINUTES);
      }
      stop.set(true);
      planning.get(1, TimeUnit.MINUTES);
      reading.get(1, TimeUnit.MINUTES);
      threads.shutdownNow();
      // What a lost plan-row lock would leave behind: an rrset holding a plan cleanup deleted.
      String dangling = danglingReference(db);
      if (dangling != null) {
        seen.add(dangling);
      }
      System.out.printf(
          "stress (%s): %d threads, %d writes + %d cleanups, %d change-log rows"
              + " read, %d problems%n",
          mode.wire(), THREADS, writes.get(), cleanups.get(), reader.rows.get(), seen.size());
      assertTrue(writes.get() + cleanups.get() >= operations);
      assertTrue(reader.rows.get() > 100, "the reader barely read: " + reader.rows.get());
      return new ArrayList<>(seen);
    }
  }

  private static String danglingReference(TestDb db) throws SQLException {
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT r.name || ' ' || r.type || ' holds plan '"
                    + " || r.applied_generation || ', which was deleted' FROM rrset r"
                    + " WHERE r.applied_generation IS NOT NULL AND NOT EXISTS"
                    + " (SELECT 1 FROM plan p WHERE p.generation = r.applied_generation) LIMIT 1");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /**
   * The planner's {@code i}-th plan: every endpoint at 192.0.2.10 and an IPv6 address that encodes
   * {@code i}. One thread publishes, so {@code i} grows with the generation.
   */
  private static long publish(TestDb db, long i) throws SQLException {
    Map<String, List<String>> plan = new HashMap<>();
    ENDPOINTS.forEach(e -> plan.put(e, List.of("192.0.2.10", v6(i))));
    try (Connection c = db.connect()) {
      return Plans.publish(c, plan, Set.of());
    }
  }

  static String v6(long i) {
    return "2001:db8::" + Long.toHexString(i);
  }

  /** Follows change_log in seq order, as authdns does, and records every violation it sees. */
  private static final class ChangeLogReader implements java.util.concurrent.Callable<Void> {
    final AtomicLong rows = new AtomicLong();
    private final TestDb db;
    private final AtomicBoolean stop;
    private final ConcurrentLinkedQueue<String> problems;
    private final Map<String, Long> generation = new HashMap<>();

    ChangeLogReader(TestDb db, AtomicBoolean stop, ConcurrentLinkedQueue<String> problems) {
      this.db = db;
      this.stop = stop;
      this.problems = problems;
    }

    @Override
    public Void call() throws Exception {
      long last = 0;
      try (Connection c = db.connect();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, op, name, type, rdata FROM"
                      + " change_log WHERE seq > ? ORDER BY seq LIMIT 5000")) {
        boolean drained = false;
        while (!drained) {
          boolean finalPass = stop.get();
          ps.setLong(1, last);
          int n = 0;
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              n++;
              last = rs.getLong(1);
              check(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getArray(5) == null ? null : (String[]) rs.getArray(5).getArray());
            }
          }
          rows.addAndGet(n);
          String dangling = danglingReference(db);
          if (dangling != null) {
            problems.add(dangling);
          }
          drained = finalPass && n == 0;
          if (n == 0 && !finalPass) {
            TimeUnit.MILLISECONDS.sleep(5); // polling the log, as a follower without NOTIFY does
          }
        }
      }
      return null;
    }

    private void check(long seq, String op, String name, String type, String[] rdata) {
      if (!ENDPOINTS.contains(name) || !(type.equals("A") || type.equals("AAAA"))) {
        return;
      }
      if (!op.equals("set") || rdata.length == 0) {
        problems.add("seq " + seq + ": " + name + " " + type + " " + op + " with no address");
        return;
      }
      if (type.equals("AAAA")) {
        long g = Long.parseLong(rdata[0].substring("2001:db8::".length()), 16);
        Long before = generation.put(name, g);
        if (before != null && g < before) {
          problems.add("seq " + seq + ": " + name + " went back from plan " + before + " to " + g);
        }
      }
    }
  }
}
