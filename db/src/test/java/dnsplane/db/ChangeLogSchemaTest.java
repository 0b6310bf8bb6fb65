package dnsplane.db;

import static dnsplane.db.testing.Sql.column;
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
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The change log every rrset write produces: complete, gap-free and in commit order. */
@RequiresPostgres
class ChangeLogSchemaTest {

  private TestDb db;
  private long zoneId;

  @BeforeEach
  void freshZone() throws SQLException {
    db = TestPostgres.freshDatabase();
    try (Connection c = db.connect()) {
      zoneId =
          longValue(c, "INSERT INTO zone (name, serial) VALUES ('aws.test.', 100) RETURNING id");
    }
  }

  @Test
  void everyWriteIsLoggedWithTheBumpedSerial() throws SQLException {
    try (Connection c = db.connect()) {
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, 'www.aws.test.', 'A', 60,"
              + " '{192.0.2.1}')",
          zoneId);
      exec(c, "UPDATE rrset SET rdata = '{192.0.2.2,192.0.2.3}' WHERE name = 'www.aws.test.'");
      exec(c, "DELETE FROM rrset WHERE name = 'www.aws.test.'");

      assertEquals(
          List.of(
              "1 zone_created aws.test. 100",
              "2 set www.aws.test. 101",
              "3 set www.aws.test. 102",
              "4 delete www.aws.test. 103"),
          column(
              c,
              "SELECT seq || ' ' || op || ' ' || name || ' ' || serial FROM change_log ORDER BY"
                  + " seq"));
      assertEquals(
          List.of("{192.0.2.2,192.0.2.3}"),
          column(c, "SELECT rdata::text FROM change_log WHERE seq = 3"));
      assertEquals(103, longValue(c, "SELECT serial FROM zone WHERE id = ?", zoneId));
      assertEquals(4, longValue(c, "SELECT last_seq FROM change_log_counter"));
    }
  }

  @Test
  void oneStatementBumpsTheSerialOnceAndLogsEveryRow() throws SQLException {
    try (Connection c = db.connect()) {
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT ?, 'h' || i || '.aws.test.',"
              + " 'A', 60, '{192.0.2.9}' FROM generate_series(1, 50) i",
          zoneId);
      assertEquals(50, longValue(c, "SELECT count(*) FROM change_log WHERE op = 'set'"));
      assertEquals(101, longValue(c, "SELECT serial FROM zone"));
      assertEquals(51, longValue(c, "SELECT max(seq) - min(seq) + 1 FROM change_log"), "no gaps");
    }
  }

  @Test
  void aSecondWriterWaitsForTheFirstToCommit() throws SQLException {
    // Sequence numbers are taken under a lock held to commit, so a later number can never become
    // visible before an earlier one: a follower reading "seq > last" cannot skip a row.
    try (Connection first = db.connect();
        Connection second = db.connect()) {
      first.setAutoCommit(false);
      exec(
          first,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, 'a.aws.test.', 'A', 60,"
              + " '{192.0.2.1}')",
          zoneId);

      exec(second, "SET lock_timeout = '300ms'");
      SQLException blocked =
          assertThrows(
              SQLException.class,
              () ->
                  exec(
                      second,
                      "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?,"
                          + " 'b.aws.test.', 'A', 60, '{192.0.2.2}')",
                      zoneId));
      assertEquals("55P03", blocked.getSQLState(), "lock_not_available while the first is open");

      first.commit();
      exec(
          second,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, 'b.aws.test.', 'A', 60,"
              + " '{192.0.2.2}')",
          zoneId);
      assertEquals(
          List.of("a.aws.test.", "b.aws.test."),
          column(second, "SELECT name FROM change_log WHERE op = 'set' ORDER BY seq"));
    }
  }

  @Test
  void deletingAZoneLogsTheZoneNotEachRecord() throws SQLException {
    try (Connection c = db.connect()) {
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, 'www.aws.test.', 'A', 60,"
              + " '{192.0.2.1}')",
          zoneId);
      exec(c, "DELETE FROM zone WHERE id = ?", zoneId);
      assertEquals(
          List.of("zone_created", "set", "zone_deleted"),
          column(c, "SELECT op FROM change_log ORDER BY seq"));
    }
  }

  @Test
  void namesMustBeCanonical() throws SQLException {
    try (Connection c = db.connect()) {
      SQLException upper =
          assertThrows(
              SQLException.class, () -> exec(c, "INSERT INTO zone (name) VALUES ('Example.org.')"));
      assertEquals("23514", upper.getSQLState());
      SQLException relative =
          assertThrows(
              SQLException.class,
              () ->
                  exec(
                      c,
                      "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?,"
                          + " 'www.aws.test', 'A', 60, '{}')",
                      zoneId));
      assertEquals("23514", relative.getSQLState());
      assertTrue(column(c, "SELECT name FROM rrset").isEmpty(), "nothing stored");
    }
  }
}
