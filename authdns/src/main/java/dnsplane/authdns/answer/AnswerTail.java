package dnsplane.authdns.answer;

import dnsplane.authdns.zone.Node;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * What every direct answer from one zone snapshot shares: the apex NS rrset (the authority
 * section), the addresses of its in-zone targets (the additional section) and the apex's suffixes.
 * A snapshot is immutable, so this is worked out once per snapshot instead of with a few tree
 * lookups per query.
 */
final class AnswerTail {
  final ZoneSnapshot zone;
  final boolean hasSoa;
  final AnswerWriter.TailRecord[] ns;
  final AnswerWriter.TailRecord[] glue;
  final Name[] originSuffixes;
  final byte[] originWire;
  final AnswerWriter.TailTemplate template; // null when the sections do not fit a pointer's reach

  AnswerTail(ZoneSnapshot zone) {
    this.zone = zone;
    Node apex = zone.node(zone.origin());
    List<Record> soa = apex == null ? null : apex.rrset(Type.SOA);
    List<Record> apexNs = apex == null ? null : apex.rrset(Type.NS);
    hasSoa = soa != null && !soa.isEmpty();
    List<Record> nsRecords = apexNs == null ? List.of() : apexNs;
    ns =
        nsRecords.stream()
            .map(AnswerWriter.TailRecord::new)
            .toArray(AnswerWriter.TailRecord[]::new);
    glue =
        glue(zone, nsRecords).stream()
            .map(AnswerWriter.TailRecord::new)
            .toArray(AnswerWriter.TailRecord[]::new);
    originSuffixes = new AnswerWriter.NameForm(zone.origin()).suffixes;
    originWire = zone.origin().toWireCanonical();
    template = AnswerWriter.TailTemplate.of(zone.origin(), originWire, originSuffixes, ns, glue);
  }

  /** The addresses of the in-zone NS targets, A then AAAA per target, each once. */
  private static List<Record> glue(ZoneSnapshot zone, List<Record> ns) {
    List<Record> out = new ArrayList<>();
    for (Record r : ns) {
      Name target = ((NSRecord) r).getTarget();
      if (!target.subdomain(zone.origin())) {
        continue;
      }
      Node n = zone.node(target);
      if (n == null) {
        continue;
      }
      for (int t = Type.A; t != 0; t = t == Type.A ? Type.AAAA : 0) {
        List<Record> rs = n.rrset(t);
        if (rs != null) {
          for (Record a : rs) {
            if (!out.contains(a)) {
              out.add(a);
            }
          }
        }
      }
    }
    return out;
  }
}
