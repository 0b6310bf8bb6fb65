package dnsplane.authdns.sync;

import dnsplane.authdns.zone.ZoneChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * FullLoad turns the full state of the database into the changes that build a snapshot from
 * nothing: each zone created, then each of its rrsets. A row that does not convert is skipped (and
 * counted) so one bad row cannot keep every other zone from being served.
 */
final class FullLoad {

  private static final Logger log = LoggerFactory.getLogger(FullLoad.class);

  /** The changes and how many rows were skipped. */
  record Changes(List<ZoneChange> changes, int bad) {}

  private FullLoad() {}

  static Changes changes(ChangeLogReader.FullState state) {
    List<ZoneChange> changes = new ArrayList<>(state.zones().size() + state.rrsets().size());
    Map<Long, ChangeLogReader.ZoneRow> zones = new HashMap<>();
    Map<Long, Name> origins = new HashMap<>();
    int bad = 0;
    for (ChangeLogReader.ZoneRow z : state.zones()) {
      try {
        Name origin = Name.fromString(z.name(), Name.root);
        origins.put(z.id(), origin);
        zones.put(z.id(), z);
        changes.add(new ZoneChange.ZoneCreated(origin, z.serial()));
      } catch (TextParseException e) {
        bad++;
        log.error("skipping zone {}: {}", z.name(), e.getMessage());
      }
    }
    for (ChangeLogReader.RrsetRow r : state.rrsets()) {
      Name origin = origins.get(r.zoneId());
      if (origin == null) {
        continue;
      }
      try {
        changes.add(
            ChangeConverter.rrset(
                origin, r.name(), r.type(), r.ttl(), r.rdata(), zones.get(r.zoneId()).serial()));
      } catch (IllegalArgumentException e) {
        bad++;
        log.error("skipping rrset: {}", e.getMessage());
      }
    }
    return new Changes(changes, bad);
  }
}
