package dnsplane.enactor.interleave;

import dnsplane.authdns.store.ZoneImporter;
import dnsplane.db.DbBootstrap;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.enactor.apply.Enactor;
import dnsplane.enactor.apply.EnactorMetrics;
import dnsplane.enactor.apply.EnactorSettings;
import dnsplane.enactor.apply.Faults;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.testing.Plans;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Scenario is one seeded race on a real database, replayed statement by statement: a planner
 * publishing plans (now and then a buggy one that omits a family, or one with a malformed address),
 * three enactors applying and cleaning up, an operator's repair and an operator's re-import of an
 * old zone export, all in the same mode. Everything runs through production code:
 * Enactor.applyOnce, Enactor.repair, ZoneImporter; the planner's plan write is the same two
 * statements PlanStore runs.
 */
final class Scenario implements AutoCloseable {

  static final String DUAL = "dual.aws.test.";
  static final String V4_ONLY = "v4.aws.test.";

  private static final String ZONE =
      """
      $ORIGIN aws.test.
      $TTL 300
      @        SOA ns1 hostmaster 1 7200 3600 1209600 60
      @        NS  ns1
      ns1      A   192.0.2.1
      www      A   192.0.2.2
      """;

  /** An export from long ago: the endpoint's old addresses, and an edit elsewhere. */
  private static final String OLD_EXPORT =
      ZONE.replace(
          "www      A   192.0.2.2",
          """
          www      A   192.0.2.3
          dual     A   192.0.2.99
          dual     AAAA 2001:db8::99
          _plan.dual TXT "1"
          """);

  private static final List<String> DUAL_V4 = List.of("192.0.2.10", "192.0.2.11");
  private static final List<String> DUAL_V6 = List.of("2001:db8::10", "2001:db8::11");
  private static final List<String> V4_ONLY_V4 = List.of("198.51.100.20", "198.51.100.21");

  private final TestDb db;
  private final StatementGate gate;
  private final GatedDataSource ds;
  private final Connection observer;
  private final Scheduler scheduler;
  private final SafetyInvariants invariants = new SafetyInvariants();

  /** A scenario whose connections are reset between uses as HikariCP resets them. */
  Scenario() throws Exception {
    this(true);
  }

  /** {@code poolResets}: see {@link StatementGate#StatementGate(boolean)}. */
  Scenario(boolean poolResets) throws Exception {
    gate = new StatementGate(poolResets);
    db = TestPostgres.freshDatabase();
    ds = new GatedDataSource(db.settings(), gate);
    observer = DbBootstrap.connect(db.settings());
    scheduler = new Scheduler(gate, ds, observer);
    ZoneImporter.importText(db.settings(), ZONE, null);
    sql(
        "INSERT INTO endpoint (name, zone_id, ttl) SELECT n, id, 60 FROM zone,"
            + " unnest(ARRAY['"
            + DUAL
            + "', '"
            + V4_ONLY
            + "']) n WHERE zone.name = 'aws.test.'");
    List<String> targets = new ArrayList<>();
    DUAL_V4.forEach(a -> targets.add("('" + DUAL + "', '" + a + "')"));
    DUAL_V6.forEach(a -> targets.add("('" + DUAL + "', '" + a + "')"));
    V4_ONLY_V4.forEach(a -> targets.add("('" + V4_ONLY + "', '" + a + "')"));
    sql(
        "INSERT INTO target (endpoint, address, az) SELECT e, a::inet, 'az-a' FROM (VALUES "
            + String.join(", ", targets)
            + ") AS t(e, a)");
  }

  /**
   * One interleaving of {@code seed} with every enactor in {@code mode}, checking every invariant.
   */
  Scheduler.Run run(long seed, Mode mode) throws Exception {
    return run(seed, mode, invariants.all());
  }

  /** One interleaving checking only the outage's symptoms (an empty family, a regression). */
  Scheduler.Run runForSymptoms(long seed, Mode mode) throws Exception {
    return run(seed, mode, invariants.outageSymptoms());
  }

