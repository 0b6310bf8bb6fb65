package dnsplane.db.plan;

import static dnsplane.db.testing.Sql.column;
import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.testing.OlderSchema;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.util.PSQLException;

/**
 * V11 replaced plan_entry's foreign key to plan with checks per statement. Its two rules must hold
 * as before: no entry without its plan, and deleting a plan (once plan_delete_guard let it go)
 * deletes its entries. Statement by statement the schema accepts and refuses what the one before
 * V11 did; and a plan deleted while entries are being inserted, by two connections interleaved,
 * leaves no entry behind.
 */
@RequiresPostgres
class PlanReferenceSchemaTest {

  private static final String ENTRY_COLUMNS = "plan_entry (generation, endpoint, ttl, addresses)";

  private TestDb db;

  @BeforeEach
  void fresh() {
    db = TestPostgres.freshDatabase();
  }

  /** Entry values of {@code generation} for each endpoint label (a. b. ...aws.test.). */
  private static String entries(long generation, String... labels) {
    List<String> rows = new ArrayList<>();
    for (String label : labels) {
      rows.add("(" + generation + ", '" + label + ".aws.test.', 60, '[]')");
    }
    return "INSERT INTO " + ENTRY_COLUMNS + " VALUES " + String.join(", ", rows);
  }

  private static String plan(long generation) {
    return "INSERT INTO plan (generation) VALUES (" + generation + ")";
  }

  /** Transactions, each a list of statements: committed when all succeed, else rolled back. */
  private static final List<List<String>> SCRIPT =
      List.of(
          List.of(
              "INSERT INTO zone (name) VALUES ('aws.test.')",
              "INSERT INTO endpoint (name, zone_id) SELECT 'a.aws.test.', id FROM zone",
              "INSERT INTO target (endpoint, address, az) VALUES ('a.aws.test.', '192.0.2.1',"
                  + " 'az-a')"),
          List.of(plan(1), entries(1, "a", "b", "c")),
          List.of(plan(2), entries(2, "a", "b")),
          // No plan 3 at all.
          List.of(entries(3, "a")),
          // Plan 1 exists, but this transaction did not create it.
          List.of(entries(1, "d")),
          // One statement, entries of this transaction's plan and of a plan that does not exist.
          List.of(plan(4), entries(4, "a") + ", (5, 'a.aws.test.', 60, '[]')"),
          // ... and of a plan another transaction created.
          List.of(plan(6), entries(6, "a") + ", (1, 'd.aws.test.', 60, '[]')"),
          // A plan deleted earlier in the same transaction takes no entries.
          List.of(plan(7), "DELETE FROM plan WHERE generation = 7", entries(7, "a")),
          // A plan deleted after its entries in the same transaction takes them with it.
          List.of(plan(8), entries(8, "a", "b"), "DELETE FROM plan WHERE generation = 8"),
          List.of(plan(9), entries(9, "a"), "DELETE FROM plan WHERE generation = 9", plan(9)),
          List.of("DELETE FROM plan_entry WHERE generation = 1"),
          List.of("DELETE FROM plan_entry WHERE generation = 1 AND endpoint = 'a.aws.test.'"),
          List.of("UPDATE plan_entry SET generation = 99 WHERE generation = 1"),
          List.of("UPDATE plan SET generation = 99 WHERE generation = 1"),
          List.of("TRUNCATE plan_entry"),
          List.of("TRUNCATE plan CASCADE"),
          // The guarded endpoint's A rrset holds plan 2: plan_delete_guard refuses its deletion,
          // alone or with another plan, and none of their entries go.
          List.of(
              "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
                  + " SELECT id, 'a.aws.test.', 'A', 60, '{192.0.2.1}', 2 FROM zone"),
          List.of("DELETE FROM plan WHERE generation = 2"),
          List.of("DELETE FROM plan WHERE generation IN (1, 2)"),
          List.of("DELETE FROM plan WHERE generation = 1"),
          List.of(plan(10), entries(10, "a", "b"), plan(11), entries(11, "c")),
          List.of("DELETE FROM plan WHERE generation IN (10, 11, 12)"),
          // Moving the rrset on lets plan 2 go, with its entries.
          List.of(
              plan(13),
              entries(13, "a"),
              "UPDATE rrset SET applied_generation = 13 WHERE name = 'a.aws.test.'"),
          List.of("DELETE FROM plan WHERE generation = 2"));

