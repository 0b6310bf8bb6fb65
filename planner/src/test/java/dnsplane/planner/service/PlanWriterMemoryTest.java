package dnsplane.planner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.endpoint.EndpointRepository;
import dnsplane.db.endpoint.Endpoints;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.plan.PlanEntry;
import dnsplane.planner.store.Database;
import dnsplane.planner.store.PlanStore;
import dnsplane.planner.web.TestSupport;
import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PlanWriter remembers the plan it wrote last instead of reading it back: what it remembers must be
 * exactly what the database holds, and a plan written meanwhile by another planner must be read.
 */
@RequiresPostgres
class PlanWriterMemoryTest {

  private static ApplicationContext planner(TestDb db) {
    Map<String, Object> props = new HashMap<>(db.micronautProperties());
    props.put("dnsplane.planner.heartbeat", "0");
    props.put("dnsplane.planner.check.interval", "1h");
    return ApplicationContext.run(props);
  }

  /** Healthy, partly unhealthy, all unhealthy (fail open), deleted: every kind of entry. */
  private static void seed(TestDb db) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO endpoint (name, zone_id, ttl, deleted_at) SELECT n, z.id, 30, d FROM zone z,"
              + " (VALUES ('ok.aws.test.', NULL::timestamptz), ('part.aws.test.', NULL),"
              + " ('down.aws.test.', NULL), ('gone.aws.test.', now())) e(n, d)");
      st.execute(
          "INSERT INTO target (endpoint, address, weight, az, healthy) VALUES"
              + " ('ok.aws.test.', '192.0.2.1', 100, 'az-a', true),"
              + " ('ok.aws.test.', '2001:db8::1', 7, 'az-b', true),"
              + " ('part.aws.test.', '192.0.2.2', 100, 'az-a', true),"
              + " ('part.aws.test.', '192.0.2.3', 100, 'az-b', false),"
              + " ('down.aws.test.', '192.0.2.4', 100, 'az-a', false),"
              + " ('down.aws.test.', '2001:db8::4', 100, 'az-b', false)");
    }
  }

  /**
   * A PlanWriter of its own on the context's beans: the context's writer plans at start, on a
   * thread of its own, and would change what a shared one remembers while the test looks.
   */
  private static PlanWriter writer(ApplicationContext ctx) throws Exception {
    awaitStartPlan(ctx);
    return new PlanWriter(
        ctx.getBean(Database.class),
        ctx.getBean(dnsplane.planner.store.EndpointStore.class),
        ctx.getBean(PlanStore.class),
        ctx.getBean(dnsplane.planner.store.VelocityStore.class),
        ctx.getBean(dnsplane.planner.config.PlannerConfig.class),
        ctx.getBean(PlanWriteMetrics.class),
        ctx.getBean(dnsplane.planner.schedule.PlannerScheduler.class));
  }

  /** The context's evaluation at start writes the first plan (there are endpoints to publish). */
  private static void awaitStartPlan(ApplicationContext ctx) throws Exception {
    Database database = ctx.getBean(Database.class);
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (database.read(c -> dnsplane.db.plan.Plans.newestGeneration(c)).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the planner wrote no plan at start");
      }
      Thread.sleep(10); // polling the condition, with the deadline above
    }
  }

  private static Map<String, PlanEntry> stored(ApplicationContext ctx, long generation) {
    Map<String, PlanEntry> out = new HashMap<>();
    ctx.getBean(Database.class)
        .read(c -> ctx.getBean(PlanStore.class).get(c, generation))
        .orElseThrow()
        .entries()
        .forEach(e -> out.put(e.endpoint(), e));
    return out;
  }

  @Test
  void theRememberedPlanIsExactlyTheStoredOne() throws Exception {
    TestDb db = TestSupport.freshDatabaseWithZone();
    seed(db);
    try (ApplicationContext ctx = planner(db)) {
      PlanWriter writer = writer(ctx);
      Long g = writer.force("test").generation();
      assertNotNull(g);
      PlanWriter.PreviousPlan remembered = writer.remembered();
      assertEquals(g, remembered.generation());
      Map<String, PlanEntry> stored = stored(ctx, g);
      assertEquals(4, stored.size());
      assertTrue(stored.get("down.aws.test.").failOpen(), "the fixture has a fail-open entry");
      assertTrue(stored.get("gone.aws.test.").deleted(), "the fixture has a deletion entry");
      assertEquals(stored, remembered.entries());
      assertNull(writer.evaluate("nothing changed").generation());
    }
  }

  @Test
  void aPlanWrittenByAnotherPlannerIsReadNotTheRememberedOne() throws Exception {
    TestDb db = TestSupport.freshDatabaseWithZone();
    seed(db);
    try (ApplicationContext first = planner(db);
        ApplicationContext second = planner(db)) {
      PlanWriter a = writer(first);
      PlanWriter b = writer(second);
      long before = a.force("a").generation();
      // The other planner changes an endpoint and writes the plan for it.
      Long other =
          b.run(
                  "b",
                  false,
                  (c, now) -> {
                    try (Statement st = c.createStatement()) {
                      return st.executeUpdate(
                          "UPDATE target SET weight = 5 WHERE address = '192.0.2.1'");
                    }
                  })
              .generation();
      assertNotNull(other);
      assertTrue(other > before);
      // What a remembers (plan `before`) differs from the newest plan; compared with the newest,
      // nothing changed, so no plan is written.
      assertEquals(before, a.remembered().generation());
      assertNull(a.evaluate("after b").generation());
      assertEquals(other, a.remembered().generation());
      assertEquals(stored(first, other), a.remembered().entries());
    }
  }

  @Test
  void endpointsAndTargetsReadForPlanningAreTheRepositoryRows() throws Exception {
    TestDb db = TestSupport.freshDatabaseWithZone();
    seed(db);
    try (ApplicationContext ctx = planner(db)) {
      EndpointRepository repository = ctx.getBean(EndpointRepository.class);
      Database database = ctx.getBean(Database.class);
      assertEquals(
          database.read(c -> repository.liveAndDeleted()),
          database.read(Endpoints::liveAndDeleted));
      assertEquals(
          sorted(database.read(c -> repository.targets())),
          sorted(database.read(Endpoints::targets)));
    }
  }

  private static List<String> sorted(List<?> rows) {
    return rows.stream().map(Object::toString).sorted().toList();
  }
}
