package dnsplane.authdns.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.sync.Swap;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * The journal runs on the follower thread, which applies thousands of changes a second: a swap must
 * cost what its changes touch, not what the zone holds. 2,000 one-rrset swaps on a 200,000-name
 * zone take milliseconds; walking the zone on each would visit 400 million names.
 */
class JournalCostTest {
  private static final Name ZONE = Name.fromConstantString("big.j.test.");

  @Test
  void aSwapCostsWhatItTouchesNotWhatTheZoneHolds() throws Exception {
    int names = 200_000;
    List<ZoneChange> load = new ArrayList<>(names + 3);
    load.add(new ZoneChange.ZoneCreated(ZONE, 1));
    load.add(
        new ZoneChange.RrsetReplaced(
            ZONE,
            ZONE,
            Type.SOA,
            List.of(new SOARecord(ZONE, DClass.IN, 300, ZONE, ZONE, 1, 7200, 3600, 1209600, 60)),
            1));
    load.add(
        new ZoneChange.RrsetReplaced(
            ZONE, ZONE, Type.NS, List.of(new NSRecord(ZONE, DClass.IN, 300, ZONE)), 1));
    for (int i = 0; i < names; i++) {
      Name n = new Name("h" + i, ZONE);
      load.add(new ZoneChange.RrsetReplaced(ZONE, n, Type.A, List.of(a(n, i)), 1));
    }
    ZoneSet zones = ZoneSet.empty().apply(load);
    IxfrJournal journal = new IxfrJournal(JournalLimits.defaults());
    journal.swapped(new Swap(ZoneSet.empty(), zones, 1, null));

    long spent = 0;
    for (int s = 2; s <= 2_001; s++) {
      Name n = new Name("h" + (s * 7919 % names), ZONE);
      List<ZoneChange> one =
          List.of(new ZoneChange.RrsetReplaced(ZONE, n, Type.A, List.of(a(n, s + 1_000)), s));
      ZoneSet next = zones.apply(one);
      Swap swap = new Swap(zones, next, s, one);
      long t0 = System.nanoTime();
      journal.swapped(swap);
      spent += System.nanoTime() - t0;
      zones = next;
    }
    assertEquals(1_000, journal.versions(), "bounded to the default 1,000 versions");
    assertEquals(2_000, journal.records(), "one record out, one in, per version kept");
    assertTrue(
        spent < 2_000_000_000L, "2,000 swaps took " + spent / 1_000_000 + " ms in the journal");
    System.out.printf(
        "journal: 2,000 swaps on a %d-name zone in %d ms%n", names, spent / 1_000_000);
  }

  private static ARecord a(Name n, int i) throws Exception {
    return new ARecord(
        n,
        DClass.IN,
        60,
        InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
  }
}
