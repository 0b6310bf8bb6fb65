package dnsplane.db.changelog;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rows zone by zone, each zone's count before its rrsets, all as of one instant: a write
 * committed while the read is open is in none of them, and the connection is left as found.
 */
@RequiresPostgres
class ZoneByZoneRowsTest {

  private static final String INSERT =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata) VALUES (?, ?, ?, 60, ?::text[])";

  @Test
  void zonesWithTheirCountsThenTheirRrsetsAsOfOneInstant() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    long a;
    long b;
    try (Connection c = db.connect()) {
      a = longValue(c, "INSERT INTO zone (name, serial) VALUES ('a.test.', 1) RETURNING id");
      b = longValue(c, "INSERT INTO zone (name, serial) VALUES ('b.test.', 7) RETURNING id");
      longValue(c, "INSERT INTO zone (name, serial) VALUES ('empty.test.', 1) RETURNING id");
      exec(c, INSERT, a, "www.a.test.", "A", "{192.0.2.1,192.0.2.2}");
      exec(c, INSERT, a, "gone.a.test.", "AAAA", "{}");
      exec(c, INSERT, b, "b.test.", "TXT", "{\"one two\"}");
    }
    try (Connection read = db.connect();
        Connection writer = db.connect()) {
      List<String> seen = new ArrayList<>();
      long seqBefore;
      try (ZoneByZoneRows rows = ZoneByZoneRows.open(read)) {
        seqBefore = rows.lastSeq();
        // Committed after the read began: not part of what it reads.
        exec(writer, INSERT, b, "late.b.test.", "A", "{192.0.2.9}");
        for (ZoneByZoneRows.Zone z : rows.zones()) {
          seen.add(z.row().name() + " " + z.row().serial() + " " + z.rrsets());
          rows.<RuntimeException>rrsets(
              z.row().id(), r -> seen.add("  " + r.name() + " " + r.type() + " " + r.rdata()));
        }
      }
      // Each write bumps its zone's serial: b.test. at 8, not the 9 the late write made it.
      assertEquals(
          List.of(
              "a.test. 3 2",
              "  www.a.test. A [192.0.2.1, 192.0.2.2]",
              "  gone.a.test. AAAA []",
              "b.test. 8 1",
              "  b.test. TXT [one two]",
              "empty.test. 1 0"),
          seen);
      assertEquals(seqBefore + 1, ChangeLogReader.counter(read), "the late write came after");
      assertTrue(read.getAutoCommit(), "left in auto-commit");
      assertEquals(Connection.TRANSACTION_READ_COMMITTED, read.getTransactionIsolation());
    }
  }
}
