package dnsplane.planner.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.Transactions;
import dnsplane.db.retention.PrunedTable;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.planner.retention.Pruner.Pass;
import dnsplane.planner.store.Database;
import dnsplane.planner.web.TestSupport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Pruning passes against a real PostgreSQL: change_log rows are produced by rrset writes (the
 * schema's triggers), their ages set afterwards; audit_log rows are inserted as the enactors insert
 * them, with explicit times. Small batches make every pass take several.
 */
@RequiresPostgres
class RetentionDbTest {

  private static final Duration WEEK = Duration.ofDays(7);
  private static final int BATCH = 7;
  private static final int UNBOUNDED = Integer.MAX_VALUE;

  @Test
  void changeLogRowsOlderThanTheAgeLimitGoOldestFirst() throws SQLException {
    TestDb db = changeLogOf100();
    age(db, 1, 60, "8 days");
    age(db, 61, 100, "1 hour");

    Pass pass =
        pruner(db)
            .prune(
                PrunedTable.CHANGE_LOG,
                new RetentionLimits(WEEK, 0, 10),
                BATCH,
                UNBOUNDED,
                () -> false);

    assertEquals("61..100", keys(db, "change_log", "seq"));
    assertEquals(60, pass.deleted());
    assertEquals(9, pass.batches(), "60 keys in batches of 7");
    assertEquals(1, pass.first());
    assertEquals(60, pass.last());
    Pass again =
        pruner(db)
            .prune(
                PrunedTable.CHANGE_LOG,
                new RetentionLimits(WEEK, 0, 10),
                BATCH,
                UNBOUNDED,
                () -> false);
    assertEquals(0, again.deleted(), "a second pass finds nothing more");
    assertEquals(100, counter(db), "the counter is untouched");
  }

  @Test
  void theNewestMinRowsAlwaysStayHoweverOld() throws SQLException {
    TestDb db = changeLogOf100();
    age(db, 1, 100, "30 days");

    pruner(db)
        .prune(
            PrunedTable.CHANGE_LOG,
            new RetentionLimits(WEEK, 50, 10),
            BATCH,
            UNBOUNDED,
            () -> false);
    assertEquals(
        "91..100",
        keys(db, "change_log", "seq"),
        "age and count would take all; min-rows keeps 10");

    pruner(db)
        .prune(
            PrunedTable.CHANGE_LOG, new RetentionLimits(WEEK, 1, 1), BATCH, UNBOUNDED, () -> false);
    assertEquals("100", keys(db, "change_log", "seq"), "min-rows 1: the newest row stays");
  }

  @Test
  void rowsBeyondTheNewestMaxRowsGoWhateverTheirAge() throws SQLException {
    TestDb db = changeLogOf100();
    age(db, 1, 100, "1 minute");

    Pass pass =
        pruner(db)
            .prune(
                PrunedTable.CHANGE_LOG,
                new RetentionLimits(WEEK, 30, 10),
                BATCH,
                UNBOUNDED,
                () -> false);

    assertEquals("71..100", keys(db, "change_log", "seq"));
    assertEquals(70, pass.deleted());
  }

  @Test
  void theAgeRuleStopsAtTheFirstRowThatIsNotOldEnough() throws SQLException {
    TestDb db = changeLogOf100();
    // committed_at is the writer's transaction start, so a long transaction can commit a younger
    // row before older ones: those older ones stay until the younger one ages out too.
    age(db, 1, 30, "8 days");
    age(db, 31, 31, "6 days");
    age(db, 32, 40, "8 days");
    age(db, 41, 100, "1 hour");

    pruner(db)
        .prune(
            PrunedTable.CHANGE_LOG,
            new RetentionLimits(WEEK, 0, 10),
            BATCH,
            UNBOUNDED,
            () -> false);

    assertEquals("31..100", keys(db, "change_log", "seq"));
  }

  @Test
  void aPassDoesAtMostItsBatchBudgetAndTheNextOneGoesOn() throws SQLException {
    TestDb db = changeLogOf100();
    age(db, 1, 100, "8 days");
    Pruner pruner = pruner(db);
    RetentionLimits limits = new RetentionLimits(WEEK, 0, 10);

    assertEquals(21, pruner.prune(PrunedTable.CHANGE_LOG, limits, BATCH, 3, () -> false).deleted());
    assertEquals("22..100", keys(db, "change_log", "seq"));
    assertEquals(
        0,
        pruner.prune(PrunedTable.CHANGE_LOG, limits, BATCH, UNBOUNDED, () -> true).deleted(),
        "stopping: no batch");
    assertEquals(
        69, pruner.prune(PrunedTable.CHANGE_LOG, limits, BATCH, UNBOUNDED, () -> false).deleted());
    assertEquals("91..100", keys(db, "change_log", "seq"));
  }

  @Test
  void auditLogByAgeAndCountAcrossAGapInIds() throws SQLException {
    TestDb db = TestSupport.freshDatabaseWithZone();
    audit(db, 50, "100 days"); // ids 1..50
    sql(
        db,
        "SELECT nextval('audit_log_id_seq') FROM generate_series(1, 5)"); // ids 51..55 never used
    audit(db, 50, "1 day"); // ids 56..105
    sql(db, "UPDATE audit_log SET at = now() - interval '1 day' WHERE id BETWEEN 46 AND 50");

    // Count: ids more than 60 below the newest (105) go: 1..45. Age: 46..50 are young, so it stops.
    Pass pass =
        pruner(db)
            .prune(
                PrunedTable.AUDIT_LOG,
                new RetentionLimits(Duration.ofDays(90), 60, 1),
                BATCH,
                UNBOUNDED,
                () -> false);

    assertEquals("46..50,56..105", keys(db, "audit_log", "id"));
    assertEquals(45, pass.deleted());

    sql(db, "UPDATE audit_log SET at = now() - interval '100 days' WHERE id <= 60");
    pruner(db)
        .prune(
            PrunedTable.AUDIT_LOG,
            new RetentionLimits(Duration.ofDays(90), 0, 1),
            BATCH,
            UNBOUNDED,
            () -> false);
    assertEquals("61..105", keys(db, "audit_log", "id"), "the gap 51..55 is skipped, not a stop");
  }

  @Test
  void aWriterHoldingTheCounterLockIsNotBlockedByAPass() throws Exception {
    TestDb db = changeLogOf100();
    age(db, 1, 100, "8 days");
    try (Connection writer = db.connect();
        Connection probe = db.connect()) {
      writer.setAutoCommit(false);
      try (Statement st = writer.createStatement()) {
        // The rrset triggers lock change_log_counter FOR UPDATE and append seq 101, uncommitted.
        assertEquals(1, st.executeUpdate("UPDATE rrset SET ttl = 61 WHERE name = 'h1.aws.test.'"));
      }
      try (Statement st = probe.createStatement()) {
        SQLException held =
            assertThrows(
                SQLException.class,
                () -> st.executeQuery("SELECT 1 FROM change_log_counter FOR UPDATE NOWAIT"));
        assertEquals(
            "55P03", held.getSQLState(), "the writer holds the counter lock: " + held.getMessage());
      }

      // A pass that took the counter lock would wait for the writer: its lock_timeout (1 s) would
      // fail it, or the deadline here would.
      Pruner pruner = pruner(db);
      Pass pass =
          CompletableFuture.supplyAsync(
                  () ->
                      pruner.prune(
                          PrunedTable.CHANGE_LOG,
                          new RetentionLimits(WEEK, 0, 10),
                          BATCH,
                          UNBOUNDED,
                          () -> false))
              .get(30, TimeUnit.SECONDS);
      assertEquals(90, pass.deleted(), "the newest 10 committed rows stay");
      assertFalse(writer.isClosed());

      writer.commit();
    }
    assertEquals("91..101", keys(db, "change_log", "seq"));
    assertEquals(
        "set h1.aws.test. 61",
        query(db, "SELECT concat_ws(' ', op, name, ttl) FROM change_log WHERE seq = 101"));
    assertEquals(101, counter(db));
  }

  @Test
  void limitsOffDeleteNothing() throws SQLException {
    TestDb db = changeLogOf100();
    age(db, 1, 100, "1000 days");
    Pass pass =
        pruner(db)
            .prune(
                PrunedTable.CHANGE_LOG, RetentionLimits.keepAll(1), BATCH, UNBOUNDED, () -> false);
    assertEquals(0, pass.deleted());
    assertEquals("1..100", keys(db, "change_log", "seq"));
  }

  /**
   * A fresh database whose change_log holds seq 1..100: the zone, then 99 rrsets in one statement.
   */
  private static TestDb changeLogOf100() throws SQLException {
    TestDb db = TestSupport.freshDatabaseWithZone();
    sql(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata)"
            + " SELECT (SELECT id FROM zone), 'h' || i || '.aws.test.', 'TXT', 60, ARRAY['\"x\"']"
            + " FROM generate_series(1, 99) i ORDER BY i");
    assertEquals("1..100", keys(db, "change_log", "seq"));
    assertTrue(query(db, "SELECT name FROM change_log WHERE seq = 100").startsWith("h"));
    return db;
  }

  private static Pruner pruner(TestDb db) {
    return new Pruner(new RetentionStore(new Database(Transactions.over(db.dataSource()))));
  }

  private static void age(TestDb db, long from, long to, String age) throws SQLException {
    sql(
        db,
        "UPDATE change_log SET committed_at = now() - interval '"
            + age
            + "' WHERE seq BETWEEN "
            + from
            + " AND "
            + to);
  }

  private static void audit(TestDb db, int rows, String age) throws SQLException {
    sql(
        db,
        "INSERT INTO audit_log (at, actor, action) SELECT now() - interval '"
            + age
            + "', 'az-a', 'write'"
            + " FROM generate_series(1, "
            + rows
            + ")");
  }

  private static long counter(TestDb db) {
    return Long.parseLong(query(db, "SELECT last_seq FROM change_log_counter"));
  }

  /** The keys present, as ranges: "1..40,45". */
  static String keys(TestDb db, String table, String key) throws SQLException {
    List<String> ranges = new ArrayList<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + key + " FROM " + table + " ORDER BY " + key)) {
      long start = -1;
      long prev = -1;
      while (rs.next()) {
        long k = rs.getLong(1);
        if (start < 0) {
          start = k;
        } else if (k != prev + 1) {
          ranges.add(range(start, prev));
          start = k;
        }
        prev = k;
      }
      if (start >= 0) {
        ranges.add(range(start, prev));
      }
    }
    return String.join(",", ranges);
  }

  private static String range(long a, long b) {
    return a == b ? Long.toString(a) : a + ".." + b;
  }

  private static void sql(TestDb db, String sql) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static String query(TestDb db, String sql) {
    return TestSupport.query(db, sql);
  }
}
