package dnsplane.db;

import static dnsplane.db.testing.Sql.column;
import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dnsplane.db.testing.OlderSchema;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * rrset_generation_ref (V10) stands in for the dropped index on rrset.applied_generation: after any
 * mix of inserts, updates, upserts, deletes, a zone's cascading deletion, and statements,
 * savepoints and transactions rolled back, it holds exactly one row per generation some rrset
 * holds, with the number of rows that hold it, as seen both inside the writing transaction and by
 * everyone after it commits. Concurrent writers count in turn, and a plan delete sees a plan held
 * until the write that leaves it commits.
 */
@RequiresPostgres
class RrsetGenerationRefTest {

  private static final String TRUTH =
      "SELECT applied_generation || ':' || count(*) FROM rrset"
          + " WHERE applied_generation IS NOT NULL GROUP BY applied_generation ORDER BY 1";
  private static final String COUNTED =
      "SELECT generation || ':' || rrsets FROM rrset_generation_ref ORDER BY 1";

  @Test
  void countsExactlyTheGenerationsRrsetsHold() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    Random r = new Random(11L);
    try (Connection c = db.connect()) {
      try (Statement st = c.createStatement()) {
        st.execute("INSERT INTO zone (name) VALUES ('a.test.'), ('b.test.')");
      }
      c.setAutoCommit(false);
      int checks = 0;
      for (int step = 0; step < 400; step++) {
        Savepoint sp = r.nextInt(5) == 0 ? c.setSavepoint() : null;
        try (Statement st = c.createStatement()) {
          st.execute(statement(r));
        } catch (SQLException e) {
          // Refused by the schema (a tombstone, a duplicate): the transaction is rolled back.
          c.rollback();
          continue;
        }
        if (sp != null && r.nextBoolean()) {
          c.rollback(sp);
        }
        assertEquals(column(c, TRUTH), column(c, COUNTED), "in the transaction, step " + step);
        checks++;
        switch (r.nextInt(4)) {
          case 0 -> c.rollback();
          case 1, 2 -> c.commit();
          default -> {}
        }
        try (Connection other = db.connect()) {
          assertEquals(column(other, TRUTH), column(other, COUNTED), "committed, step " + step);
        }
      }
      c.commit();
      assertTrue(checks > 200, "statements that went through: " + checks);
      assertTrue(column(c, COUNTED).size() > 1, "several generations held at the end");
      try (Statement st = c.createStatement()) {
        st.execute("DELETE FROM zone WHERE name = 'a.test.'");
      }
      assertEquals(column(c, TRUTH), column(c, COUNTED), "after a zone's deletion");
      c.commit();
    }
  }

  /** The migration counts the rows a database already holds. */
  @Test
  void theMigrationCountsWhatIsThere() throws Exception {
    TestDb server = TestPostgres.freshDatabase();
    try (OlderSchema older = OlderSchema.at(server, "9")) {
      try (Connection c = DbBootstrap.connect(older.settings());
          Statement st = c.createStatement()) {
        st.execute("INSERT INTO zone (name) VALUES ('a.test.')");
        st.execute(
            "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
                + " SELECT z.id, 'n' || i || '.a.test.', t, 60, '{}', nullif(i % 4, 0)"
                + " FROM zone z, generate_series(1, 50) i, unnest(ARRAY['A', 'TXT']) t");
      }
      Flyway.configure()
          .dataSource(
              older.settings().jdbcUrl(), older.settings().user(), older.settings().password())
          .locations("classpath:db/migration")
          .load()
          .migrate();
      try (Connection c = DbBootstrap.connect(older.settings())) {
        assertEquals(List.of("1:26", "2:26", "3:24"), column(c, COUNTED));
        assertEquals(column(c, TRUTH), column(c, COUNTED));
      }
    }
  }

  /**
   * Two writers of the same generation: the second waits for the first (the change-log lock) before
   * it counts, and each count is the committed one plus its own, whichever commits or rolls back.
   */
  @Test
  void twoWritersOfOneGenerationCountInTurn() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    exec(db, "INSERT INTO zone (name) VALUES ('a.test.')");
    exec(db, "INSERT INTO plan (generation) VALUES (1), (2)");
    String rows =
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation) SELECT z.id,"
            + " 'n' || i || '.a.test.', 'A', 60, '{192.0.2.1}', 1 FROM zone z,"
            + " generate_series(?::int, ?::int) i";
    try (Connection first = db.connect();
        Connection second = db.connect()) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      exec(first, rows, 1, 3);
      long pid = longValue(second, "SELECT pg_backend_pid()");
      CompletableFuture<Integer> late =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return exec(second, rows, 11, 15);
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      awaitWaitingOnALock(db, pid, late);
      first.rollback();
      assertEquals(5, late.get(30, TimeUnit.SECONDS));
      assertEquals(List.of("1:5"), column(second, COUNTED));
      second.commit();
      exec(first, rows, 1, 3);
      assertEquals(List.of("1:8"), column(first, COUNTED));
      first.commit();
      assertEquals(column(first, TRUTH), column(first, COUNTED));
    }
  }

  /**
   * A write that moves a plan's last rows to a newer plan, not yet committed, leaves the older plan
   * referenced for everyone else: a plan delete of it is refused (as V9 refused it, from the rows),
   * without waiting; once the write commits, the delete goes through.
   */
  @Test
  void aPlanLeftByAnUncommittedWriteStaysHeldUntilItCommits() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    exec(db, "INSERT INTO zone (name) VALUES ('a.test.')");
    exec(db, "INSERT INTO endpoint (name, zone_id) SELECT 'g.a.test.', id FROM zone");
    exec(db, "INSERT INTO plan (generation) VALUES (1), (2)");
    exec(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
            + " SELECT id, 'g.a.test.', 'A', 60, '{192.0.2.1}', 1 FROM zone");
    try (Connection writer = db.connect();
        Connection cleaner = db.connect()) {
      writer.setAutoCommit(false);
      exec(writer, "UPDATE rrset SET applied_generation = 2 WHERE name = 'g.a.test.'");
      assertEquals(List.of("2:1"), column(writer, COUNTED));
      SQLException refused =
          assertThrows(
              SQLException.class, () -> exec(cleaner, "DELETE FROM plan WHERE generation = 1"));
      assertEquals("23503", refused.getSQLState(), refused.getMessage());
      writer.commit();
      assertEquals(1, exec(cleaner, "DELETE FROM plan WHERE generation = 1"));
      assertEquals(List.of("2:1"), column(cleaner, COUNTED));
    }
  }

  private static void awaitWaitingOnALock(TestDb db, long pid, CompletableFuture<?> statement)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (Connection observer = db.connect()) {
      while (System.nanoTime() < deadline) {
        if (statement.isDone()) {
          fail("the second writer did not wait for the first");
        }
        if (longValue(
                observer,
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND wait_event_type = 'Lock'",
                pid)
            == 1) {
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
    }
    fail("the second writer neither finished nor waited on a lock within 20 s");
  }

  /** A random write of rrset: names n0..n19 in two zones, generations 1..6 or none. */
  private static String statement(Random r) {
    String zone = r.nextBoolean() ? "a.test." : "b.test.";
    String type = List.of("A", "AAAA", "TXT").get(r.nextInt(3));
    String rdata =
        switch (type) {
          case "A" -> "{192.0.2." + r.nextInt(5) + "}";
          case "AAAA" -> "{2001:db8::" + r.nextInt(5) + "}";
          default -> "{x" + r.nextInt(3) + "}";
        };
    String g = r.nextInt(6) == 0 ? "NULL" : Integer.toString(1 + r.nextInt(6));
    int from = r.nextInt(20);
    int to = from + r.nextInt(6);
    String values =
        "SELECT z.id, 'n' || i || '."
            + zone
            + "', '"
            + type
            + "', 60, '"
            + rdata
            + "'::text[], "
            + g
            + " FROM zone z, generate_series("
            + from
            + ", "
            + to
            + ") i WHERE z.name = '"
            + zone
            + "'";
    return switch (r.nextInt(6)) {
      case 0 ->
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation) "
              + values
              + " ON CONFLICT DO NOTHING";
      case 1, 2 ->
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation) "
              + values
              + " ON CONFLICT (zone_id, name, type) DO UPDATE SET rdata = EXCLUDED.rdata,"
              + " applied_generation = EXCLUDED.applied_generation WHERE rrset.applied_generation"
              + " IS NULL OR EXCLUDED.applied_generation IS NOT NULL";
      case 3 ->
          "UPDATE rrset SET applied_generation = "
              + (1 + r.nextInt(6))
              + " WHERE applied_generation IS NOT NULL AND name LIKE 'n"
              + r.nextInt(10)
              + "%'";
      case 4 -> "UPDATE rrset SET ttl = ttl + 1 WHERE type = '" + type + "'";
      default ->
          "DELETE FROM rrset WHERE applied_generation IS NULL AND name LIKE 'n"
              + r.nextInt(10)
              + "%'";
    };
  }
}
