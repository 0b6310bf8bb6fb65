package dnsplane.authdns.store;

import dnsplane.db.zone.RrsetRow;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * ParsedZone is a validated master file: its origin (the zone apex) and every rrset in it, keyed by
 * (name, type), in the shape the {@code rrset} table stores.
 */
public record ParsedZone(Name origin, Map<RrsetRow.Key, RrsetRow> rrsets) {

  public ParsedZone {
    Objects.requireNonNull(origin, "origin");
    rrsets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rrsets));
  }

  /** The zone name as the {@code zone} table stores it. */
  public String zoneName() {
    return ZoneFileParser.canonical(origin);
  }

  /** How many records (not rrsets) the zone holds. */
  public int recordCount() {
    return rrsets.values().stream().mapToInt(r -> r.rdata().size()).sum();
  }
}
