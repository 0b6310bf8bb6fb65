package dnsplane.db;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The database's own guard: a guarded endpoint never loses its last address or its live plan. */
@RequiresPostgres
class GuardSchemaTest {

  private static final String ENDPOINT = "dynamodb.us-east-1.aws.test.";
  private TestDb db;
  private long zoneId;

  @BeforeEach
  void endpointWithOnePlanApplied() throws SQLException {
    db = TestPostgres.freshDatabase();
    try (Connection c = db.connect()) {
      zoneId = longValue(c, "INSERT INTO zone (name) VALUES ('aws.test.') RETURNING id");
      exec(c, "INSERT INTO endpoint (name, zone_id) VALUES (?, ?)", ENDPOINT, zoneId);
      // A plan and its entries are written by one transaction (plans are immutable after it).
      c.setAutoCommit(false);
      exec(c, "INSERT INTO plan (generation, reason) VALUES (1, 'test')");
      exec(
          c,
          "INSERT INTO plan_entry (generation, endpoint, ttl, addresses) VALUES (1, ?, 60,"
              + " '[{\"address\":\"192.0.2.10\"}]')",
          ENDPOINT);
      c.commit();
      c.setAutoCommit(true);
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation) VALUES (?, ?,"
              + " 'A', 60, '{192.0.2.10}', 1)",
          zoneId,
          ENDPOINT);
    }
  }

  @Test
  void guardedEndpointCannotBeEmptied() throws SQLException {
    try (Connection c = db.connect()) {
      SQLException e =
          assertThrows(
              SQLException.class,
              () -> exec(c, "UPDATE rrset SET rdata = '{}' WHERE name = ?", ENDPOINT));
      assertEquals("23514", e.getSQLState());
      assertTrue(e.getMessage().contains(ENDPOINT), e.getMessage());
      assertThrows(SQLException.class, () -> exec(c, "DELETE FROM rrset WHERE name = ?", ENDPOINT));
      assertEquals(
          1, longValue(c, "SELECT cardinality(rdata) FROM rrset WHERE name = ?", ENDPOINT));
    }
  }

  @Test
  void guardChecksTheEndStateOfTheTransaction() throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      exec(c, "UPDATE rrset SET rdata = '{}' WHERE name = ?", ENDPOINT);
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, ?, 'AAAA', 60,"
              + " '{2001:db8::10}')",
          zoneId,
          ENDPOINT);
      c.commit();
      assertEquals(
          1, longValue(c, "SELECT sum(cardinality(rdata)) FROM rrset WHERE name = ?", ENDPOINT));
    }
  }

  @Test
  void unguardedEndpointCanBeEmptied() throws SQLException {
    try (Connection c = db.connect()) {
      exec(c, "UPDATE endpoint SET guarded = false");
      exec(c, "UPDATE rrset SET rdata = '{}' WHERE name = ?", ENDPOINT);
      assertEquals(
          0, longValue(c, "SELECT cardinality(rdata) FROM rrset WHERE name = ?", ENDPOINT));
    }
  }

  @Test
  void planStillAppliedToGuardedEndpointCannotBeDeleted() throws SQLException {
    try (Connection c = db.connect()) {
      SQLException e =
          assertThrows(SQLException.class, () -> exec(c, "DELETE FROM plan WHERE generation = 1"));
      assertEquals("23503", e.getSQLState());
      assertEquals(1, longValue(c, "SELECT count(*) FROM plan_entry"));
      exec(c, "UPDATE endpoint SET guarded = false");
      assertEquals(1, exec(c, "DELETE FROM plan WHERE generation = 1"));
    }
  }

  @Test
  void plansAreImmutable() throws SQLException {
    try (Connection c = db.connect()) {
      assertThrows(SQLException.class, () -> exec(c, "UPDATE plan SET reason = 'rewritten'"));
      assertThrows(SQLException.class, () -> exec(c, "UPDATE plan_entry SET ttl = 1"));
      assertEquals(60, longValue(c, "SELECT ttl FROM plan_entry"));
    }
  }
}
