package dnsplane.authdns.sync;

import dnsplane.authdns.zone.Node;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import dnsplane.db.changelog.FullLoadRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * FullLoad turns the full state of the database into the changes that build a snapshot from
 * nothing: each zone created, then each of its rrsets. One bad row cannot keep every other zone
 * from being served, nor empty a served name: an rrset whose records do not all parse keeps the
 * version {@code previous} (the snapshot served until now) holds, all of it, or, when there is none
 * (the first load), is served with the records that parse. Each such rrset is a {@link Rejection}.
 */
final class FullLoad {

  private static final Logger log = LoggerFactory.getLogger(FullLoad.class);

  /** The changes, how many rows did not convert in full, and the rrsets that did not. */
  record Changes(List<ZoneChange> changes, int bad, List<Rejection> rejected) {}

  private FullLoad() {}

  static Changes changes(FullLoadRows state, ZoneSet previous) {
    List<ZoneChange> changes = new ArrayList<>(state.zones().size() + state.rrsets().size());
    Map<Long, FullLoadRows.ZoneRow> zones = new HashMap<>();
    Map<Long, Name> origins = new HashMap<>();
    List<Rejection> rejected = new ArrayList<>();
    int bad = 0;
    for (FullLoadRows.ZoneRow z : state.zones()) {
      try {
        Name origin = Name.fromString(z.name(), Name.root);
        origins.put(z.id(), origin);
        zones.put(z.id(), z);
        changes.add(new ZoneChange.ZoneCreated(origin, z.serial()));
      } catch (TextParseException e) {
        bad++;
        rejected.add(new Rejection(z.name(), z.name(), "SOA", state.lastSeq(), e.getMessage()));
        log.error("zone {} not served: {}", z.name(), e.getMessage());
      }
    }
    for (FullLoadRows.RrsetRow r : state.rrsets()) {
      Name origin = origins.get(r.zoneId());
      if (origin == null) {
        continue;
      }
      FullLoadRows.ZoneRow z = zones.get(r.zoneId());
      ChangeConverter.ParsedRrset p;
      try {
        p = ChangeConverter.parse(origin, r.name(), r.type(), r.ttl(), r.rdata(), z.serial());
      } catch (IllegalArgumentException e) {
        bad++;
        rejected.add(new Rejection(z.name(), r.name(), r.type(), state.lastSeq(), e.getMessage()));
        log.error("rrset {} {} not served: {}", r.name(), r.type(), e.getMessage());
        continue;
      }
      if (p.complete()) {
        changes.add(p.rrset());
        continue;
      }
      bad++;
      rejected.add(new Rejection(z.name(), r.name(), r.type(), state.lastSeq(), p.problem()));
      ZoneChange.RrsetReplaced parsed = p.rrset();
      List<Record> before = served(previous, origin, parsed.name(), parsed.type());
      // As an incremental change does: nothing served (absent or a tombstone) is no version to
      // keep, and the records that parse are better than an empty answer.
      if (before != null && !before.isEmpty()) {
        changes.add(
            new ZoneChange.RrsetReplaced(
                origin, parsed.name(), parsed.type(), before, parsed.serial()));
        log.error(
            "rrset {} {} cannot be loaded in full ({}); still serving its previous version ({}"
                + " records)",
            r.name(),
            r.type(),
            p.problem(),
            before.size());
      } else {
        changes.add(parsed);
        log.error(
            "rrset {} {} cannot be loaded in full ({}); serving the {} of its {} records that"
                + " parse",
            r.name(),
            r.type(),
            p.problem(),
            parsed.records().size(),
            r.rdata().size());
      }
    }
    return new Changes(changes, bad, rejected);
  }

  /** The records {@code set} serves for (name, type) of zone {@code origin}, or null. */
  private static List<Record> served(ZoneSet set, Name origin, Name name, int type) {
    ZoneSnapshot z = set.zone(origin).orElse(null);
    Node n = z == null ? null : z.node(name);
    return n == null ? null : n.rrset(type);
  }
}