  @Test
  void acceptsAndRefusesExactlyWhatTheForeignKeyAndTheGuardsDidBeforeV11() throws Exception {
    try (OlderSchema older = OlderSchema.at(db, Long.toString(versionBefore(11)))) {
      List<String> before = run(older.settings());
      List<String> after = run(db.settings());
      assertTrue(
          before.contains("3: 23503 plan_entry_generation_fkey"),
          "the script inserts an entry without its plan: " + before);
      assertTrue(before.contains("18: 23503 null"), "plan_delete_guard refuses: " + before);
      assertEquals(before, after);
      // TRUNCATE plan without CASCADE is refused by both, for another reason (see V11).
      assertEquals("0A000", truncatePlan(older.settings()));
      assertEquals("23514", truncatePlan(db.settings()));
      // What the script leaves: plan 13's entry and plan 9 (re-created, without entries).
      assertEquals(List.of("plan 9", "plan 13", "entry 13 a.aws.test."), rows(db.settings()));
    }
  }

  private static String truncatePlan(DbSettings settings) throws SQLException {
    try (Connection c = DbBootstrap.connect(settings);
        Statement st = c.createStatement()) {
      st.execute("TRUNCATE plan");
      return "ok";
    } catch (SQLException e) {
      return e.getSQLState();
    }
  }

  /** The newest migration below {@code version} that the newest schema applied. */
  private long versionBefore(int version) throws SQLException {
    try (Connection c = db.connect()) {
      return longValue(
          c,
          "SELECT max(version::int) FROM flyway_schema_history WHERE success"
              + " AND version ~ '^[0-9]+$' AND version::int < ?",
          version);
    }
  }

