package dnsplane.authdns.sync;

import dnsplane.authdns.zone.ZoneChange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * ChangeConverter turns database rows (change-log rows, or the rrsets of a full load) into {@link
 * ZoneChange}s. It is pure: a row it cannot understand is an {@link IllegalArgumentException}
 * naming the row, and the caller decides what to do with it.
 */
public final class ChangeConverter {

  private ChangeConverter() {}

  /** The change one change-log row describes. */
  public static ZoneChange toChange(ChangeRow row) {
    Name zone = name(row.zone(), row);
    return switch (row.op()) {
      case "zone_created" -> new ZoneChange.ZoneCreated(zone, row.serial());
      case "zone_deleted" -> new ZoneChange.ZoneDeleted(zone);
      case "delete" ->
          new ZoneChange.RrsetRemoved(
              zone, name(row.name(), row), type(row.type(), row), row.serial());
      case "set" -> {
        if (row.ttl() == null || row.rdata() == null) {
          throw new IllegalArgumentException("change " + row.seq() + ": set without ttl or rdata");
        }
        yield rrset(zone, row.name(), row.type(), row.ttl(), row.rdata(), row.serial());
      }
      default ->
          throw new IllegalArgumentException("change " + row.seq() + ": unknown op " + row.op());
    };
  }

  /**
   * An rrset as a replacement of (name, type): each rdata string parsed relative to the zone
   * origin. An empty {@code rdata} gives an rrset with no records (NODATA on the wire).
   */
  public static ZoneChange.RrsetReplaced rrset(
      Name zone, String owner, String typeName, int ttl, List<String> rdata, long serial) {
    Name name = name(owner, owner);
    int type = type(typeName, owner);
    List<Record> records = new ArrayList<>(rdata.size());
    for (String text : rdata) {
      try {
        records.add(Record.fromString(name, type, DClass.IN, ttl, text, zone));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            owner + " " + typeName + ": rdata \"" + text + "\" does not parse: " + e.getMessage(),
            e);
      }
    }
    return new ZoneChange.RrsetReplaced(zone, name, type, records, serial);
  }

  private static Name name(String text, Object where) {
    try {
      return Name.fromString(text, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(where + ": bad name " + text, e);
    }
  }

  private static int type(String text, Object where) {
    int type = Type.value(text);
    if (type < 0) {
      throw new IllegalArgumentException(where + ": unknown type " + text);
    }
    return type;
  }
}
