package dnsplane.planner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.EndpointSpec;
import dnsplane.planner.endpoint.Target;
import dnsplane.planner.plan.PlanEntry;
import dnsplane.planner.store.Database;
import dnsplane.planner.store.EndpointStore;
import dnsplane.planner.store.PlanStore;
import dnsplane.planner.web.TestSupport;
import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A plan that follows one this planner wrote carries its unchanged entries over inside the
 * database: the rows must be exactly those the full insert writes for the same entries. And the
 * plan's read of targets, which leaves ordering to a cheaper comparator, orders them as {@link
 * EndpointSpec#compareAddresses} does.
 */
@RequiresPostgres
class PlanWriterCarryTest {

  private static ApplicationContext planner(TestDb db) {
    Map<String, Object> props = new HashMap<>(db.micronautProperties());
    props.put("dnsplane.planner.heartbeat", "0");
    props.put("dnsplane.planner.check.interval", "1h");
    return ApplicationContext.run(props);
  }

  /**
   * A PlanWriter of its own on the context's beans, once the context's writer has written its plan
   * at start (on a thread of its own, which would otherwise race this test's writer).
   */
  private static PlanWriter writer(ApplicationContext ctx) throws Exception {
    Database database = ctx.getBean(Database.class);
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (database.read(c -> dnsplane.db.plan.Plans.newestGeneration(c)).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the planner wrote no plan at start");
      }
      Thread.sleep(10); // polling the condition, with the deadline above
    }
    return new PlanWriter(
        database,
        ctx.getBean(EndpointStore.class),
        ctx.getBean(PlanStore.class),
        ctx.getBean(dnsplane.planner.store.VelocityStore.class),
        ctx.getBean(dnsplane.planner.config.PlannerConfig.class),
        ctx.getBean(PlanWriteMetrics.class),
        ctx.getBean(dnsplane.planner.schedule.PlannerScheduler.class));
  }

  /** Every kind of entry: healthy, partly unhealthy, all unhealthy (fail open), deleted. */
  private static void seed(TestDb db) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO endpoint (name, zone_id, ttl, deleted_at) SELECT n, z.id, 30, d FROM zone z,"
              + " (VALUES ('ok.aws.test.', NULL::timestamptz), ('part.aws.test.', NULL),"
              + " ('down.aws.test.', NULL), ('gone.aws.test.', now())) e(n, d)");
      st.execute(
          "INSERT INTO endpoint (name, zone_id) SELECT 'n' || i || '.aws.test.', z.id FROM zone z,"
              + " generate_series(1, 200) i");
      st.execute(
          "INSERT INTO target (endpoint, address, weight, az, healthy) VALUES"
              + " ('ok.aws.test.', '192.0.2.1', 100, 'az-a', true),"
              + " ('ok.aws.test.', '2001:db8::1', 7, 'az-b', true),"
              + " ('part.aws.test.', '192.0.2.2', 100, 'az-a', true),"
              + " ('part.aws.test.', '192.0.2.3', 100, 'az-b', false),"
              + " ('down.aws.test.', '192.0.2.4', 100, 'az-a', false),"
              + " ('down.aws.test.', '2001:db8::4', 100, 'az-b', false)");
      st.execute(
          "INSERT INTO target (endpoint, address, az) SELECT e.name, a.address::inet, a.az FROM"
              + " endpoint e, (VALUES ('198.51.100.1', 'az-a'), ('198.51.100.2', 'az-b'),"
              + " ('2001:db8::9', 'az-c')) a(address, az) WHERE e.name LIKE 'n%'");
    }
  }

  @Test
  void carriedPlansAreRowForRowWhatTheFullInsertWrites() throws Exception {
    TestDb db = TestSupport.freshDatabaseWithZone();
    seed(db);
    try (ApplicationContext ctx = planner(db)) {
      PlanWriter writer = writer(ctx);
      // The start plan was the context's writer's: this writer reads it, and writes in full.
      assertNotNull(writer.force("first").generation());
      assertTrue(writer.remembered().written());
      List<Long> carried = new ArrayList<>();
      carried.add(writer.force("heartbeat").generation());
      carried.add(
          writer
              .run(
                  "health",
                  false,
                  (c, now) -> {
                    try (Statement st = c.createStatement()) {
                      return st.executeUpdate(
                          "UPDATE target SET healthy = false, health_changed_at = now()"
                              + " WHERE endpoint IN ('n7.aws.test.', 'ok.aws.test.')"
                              + " AND family(address) = 6");
                    }
                  })
              .generation());
      carried.add(
          writer
              .run(
                  "weights",
                  false,
                  (c, now) -> {
                    try (Statement st = c.createStatement()) {
                      return st.executeUpdate(
                          "UPDATE target SET weight = 3 WHERE endpoint LIKE 'n1%.aws.test.'");
                    }
                  })
              .generation());
      // An endpoint row removed outright (not through a deletion plan) leaves plan 'from' with an
      // entry the next plan neither carries nor sends.
      Long dropped =
          writer
              .run(
                  "dropped",
                  false,
                  (c, now) -> {
                    try (Statement st = c.createStatement()) {
                      st.executeUpdate("DELETE FROM target WHERE endpoint = 'n3.aws.test.'");
                      return st.executeUpdate("DELETE FROM endpoint WHERE name = 'n3.aws.test.'");
                    }
                  })
              .generation();
      carried.add(dropped);
      Database database = ctx.getBean(Database.class);
      PlanStore plans = ctx.getBean(PlanStore.class);
      for (Long g : carried) {
        assertNotNull(g);
        List<PlanEntry> entries = database.read(c -> plans.get(c, g)).orElseThrow().entries();
        assertEquals(g.equals(dropped) ? 203 : 204, entries.size());
        long full = database.inTransaction(c -> plans.insert(c, "in full", entries));
        assertEquals(rows(db, full), rows(db, g), "plan " + g);
      }
      // The health change and the reweighing made plans that differ from their predecessors.
      assertFalse(rows(db, carried.get(0)).equals(rows(db, carried.get(1))));
      assertFalse(rows(db, carried.get(1)).equals(rows(db, carried.get(2))));
    }
  }

  @Test
  void targetsReadForPlanningAreTheRepositoryRows() throws Exception {
    TestDb db = TestSupport.freshDatabaseWithZone();
    seed(db);
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      // Sub-second health times, as the health checker writes them.
      st.execute(
          "UPDATE target SET health_changed_at = now() - random() * interval '1 day'"
              + " WHERE endpoint LIKE 'n1%'");
    }
    try (ApplicationContext ctx = planner(db)) {
      dnsplane.db.endpoint.EndpointRepository repository =
          ctx.getBean(dnsplane.db.endpoint.EndpointRepository.class);
      Database database = ctx.getBean(Database.class);
      // Twice: the second read runs the statement the server has prepared (binary results).
      for (int i = 0; i < 2; i++) {
        assertEquals(
            sorted(database.read(c -> repository.targets())),
            sorted(database.read(dnsplane.db.endpoint.Endpoints::targetsForPlanning)));
      }
    }
  }

  private static List<String> sorted(List<?> rows) {
    return rows.stream().map(Object::toString).sorted().toList();
  }

  @Test
  void targetsReadForPlanningAreInAddressOrder() throws Exception {
    TestDb db = TestSupport.freshDatabaseWithZone();
    List<String> addresses =
        new ArrayList<>(
            List.of(
                "10.0.0.9",
                "10.0.0.10",
                "9.255.255.255",
                "192.0.2.1",
                "255.255.255.255",
                "0.0.0.0",
                "128.0.0.1",
                "2001:db8::1",
                "2001:db8:1::",
                "::1",
                "fe80::1",
                "2001:db8::ffff",
                "::ffff:0:1.2.3.4"));
    Collections.shuffle(addresses, new Random(11));
    try (Connection c = db.connect()) {
      try (Statement st = c.createStatement()) {
        st.execute(
            "INSERT INTO endpoint (name, zone_id) SELECT 'order.aws.test.', id FROM zone"
                + " WHERE name = 'aws.test.'");
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO target (endpoint, address, az) VALUES ('order.aws.test.', ?::inet,"
                  + " 'az-a')")) {
        for (String a : addresses) {
          ps.setString(1, a);
          ps.executeUpdate();
        }
      }
      List<Endpoint> read = new EndpointStore(null).allForPlanning(c);
      List<String> got = read.get(0).targets().stream().map(Target::address).toList();
      List<String> expected = new ArrayList<>(got);
      expected.sort(EndpointSpec::compareAddresses);
      assertEquals(addresses.size(), got.size());
      assertEquals(expected, got);
    }
  }

  /** A plan's rows as PostgreSQL stores them, every column but the generation, by endpoint. */
  private static List<String> rows(TestDb db, long generation) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT endpoint, ttl, fail_open, addresses::text, fail_open_families::text,"
                    + " held::text, deleted FROM plan_entry WHERE generation = ? ORDER BY"
                    + " endpoint")) {
      ps.setLong(1, generation);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          StringBuilder b = new StringBuilder();
          for (int i = 1; i <= 7; i++) {
            b.append(rs.getString(i)).append('|');
          }
          out.add(b.toString());
        }
      }
    }
    return out;
  }
}