  /**
   * Runs {@link #SCRIPT}; returns each failed transaction's index with the SQLSTATE and the
   * constraint named in the error, then the rows left.
   */
  private static List<String> run(DbSettings settings) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = DbBootstrap.connect(settings)) {
      c.setAutoCommit(false);
      for (int i = 0; i < SCRIPT.size(); i++) {
        try (Statement st = c.createStatement()) {
          for (String sql : SCRIPT.get(i)) {
            st.execute(sql);
          }
          c.commit();
        } catch (SQLException e) {
          c.rollback();
          String constraint =
              e instanceof PSQLException p && p.getServerErrorMessage() != null
                  ? p.getServerErrorMessage().getConstraint()
                  : null;
          out.add(i + ": " + e.getSQLState() + " " + constraint);
        }
      }
    }
    out.addAll(rows(settings));
    return out;
  }

  private static List<String> rows(DbSettings settings) throws SQLException {
    try (Connection c = DbBootstrap.connect(settings)) {
      List<String> out =
          new ArrayList<>(column(c, "SELECT 'plan ' || generation FROM plan ORDER BY generation"));
      out.addAll(
          column(
              c,
              "SELECT 'entry ' || generation || ' ' || endpoint FROM plan_entry"
                  + " ORDER BY generation, endpoint"));
      return out;
    }
  }

  @Test
  void anEntryWithoutItsPlanIsRefusedNamingThePlan() throws SQLException {
    try (Connection c = db.connect()) {
      SQLException e = assertThrows(SQLException.class, () -> exec(c, entries(404, "a")));
      assertEquals("23503", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("plan 404 does not exist"), e.getMessage());
      // The COPY of a plan's entries goes through the same check.
      c.setAutoCommit(false);
      long g = PlanInserts.insert(c, "deleted before its entries", List.of());
      exec(c, "DELETE FROM plan WHERE generation = ?", g);
      SQLException copied =
          assertThrows(
              SQLException.class,
              () ->
                  c.unwrap(PGConnection.class)
                      .getCopyAPI()
                      .copyIn(
                          "COPY " + ENTRY_COLUMNS + " FROM STDIN",
                          new StringReader(g + "\ta.aws.test.\t60\t[]\n")));
      assertEquals("23503", copied.getSQLState(), copied.getMessage());
      c.rollback();
    }
    assertEquals(0, longValue(db, "SELECT count(*) FROM plan_entry"));
  }

  @Test
  void deletingPlansDeletesTheirEntriesAndNoOtherPlans() throws SQLException {
    long a = write("a", 3);
    long b = write("b", 2);
    long c = write("c", 4);
    assertEquals(9, longValue(db, "SELECT count(*) FROM plan_entry"));
    try (Connection conn = db.connect()) {
      assertEquals(2, exec(conn, "DELETE FROM plan WHERE generation IN (?, ?)", a, c));
    }
    assertEquals(
        List.of(b + " 2"),
        columnOf("SELECT generation || ' ' || count(*) FROM plan_entry GROUP BY generation"));
    try (Connection conn = db.connect()) {
      // The enactor's reference-safe cleanup deletes through the same trigger.
      assertEquals(List.of(b), PlanDeletes.deleteUnreferenced(conn, List.of(b)));
    }
    assertEquals(0, longValue(db, "SELECT count(*) FROM plan_entry"));
  }

  /**
   * The race the foreign key's row lock decided: a cleaner has deleted a committed plan and not
   * committed yet, when a writer inserts an entry of that plan. Whichever way the writer is refused
   * (at once now; after waiting for the cleaner before V11), no entry outlives its plan, whether
   * the cleaner commits or rolls back.
   */
  @Test
  void anEntryInsertedWhileItsPlanIsBeingDeletedIsRefusedAndNothingIsOrphaned() throws Exception {
    for (boolean cleanerCommits : new boolean[] {true, false}) {
      long g = write("p" + cleanerCommits, 3);
      try (Connection cleaner = db.connect();
          Connection writer = db.connect()) {
        cleaner.setAutoCommit(false);
        assertEquals(1, exec(cleaner, "DELETE FROM plan WHERE generation = ?", g));
        writer.setAutoCommit(false);
        long writerPid = longValue(writer, "SELECT pg_backend_pid()");
        CompletableFuture<Integer> insert =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return exec(writer, entries(g, "late"));
                  } catch (SQLException e) {
                    throw new IllegalStateException(e);
                  }
                });
        awaitDoneOrWaitingOnALock(writerPid, insert);
        if (cleanerCommits) {
          cleaner.commit();
        } else {
          cleaner.rollback();
        }
        try {
          int inserted = insert.get(30, TimeUnit.SECONDS);
          writer.commit();
          fail("an entry was added to plan " + g + " after it was committed (" + inserted + ")");
        } catch (ExecutionException e) {
          SQLException refused = (SQLException) e.getCause().getCause();
          assertTrue(
              Set.of("23503", "23514").contains(refused.getSQLState()), refused.getMessage());
          writer.rollback();
        }
      }
      assertEquals(0, orphans());
      assertEquals(
          cleanerCommits ? 0 : 3,
          longValue(db, "SELECT count(*) FROM plan_entry WHERE generation = ?", g));
    }
  }

  /**
   * The other order: a writer has inserted a plan and its entries and not committed yet, when a
   * cleaner deletes plans. The cleaner cannot see that plan, so it cannot delete it, and does not
   * wait for it; the plan commits whole. Deleted later, it goes with its entries.
   */
  @Test
  void aPlanWhoseEntriesAreStillBeingInsertedCannotBeDeletedUnderThem() throws Exception {
    long older = write("older", 2);
    try (Connection writer = db.connect();
        Connection cleaner = db.connect()) {
      writer.setAutoCommit(false);
      long g =
          PlanInserts.insert(
              writer, "in flight", List.of(entry("a.aws.test."), entry("b.aws.test.")));
      // A statement that waited for the writer would never return before the writer commits.
      exec(cleaner, "SET statement_timeout = '20s'");
      assertEquals(0, exec(cleaner, "DELETE FROM plan WHERE generation = ?", g));
      assertEquals(1, exec(cleaner, "DELETE FROM plan WHERE generation >= ?", older));
      writer.commit();
      assertEquals(2, longValue(db, "SELECT count(*) FROM plan_entry WHERE generation = ?", g));
      assertEquals(0, orphans());
      assertEquals(1, exec(cleaner, "DELETE FROM plan WHERE generation = ?", g));
    }
    assertEquals(0, longValue(db, "SELECT count(*) FROM plan_entry"));
  }

  private long orphans() throws SQLException {
    return longValue(
        db,
        "SELECT count(*) FROM plan_entry e"
            + " WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.generation = e.generation)");
  }

  private List<String> columnOf(String sql) throws SQLException {
    try (Connection c = db.connect()) {
      return column(c, sql);
    }
  }

  /** A committed plan with {@code n} entries named {@code prefix}i.aws.test.; its generation. */
  private long write(String prefix, int n) throws SQLException {
    List<PlanEntryRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(entry(prefix + i + ".aws.test."));
    }
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      long g = PlanInserts.insert(c, prefix, rows);
      c.commit();
      return g;
    }
  }

  private static PlanEntryRow entry(String endpoint) {
    return new PlanEntryRow(
        0,
        endpoint,
        60,
        false,
        List.of(new PlanAddressRow("192.0.2.1", 100, "az-a")),
        Set.of(),
        List.of(),
        false);
  }

  private void awaitDoneOrWaitingOnALock(long pid, CompletableFuture<?> statement)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (Connection observer = db.connect()) {
      while (System.nanoTime() < deadline) {
        if (statement.isDone()
            || longValue(
                    observer,
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = ?"
                        + " AND wait_event_type = 'Lock'",
                    pid)
                == 1) {
          return;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
    }
    fail("the insert neither finished nor waited on a lock within 20 s");
  }
}
