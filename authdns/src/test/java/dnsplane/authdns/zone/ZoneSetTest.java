package dnsplane.authdns.zone;

import static dnsplane.authdns.zone.ZoneFixtures.CHILD;
import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/** Invariants of {@link ZoneSet}: immutability, longest match, serials, empty rrsets. */
class ZoneSetTest {
  private static final Name AWS = Name.fromConstantString("aws.test.");
  private static final Name DDB = Name.fromConstantString("dynamodb.us-east-1.aws.test.");

  private static ARecord a(Name name, String addr) throws Exception {
    return new ARecord(name, DClass.IN, 60, InetAddress.getByName(addr));
  }

  private static ZoneSet awsZone() throws Exception {
    return ZoneSet.fromMasterText(
        "$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.53\n", AWS);
  }

  @Test
  void applyLeavesTheOldSnapshotUnchanged() throws Exception {
    ZoneSet before = awsZone();
    ZoneSet after =
        before.apply(
            List.of(
                new ZoneChange.RrsetReplaced(AWS, DDB, Type.A, List.of(a(DDB, "192.0.2.10")), 2)));
    assertNull(before.findZone(DDB).get().node(DDB), "old snapshot must not see the change");
    assertEquals(1, before.serial(AWS));
    assertEquals(1, after.findZone(DDB).get().node(DDB).rrset(Type.A).size());
    assertEquals(2, after.serial(AWS));
  }

  @Test
  void servedSoaCarriesTheChangeSerialNotTheStoredOne() throws Exception {
    ZoneSet zs =
        awsZone()
            .apply(
                List.of(
                    new ZoneChange.RrsetReplaced(
                        AWS, DDB, Type.A, List.of(a(DDB, "192.0.2.10")), 41)));
    SOARecord soa = zs.findZone(AWS).get().soa();
    assertEquals(41, soa.getSerial());
    assertEquals(41, ((SOARecord) zs.records(AWS).get(0)).getSerial());
    // Replacing the SOA rrset itself with an old serial still serves the change-log serial.
    SOARecord stale =
        new SOARecord(
            AWS,
            DClass.IN,
            300,
            Name.fromString("ns1.aws.test."),
            Name.fromString("hostmaster.aws.test."),
            5,
            7200,
            3600,
            1209600,
            60);
    ZoneSet zs2 =
        zs.apply(List.of(new ZoneChange.RrsetReplaced(AWS, AWS, Type.SOA, List.of(stale), 42)));
    assertEquals(42, zs2.findZone(AWS).get().soa().getSerial());
  }

  @Test
  void emptyRrsetMakesTheNameExistWithNoData() throws Exception {
    ZoneSet zs =
        awsZone().apply(List.of(new ZoneChange.RrsetReplaced(AWS, DDB, Type.A, List.of(), 2)));
    ZoneSnapshot z = zs.findZone(DDB).get();
    assertTrue(z.exists(DDB));
    assertNotNull(z.node(DDB).rrset(Type.A));
    assertFalse(z.node(DDB).hasData(Type.A));
    // Its ancestors are empty non-terminals.
    assertTrue(z.exists(Name.fromString("us-east-1.aws.test.")));
    assertFalse(z.exists(Name.fromString("eu-west-1.aws.test.")));
  }

  @Test
  void anIncompleteChangeKeepsTheServedRrsetAndOnlyAddsOneThatIsMissing() throws Exception {
    ZoneSet served =
        awsZone()
            .apply(
                List.of(
                    new ZoneChange.RrsetReplaced(
                        AWS, DDB, Type.A, List.of(a(DDB, "192.0.2.1"), a(DDB, "192.0.2.2")), 2)));
    ZoneSet kept =
        served.apply(
            List.of(
                new ZoneChange.RrsetIncomplete(AWS, DDB, Type.A, List.of(a(DDB, "192.0.2.1")), 3)));
    assertEquals(2, kept.findZone(DDB).get().node(DDB).rrset(Type.A).size(), "all of it kept");
    assertEquals(3, kept.serial(AWS), "the serial still follows the change log");

    Name fresh = Name.fromString("fresh.aws.test.");
    ZoneSet added =
        served.apply(
            List.of(
                new ZoneChange.RrsetIncomplete(
                    AWS, fresh, Type.A, List.of(a(fresh, "192.0.2.7")), 4)));
    assertEquals(
        List.of(a(fresh, "192.0.2.7")), added.findZone(fresh).get().node(fresh).rrset(Type.A));

    assertThrows(
        IllegalArgumentException.class,
        () ->
            served.apply(
                List.of(
                    new ZoneChange.RrsetIncomplete(
                        AWS, Name.fromString("x.example."), Type.A, List.of(), 5))));
  }

  @Test
  void removingTheLastRrsetRemovesTheName() throws Exception {
    ZoneSet zs =
        awsZone()
            .apply(
                List.of(
                    new ZoneChange.RrsetReplaced(AWS, DDB, Type.A, List.of(a(DDB, "192.0.2.1")), 2),
                    new ZoneChange.RrsetRemoved(AWS, DDB, Type.A, 3)));
    assertFalse(zs.findZone(DDB).get().exists(DDB));
    assertEquals(3, zs.serial(AWS));
  }

