package dnsplane.authdns.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.zone.RrsetRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/** The streaming reader's passes: the apex, the records one at a time, the empty-rrset lines. */
class ZoneFileReaderTest {

  @Test
  void withoutAnOriginTheApexIsTheOwnerOfTheSoaWhereverItIs() throws Exception {
    String file =
        "www.late.test. 300 A 192.0.2.1\nlate.test. 300 NS ns1.late.test.\n"
            + "late.test. 300 SOA ns1.late.test. h.late.test. 1 2 3 4 5\n";
    ZoneSource source = ZoneSource.of(file);

    assertEquals(Name.fromString("late.test."), ZoneFileReader.apex(source, null));
    List<ZoneFileReader.Entry> entries = new ArrayList<>();
    try (ZoneFileReader.Records records =
        ZoneFileReader.records(source, null, Name.fromString("late.test."))) {
      ZoneFileReader.Entry e;
      while ((e = records.next()) != null) {
        entries.add(e);
      }
    }
    assertEquals(
        List.of(
            new ZoneFileReader.Entry("www.late.test.", "A", 300, "192.0.2.1"),
            new ZoneFileReader.Entry("late.test.", "NS", 300, "ns1.late.test."),
            new ZoneFileReader.Entry(
                "late.test.", "SOA", 300, "ns1.late.test. h.late.test. 1 2 3 4 5")),
        entries);
  }

  @Test
  void aRecordThatBreaksARuleIsThrownAfterTheLastRecordSoALaterSyntaxErrorWins() throws Exception {
    Name apex = Name.fromString("rule.test.");
    String outside = "$ORIGIN rule.test.\nx.example. 300 A 192.0.2.1\nwww 300 A 192.0.2.2\n";
    List<String> read = new ArrayList<>();
    ZoneFileException e =
        assertThrows(
            ZoneFileException.class,
            () -> {
              try (ZoneFileReader.Records records =
                  ZoneFileReader.records(ZoneSource.of(outside), null, apex)) {
                ZoneFileReader.Entry r;
                while ((r = records.next()) != null) {
                  read.add(r.name());
                }
              }
            });
    assertTrue(e.getMessage().contains("owner is outside the zone"), e.getMessage());
    assertEquals(List.of(), read, "nothing after the broken record is handed out");

    ZoneFileException syntax =
        assertThrows(
            ZoneFileException.class,
            () -> ZoneFileParser.parse(outside + "bad 300 A 192.0.2.999\n", apex));
    assertEquals(4, syntax.line(), syntax.getMessage());
  }

  @Test
  void emptyRrsetLinesAreReadWithCrlfLineEndsToo() throws Exception {
    String file =
        "$ORIGIN crlf.test.\r\n@ 300 SOA ns1 h 1 2 3 4 5\r\n@ 300 NS ns1\r\n"
            + "  ;dnsplane-empty gone.crlf.test. 60 AAAA\r\n";
    ParsedZone z = ZoneFileParser.parse(file, null);
    assertEquals(
        new RrsetRow("gone.crlf.test.", "AAAA", 60, List.of()),
        z.rrsets().get(new RrsetRow.Key("gone.crlf.test.", "AAAA")));
  }

  @Test
  void anEmptyRrsetLineTooLongToHoldIsRefusedNamingItsLine() {
    String file =
        "$ORIGIN long.test.\n@ 300 SOA ns1 h 1 2 3 4 5\n@ 300 NS ns1\n"
            + ZoneFileParser.EMPTY_MARKER
            + "a.long.test. 60 A"
            + " ".repeat(ZoneFileReader.MAX_EMPTY_LINE)
            + "\n";
    ZoneFileException e =
        assertThrows(ZoneFileException.class, () -> ZoneFileParser.parse(file, null));
    assertEquals(4, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("bad empty-rrset marker: longer than"), e.getMessage());
  }
}
