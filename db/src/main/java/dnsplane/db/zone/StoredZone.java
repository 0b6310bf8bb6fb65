package dnsplane.db.zone;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * StoredZone is one zone read whole in one transaction: its name, the serial served for it (its
 * change-log counter, {@code zone.serial}) and its rrsets by (name, type), in row order.
 */
public record StoredZone(String name, long serial, Map<RrsetRow.Key, RrsetRow> rrsets) {

  public StoredZone {
    rrsets = Collections.unmodifiableMap(new LinkedHashMap<>(rrsets));
  }
}
