package dnsplane.db;

import static dnsplane.db.testing.Sql.column;
import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static dnsplane.db.testing.Sql.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dnsplane.db.testing.Heard;
import dnsplane.db.testing.OlderSchema;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * V8 rewrote the change-log triggers (set-based instead of a jsonb round trip) and the plan-lock
 * trigger (cheap conditions first) for speed only. These tests hold them to V7's behaviour: the
 * same script run on a database migrated to V7 and on one migrated to the newest version logs the
 * same rows, bumps the same serials and sends the same notifications; and a write of a guarded
 * endpoint still locks its plan when the statement mixes it with rows that take no lock, and when
 * the transaction already locked another plan.
 */
@RequiresPostgres
class CheaperTriggersSchemaTest {

  private static final String GUARDED = "g.aws.test.";
  private static final String UNGUARDED = "u.aws.test.";

  /** Every kind of rrset statement the schema logs, with rows changed and unchanged. */
  private static final List<String> SCRIPT =
      List.of(
          "INSERT INTO zone (name) VALUES ('aws.test.'), ('other.test.')",
          "INSERT INTO endpoint (name, zone_id) SELECT '"
              + GUARDED
              + "', id FROM zone"
              + " WHERE name = 'aws.test.'",
          "INSERT INTO endpoint (name, zone_id, guarded) SELECT '"
              + UNGUARDED
              + "', id, false"
              + " FROM zone WHERE name = 'aws.test.'",
          "INSERT INTO target (endpoint, address, az) VALUES ('"
              + GUARDED
              + "', '192.0.2.1',"
              + " 'az-a')",
          "INSERT INTO plan (generation) VALUES (1), (2), (3)",
          // One statement, two zones, rows out of id order in the VALUES list.
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
              + " SELECT z.id, v.n, v.t, 60, v.r::text[], v.g FROM (VALUES"
              + " ('aws.test.', 'b.aws.test.', 'TXT', '{\"x y\",NULL,\"\"}', NULL),"
              + " ('other.test.', 'a.other.test.', 'A', '{192.0.2.9}', NULL),"
              + " ('aws.test.', '"
              + GUARDED
              + "', 'A', '{192.0.2.1}', 1),"
              + " ('aws.test.', '_plan."
              + GUARDED
              + "', 'TXT', '{\"\\\"1\\\"\"}', 1),"
              + " ('aws.test.', '"
              + UNGUARDED
              + "', 'A', '{}', 1))"
              + " v(zone, n, t, r, g) JOIN zone z ON z.name = v.zone",
          // An upsert that inserts, changes and leaves rows as they are, across both zones.
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
              + " SELECT z.id, v.n, v.t, v.ttl, v.r::text[], v.g FROM (VALUES"
              + " ('aws.test.', '"
              + GUARDED
              + "', 'A', 60, '{192.0.2.1}', 2),"
              + " ('aws.test.', '_plan."
              + GUARDED
              + "', 'TXT', 60, '{\"\\\"2\\\"\"}', 2),"
              + " ('aws.test.', '"
              + UNGUARDED
              + "', 'A', 30, '{}', 2),"
              + " ('aws.test.', '"
              + UNGUARDED
              + "', 'AAAA', 60, '{2001:db8::1}', 2),"
              + " ('other.test.', 'a.other.test.', 'A', 60, '{192.0.2.9}', NULL))"
              + " v(zone, n, t, ttl, r, g) JOIN zone z ON z.name = v.zone"
              + " ON CONFLICT (zone_id, name, type) DO UPDATE SET ttl = EXCLUDED.ttl,"
              + " rdata = EXCLUDED.rdata, applied_generation = EXCLUDED.applied_generation",
          // Changes nothing served: logs nothing, bumps nothing.
          "UPDATE rrset SET applied_generation = 3 WHERE applied_generation = 2 AND type = 'A'",
          // Odd array shapes the jsonb round trip normalised.
          "UPDATE rrset SET rdata = '[0:1]={p,q}' WHERE name = 'b.aws.test.'",
          "UPDATE rrset SET rdata = '{{p,q},{r,s}}' WHERE name = 'b.aws.test.'",
          // The id itself changes: logged as a change.
          "UPDATE rrset SET id = id + 1000 WHERE name = 'a.other.test.'",
          "DELETE FROM rrset WHERE name = 'b.aws.test.'",
          "DELETE FROM zone WHERE name = 'other.test.'");

