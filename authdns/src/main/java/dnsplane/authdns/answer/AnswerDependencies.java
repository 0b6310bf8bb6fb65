package dnsplane.authdns.answer;

import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * AnswerDependencies is what a rendered answer was made of, so that a cached answer can outlive a
 * snapshot swap that did not touch it. PURE.
 *
 * <p>An answer depends on: the zone it came from (a change of its delegations, wildcards or apex
 * flushes all of its answers, see {@link CacheInvalidation}); the zone's serial, if it carries the
 * SOA (negative answers, the SOA itself); and the names it holds: the question, a CNAME chain's
 * names, additional data and its targets. The zone-wide names (the apex and the apex NS targets,
 * which every positive answer carries) are left out: a change to them flushes the zone.
 *
 * @param zone the zone the answer came from, or null (no zone of ours: REFUSED)
 * @param serialBound whether the answer holds the zone's SOA, and so its serial
 * @param names the names a change to which must drop the answer
 */
public record AnswerDependencies(Name zone, boolean serialBound, List<Name> names) {

  public AnswerDependencies {
    names = List.copyOf(names);
  }

  /** The dependencies of {@code response}, the answer from {@code zones} to {@code qname}. */
  public static AnswerDependencies of(ZoneSet zones, Name qname, Message response) {
    Optional<ZoneSnapshot> found = qname == null ? Optional.empty() : zones.findZone(qname);
    if (found.isEmpty()) {
      return new AnswerDependencies(null, false, List.of());
    }
    ZoneSnapshot zone = found.get();
    Set<Name> zoneWide = zoneWideNames(zone);
    Set<Name> names = new HashSet<>();
    boolean serialBound = false;
    add(names, zoneWide, qname);
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : response.getSection(section)) {
        if (r.getType() == Type.SOA) {
          serialBound = true;
        }
        if (r.getType() == Type.OPT) {
          continue;
        }
        add(names, zoneWide, r.getName());
        if (section == Section.ANSWER
            && r.getName().subdomain(zone.origin())
            && !zone.exists(r.getName())) {
          // Synthesized from a wildcard: a name created at or above it, below the closest
          // encloser, would end the synthesis.
          for (Name n = r.getName(); n.labels() > zone.origin().labels(); n = new Name(n, 1)) {
            add(names, zoneWide, n);
          }
        }
        add(names, zoneWide, r.getAdditionalName());
        if (r instanceof CNAMERecord c) {
          add(names, zoneWide, c.getTarget());
        }
      }
    }
    return new AnswerDependencies(zone.origin(), serialBound, new ArrayList<>(names));
  }

  /** The apex and the targets of its NS rrset: names every positive answer of the zone holds. */
  public static Set<Name> zoneWideNames(ZoneSnapshot zone) {
    Set<Name> names = new HashSet<>();
    names.add(zone.origin());
    var apex = zone.node(zone.origin());
    List<Record> apexNs = apex == null ? null : apex.rrset(Type.NS);
    if (apexNs != null) {
      for (Record ns : apexNs) {
        names.add(ns.getAdditionalName());
      }
    }
    return names;
  }

  private static void add(Set<Name> names, Set<Name> zoneWide, Name name) {
    if (name != null && !zoneWide.contains(name)) {
      names.add(name);
    }
  }
}
