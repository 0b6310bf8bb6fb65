package dnsplane.authdns.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.zone.RrsetRow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

class ZoneFileParserTest {

  static final String ZONE =
      """
      $ORIGIN Example.ORG.
      $TTL 300
      @       IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 60
              IN NS  ns1
              IN NS  ns2.example.net.
              IN MX  10 Mail
      ns1     IN A   192.0.2.1
      WWW 60  IN A   192.0.2.10
      www     IN A   192.0.2.11
      www     IN AAAA 2001:db8::10
      *.wild  IN TXT "hello world" "a\\"b"
      alias   IN CNAME www
      _sip._tcp IN SRV 10 20 5060 sip
      sip     IN A   192.0.2.20
      @       IN CAA 0 issue "ca.example"
      """;

  @Test
  void parsesOriginTtlRelativeNamesAndCanonicalisesCase() throws Exception {
    ParsedZone z = ZoneFileParser.parse(ZONE, null);
    assertEquals("example.org.", z.zoneName());
    RrsetRow www = z.rrsets().get(new RrsetRow.Key("www.example.org.", "A"));
    assertEquals(List.of("192.0.2.10", "192.0.2.11"), www.rdata());
    assertEquals(60, www.ttl(), "the smallest TTL of the rrset wins");
    // Rdata keeps the file's case (as NSD does); only owner names are canonical.
    assertEquals(
        List.of("ns1.Example.ORG.", "ns2.example.net."),
        z.rrsets().get(new RrsetRow.Key("example.org.", "NS")).rdata());
    assertTrue(z.rrsets().containsKey(new RrsetRow.Key("*.wild.example.org.", "TXT")));
    assertTrue(z.rrsets().containsKey(new RrsetRow.Key("_sip._tcp.example.org.", "SRV")));
    assertEquals(13, z.recordCount());
  }

  @Test
  void rdataTextIsTheSameAfterExportAndReimport() throws Exception {
    Name origin = Name.fromConstantString("example.org.");
    // an empty public key: dnsjava prints this rdata as "4 5 5 " and reads it back as "4 5 5"
    String file = "@ 300 IN SOA ns1 h 1 2 3 4 5\n@ 300 IN NS ns1\n@ 300 IN TYPE60 4 5 5 %\n";
    RrsetRow.Key cdnskey = new RrsetRow.Key("example.org.", "CDNSKEY");
    RrsetRow key = ZoneFileParser.parse(file, origin).rrsets().get(cdnskey);
    assertEquals(List.of("4 5 5"), key.rdata());
  }

  @Test
  void syntaxErrorNamesItsLine() {
    String bad = ZONE.replace("sip     IN A   192.0.2.20", "sip     IN A   192.0.2.999");
    ZoneFileException e =
        assertThrows(ZoneFileException.class, () -> ZoneFileParser.parse(bad, null));
    assertEquals(14, e.line());
    assertTrue(e.getMessage().startsWith("line 14: "), e.getMessage());
  }

  @Test
  void zoneWithoutSoaOrApexNsIsRejected() {
    Name origin = Name.fromConstantString("example.org.");
    ZoneFileException noSoa =
        assertThrows(
            ZoneFileException.class,
            () -> ZoneFileParser.parse("@ 300 IN NS ns1\nns1 300 IN A 192.0.2.1\n", origin));
    assertTrue(noSoa.getMessage().contains("SOA"), noSoa.getMessage());
    ZoneFileException noNs =
        assertThrows(
            ZoneFileException.class,
            () ->
                ZoneFileParser.parse(
                    "@ 300 IN SOA ns1 h 1 2 3 4 5\nns1 300 IN A 192.0.2.1\n", origin));
    assertTrue(noNs.getMessage().contains("no NS"), noNs.getMessage());
  }

  @Test
  void recordsOutsideTheZoneAndCnameWithOtherDataAreRejected() {
    Name origin = Name.fromConstantString("example.org.");
    String head = "@ 300 IN SOA ns1 h 1 2 3 4 5\n@ 300 IN NS ns1\n";
    ZoneFileException outside =
        assertThrows(
            ZoneFileException.class,
            () -> ZoneFileParser.parse(head + "x.example.com. 300 IN A 192.0.2.1\n", origin));
    assertTrue(outside.getMessage().contains("outside the zone"), outside.getMessage());
    ZoneFileException cname =
        assertThrows(
            ZoneFileException.class,
            () -> ZoneFileParser.parse(head + "a 300 IN CNAME b\na 300 IN A 192.0.2.1\n", origin));
    assertTrue(cname.getMessage().contains("CNAME and other data"), cname.getMessage());
  }

  @Test
  void includeIsRefused() {
    Name origin = Name.fromConstantString("example.org.");
    assertThrows(
        ZoneFileException.class, () -> ZoneFileParser.parse("$INCLUDE /etc/passwd\n", origin));
  }

  @Test
  void emptyRrsetSurvivesRenderAndParse() throws Exception {
    ParsedZone z = ZoneFileParser.parse(ZONE, null);
    Map<RrsetRow.Key, RrsetRow> rrsets = new java.util.LinkedHashMap<>(z.rrsets());
    RrsetRow empty = new RrsetRow("gone.example.org.", "A", 60, List.of());
    rrsets.put(empty.key(), empty);
    String text = ZoneExporter.render("example.org.", rrsets.values());
    ParsedZone back = ZoneFileParser.parse(text, null);
    assertEquals(rrsets.keySet(), back.rrsets().keySet());
    assertEquals(empty, back.rrsets().get(empty.key()));
    assertTrue(RrsetDiff.between(rrsets, back.rrsets()).isEmpty());
  }

  @Test
  void diffListsOnlyWhatChanged() {
    RrsetRow a = new RrsetRow("a.example.org.", "A", 60, List.of("192.0.2.1", "192.0.2.2"));
    RrsetRow aReordered =
        new RrsetRow("a.example.org.", "A", 60, List.of("192.0.2.2", "192.0.2.1"));
    RrsetRow b = new RrsetRow("b.example.org.", "A", 60, List.of("192.0.2.3"));
    RrsetRow b2 = new RrsetRow("b.example.org.", "A", 30, List.of("192.0.2.3"));
    RrsetRow c = new RrsetRow("c.example.org.", "A", 60, List.of("192.0.2.4"));
    RrsetDiff d =
        RrsetDiff.between(
            Map.of(a.key(), a, b.key(), b, c.key(), c),
            Map.of(
                a.key(),
                aReordered,
                b.key(),
                b2,
                new RrsetRow.Key("d.example.org.", "A"),
                new RrsetRow("d.example.org.", "A", 1, List.of())));
    assertEquals(List.of(b2), d.updates());
    assertEquals(List.of(c), d.deletes());
    assertEquals(1, d.inserts().size());
  }
}
