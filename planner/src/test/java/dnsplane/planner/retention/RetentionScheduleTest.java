package dnsplane.planner.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.web.Api;
import dnsplane.planner.web.TestSupport;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The planner runs retention by itself on its interval, counts it in /metrics, and refuses bad
 * settings at start.
 */
@RequiresPostgres
class RetentionScheduleTest {

  @Test
  void thePlannerPrunesBothTablesOnItsIntervalAndCountsIt() {
    TestDb db = TestSupport.freshDatabaseWithZone();
    TestSupport.update(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT (SELECT id FROM zone), 'h' || i"
            + " || '.aws.test.', 'TXT', 60, ARRAY['\"x\"'] FROM generate_series(1, 39) i");
    TestSupport.update(db, "UPDATE change_log SET committed_at = now() - interval '8 days'");
    TestSupport.update(
        db,
        "INSERT INTO audit_log (at, actor, action)"
            + " SELECT now() - interval '91 days', 'az-a', 'write' FROM generate_series(1, 30)");

    Map<String, Object> props = new HashMap<>(db.micronautProperties());
    props.put("micronaut.server.port", -1);
    props.put("dnsplane.planner.heartbeat", "0");
    props.put("dnsplane.planner.check.interval", "1h");
    props.put("dnsplane.planner.retention.interval", "100ms");
    props.put("dnsplane.planner.retention.batch-size", "8");
    props.put("dnsplane.planner.retention.change-log.min-rows", "5");
    props.put("dnsplane.planner.retention.audit-log.min-rows", "2");
    try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
      Api api =
          new Api(server.getURI(), server.getApplicationContext().getBean(JsonMapper.class), null);
      Await.until(
          "both tables pruned and counted",
          Duration.ofSeconds(30),
          () -> {
            String metrics = api.get("/metrics").body();
            return metrics.contains(
                    "dnsplane_planner_retention_pruned_rows_total{table=\"change_log\"} 35\n")
                && metrics.contains(
                    "dnsplane_planner_retention_pruned_rows_total{table=\"audit_log\"} 28\n");
          });
      assertEquals(
          "36,40",
          TestSupport.query(db, "SELECT concat_ws(',', min(seq), max(seq)) FROM change_log"));
      assertEquals(
          "29,30", TestSupport.query(db, "SELECT concat_ws(',', min(id), max(id)) FROM audit_log"));
      assertTrue(
          api.get("/metrics")
              .body()
              .contains("dnsplane_planner_retention_failures_total{table=\"change_log\"} 0\n"));
    }
  }

  @Test
  void aBadSettingStopsTheStartNamingIt() {
    TestDb db = TestSupport.freshDatabaseWithZone();
    Map<String, Object> props = new HashMap<>(db.micronautProperties());
    props.put("micronaut.server.port", -1);
    props.put("dnsplane.planner.retention.change-log.max-rows", "a lot");
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> ApplicationContext.run(EmbeddedServer.class, props).close());
    assertTrue(
        messages(e)
            .contains(
                "dnsplane.planner.retention.change-log.max-rows"
                    + " (DNSPLANE_PLANNER_RETENTION_CHANGE_LOG_MAX_ROWS) must be a whole number or"
                    + " 0/off, got 'a lot'"),
        messages(e));
  }

  private static String messages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append('\n');
    }
    return b.toString();
  }
}
