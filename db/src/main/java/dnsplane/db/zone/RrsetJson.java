package dnsplane.db.zone;

import dnsplane.db.Json;
import java.util.Collection;

/**
 * RrsetJson writes rrsets as the JSON array {@code jsonb_to_recordset} reads, without a JSON
 * library on db's classpath.
 */
final class RrsetJson {

  private RrsetJson() {}

  /** The rrsets as a JSON array of {name, type, ttl, rdata} objects. */
  static String array(Collection<RrsetRow> rrsets) {
    StringBuilder b = new StringBuilder(rrsets.size() * 64).append('[');
    boolean first = true;
    for (RrsetRow r : rrsets) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append("{\"name\":");
      Json.quote(b, r.name());
      b.append(",\"type\":");
      Json.quote(b, r.type());
      b.append(",\"ttl\":").append(r.ttl()).append(",\"rdata\":");
      Json.stringArray(b, r.rdata());
      b.append('}');
    }
    return b.append(']').toString();
  }
}
