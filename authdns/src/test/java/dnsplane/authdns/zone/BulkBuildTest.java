package dnsplane.authdns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * {@link ZoneSet#build} is a faster {@code empty().apply(changes)}: on random change sequences
 * (zones created again and deleted, rrsets replaced, emptied, removed, changes before a zone's
 * creation, incomplete changes) both give the same zones, serials, names and rrsets.
 */
class BulkBuildTest {

  private static final Name[] ZONES = {
    Name.fromConstantString("a.test."), Name.fromConstantString("b.test.")
  };

  @Test
  void buildsWhatApplyingOneByOneBuilds() throws Exception {
    Random random = new Random(20261129);
    for (int round = 0; round < 300; round++) {
      List<ZoneChange> changes = randomChanges(random, 1 + random.nextInt(60));
      assertSame(
          ZoneSet.empty().apply(changes),
          ZoneSet.build(changes),
          "round " + round + ": " + changes);
    }
  }

  @Test
  void refusesWhatApplyRefuses() {
    Name outside = Name.fromConstantString("www.elsewhere.");
    List<ZoneChange> changes =
        List.of(new ZoneChange.RrsetReplaced(ZONES[0], outside, Type.A, List.of(), 1));
    assertThrows(IllegalArgumentException.class, () -> ZoneSet.empty().apply(changes));
    assertThrows(IllegalArgumentException.class, () -> ZoneSet.build(changes));
  }

  static void assertSame(ZoneSet expected, ZoneSet actual, String what) {
    assertEquals(expected.zoneNames(), actual.zoneNames(), what);
    for (Name z : expected.zoneNames()) {
      ZoneSnapshot e = expected.zone(z).orElseThrow();
      ZoneSnapshot a = actual.zone(z).orElseThrow();
      assertEquals(e.serial(), a.serial(), what);
      assertEquals(dump(e), dump(a), what);
    }
  }

  private static List<String> dump(ZoneSnapshot z) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Name, Node> n : z.nodes()) {
      for (int type : n.getValue().types()) {
        out.add(n.getKey() + " " + Type.string(type) + " " + n.getValue().rrset(type));
      }
    }
    return out;
  }

  private static List<ZoneChange> randomChanges(Random random, int count) throws Exception {
    return randomChanges(random, count, false);
  }

  /**
   * {@code count} random changes with serials 1, 2, ...; with {@code mixedCase}, owner names are
   * spelled in either case (the same name, as DNS compares them).
   */
  static List<ZoneChange> randomChanges(Random random, int count, boolean mixedCase)
      throws Exception {
    List<ZoneChange> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Name zone = ZONES[random.nextInt(ZONES.length)];
      String label = (mixedCase && random.nextBoolean() ? "N" : "n") + random.nextInt(6);
      Name name = random.nextInt(5) == 0 ? zone : Name.fromString(label, zone);
      long serial = i + 1;
      switch (random.nextInt(8)) {
        case 0 -> out.add(new ZoneChange.ZoneCreated(zone, serial));
        case 1 -> out.add(new ZoneChange.ZoneDeleted(zone));
        case 2 -> out.add(new ZoneChange.RrsetRemoved(zone, name, Type.A, serial));
        case 3 ->
            out.add(
                new ZoneChange.RrsetIncomplete(zone, name, Type.A, records(random, name), serial));
        case 4 ->
            out.add(
                new ZoneChange.RrsetReplaced(
                    zone, zone, Type.SOA, List.of(soa(zone, random)), serial));
        case 5 ->
            out.add(
                new ZoneChange.RrsetReplaced(
                    zone,
                    name,
                    Type.TXT,
                    List.of(new TXTRecord(name, DClass.IN, 60, "t" + random.nextInt(3))),
                    serial));
        default ->
            out.add(
                new ZoneChange.RrsetReplaced(zone, name, Type.A, records(random, name), serial));
      }
    }
    return out;
  }

  private static List<Record> records(Random random, Name name) throws Exception {
    List<Record> out = new ArrayList<>();
    int n = random.nextInt(3); // 0: an emptied rrset
    for (int i = 0; i < n; i++) {
      out.add(
          new ARecord(
              name,
              DClass.IN,
              60,
              InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) (i + random.nextInt(4))})));
    }
    return out;
  }

  private static SOARecord soa(Name zone, Random random) throws Exception {
    return new SOARecord(
        zone,
        DClass.IN,
        300,
        Name.fromString("ns", zone),
        Name.fromString("h", zone),
        random.nextInt(100),
        7200,
        3600,
        1209600,
        60);
  }
}
