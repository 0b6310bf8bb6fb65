package dnsplane.db;

import static dnsplane.db.testing.Sql.column;
import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The schema's own defences of "safe means safe" (V2): the guard per address family and on both
 * names of a changed row, tombstones for plan-managed rrsets, valid address rdata, plans immutable
 * against every kind of statement, deletion through a plan, and a plan delete that waits for an
 * in-flight write instead of missing it.
 */
@RequiresPostgres
class SafetySchemaTest {

  private static final String ENDPOINT = "dynamodb.us-east-1.aws.test.";
  private TestDb db;
  private long zoneId;

  /** A guarded dual-stack endpoint with plans 1 and 2; its A and AAAA rrsets hold plan 1. */
  @BeforeEach
  void dualStackEndpointAtPlanOne() throws SQLException {
    db = TestPostgres.freshDatabase();
    try (Connection c = db.connect()) {
      zoneId = longValue(c, "INSERT INTO zone (name) VALUES ('aws.test.') RETURNING id");
      exec(c, "INSERT INTO endpoint (name, zone_id) VALUES (?, ?)", ENDPOINT, zoneId);
      exec(
          c,
          "INSERT INTO target (endpoint, address, az) VALUES (?, '192.0.2.10', 'az-a'),"
              + " (?, '2001:db8::10', 'az-b')",
          ENDPOINT,
          ENDPOINT);
      plan(c, 1);
      plan(c, 2);
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation) VALUES"
              + " (?, ?, 'A', 60, '{192.0.2.10}', 1), (?, ?, 'AAAA', 60, '{2001:db8::10}', 1)",
          zoneId,
          ENDPOINT,
          zoneId,
          ENDPOINT);
    }
  }

  private static void plan(Connection c, long generation) throws SQLException {
    c.setAutoCommit(false);
    exec(c, "INSERT INTO plan (generation) VALUES (?)", generation);
    exec(
        c,
        "INSERT INTO plan_entry (generation, endpoint, ttl, addresses) VALUES (?, ?, 60,"
            + " '[{\"address\":\"192.0.2.10\"},{\"address\":\"2001:db8::10\"}]')",
        generation,
        ENDPOINT);
    c.commit();
    c.setAutoCommit(true);
  }

  @Test
  void guardRefusesToEmptyOneFamilyWhileTheEndpointHasTargetsOfIt() throws SQLException {
    try (Connection c = db.connect()) {
      SQLException e =
          assertThrows(
              SQLException.class,
              () ->
                  exec(
                      c,
                      "UPDATE rrset SET rdata = '{}' WHERE name = ? AND type = 'AAAA'",
                      ENDPOINT));
      assertEquals("23514", e.getSQLState());
      assertTrue(
          e.getMessage().contains("no AAAA record while it has IPv6 targets"), e.getMessage());
      assertThrows(
          SQLException.class,
          () -> exec(c, "UPDATE rrset SET rdata = '{}' WHERE name = ? AND type = 'A'", ENDPOINT));
      assertEquals(List.of("192.0.2.10", "2001:db8::10"), addresses(c));
    }
  }

  @Test
  void familyWithoutTargetsLeftMayBeEmptied() throws SQLException {
    try (Connection c = db.connect()) {
      exec(c, "DELETE FROM target WHERE endpoint = ? AND family(address) = 6", ENDPOINT);
      exec(
          c,
          "UPDATE rrset SET rdata = '{}', applied_generation = 2 WHERE name = ? AND type = 'AAAA'",
          ENDPOINT);
      assertEquals(List.of("192.0.2.10"), addresses(c));
    }
  }

  @Test
  void renamingOrRetypingAGuardedRowChecksTheNameItLeaves() throws SQLException {
    try (Connection c = db.connect()) {
      // An unmanaged row (as an import writes it): only the guard stands in the way.
      String plain = "plain.aws.test.";
      exec(c, "INSERT INTO endpoint (name, zone_id) VALUES (?, ?)", plain, zoneId);
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, ?, 'A', 60,"
              + " '{192.0.2.20}')",
          zoneId,
          plain);
      SQLException renamed =
          assertThrows(
              SQLException.class,
              () -> exec(c, "UPDATE rrset SET name = 'elsewhere.aws.test.' WHERE name = ?", plain));
      assertTrue(renamed.getMessage().contains("would publish no address"), renamed.getMessage());
      SQLException retyped =
          assertThrows(
              SQLException.class,
              () -> exec(c, "UPDATE rrset SET type = 'TXT' WHERE name = ?", plain));
      assertTrue(retyped.getMessage().contains("would publish no address"), retyped.getMessage());
      assertEquals(
          List.of("192.0.2.20"),
          column(c, "SELECT unnest(rdata) FROM rrset WHERE name = ? AND type = 'A'", plain));
    }
  }

  /** The guard is queued only for rows that can empty a family (V4): each such path still is. */
  @Test
  void guardStillSeesInsertsOfEmptyRowsAndDeletesOfUnmanagedOnes() throws SQLException {
    try (Connection c = db.connect()) {
      String plain = "plain.aws.test.";
      exec(c, "INSERT INTO endpoint (name, zone_id) VALUES (?, ?)", plain, zoneId);
      exec(c, "INSERT INTO target (endpoint, address, az) VALUES (?, '192.0.2.20', 'az-a')", plain);
      SQLException empty =
          assertThrows(
              SQLException.class,
              () ->
                  exec(
                      c,
                      "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, ?, 'A', 60,"
                          + " '{}')",
                      zoneId,
                      plain));
      assertTrue(empty.getMessage().contains("would publish no address"), empty.getMessage());
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, ?, 'A', 60,"
              + " '{192.0.2.20}')",
          zoneId,
          plain);
      SQLException deleted =
          assertThrows(
              SQLException.class, () -> exec(c, "DELETE FROM rrset WHERE name = ?", plain));
      assertTrue(deleted.getMessage().contains("would publish no address"), deleted.getMessage());
      // A non-empty write is not queued for the check, yet an empty one later in the same
      // transaction still is.
      c.setAutoCommit(false);
      exec(c, "UPDATE rrset SET rdata = '{192.0.2.21}' WHERE name = ?", plain);
      exec(c, "UPDATE rrset SET rdata = '{}' WHERE name = ?", plain);
      assertThrows(SQLException.class, c::commit);
      c.rollback();
      c.setAutoCommit(true);
      assertEquals(
          List.of("192.0.2.20"),
          column(c, "SELECT unnest(rdata) FROM rrset WHERE name = ?", plain));
    }
  }

  @Test
  void planManagedRrsetIsNeverDeletedOnlyEmptiedKeepingItsGeneration() throws SQLException {
    try (Connection c = db.connect()) {
      exec(c, "UPDATE endpoint SET guarded = false");
      SQLException deleted =
          assertThrows(
              SQLException.class,
              () -> exec(c, "DELETE FROM rrset WHERE name = ? AND type = 'A'", ENDPOINT));
      assertTrue(deleted.getMessage().contains("plan-managed"), deleted.getMessage());
      assertThrows(
          SQLException.class,
          () -> exec(c, "UPDATE rrset SET applied_generation = NULL WHERE name = ?", ENDPOINT));
      assertThrows(
          SQLException.class,
          () -> exec(c, "UPDATE rrset SET name = 'other.aws.test.' WHERE name = ?", ENDPOINT));
      exec(c, "UPDATE rrset SET rdata = '{}' WHERE name = ? AND type = 'A'", ENDPOINT);
      assertEquals(
          1,
          longValue(
              c, "SELECT applied_generation FROM rrset WHERE name = ? AND type = 'A'", ENDPOINT));
      // Deleting the whole zone (after its endpoints) still removes its rrsets.
      exec(c, "DELETE FROM endpoint");
      exec(c, "DELETE FROM zone");
      assertEquals(0, longValue(c, "SELECT count(*) FROM rrset"));
    }
  }

  @Test
  void addressRdataMustBeAnAddressOfTheRecordsFamily() throws SQLException {
    try (Connection c = db.connect()) {
      for (String bad :
          List.of(
              "192.0.2.300",
              "192.0.2",
              "192.0.2.010",
              "192.0.2.1/24",
              "2001:db8::1",
              " 192.0.2.1",
              "")) {
        SQLException e =
            assertThrows(
                SQLException.class,
                () ->
                    exec(
                        c,
                        "UPDATE rrset SET rdata = ARRAY[?] WHERE name = ? AND type = 'A'",
                        bad,
                        ENDPOINT),
                bad);
        assertEquals("23514", e.getSQLState(), bad);
      }
      for (String bad :
          List.of(
              "2001:db8::zz",
              "2001:db8::1/64",
              "192.0.2.1",
              "fe80::1%eth0",
              "1:2:3:4:5:6:7:8:9",
              "")) {
        assertThrows(
            SQLException.class,
            () ->
                exec(
                    c,
                    "UPDATE rrset SET rdata = ARRAY[?] WHERE name = ? AND type = 'AAAA'",
                    bad,
                    ENDPOINT),
            bad);
      }
      exec(
          c,
          "UPDATE rrset SET rdata = '{0.0.0.0,255.255.255.255,198.51.100.7}' WHERE name = ?"
              + " AND type = 'A'",
          ENDPOINT);
      exec(
          c,
          "UPDATE rrset SET rdata = '{2001:DB8::10,::ffff:192.0.2.1}' WHERE name = ?"
              + " AND type = 'AAAA'",
          ENDPOINT);
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES"
              + " (?, 'txt.aws.test.', 'TXT', 60, '{\"192.0.2.300\"}')",
          zoneId);
    }
  }

  @Test
  void planEntriesCanBeNeitherAddedLaterNorRemovedNorTruncated() throws SQLException {
    try (Connection c = db.connect()) {
      SQLException added =
          assertThrows(
              SQLException.class,
              () ->
                  exec(
                      c,
                      "INSERT INTO plan_entry (generation, endpoint, ttl, addresses)"
                          + " VALUES (1, 'late.aws.test.', 60, '[]')"));
      assertTrue(
          added.getMessage().contains("not created by this transaction"), added.getMessage());
      assertThrows(
          SQLException.class, () -> exec(c, "DELETE FROM plan_entry WHERE generation = 1"));
      assertThrows(SQLException.class, () -> exec(c, "TRUNCATE plan_entry"));
      assertThrows(SQLException.class, () -> exec(c, "TRUNCATE plan CASCADE"));
      assertEquals(2, longValue(c, "SELECT count(*) FROM plan_entry"));
      // Deleting a plan still takes its entries with it.
      exec(c, "UPDATE rrset SET rdata = rdata, applied_generation = 2 WHERE name = ?", ENDPOINT);
      assertEquals(1, exec(c, "DELETE FROM plan WHERE generation = 1"));
      assertEquals(1, longValue(c, "SELECT count(*) FROM plan_entry"));
    }
  }

  /** TRUNCATE fires no row trigger: it would remove tombstones and guarded rows unseen (V5). */
  @Test
  void servedDataCannotBeTruncated() throws SQLException {
    try (Connection c = db.connect()) {
      for (String table : List.of("rrset", "endpoint CASCADE", "zone CASCADE")) {
        SQLException e =
            assertThrows(SQLException.class, () -> exec(c, "TRUNCATE " + table), table);
        assertTrue(e.getMessage().contains("cannot be truncated"), e.getMessage());
      }
      assertEquals(List.of("192.0.2.10", "2001:db8::10"), addresses(c));
    }
  }

  @Test
  void deletedEndpointIsUnpublishedThroughItsRrsetsAndNoLongerGuarded() throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      exec(c, "UPDATE endpoint SET deleted_at = now() WHERE name = ?", ENDPOINT);
      exec(c, "DELETE FROM target WHERE endpoint = ?", ENDPOINT);
      exec(c, "INSERT INTO plan (generation) VALUES (3)");
      exec(
          c,
          "INSERT INTO plan_entry (generation, endpoint, ttl, addresses, deleted)"
              + " VALUES (3, ?, 60, '[]', true)",
          ENDPOINT);
      c.commit();
      exec(c, "UPDATE rrset SET rdata = '{}', applied_generation = 3 WHERE name = ?", ENDPOINT);
      c.commit();
      assertEquals(List.of(), addresses(c));
      assertEquals(
          List.of("3", "3"),
          column(c, "SELECT applied_generation FROM rrset WHERE name = ? ORDER BY type", ENDPOINT));
      exec(c, "INSERT INTO plan (generation) VALUES (4)");
      SQLException deletedWithAddresses =
          assertThrows(
              SQLException.class,
              () ->
                  exec(
                      c,
                      "INSERT INTO plan_entry (generation, endpoint, ttl, addresses, deleted)"
                          + " VALUES (4, 'x.aws.test.', 60, '[{\"address\":\"192.0.2.1\"}]',"
                          + " true)"));
      assertTrue(
          deletedWithAddresses.getMessage().contains("plan_entry_deleted_publishes_nothing"),
          deletedWithAddresses.getMessage());
      c.rollback();
    }
  }

  /**
   * The 2025 blind spot: a plan delete could not see a write of that plan still in flight, so the
   * write committed pointing at a deleted plan. Now the write locks the plan row; the delete waits
   * for it to commit, then plan_delete_guard sees the reference and refuses.
   */
  @Test
  void planDeleteWaitsForAnInFlightWriteOfThatPlanAndThenRefuses() throws Exception {
    try (Connection writer = db.connect();
        Connection cleaner = db.connect()) {
      writer.setAutoCommit(false);
      exec(writer, "UPDATE rrset SET applied_generation = 2 WHERE name = ?", ENDPOINT);
      long cleanerPid = longValue(cleaner, "SELECT pg_backend_pid()");
      CompletableFuture<Integer> delete =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return exec(cleaner, "DELETE FROM plan WHERE generation = 2");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      awaitWaitingOnALock(cleanerPid, delete);
      writer.commit();
      try {
        int deleted = delete.get(30, TimeUnit.SECONDS);
        fail("the plan an in-flight write applied was deleted (" + deleted + " row)");
      } catch (ExecutionException e) {
        SQLException refused = (SQLException) e.getCause().getCause();
        assertEquals("23503", refused.getSQLState(), refused.getMessage());
      }
      assertEquals(1, longValue(writer, "SELECT count(*) FROM plan WHERE generation = 2"));
    }
  }

  private void awaitWaitingOnALock(long pid, CompletableFuture<?> statement) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    try (Connection observer = db.connect()) {
      while (System.nanoTime() < deadline) {
        if (statement.isDone()) {
          fail("the plan delete did not wait for the in-flight write of that plan");
        }
        if (longValue(
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
    fail("the plan delete neither finished nor waited on a lock within 20 s");
  }

  private List<String> addresses(Connection c) throws SQLException {
    return column(
        c,
        "SELECT unnest(rdata) FROM rrset WHERE name = ? AND type IN ('A', 'AAAA')" + " ORDER BY 1",
        ENDPOINT);
  }
}
