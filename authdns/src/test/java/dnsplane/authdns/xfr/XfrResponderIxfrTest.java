package dnsplane.authdns.xfr;

import static dnsplane.authdns.xfr.Versions.ZONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.journal.JournalLimits;
import dnsplane.authdns.zone.ZoneSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * XfrResponder's IXFR answers as a table: client serial and transport in, answer form out, from a
 * journal bounded to 4 versions of a zone that went through 5 (serial 10 to 15). Every incremental
 * answer is applied to the client's version and must give ours exactly.
 */
class XfrResponderIxfrTest {
  private static Versions v;

  @BeforeAll
  static void versions() throws Exception {
    v = new Versions(new JournalLimits(4, 10_000));
    v.txt("a", "one"); // 11
    v.txt("b", "two"); // 12
    v.remove("a", Type.TXT); // 13
    v.manyTxt("bulk", 200); // 14: about 8 KB, too much for 512 or 4096 bytes
    v.txt("b", "two", "three"); // 15
  }

  /** A row: the client's serial, how it asks, what it must get. */
  private record Row(long client, boolean udp, int udpLimit, String result, int versions) {}

  private static final List<Row> TCP =
      List.of(
          new Row(15, false, 0, "uptodate", 0),
          new Row(16, false, 0, "uptodate", 0), // newer than ours (RFC 1982): up to date
          new Row(14, false, 0, "incremental", 1),
          new Row(12, false, 0, "incremental", 3), // condensed
          new Row(11, false, 0, "incremental", 4), // the oldest the journal reaches
          new Row(10, false, 0, "full", 0), // dropped from the journal: the AXFR form
          new Row(3, false, 0, "full", 0)); // never served

  private static final List<Row> UDP =
      List.of(
          new Row(15, true, 512, "uptodate", 0),
          new Row(14, true, 512, "incremental", 1), // small: inline
          new Row(13, true, 512, "truncated", 0), // 200 records do not fit 512 bytes
          new Row(13, true, 4096, "truncated", 0), // nor 4096
          new Row(13, true, 65_535, "incremental", 2), // but a large EDNS size takes them
          new Row(10, true, 65_535, "truncated", 0)); // not in the journal: TCP, for the AXFR form

  @Test
  void overTcp() throws Exception {
    for (Row row : TCP) {
      XfrResponder.Transfer t =
          XfrResponder.tcp(v.holder.get(), v.journal, Versions.ixfr(row.client()), true, 65_535);
      assertEquals(row.result(), t.result(), row.toString());
      List<Record> answer = answer(t.messages());
      assertEquals(t.records(), answer.size(), row + ": records counted as sent");
      switch (row.result()) {
        case "uptodate" -> assertEquals(List.of(soa()), answer, row.toString());
        case "full" ->
            assertEquals(
                TransferSplitter.axfrSequence(v.holder.get().records(ZONE)),
                answer,
                row.toString());
        default -> checkIncremental(row, answer);
      }
    }
  }

  @Test
  void overUdp() throws Exception {
    XfrMetrics metrics = new XfrMetrics();
    for (Row row : UDP) {
      Message m =
          XfrResponder.datagram(
              v.holder.get(),
              v.journal,
              Versions.ixfr(row.client()),
              true,
              row.udpLimit(),
              metrics);
      List<Record> answer = m.getSection(Section.ANSWER);
      assertEquals(
          row.result().equals("truncated"), m.getHeader().getFlag(Flags.TC), row.toString());
      assertTrue(m.toWire().length <= row.udpLimit(), row + ": fits");
      switch (row.result()) {
        case "uptodate" -> assertEquals(List.of(soa()), answer, row.toString());
        case "truncated" -> assertTrue(answer.isEmpty(), row + ": never a cut difference");
        default -> checkIncremental(row, answer);
      }
    }
    assertEquals(2, metrics.transfers("IXFR", "incremental"));
    assertEquals(3, metrics.transfers("IXFR", "truncated"));
  }

  @Test
  void aMultiMessageDifferenceIsSplitLikeAnAxfrAndReassemblesExactly() throws Exception {
    // 200 records over messages of at most 1,000 bytes.
    XfrResponder.Transfer t =
        XfrResponder.tcp(v.holder.get(), v.journal, Versions.ixfr(13), true, 1_000);
    assertTrue(t.messages().size() > 3, "split: " + t.messages().size());
    for (byte[] m : t.messages()) {
      assertTrue(m.length <= 1_000, "within the limit: " + m.length);
    }
    checkIncremental(new Row(13, false, 0, "incremental", 2), answer(t.messages()));
  }

  @Test
  void withoutAJournalAnOlderClientGetsTheAxfrFormAsBefore() throws Exception {
    XfrResponder.Transfer t = XfrResponder.tcp(v.holder.get(), Versions.ixfr(14), true, 65_535);
    assertEquals("full", t.result());
    assertFalse(
        XfrResponder.datagram(v.holder.get(), Versions.ixfr(14), new XfrMetrics())
                .getSection(Section.ANSWER)
                .size()
            > 0,
        "UDP: TC as before");
  }

  private static void checkIncremental(Row row, List<Record> answer) {
    SOARecord second = (SOARecord) answer.get(1);
    assertEquals(row.client(), second.getSerial(), row + ": the difference starts at the client");
    long soas = answer.stream().filter(r -> r.getType() == Type.SOA).count();
    assertEquals(4, soas, row + ": one (condensed) difference sequence, however many versions");
    ZoneSet client = v.at(row.client());
    assertEquals(
        Versions.texts(v.holder.get()),
        Versions.applyIxfr(client, answer, v.serial()),
        row.toString());
    assertEquals(
        row.versions(),
        v.journal.difference(ZONE, row.client(), soa()).orElseThrow().versions(),
        row + ": versions condensed");
  }

  private static SOARecord soa() {
    return v.holder.get().zone(ZONE).orElseThrow().soa();
  }

  private static List<Record> answer(List<byte[]> messages) throws Exception {
    List<Record> out = new ArrayList<>();
    for (byte[] m : messages) {
      out.addAll(new Message(m).getSection(Section.ANSWER));
    }
    return out;
  }
}
