package dnsplane.authdns.store;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.AuthDns;
import dnsplane.authdns.zone.ZoneFileChanges;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * An export carries the SOA serial authdns serves (the zone's change-log counter), not the serial
 * the imported file once had: a server loaded from the export must not be behind, or a secondary
 * fed from it would see the serial go backwards.
 */
@RequiresPostgres
class ExportSerialTest {
  private static final Name ZONE = Name.fromConstantString("serial.test.");
  private static final String TEXT =
      """
      $ORIGIN serial.test.
      $TTL 300
      @    SOA ns1 hostmaster 1 7200 3600 1209600 60
      @    NS  ns1
      ns1  A   192.0.2.1
      www  A   192.0.2.10
      """;

  @Test
  void theExportedSoaCarriesTheServedSerialAndReimportsToTheSameRows() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), TEXT, null);
    for (int i = 0; i < 5; i++) {
      exec(
          db,
          "UPDATE rrset SET rdata = ?::text[] WHERE name = 'www.serial.test.' AND type = 'A'",
          "{192.0.2." + (20 + i) + "}");
    }
    long stored = zoneSerial(db);
    assertTrue(stored > 1, "the counter moved past the file's serial: " + stored);

    String exported = ZoneExporter.export(db.settings(), ZONE);
    SOARecord soa = soa(exported);
    assertEquals(stored, soa.getSerial(), exported);
    assertTrue(exported.contains("serial " + stored), "the header says so too:\n" + exported);

    try (AuthDns served =
        AuthDns.start(
            db.settings(),
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0))) {
      assertTrue(served.awaitSynced(Duration.ofSeconds(10)));
      assertEquals(served.snapshot().get().serial(ZONE), soa.getSerial(), "what is served");
    }
    // Only the serial differs from the stored SOA row, and that is not data: nothing to write.
    assertEquals(0, ZoneImporter.importText(db.settings(), exported, null).written(), exported);
    assertEquals(stored, zoneSerial(db));
  }

  private static SOARecord soa(String master) throws Exception {
    for (Record r : ZoneFileChanges.parse(master, ZONE)) {
      if (r.getType() == Type.SOA) {
        return (SOARecord) r;
      }
    }
    throw new AssertionError("no SOA in\n" + master);
  }

  private static long zoneSerial(TestDb db) throws Exception {
    return longValue(db, "SELECT serial FROM zone WHERE name = 'serial.test.'");
  }
}