  @Test
  void longestMatchWins() {
    ZoneSet zs = ZoneFixtures.load(TRICKY, CHILD);
    assertEquals(
        CHILD, zs.findZone(Name.fromConstantString("a.b.www.child.tricky.test.")).get().origin());
    assertEquals(CHILD, zs.findZone(CHILD).get().origin());
    assertEquals(
        TRICKY, zs.findZone(Name.fromConstantString("child2.tricky.test.")).get().origin());
    assertEquals(
        CHILD, zs.findZone(Name.fromConstantString("WWW.CHILD.TRICKY.TEST.")).get().origin());
    assertTrue(zs.findZone(Name.fromConstantString("example.org.")).isEmpty());
    assertEquals(Set.of(TRICKY, CHILD), zs.zoneNames());
    assertEquals(2, zs.zoneCount());
    assertEquals(0, ZoneSet.empty().zoneCount());
  }

  @Test
  void zoneDeletedRemovesOnlyThatZone() {
    ZoneSet zs = ZoneFixtures.load(TRICKY, CHILD).apply(List.of(new ZoneChange.ZoneDeleted(CHILD)));
    assertEquals(Set.of(TRICKY), zs.zoneNames());
    assertEquals(
        TRICKY, zs.findZone(Name.fromConstantString("www.child.tricky.test.")).get().origin());
    assertEquals(List.of(), zs.records(CHILD));
    assertEquals(-1, zs.serial(CHILD));
  }

  @Test
  void recordsComeOutSoaFirstThenInCanonicalOrder() throws Exception {
    ZoneSet zs = ZoneFixtures.load(CHILD);
    List<String> names =
        zs.records(CHILD).stream().map(r -> r.getName() + " " + Type.string(r.getType())).toList();
    assertEquals(
        List.of(
            "child.tricky.test. SOA",
            "child.tricky.test. NS",
            "ns1.child.tricky.test. A",
            "www.child.tricky.test. A"),
        names);
  }

  @Test
  void recordOutsideTheZoneIsRejected() throws Exception {
    Name other = Name.fromString("www.example.org.");
    ZoneSet zs = awsZone();
    assertThrows(
        IllegalArgumentException.class,
        () ->
            zs.apply(
                List.of(
                    new ZoneChange.RrsetReplaced(
                        AWS, other, Type.A, List.of(a(other, "192.0.2.1")), 2))));
  }

  @Test
  void oneChangeToALargeZoneIsIncremental() throws Exception {
    Name big = Name.fromString("big.test.");
    List<ZoneChange> load = new ArrayList<>();
    load.add(new ZoneChange.ZoneCreated(big, 1));
    load.add(
        new ZoneChange.RrsetReplaced(
            big,
            big,
            Type.SOA,
            List.of(
                new SOARecord(
                    big,
                    DClass.IN,
                    300,
                    Name.fromString("ns.big.test."),
                    Name.fromString("h.big.test."),
                    1,
                    1,
                    1,
                    1,
                    60)),
            1));
    for (int i = 0; i < 100_000; i++) {
      Name n = Name.fromString("h" + i + ".big.test.");
      load.add(new ZoneChange.RrsetReplaced(big, n, Type.A, List.of(a(n, "192.0.2.1")), 1));
    }
    ZoneSet zs = ZoneSet.empty().apply(load);
    assertEquals(100_001, zs.findZone(big).get().nameCount());
    // 20,000 single-rrset changes, each producing a whole new snapshot: a rebuild per change would
    // be 2*10^9 node copies; structural sharing makes this take milliseconds.
    long start = System.nanoTime();
    ZoneSet cur = zs;
    for (int i = 0; i < 20_000; i++) {
      Name n = Name.fromString("h" + (i * 5) + ".big.test.");
      cur =
          cur.apply(
              List.of(
                  new ZoneChange.RrsetReplaced(big, n, Type.A, List.of(a(n, "192.0.2.2")), 2 + i)));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 10_000, "20k incremental changes took " + millis + " ms");
    Record r = cur.findZone(big).get().node(Name.fromString("h5.big.test.")).rrset(Type.A).get(0);
    assertEquals("192.0.2.2", ((ARecord) r).getAddress().getHostAddress());
    assertEquals(
        "192.0.2.1",
        ((ARecord)
                zs.findZone(big).get().node(Name.fromString("h5.big.test.")).rrset(Type.A).get(0))
            .getAddress()
            .getHostAddress());
  }

  @Test
  void snapshotHolderSwaps() throws Exception {
    SnapshotHolder h = new SnapshotHolder();
    assertTrue(h.get().zoneNames().isEmpty());
    ZoneSet zs = awsZone();
    h.set(zs);
    assertEquals(zs, h.get());
  }
}