  private Scheduler.Run run(long seed, Mode mode, List<Scheduler.Invariant> checks)
      throws Exception {
    Random r = new Random(seed);
    reset(r.nextBoolean());
    publish(plan(r, false));
    Enactor first = enactor("az-setup", Mode.SAFE, 3);
    first.applyOnce();
    invariants.reset();

    List<Scheduler.Task> tasks = new ArrayList<>();
    int plans = 1 + r.nextInt(3);
    List<Map<String, List<String>>> drafts = new ArrayList<>();
    for (int i = 0; i < plans; i++) {
      drafts.add(plan(r, true));
    }
    tasks.add(
        new Scheduler.Task(
            "planner",
            () -> {
              for (Map<String, List<String>> d : drafts) {
                publish(d);
              }
            }));
    for (String az : List.of("az-a", "az-b", "az-c")) {
      Enactor e = enactor(az, mode, 1 + r.nextInt(3));
      int passes = 1 + r.nextInt(2);
      tasks.add(
          new Scheduler.Task(
              az,
              () -> {
                for (int i = 0; i < passes; i++) {
                  e.applyOnce();
                }
              }));
    }
    if (r.nextBoolean()) {
      Enactor operator = enactor("operator", mode, 3);
      tasks.add(
          new Scheduler.Task(
              "repair",
              () -> {
                try {
                  operator.repair(DUAL);
                } catch (IllegalStateException | IllegalArgumentException nothingToRepairFrom) {
                  // the newest plan may be gone or lack the endpoint at this point of the race
                }
              }));
    }
    if (r.nextBoolean()) {
      tasks.add(new Scheduler.Task("import", () -> ZoneImporter.importText(ds, OLD_EXPORT, null)));
    }
    return scheduler.run(seed, tasks, checks);
  }

  /**
   * A plan: endpoint → addresses. Each family keeps a random non-empty subset; a buggy planner
   * (only when {@code faulty}) sometimes drops a family or writes a malformed address.
   */
  private static Map<String, List<String>> plan(Random r, boolean faulty) {
    List<String> dual = new ArrayList<>();
    dual.addAll(subset(r, DUAL_V4));
    dual.addAll(subset(r, DUAL_V6));
    if (faulty && r.nextInt(5) == 0) {
      dual.removeIf(a -> a.contains(":") == r.nextBoolean());
    }
    if (faulty && r.nextInt(20) == 0) {
      dual.add("192.0.2.300");
    }
    List<String> v4 = subset(r, V4_ONLY_V4);
    return Map.of(DUAL, dual, V4_ONLY, v4);
  }

  private static List<String> subset(Random r, List<String> all) {
    List<String> out = new ArrayList<>();
    for (String a : all) {
      if (r.nextBoolean()) {
        out.add(a);
      }
    }
    if (out.isEmpty()) {
      out.add(all.get(r.nextInt(all.size())));
    }
    return out;
  }

  /** Writes a plan as the planner does, on a connection of the calling actor. */
  private void publish(Map<String, List<String>> entries) throws SQLException {
    try (Connection c = ds.getConnection()) {
      Plans.publish(c, entries, Set.of());
    }
  }

  /** The state and the audit trail, for a report on a run that broke an invariant. */
  String diagnose() throws SQLException {
    StringBuilder out = new StringBuilder();
    for (String q :
        List.of(
            "SELECT 'plans ' || string_agg(generation::text, ',' ORDER BY generation) FROM plan",
            "SELECT 'rrset ' || name || ' ' || type || ' ' || rdata::text || ' @' ||"
                + " applied_generation FROM rrset WHERE applied_generation IS NOT NULL ORDER BY"
                + " name, type",
            "SELECT 'audit ' || id || ' ' || actor || ' ' || action || ' g=' ||"
                + " coalesce(generation::text, '-') || ' ' || coalesce(endpoint, '') || ' ' ||"
                + " coalesce(previous_generation::text, '-') || '->' ||"
                + " coalesce(new_generation::text, '-') || ' ' || coalesce(detail, '') FROM"
                + " audit_log ORDER BY id")) {
      try (PreparedStatement ps = observer.prepareStatement(q);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.append("\n  ").append(rs.getString(1));
        }
      }
    }
    return out.toString();
  }

  private Enactor enactor(String az, Mode mode, int keep) throws SQLException {
    return new Enactor(
        new EnactorSettings(az, mode, keep, 1000, 0), ds, new Faults(), new EnactorMetrics(), null);
  }

  /** Back to a zone with endpoints and targets and nothing planned, triggers bypassed. */
  private void reset(boolean guarded) throws Exception {
    try (Connection c = DbBootstrap.connect(db.settings());
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("SET LOCAL session_replication_role = replica");
      st.execute(
          "DELETE FROM audit_log; DELETE FROM enactor_status; DELETE FROM plan_entry;"
              + " DELETE FROM plan; DELETE FROM rrset WHERE applied_generation IS NOT NULL"
              + " OR name IN ('"
              + DUAL
              + "', '"
              + V4_ONLY
              + "', '_plan."
              + DUAL
              + "', '_plan."
              + V4_ONLY
              + "')");
      st.execute("UPDATE endpoint SET guarded = " + guarded);
      c.commit();
    }
    ZoneImporter.importText(db.settings(), ZONE, null);
  }

  private void sql(String sql) throws SQLException {
    try (Connection c = DbBootstrap.connect(db.settings());
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Override
  public void close() throws Exception {
    scheduler.close();
    ds.close();
    observer.close();
  }
}
