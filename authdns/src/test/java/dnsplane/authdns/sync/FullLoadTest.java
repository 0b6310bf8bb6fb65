package dnsplane.authdns.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.Node;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import dnsplane.db.changelog.FullLoadRows;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * A full load of many batches is parsed on a thread beside the reading one: it must come out as the
 * rows read one by one on one thread would, in the order read (which rejection is raised for which
 * row, which of two rows for a name wins), and a load abandoned part way must not leave that thread
 * behind.
 */
class FullLoadTest {
  private static final int ROWS = 20_000; // several batches

  @Test
  void aLoadOfManyBatchesServesEveryRowInTheOrderRead() {
    List<FullLoadRows.ZoneRow> zones =
        List.of(
            new FullLoadRows.ZoneRow(1, "a.test.", 7), new FullLoadRows.ZoneRow(2, "b.test.", 9));
    List<FullLoadRows.RrsetRow> rrsets = new ArrayList<>();
    for (long z = 1; z <= 2; z++) {
      String origin = z == 1 ? "a.test." : "b.test.";
      rrsets.add(
          new FullLoadRows.RrsetRow(
              z, origin, "SOA", 60, List.of("ns1." + origin + " h." + origin + " 1 2 3 4 5")));
      for (int i = 0; i < ROWS / 2; i++) {
        // Every 1000th address does not parse: a rejection, the rest of the rrset served.
        String address = i % 1000 == 999 ? "192.0.2.x" : "192.0.2." + (i % 250);
        rrsets.add(new FullLoadRows.RrsetRow(z, "h" + i + "." + origin, "A", 60, List.of(address)));
      }
      // The same rrset twice: the later row is what a load row by row serves.
      rrsets.add(new FullLoadRows.RrsetRow(z, "h1." + origin, "A", 60, List.of("198.51.100.1")));
    }
    rrsets.add(new FullLoadRows.RrsetRow(3, "x.nowhere.", "A", 60, List.of("192.0.2.1")));

    FullLoad.Result r = FullLoad.of(new FullLoadRows(42, zones, rrsets), ZoneSet.empty());

    assertEquals(2, r.zoneRows());
    assertEquals(rrsets.size(), r.rrsetRows());
    assertEquals(42, r.lastSeq());
    assertEquals(ROWS / 1000, r.bad());
    List<String> rejectedNames = r.rejected().stream().map(Rejection::name).toList();
    List<String> expected = new ArrayList<>();
    for (String origin : List.of("a.test.", "b.test.")) {
      for (int i = 999; i < ROWS / 2; i += 1000) {
        expected.add("h" + i + "." + origin);
      }
    }
    assertEquals(expected, rejectedNames, "in the order read");
    for (String origin : List.of("a.test.", "b.test.")) {
      ZoneSnapshot z = r.zones().zone(Name.fromConstantString(origin)).orElseThrow();
      assertEquals(ROWS / 2 + 1, z.nameCount(), origin);
      for (int i = 0; i < ROWS / 2; i++) {
        Node n = z.node(Name.fromConstantString("h" + i + "." + origin));
        String want = i == 1 ? "198.51.100.1" : i % 1000 == 999 ? null : "192.0.2." + (i % 250);
        List<org.xbill.DNS.Record> a = n.rrset(Type.A);
        assertEquals(want, a.isEmpty() ? null : a.get(0).rdataToString(), "h" + i);
      }
    }
  }