  @Test
  void logsExactlyWhatV7Logged() throws Exception {
    TestDb newest = TestPostgres.freshDatabase();
    try (OlderSchema older = OlderSchema.at(newest, "7")) {
      List<String> before = run(older.settings());
      List<String> after = run(newest.settings());
      assertTrue(before.size() > 20, "the script logs and notifies: " + before);
      assertEquals(before, after);
    }
  }

  /** Runs {@link #SCRIPT}; returns the change log, the zones, the counter and what was heard. */
  private static List<String> run(DbSettings db) throws SQLException {
    try (Connection c = DbBootstrap.connect(db);
        Connection listener = DbBootstrap.connect(db)) {
      exec(listener, "LISTEN dnsplane_change");
      for (String sql : SCRIPT) {
        exec(c, sql);
      }
      List<String> out = new ArrayList<>();
      out.addAll(
          column(
              c,
              "SELECT concat_ws(' ', seq, zone, op, name, type, ttl, rdata::text, serial)"
                  + " FROM change_log ORDER BY seq"));
      out.addAll(column(c, "SELECT name || ' ' || serial FROM zone ORDER BY name"));
      out.add("last_seq " + longValue(c, "SELECT last_seq FROM change_log_counter"));
      out.addAll(Heard.untilEnd(c, listener));
      return out;
    }
  }

  /**
   * One transaction locks plan 2 through a guarded write, then writes plan 3 in a statement whose
   * first rows take no lock (an unguarded endpoint, a TXT marker): the guarded rows of that
   * statement must still lock plan 3, so deleting plan 3 waits for the commit and is then refused.
   */
  @Test
  void aGuardedWriteLocksItsPlanWhateverCameBeforeItInTheStatementOrTransaction() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    try (Connection setup = db.connect()) {
      for (String sql : SCRIPT.subList(0, 5)) {
        exec(setup, sql);
      }
      exec(
          setup,
          "INSERT INTO target (endpoint, address, az) VALUES ('"
              + GUARDED
              + "', '2001:db8::1',"
              + " 'az-a')");
    }
    try (Connection writer = db.connect();
        Connection cleaner = db.connect()) {
      writer.setAutoCommit(false);
      exec(
          writer,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
              + " SELECT id, ?, 'A', 60, '{192.0.2.1}', 2 FROM zone WHERE name = 'aws.test.'",
          GUARDED);
      assertEquals("2", text(writer, "SELECT current_setting('dnsplane.locked_plan')"));
      exec(
          writer,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
              + " SELECT z.id, v.n, v.t, 60, v.r::text[], 3 FROM (VALUES"
              + " ('"
              + UNGUARDED
              + "', 'A', '{192.0.2.7}'),"
              + " ('_plan."
              + GUARDED
              + "', 'TXT', '{\"\\\"3\\\"\"}'),"
              + " ('"
              + GUARDED
              + "', 'A', '{192.0.2.1}'),"
              + " ('"
              + GUARDED
              + "', 'AAAA', '{2001:db8::1}'))"
              + " v(n, t, r) JOIN zone z ON z.name = 'aws.test.'"
              + " ON CONFLICT (zone_id, name, type) DO UPDATE SET rdata = EXCLUDED.rdata,"
              + " applied_generation = EXCLUDED.applied_generation");
      long cleanerPid = longValue(cleaner, "SELECT pg_backend_pid()");
      CompletableFuture<Integer> delete =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return exec(cleaner, "DELETE FROM plan WHERE generation = 3");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      awaitWaitingOnALock(db, cleanerPid, delete);
      writer.commit();
      try {
        int deleted = delete.get(30, TimeUnit.SECONDS);
        fail("the plan an in-flight write applied was deleted (" + deleted + " row)");
      } catch (ExecutionException e) {
        SQLException refused = (SQLException) e.getCause().getCause();
        assertEquals("23503", refused.getSQLState(), refused.getMessage());
      }
      assertEquals(1, longValue(writer, "SELECT count(*) FROM plan WHERE generation = 3"));
      // Plan 2 is held by nothing now: its delete neither waits nor is refused.
      assertEquals(1, exec(cleaner, "DELETE FROM plan WHERE generation = 2"));
    }
  }

  private static void awaitWaitingOnALock(TestDb db, long pid, CompletableFuture<?> statement)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (Connection observer = db.connect()) {
      while (System.nanoTime() < deadline) {
        if (statement.isDone()) {
          fail("the plan delete did not wait for the in-flight write of that plan");
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
    fail("the plan delete neither finished nor waited on a lock within 20 s");
  }
}
