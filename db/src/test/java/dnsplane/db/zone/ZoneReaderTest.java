package dnsplane.db.zone;

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
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Whole-zone reads of zone import and export: the rows, the served serial, what is managed. */
@RequiresPostgres
class ZoneReaderTest {

  private static final String INSERT =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, ?, ?, 60, ?::text[])";

  private TestDb db;
  private long zoneId;

  @BeforeEach
  void freshZone() throws SQLException {
    db = TestPostgres.freshDatabase();
    try (Connection c = db.connect()) {
      zoneId = longValue(c, "INSERT INTO zone (name) VALUES ('aws.test.') RETURNING id");
      exec(c, INSERT, zoneId, "www.aws.test.", "A", "{192.0.2.1}");
      exec(c, INSERT, zoneId, "aws.test.", "NS", "{ns1.aws.test.}");
    }
  }

  @Test
  void readWholeHasTheServedSerialAndTheRowsInRowOrder() throws SQLException {
    try (Connection c = db.connect()) {
      StoredZone zone = ZoneReader.readWhole(c, "aws.test.").orElseThrow();

      assertEquals(longValue(c, "SELECT serial FROM zone WHERE id = ?", zoneId), zone.serial());
      assertEquals(
          List.of(
              new RrsetRow("www.aws.test.", "A", 60, List.of("192.0.2.1")),
              new RrsetRow("aws.test.", "NS", 60, List.of("ns1.aws.test."))),
          List.copyOf(zone.rrsets().values()));
      assertTrue(c.getAutoCommit(), "the caller's auto-commit is restored");
    }
  }

  @Test
  void readWholeOfAnUnknownZoneIsEmpty() throws SQLException {
    try (Connection c = db.connect()) {
      assertEquals(Optional.empty(), ZoneReader.readWhole(c, "nope.test."));
      assertEquals(zoneId, ZoneReader.zoneId(c, "aws.test.").orElseThrow());
      assertTrue(ZoneReader.zoneId(c, "nope.test.").isEmpty());
    }
  }

  @Test
  void managedHoldsGenerationRowsAndEveryEndpointsAddressAndPlanRrsets() throws SQLException {
    try (Connection c = db.connect()) {
      exec(c, "INSERT INTO endpoint (name, zone_id) VALUES ('ddb.aws.test.', ?)", zoneId);
      exec(
          c,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata, applied_generation)"
              + " VALUES (?, 'old.aws.test.', 'A', 60, '{192.0.2.5}', 7)",
          zoneId);

      assertEquals(
          Set.of(
              new RrsetRow.Key("old.aws.test.", "A"),
              new RrsetRow.Key("ddb.aws.test.", "A"),
              new RrsetRow.Key("ddb.aws.test.", "AAAA"),
              new RrsetRow.Key("_plan.ddb.aws.test.", "TXT")),
          ZoneReader.managed(c, zoneId));
    }
  }

  @Test
  void lockZoneHoldsTheZoneRowUntilCommit() throws SQLException {
    try (Connection importer = db.connect();
        Connection other = db.connect()) {
      importer.setAutoCommit(false);
      assertEquals(zoneId, ZoneReader.lockZone(importer, "aws.test.").orElseThrow());

      SQLException locked =
          assertThrows(
              SQLException.class,
              () -> exec(other, "SELECT id FROM zone WHERE name = 'aws.test.' FOR UPDATE NOWAIT"));
      assertEquals("55P03", locked.getSQLState());

      importer.commit();
      assertEquals(zoneId, ZoneReader.lockZone(other, "aws.test.").orElseThrow());
    }
  }
}