  @Test
  void rowsOfZonesInterleavedAreServedAsIfEachZoneCameWhole() {
    // The database hands rrsets over in the order they were made, not zone by zone.
    List<FullLoadRows.ZoneRow> zones =
        List.of(
            new FullLoadRows.ZoneRow(1, "a.test.", 7), new FullLoadRows.ZoneRow(2, "b.test.", 9));
    List<FullLoadRows.RrsetRow> interleaved = new ArrayList<>();
    List<FullLoadRows.RrsetRow> grouped = new ArrayList<>();
    for (long z = 1; z <= 2; z++) {
      String origin = z == 1 ? "a.test." : "b.test.";
      grouped.add(
          new FullLoadRows.RrsetRow(
              z, origin, "SOA", 60, List.of("ns1." + origin + " h." + origin + " 1 2 3 4 5")));
      for (int i = 0; i < ROWS / 2; i++) {
        grouped.add(
            new FullLoadRows.RrsetRow(
                z, "h" + i % 500 + "." + origin, "A", 60, List.of("192.0.2." + (i % 250))));
      }
    }
    int half = grouped.size() / 2;
    for (int i = 0; i < half; i++) {
      interleaved.add(grouped.get(i));
      interleaved.add(grouped.get(half + i));
    }

    ZoneSet a = FullLoad.of(new FullLoadRows(42, zones, interleaved), ZoneSet.empty()).zones();
    ZoneSet b = FullLoad.of(new FullLoadRows(42, zones, grouped), ZoneSet.empty()).zones();

    for (String origin : List.of("a.test.", "b.test.")) {
      Name o = Name.fromConstantString(origin);
      assertEquals(b.zone(o).orElseThrow().records(), a.zone(o).orElseThrow().records(), origin);
    }
  }

  @Test
  void aLoadAbandonedPartWayStopsItsParsingThread() {
    FullLoad load = new FullLoad(ZoneSet.empty());
    load.position(1);
    load.zone(new FullLoadRows.ZoneRow(1, "a.test.", 1));
    for (int i = 0; i < ROWS; i++) {
      load.rrset(new FullLoadRows.RrsetRow(1, "h" + i + ".a.test.", "A", 60, List.of("192.0.2.1")));
    }
    assertTrue(load.parsing(), "more than a batch read: the parsing thread runs");
    load.close(); // as the follower does when the read throws
    assertFalse(load.parsing());
  }

  @Test
  void aLoadReadsUpToItsBudgetAndStopsAtTheRowPastIt() {
    FullLoad exact = new FullLoad(ZoneSet.empty(), ROWS);
    exact.position(1);
    exact.zone(new FullLoadRows.ZoneRow(1, "a.test.", 1));
    for (int i = 0; i < ROWS; i++) {
      exact.rrset(
          new FullLoadRows.RrsetRow(1, "h" + i + ".a.test.", "A", 60, List.of("192.0.2.1")));
    }
    assertEquals(ROWS, exact.result().rrsetRows(), "the budget itself fits");

    FullLoad over = new FullLoad(ZoneSet.empty(), ROWS);
    over.position(1);
    over.zone(new FullLoadRows.ZoneRow(1, "a.test.", 1));
    for (int i = 0; i < ROWS; i++) {
      over.rrset(new FullLoadRows.RrsetRow(1, "h" + i + ".a.test.", "A", 60, List.of("192.0.2.1")));
    }
    FullLoad.TooBig e =
        assertThrows(
            FullLoad.TooBig.class,
            () ->
                over.rrset(
                    new FullLoadRows.RrsetRow(1, "last.a.test.", "A", 60, List.of("192.0.2.1"))));
    assertEquals(ROWS + 1, e.read);
    over.close(); // as the follower does when the read throws
    assertFalse(over.parsing(), "and its parsing thread stops");
  }

  @Test
  void aSmallLoadStartsNoThread() {
    FullLoad load = new FullLoad(ZoneSet.empty());
    load.position(1);
    load.zone(new FullLoadRows.ZoneRow(1, "a.test.", 1));
    load.rrset(new FullLoadRows.RrsetRow(1, "www.a.test.", "A", 60, List.of("192.0.2.1")));
    assertFalse(load.parsing());
    FullLoad.Result r = load.result();
    assertEquals(1, r.rrsetRows());
    assertNull(r.zones().zone(Name.fromConstantString("a.test.")).orElseThrow().node(Name.root));
  }
}
