package dnsplane.authdns.journal;

import dnsplane.authdns.sync.Swap;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * History plays the follower for journal tests: it applies changes to a ZoneSet the way the
 * follower does (the serial moving with each batch) and hands the journal each swap.
 */
final class History {
  static final Name ZONE = Name.fromConstantString("j.test.");
  static final String TEXT =
      """
      $ORIGIN j.test.
      $TTL 300
      @    SOA ns1 hostmaster 10 7200 3600 1209600 60
      @    NS  ns1
      ns1  A   192.0.2.1
      www  A   192.0.2.10
      www  A   192.0.2.11
      mail A   192.0.2.20
      mail TXT "v=spf1 -all"
      """;

  final IxfrJournal journal;
  ZoneSet zones;
  long serial;
  long seq;

  History(JournalLimits limits) throws IOException {
    journal = new IxfrJournal(limits);
    zones = ZoneSet.fromMasterText(TEXT, ZONE);
    serial = zones.serial(ZONE);
    journal.swapped(new Swap(ZoneSet.empty(), zones, ++seq, null)); // the first load
  }

  static Name name(String relative) {
    return Name.fromConstantString(relative + ".j.test.");
  }

  static Record a(String relative, long ttl, String address) {
    try {
      return new ARecord(name(relative), DClass.IN, ttl, java.net.InetAddress.getByName(address));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The rrset (relative, A) replaced by {@code records}. */
  ZoneChange setA(String relative, Record... records) {
    return new ZoneChange.RrsetReplaced(ZONE, name(relative), Type.A, List.of(records), serial + 1);
  }

  ZoneChange remove(String relative, int type) {
    return new ZoneChange.RrsetRemoved(ZONE, name(relative), type, serial + 1);
  }

  /** One swap applying {@code changes} (one database statement: the serial moves by one). */
  ZoneSet swap(ZoneChange... changes) {
    ZoneSet before = zones;
    zones = before.apply(List.of(changes));
    serial = zones.serial(ZONE);
    journal.swapped(new Swap(before, zones, ++seq, List.of(changes)));
    return zones;
  }

  /** A swap whose snapshot is {@code after}, whatever {@code changes} said (some refused). */
  void swapTo(ZoneSet after, ZoneChange... changes) {
    ZoneSet before = zones;
    zones = after;
    serial = zones.serial(ZONE) < 0 ? serial : zones.serial(ZONE);
    journal.swapped(new Swap(before, after, ++seq, List.of(changes)));
  }

  /**
   * What a secondary holding {@code old} has after applying {@code d}: its records, each as text
   * with its TTL, the SOA left out. Removing a record it does not hold, or adding one it holds,
   * fails: a difference must be exact.
   */
  static Set<String> applied(ZoneSet old, Difference d) {
    Set<String> held = texts(old);
    for (Record r : d.removed()) {
      if (!held.remove(r.toString())) {
        throw new AssertionError("removes " + r + ", which the client does not hold: " + held);
      }
    }
    for (Record r : d.added()) {
      if (!held.add(r.toString())) {
        throw new AssertionError("adds " + r + ", which the client holds already");
      }
    }
    return held;
  }

  /** The records of the zone in {@code zones}, SOA left out, as text with TTLs. */
  static Set<String> texts(ZoneSet zones) {
    Set<String> out = new TreeSet<>();
    List<Record> all = new ArrayList<>(zones.records(ZONE));
    for (Record r : all) {
      if (r.getType() != Type.SOA) {
        out.add(r.toString());
      }
    }
    return out;
  }
}
