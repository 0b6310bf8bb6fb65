package dnsplane.authdns.journal;

import dnsplane.authdns.zone.Node;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * StepDiff computes one journal step from a zone's snapshots before and after a swap, looking only
 * at the rrsets the swap's changes touched: O(touched × log names), never a walk of the zone. It
 * compares what is really served before and after, not what the changes asked for, so a change that
 * was refused, or kept the served version (an incomplete rrset), contributes nothing. Pure.
 */
final class StepDiff {
  private StepDiff() {}

  /**
   * The step from {@code before} to {@code after} (both with an SOA), over rrsets {@code touched}.
   * The apex SOA is left to the step's two SOAs.
   */
  static JournalStep between(
      ZoneSnapshot before, ZoneSnapshot after, Collection<RrsetKey> touched) {
    List<Record> removed = new ArrayList<>();
    List<Record> added = new ArrayList<>();
    for (RrsetKey k : touched) {
      if (k.type() == Type.SOA && k.name().equals(after.origin())) {
        continue;
      }
      rrset(served(before, k), served(after, k), removed, added);
    }
    return new JournalStep(before.soa(), after.soa(), removed, added);
  }

  /**
   * Adds to {@code removed} the records of rrset {@code type} in {@code was} missing from {@code
   * now}, and to {@code added} the reverse. A TTL change changes every record's identity, so the
   * whole rrset goes out and comes back with the new TTL.
   */
  static void rrset(List<Record> was, List<Record> now, List<Record> removed, List<Record> added) {
    Map<RecordKey, Record> before = keyed(was);
    Map<RecordKey, Record> after = keyed(now);
    for (Map.Entry<RecordKey, Record> e : before.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        removed.add(e.getValue());
      }
    }
    for (Map.Entry<RecordKey, Record> e : after.entrySet()) {
      if (!before.containsKey(e.getKey())) {
        added.add(e.getValue());
      }
    }
  }

  /** The records served for {@code k} in {@code zone}; null when there is no such rrset. */
  private static List<Record> served(ZoneSnapshot zone, RrsetKey k) {
    Node n = zone.node(k.name());
    return n == null ? null : n.rrset(k.type());
  }

  /** The records of an rrset (null: none) by identity; a duplicate record counts once. */
  private static Map<RecordKey, Record> keyed(List<Record> records) {
    Map<RecordKey, Record> out = new LinkedHashMap<>();
    if (records != null) {
      for (Record r : records) {
        out.putIfAbsent(RecordKey.of(r), r);
      }
    }
    return out;
  }
}
