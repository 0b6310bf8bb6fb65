package dnsplane.authdns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * {@link ZoneSetBuilder.Ordered} builds the zone the general path builds from the same rrsets:
 * given in the order a snapshot copy writes them (its fast path), shuffled, in another case, or
 * with two names of one hash in a row (the general path, from where the order broke).
 */
class OrderedBuildTest {

  /** One rrset as a snapshot copy holds it. */
  private record Rrset(Name name, int type, List<Record> records) {}

  /** {@code zone}'s rrsets in its own (trie) order, empty ones included. */
  private static List<Rrset> inTrieOrder(ZoneSnapshot zone) {
    List<Rrset> out = new ArrayList<>();
    zone.forEachNode(
        (name, node) -> {
          for (int type : node.types()) {
            out.add(new Rrset(name, type, node.rrset(type)));
          }
        });
    return out;
  }

  private static ZoneSet ordered(ZoneSet like, Map<Name, List<Rrset>> rrsets) {
    ZoneSetBuilder b = new ZoneSetBuilder();
    for (Name z : like.zoneNames()) {
      List<Rrset> list = rrsets.get(z);
      ZoneSetBuilder.Ordered o = b.ordered(z, like.serial(z), list.size());
      for (Rrset r : list) {
        o.add(r.name(), r.name().toWire(), r.type(), r.records());
      }
      o.done();
    }
    return b.build();
  }

  @Test
  void buildsWhatTheGeneralPathBuildsInAnyOrder() throws Exception {
    Random random = new Random(20261201);
    for (int round = 0; round < 300; round++) {
      List<ZoneChange> changes =
          BulkBuildTest.randomChanges(random, 1 + random.nextInt(60), round % 2 == 0);
      ZoneSet expected = ZoneSet.build(changes);
      Map<Name, List<Rrset>> asWritten = new HashMap<>();
      Map<Name, List<Rrset>> shuffled = new HashMap<>();
      for (Name z : expected.zoneNames()) {
        List<Rrset> list = inTrieOrder(expected.zone(z).orElseThrow());
        asWritten.put(z, list);
        List<Rrset> s = new ArrayList<>(list);
        Collections.shuffle(s, random);
        shuffled.put(z, s);
      }
      BulkBuildTest.assertSame(expected, ordered(expected, asWritten), "round " + round);
      BulkBuildTest.assertSame(
          expected, ordered(expected, shuffled), "round " + round + ", shuffled");
    }
  }

  @Test
  void twoNamesOfOneHashInARowAreBothKept() throws Exception {
    Name zone = Name.fromConstantString("collide.test.");
    Map<Integer, Name> seen = new HashMap<>();
    Name first = null;
    Name second = null;
    for (int i = 0; second == null; i++) {
      Name n = Name.fromString("n" + i, zone);
      byte[] wire = n.toWire();
      Name before = seen.putIfAbsent(WireNames.hash(wire, 0, wire.length), n);
      if (before != null) {
        first = before;
        second = n;
      }
    }
    List<ZoneChange> changes = new ArrayList<>();
    changes.add(new ZoneChange.ZoneCreated(zone, 1));
    List<Rrset> rrsets = new ArrayList<>();
    for (Name n : List.of(first, second, first)) {
      Record a = new ARecord(n, DClass.IN, 60, InetAddress.getByAddress(new byte[] {10, 0, 0, 1}));
      changes.add(new ZoneChange.RrsetReplaced(zone, n, Type.A, List.of(a), 1));
      rrsets.add(new Rrset(n, Type.A, List.of(a)));
    }
    ZoneSet expected = ZoneSet.build(changes);
    assertEquals(2, expected.zone(zone).orElseThrow().nodes().size());
    BulkBuildTest.assertSame(expected, ordered(expected, Map.of(zone, rrsets)), "a collision");
  }

  /**
   * A zone past the size at which its name trie and its count of names below each ancestor are
   * built side by side: every empty non-terminal still exists, and nothing else does.
   */
  @Test
  void aBigZoneKnowsItsEmptyNonTerminals() throws Exception {
    Name zone = Name.fromConstantString("big.test.");
    List<ZoneChange> changes = new ArrayList<>();
    changes.add(new ZoneChange.ZoneCreated(zone, 1));
    int names = 60_000;
    for (int i = 0; i < names; i++) {
      // a.N.g{i%100}.big.test.: g{k} and N.g{k} are empty non-terminals
      Name n = Name.fromString("a." + i + ".g" + (i % 100), zone);
      Record a = new ARecord(n, DClass.IN, 60, InetAddress.getByAddress(new byte[] {10, 0, 0, 1}));
      changes.add(new ZoneChange.RrsetReplaced(zone, n, Type.A, List.of(a), 1));
    }
    ZoneSet general = ZoneSet.build(changes);
    ZoneSet orderedWay =
        ordered(general, Map.of(zone, inTrieOrder(general.zone(zone).orElseThrow())));
    for (ZoneSet built : List.of(general, orderedWay)) {
      ZoneSnapshot z = built.zone(zone).orElseThrow();
      assertEquals(names, z.nameCount());
      assertTrue(z.exists(Name.fromString("g7", zone)));
      assertTrue(z.exists(Name.fromString("59999.g99", zone)));
      assertTrue(z.exists(Name.fromString("a.59999.g99", zone)));
      assertFalse(z.exists(Name.fromString("59999.g98", zone)));
      assertFalse(z.exists(Name.fromString("g100", zone)));
    }
  }

  @Test
  void refusesWhatTheGeneralPathRefuses() {
    Name zone = Name.fromConstantString("a.test.");
    ZoneSetBuilder.Ordered o = new ZoneSetBuilder().ordered(zone, 1, 1);
    Name outside = Name.fromConstantString("www.elsewhere.");
    assertThrows(
        IllegalArgumentException.class, () -> o.add(outside, outside.toWire(), Type.A, List.of()));
  }
}
