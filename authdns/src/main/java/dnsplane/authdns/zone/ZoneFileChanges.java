package dnsplane.authdns.zone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * ZoneFileChanges turns RFC 1035 master-file text into the {@link ZoneChange}s that create that
 * zone, in the order a change log would carry them: how fixtures and tests build a served {@link
 * ZoneSet} without a database. Parsing is dnsjava's {@link Master}: $ORIGIN, $TTL, relative names;
 * errors carry the line number. (Zone import, which validates and stores rows, is {@code
 * store.ZoneFileParser}.)
 */
public final class ZoneFileChanges {
  private ZoneFileChanges() {}

  /** The changes that create zone {@code origin} holding the records of {@code text}. */
  public static List<ZoneChange> changes(String text, Name origin) throws IOException {
    List<Record> records = parse(text, origin);
    long serial = 0;
    Map<RrsetKey, List<Record>> rrsets = new LinkedHashMap<>();
    for (Record r : records) {
      if (!r.getName().subdomain(origin)) {
        throw new IOException(r.getName() + " is outside zone " + origin);
      }
      if (r instanceof SOARecord soa && r.getName().equals(origin)) {
        serial = soa.getSerial();
      }
      rrsets
          .computeIfAbsent(new RrsetKey(r.getName(), r.getRRsetType()), k -> new ArrayList<>())
          .add(r);
    }
    List<ZoneChange> out = new ArrayList<>(rrsets.size() + 1);
    out.add(new ZoneChange.ZoneCreated(origin, serial));
    for (Map.Entry<RrsetKey, List<Record>> e : rrsets.entrySet()) {
      out.add(
          new ZoneChange.RrsetReplaced(
              origin, e.getKey().name(), e.getKey().type(), e.getValue(), serial));
    }
    return out;
  }

  /** Parses {@code text} with {@code origin} as the initial $ORIGIN. */
  public static List<Record> parse(String text, Name origin) throws IOException {
    List<Record> out = new ArrayList<>();
    try (Master m =
        new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), origin)) {
      Record r;
      while ((r = m.nextRecord()) != null) {
        out.add(r);
      }
    }
    return out;
  }

  private record RrsetKey(Name name, int type) {
    @Override
    public String toString() {
      return name + " " + Type.string(type);
    }
  }
}
