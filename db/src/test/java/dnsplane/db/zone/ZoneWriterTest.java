package dnsplane.db.zone;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Zone creation and the bulk rrset writes of a zone import: exact rows, one trigger run per chunk.
 */
@RequiresPostgres
class ZoneWriterTest {

  private TestDb db;
  private long zoneId;

  @BeforeEach
  void freshZone() throws SQLException {
    db = TestPostgres.freshDatabase();
    try (Connection c = db.connect()) {
      zoneId = ZoneWriter.createZone(c, "aws.test.");
    }
  }

  @Test
  void createZoneReturnsTheIdOfTheNewRow() throws SQLException {
    try (Connection c = db.connect()) {
      assertEquals(zoneId, longValue(c, "SELECT id FROM zone WHERE name = 'aws.test.'"));
    }
  }

  @Test
  void insertUpdateAndDeleteWriteExactlyTheRowsGiven() throws SQLException {
    // Rdata that COPY must escape: quotes, backslashes, a tab, a control character.
    RrsetRow txt =
        new RrsetRow("t.aws.test.", "TXT", 60, List.of("\"a \\\"b\\\"\"", "\"x\ty\u0001\""));
    RrsetRow www = new RrsetRow("www.aws.test.", "A", 60, List.of("192.0.2.1", "192.0.2.2"));
    RrsetRow empty = new RrsetRow("empty.aws.test.", "A", 30, List.of());
    try (Connection c = db.connect()) {
      Stage.replace(c, zoneId, txt, www, empty);
      assertEquals(rows(txt, www, empty), ZoneReader.rrsets(c, zoneId));

      RrsetRow www2 = new RrsetRow("www.aws.test.", "A", 120, List.of("192.0.2.3"));
      // Updates www, deletes txt, leaves empty as it is.
      Stage.replace(c, zoneId, www2, empty);

      assertEquals(rows(www2, empty), ZoneReader.rrsets(c, zoneId));
      assertEquals(2, longValue(c, "SELECT version FROM rrset WHERE name = 'www.aws.test.'"));
    }
  }

  @Test
  void moreRowsThanOneChunkTakeOneStatementPerChunk() throws SQLException {
    List<RrsetRow> many = new ArrayList<>();
    for (int i = 0; i <= ZoneWriter.CHUNK; i++) {
      many.add(new RrsetRow("h" + i + ".aws.test.", "A", 60, List.of("192.0.2.7")));
    }
    try (Connection c = db.connect()) {
      long serial = longValue(c, "SELECT serial FROM zone WHERE id = ?", zoneId);

      Stage.replace(c, zoneId, many);

      assertEquals(ZoneWriter.CHUNK + 1, longValue(c, "SELECT count(*) FROM rrset"));
      assertEquals(
          ZoneWriter.CHUNK + 1, longValue(c, "SELECT count(*) FROM change_log WHERE op = 'set'"));
      // The serial moves once per statement: two chunks, two statements.
      assertEquals(serial + 2, longValue(c, "SELECT serial FROM zone WHERE id = ?", zoneId));
    }
  }

  @Test
  void theChangeLogLockHoldsOffOtherWritersUntilCommit() throws SQLException {
    try (Connection importer = db.connect();
        Connection enactor = db.connect()) {
      importer.setAutoCommit(false);
      dnsplane.db.changelog.ChangeLogLock.take(importer);

      exec(enactor, "SET lock_timeout = '300ms'");
      SQLException blocked =
          assertThrows(
              SQLException.class,
              () ->
                  exec(
                      enactor,
                      "INSERT INTO rrset (zone_id, name, type, ttl, rdata)"
                          + " VALUES (?, 'b.aws.test.', 'A', 60, '{192.0.2.2}')",
                      zoneId));
      assertEquals("55P03", blocked.getSQLState(), "lock_not_available while the import is open");

      importer.commit();
      exec(
          enactor,
          "INSERT INTO rrset (zone_id, name, type, ttl, rdata)"
              + " VALUES (?, 'b.aws.test.', 'A', 60, '{192.0.2.2}')",
          zoneId);
      assertEquals(1, longValue(enactor, "SELECT count(*) FROM rrset"));
    }
  }

  private static Map<RrsetRow.Key, RrsetRow> rows(RrsetRow... rows) {
    Map<RrsetRow.Key, RrsetRow> out = new LinkedHashMap<>();
    for (RrsetRow r : rows) {
      out.put(r.key(), r);
    }
    return out;
  }
}
