package dnsplane.authdns.xfr;

import dnsplane.authdns.journal.IxfrJournal;
import dnsplane.authdns.journal.JournalLimits;
import dnsplane.authdns.sync.Swap;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Versions plays the change-log follower for transfer tests: it swaps new versions of zone
 * ixfr.test. into a holder and hands each swap to the journal, as the follower does (holder first,
 * listeners after), and remembers every version so a test can be a client at any of them.
 */
final class Versions {
  static final Name ZONE = Name.fromConstantString("ixfr.test.");
  static final String TEXT =
      """
      $ORIGIN ixfr.test.
      $TTL 300
      @    SOA ns1 hostmaster 10 7200 3600 1209600 60
      @    NS  ns1
      ns1  A   192.0.2.1
      www  A   192.0.2.10
      """;

  final SnapshotHolder holder;
  final IxfrJournal journal;
  private final Map<Long, ZoneSet> bySerial = new HashMap<>();
  private long seq;

  Versions(JournalLimits limits) throws IOException {
    ZoneSet first = ZoneSet.fromMasterText(TEXT, ZONE);
    holder = new SnapshotHolder(first);
    journal = new IxfrJournal(limits);
    journal.swapped(new Swap(ZoneSet.empty(), first, ++seq, null));
    bySerial.put(serial(), first);
  }

  long serial() {
    return holder.get().serial(ZONE);
  }

  ZoneSet at(long serial) {
    return bySerial.get(serial);
  }

  /** The next version: TXT rrset {@code owner} (relative) set to {@code texts}, one per record. */
  void txt(String owner, String... texts) {
    List<Record> records = new ArrayList<>();
    Name name = Name.fromConstantString(owner + "." + ZONE);
    for (String t : texts) {
      records.add(new TXTRecord(name, DClass.IN, 60, t));
    }
    swap(new ZoneChange.RrsetReplaced(ZONE, name, Type.TXT, records, serial() + 1));
  }

  /** The next version: TXT rrsets {@code n} names under {@code prefix}, one record each. */
  void manyTxt(String prefix, int n) {
    List<ZoneChange> changes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Name name = Name.fromConstantString(prefix + i + "." + ZONE);
      changes.add(
          new ZoneChange.RrsetReplaced(
              ZONE,
              name,
              Type.TXT,
              List.of(new TXTRecord(name, DClass.IN, 60, "filler text number " + i)),
              serial() + 1));
    }
    swap(changes.toArray(ZoneChange[]::new));
  }

  void remove(String owner, int type) {
    swap(
        new ZoneChange.RrsetRemoved(
            ZONE, Name.fromConstantString(owner + "." + ZONE), type, serial() + 1));
  }

  void swap(ZoneChange... changes) {
    ZoneSet before = holder.get();
    ZoneSet after = before.apply(List.of(changes));
    holder.set(after);
    journal.swapped(new Swap(before, after, ++seq, List.of(changes)));
    bySerial.put(serial(), after);
  }

  /** An IXFR query from a client at {@code serial}. */
  static Message ixfr(long serial) {
    Message m = Message.newQuery(Record.newRecord(ZONE, Type.IXFR, DClass.IN));
    m.addRecord(
        new SOARecord(ZONE, DClass.IN, 0, ZONE, ZONE, serial, 0, 0, 0, 0), Section.AUTHORITY);
    return m;
  }

  /** The records of {@code zones} (SOA left out) as text with TTLs: what a client compares. */
  static Set<String> texts(ZoneSet zones) {
    Set<String> out = new TreeSet<>();
    for (Record r : zones.records(ZONE)) {
      if (r.getType() != Type.SOA) {
        out.add(r.toString());
      }
    }
    return out;
  }

  /**
   * Plays a secondary at {@code client} receiving {@code answer} (the answer section of a whole
   * transfer): checks the RFC 1995 framing and returns its records afterwards (SOA left out).
   * Removing a record it does not hold, or adding one it holds, fails.
   */
  static Set<String> applyIxfr(ZoneSet client, List<Record> answer, long ourSerial) {
    SOARecord first = (SOARecord) answer.get(0);
    SOARecord last = (SOARecord) answer.get(answer.size() - 1);
    if (first.getSerial() != ourSerial || last.getSerial() != ourSerial) {
      throw new AssertionError("not framed by our SOA: " + answer);
    }
    Set<String> held = texts(client);
    int soas = 0;
    for (Record r : answer.subList(1, answer.size() - 1)) {
      if (r instanceof SOARecord) {
        soas++;
        continue;
      }
      // odd SOA count so far: deleting; even: adding (RFC 1995 §4)
      boolean deleting = soas % 2 == 1;
      boolean ok = deleting ? held.remove(r.toString()) : held.add(r.toString());
      if (!ok) {
        throw new AssertionError((deleting ? "removes absent " : "adds present ") + r);
      }
    }
    return held;
  }
}
