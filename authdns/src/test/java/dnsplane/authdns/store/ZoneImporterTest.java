package dnsplane.authdns.store;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.db.zone.RrsetRow;
import dnsplane.db.zone.ZoneReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

@RequiresPostgres
class ZoneImporterTest {

  private TestDb db;

  @BeforeEach
  void freshDatabase() {
    db = TestPostgres.freshDatabase();
  }

  @Test
  void exportReimportsToTheSameRows() throws Exception {
    ImportResult first = ZoneImporter.importText(db.settings(), ZoneFileParserTest.ZONE, null);
    assertTrue(first.zoneCreated());
    assertEquals(11, first.inserted());
    Map<RrsetRow.Key, RrsetRow> before = rows("example.org.");

    String exported = ZoneExporter.export(db.settings(), Name.fromString("example.org."));
    long logBefore = changeLogRows();
    ImportResult again = ZoneImporter.importText(db.settings(), exported, null);

    assertEquals(0, again.written(), exported);
    assertEquals(logBefore, changeLogRows());
    assertEquals(before, rows("example.org."));
  }

  @Test
  void badFileIsRejectedNamingItsLineAndChangesNothing() throws Exception {
    ZoneImporter.importText(db.settings(), ZoneFileParserTest.ZONE, null);
    Map<RrsetRow.Key, RrsetRow> before = rows("example.org.");
    long logBefore = changeLogRows();
    String bad =
        ZoneFileParserTest.ZONE
            .replace("www     IN AAAA 2001:db8::10", "www IN AAAA not-an-address")
            .replace("192.0.2.20", "192.0.2.21");

    ZoneFileException e =
        assertThrows(
            ZoneFileException.class, () -> ZoneImporter.importText(db.settings(), bad, null));

    assertEquals(10, e.line());
    assertTrue(e.getMessage().contains("line 10"), e.getMessage());
    assertEquals(before, rows("example.org."));
    assertEquals(logBefore, changeLogRows());
  }

  @Test
  void reimportWritesOnlyTheChangedRrsets() throws Exception {
    ZoneImporter.importText(db.settings(), ZoneFileParserTest.ZONE, null);
    long logBefore = changeLogRows();
    String changed =
        ZoneFileParserTest.ZONE
                .replace("sip     IN A   192.0.2.20", "sip     IN A   192.0.2.21")
                .replace("alias   IN CNAME www\n", "")
            + "new     IN A   192.0.2.30\n";

    ImportResult r = ZoneImporter.importText(db.settings(), changed, null);

    assertEquals(1, r.inserted());
    assertEquals(1, r.updated());
    assertEquals(1, r.deleted());
    assertEquals(9, r.unchanged());
    assertEquals(logBefore + 3, changeLogRows(), "one change_log row per written rrset");
    Map<RrsetRow.Key, RrsetRow> after = rows("example.org.");
    assertEquals(
        java.util.List.of("192.0.2.21"),
        after.get(new RrsetRow.Key("sip.example.org.", "A")).rdata());
    assertFalse(after.containsKey(new RrsetRow.Key("alias.example.org.", "CNAME")));
  }

  @Test
  void namesAreStoredCanonicalWhateverTheFileCase() throws Exception {
    ZoneImporter.importText(
        db.settings(),
        "@ 300 IN SOA NS1 HostMaster 1 2 3 4 5\n@ 300 IN NS NS1\nNS1 300 IN A 192.0.2.1\n"
            + "MiXeD.Sub 300 IN A 192.0.2.2\n",
        Name.fromString("CaSe.Example.ORG."));
    Map<RrsetRow.Key, RrsetRow> rows = rows("case.example.org.");
    assertTrue(
        rows.containsKey(new RrsetRow.Key("mixed.sub.case.example.org.", "A")), rows.toString());
    assertTrue(rows.containsKey(new RrsetRow.Key("ns1.case.example.org.", "A")), rows.toString());
  }

  @Test
  void emptyRrsetRoundTripsThroughExport() throws Exception {
    ZoneImporter.importText(db.settings(), ZoneFileParserTest.ZONE, null);
    exec(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id, 'empty.example.org.', 'A',"
            + " 60, '{}' FROM zone WHERE name = 'example.org.'");
    String exported = ZoneExporter.export(db.settings(), Name.fromString("example.org."));
    assertTrue(
        exported.contains(ZoneFileParser.EMPTY_MARKER + "empty.example.org. 60 A"), exported);
    assertEquals(0, ZoneImporter.importText(db.settings(), exported, null).written());
  }

  @Test
  void exportOfUnknownZoneSaysSo() {
    NoSuchElementException e =
        assertThrows(
            NoSuchElementException.class,
            () -> ZoneExporter.export(db.settings(), Name.fromString("nope.example.")));
    assertTrue(e.getMessage().contains("nope.example."));
  }

  @Test
  void hundredThousandRecordsImportInSeconds() throws Exception {
    StringBuilder z =
        new StringBuilder("$ORIGIN big.example.\n$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n");
    for (int i = 0; i < 100_000; i++) {
      z.append("h").append(i).append(" A 192.0.2.").append(i % 250 + 1).append('\n');
    }
    long start = System.nanoTime();
    ImportResult r = ZoneImporter.importText(db.settings(), z.toString(), null);
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println("imported 100,000 records in " + ms + " ms");
    assertEquals(100_002, r.inserted());
    assertTrue(ms < 60_000, "import took " + ms + " ms");
    assertEquals(100_002, rows("big.example.").size());
  }

  private Map<RrsetRow.Key, RrsetRow> rows(String zone) throws SQLException {
    try (Connection c = db.connect()) {
      return ZoneReader.rrsets(c, ZoneReader.zoneId(c, zone).orElseThrow());
    }
  }

  private long changeLogRows() throws SQLException {
    return longValue(db, "SELECT count(*) FROM change_log");
  }
}
