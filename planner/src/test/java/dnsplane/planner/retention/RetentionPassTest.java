package dnsplane.planner.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dnsplane.db.Transactions;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.store.Database;
import dnsplane.planner.web.PlannerMetrics;
import dnsplane.planner.web.TestSupport;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A whole pass over both tables: one log line per table it deleted from, and the rows counted. */
@RequiresPostgres
class RetentionPassTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(Retention.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private Level before;

  @BeforeEach
  void capture() {
    before = logger.getLevel();
    logger.setLevel(Level.INFO);
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void release() {
    logger.detachAppender(lines);
    logger.setLevel(before);
  }

  @Test
  void aPassLogsAndCountsWhatItDeletedAndStaysQuietOtherwise() {
    TestDb db = TestSupport.freshDatabaseWithZone();
    TestSupport.update(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT (SELECT id FROM zone), 'h' || i"
            + " || '.aws.test.', 'TXT', 60, ARRAY['\"x\"'] FROM generate_series(1, 19) i");
    TestSupport.update(db, "UPDATE change_log SET committed_at = now() - interval '8 days'");
    TestSupport.update(
        db,
        "INSERT INTO audit_log (actor, action) SELECT 'az-a', 'write' FROM generate_series(1, 5)");
    PlannerMetrics metrics = new PlannerMetrics();
    // change_log: seq 1..20, all older than 7 days, min 5: 1..15 go. audit_log: 5 fresh rows, under
    // every limit.
    RetentionConfig config =
        new RetentionConfig(
            new RetentionProperties(
                "60s",
                "4",
                new RetentionProperties.ChangeLog("7d", "1000000", "5"),
                new RetentionProperties.AuditLog("90d", "1000000", "1")));
    Retention retention =
        new Retention(
            new RetentionStore(new Database(Transactions.over(db.dataSource()))), config, metrics);

    retention.runPass(() -> false);

    List<String> logged = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(
        List.of("retention: pruned 15 rows of change_log (seq 1..15) in 4 batches, "),
        logged.stream().map(l -> l.replaceAll("\\d+ ms.*", "")).toList(),
        logged.toString());
    assertTrue(logged.get(0).endsWith("(max-age 7d, max-rows 1000000, min-rows 5)"), logged.get(0));
    assertEquals(15, metrics.rowsPruned("change_log"));
    assertEquals(0, metrics.rowsPruned("audit_log"));
    String rendered = metrics.render();
    assertTrue(
        rendered.contains(
            "dnsplane_planner_retention_pruned_rows_total{table=\"audit_log\"} 0\n"
                + "dnsplane_planner_retention_pruned_rows_total{table=\"change_log\"} 15\n"),
        rendered);

    lines.list.clear();
    retention.runPass(() -> false);
    assertEquals(List.of(), lines.list, "a pass that deletes nothing logs nothing");
    assertEquals(15, metrics.rowsPruned("change_log"));
    assertEquals("16..20", keysOf(db));
  }

  @Test
  void aTableLockedByDdlFailsItsPassQuicklyAndTheOtherTableIsStillPruned() throws Exception {
    TestDb db = TestSupport.freshDatabaseWithZone();
    TestSupport.update(db, "UPDATE change_log SET committed_at = now() - interval '8 days'");
    TestSupport.update(
        db,
        "INSERT INTO audit_log (at, actor, action)"
            + " SELECT now() - interval '100 days', 'az-a', 'write' FROM generate_series(1, 5)");
    PlannerMetrics metrics = new PlannerMetrics();
    Retention retention =
        new Retention(
            new RetentionStore(new Database(Transactions.over(db.dataSource()))),
            new RetentionConfig(
                new RetentionProperties(
                    "60s",
                    "10",
                    new RetentionProperties.ChangeLog("7d", "off", "1"),
                    new RetentionProperties.AuditLog("90d", "off", "1"))),
            metrics);
    try (Connection ddl = db.connect();
        Statement st = ddl.createStatement()) {
      ddl.setAutoCommit(false);
      st.execute(
          "LOCK TABLE change_log IN ACCESS EXCLUSIVE MODE"); // as a migration's ALTER TABLE would

      try {
        // Without its lock_timeout the pass would wait for the DDL's transaction, past this
        // deadline.
        CompletableFuture.runAsync(() -> retention.runPass(() -> false)).get(20, TimeUnit.SECONDS);
      } finally {
        ddl.rollback();
      }
    }
    assertTrue(
        metrics
            .render()
            .contains("dnsplane_planner_retention_failures_total{table=\"change_log\"} 1\n"),
        metrics.render());
    assertEquals(
        4, metrics.rowsPruned("audit_log"), "audit_log pruned to its newest row all the same");
    assertEquals("5", TestSupport.query(db, "SELECT string_agg(id::text, ',') FROM audit_log"));
  }

  @Test
  void durationsAreLoggedAsTheSettingsSpellThem() {
    assertEquals("7d", Retention.spelled(Duration.ofDays(7)));
    assertEquals("36h", Retention.spelled(Duration.ofHours(36)));
    assertEquals("90m", Retention.spelled(Duration.ofMinutes(90)));
    assertEquals("61s", Retention.spelled(Duration.ofSeconds(61)));
    assertEquals("1500ms", Retention.spelled(Duration.ofMillis(1500)));
  }

  private static String keysOf(TestDb db) {
    return TestSupport.query(db, "SELECT min(seq) || '..' || max(seq) FROM change_log");
  }
}
