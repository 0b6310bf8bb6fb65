package dnsplane.authdns.sync;

import dnsplane.authdns.zone.PlainNames;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.db.changelog.ChangeLogRow;
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
 * naming the row ({@link #toChange}, {@link #rrset}), or, converted leniently ({@link #convert},
 * {@link #parse}), the part that can be applied and what is wrong with the rest; the caller decides
 * what to do with it.
 */
public final class ChangeConverter {

  private ChangeConverter() {}

  /** The change one change-log row describes. */
  public static ZoneChange toChange(ChangeLogRow row) {
    Name zone = zone(row.zone(), row);
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
   * One change-log row, converted leniently: {@code change} is what to apply (null when nothing of
   * the row can be applied), {@code problem} says why the row cannot be applied in full (null when
   * it can). A set whose records do not all parse becomes a {@link ZoneChange.RrsetIncomplete}.
   */
  public record Conversion(ChangeLogRow row, ZoneChange change, String problem) {
    public boolean complete() {
      return problem == null;
    }
  }

  /** As {@link #toChange}, but a set with unparseable records keeps what it can (see above). */
  public static Conversion convert(ChangeLogRow row) {
    try {
      if (row.op().equals("set") && row.ttl() != null && row.rdata() != null) {
        Name zone = zone(row.zone(), row);
        ParsedRrset p = parse(zone, row.name(), row.type(), row.ttl(), row.rdata(), row.serial());
        if (p.complete()) {
          return new Conversion(row, p.rrset(), null);
        }
        ZoneChange.RrsetReplaced r = p.rrset();
        return new Conversion(
            row,
            new ZoneChange.RrsetIncomplete(zone, r.name(), r.type(), r.records(), r.serial()),
            p.problem());
      }
      return new Conversion(row, toChange(row), null);
    } catch (IllegalArgumentException e) {
      return new Conversion(row, null, e.getMessage());
    }
  }

  /**
   * An rrset as stored, parsed record by record: {@code rrset} holds the records that parse, {@code
   * problems} one line per record that does not.
   */
  public record ParsedRrset(ZoneChange.RrsetReplaced rrset, List<String> problems) {
    public ParsedRrset {
      problems = List.copyOf(problems);
    }

    /** Every record parsed. */
    public boolean complete() {
      return problems.isEmpty();
    }

    /** The problems as one line. */
    public String problem() {
      return String.join("; ", problems);
    }
  }

  /**
   * An rrset as a replacement of (name, type): each rdata string parsed relative to the zone
   * origin. An empty {@code rdata} gives an rrset with no records (NODATA on the wire). Throws
   * {@link IllegalArgumentException} when any record does not parse.
   */
  public static ZoneChange.RrsetReplaced rrset(
      Name zone, String owner, String typeName, int ttl, List<String> rdata, long serial) {
    ParsedRrset p = parse(zone, owner, typeName, ttl, rdata, serial);
    if (!p.complete()) {
      throw new IllegalArgumentException(p.problem());
    }
    return p.rrset();
  }

  /**
   * As {@link #rrset}, keeping the records that parse and naming the others. Only a bad owner name
   * or an unknown type (nothing of the rrset can be served) is an {@link IllegalArgumentException}.
   */
  public static ParsedRrset parse(
      Name zone, String owner, String typeName, int ttl, List<String> rdata, long serial) {
    Name name = name(owner, owner);
    int type = type(typeName, owner);
    if (rdata.size() == 1) {
      // Most rrsets of a big zone: one record, kept in a list of one with nothing to copy (a full
      // load's garbage is what its young collections run for). One that does not parse takes the
      // path below, which words the problem.
      Record only = recordOrNull(name, type, ttl, rdata.get(0), zone);
      if (only != null) {
        return new ParsedRrset(
            new ZoneChange.RrsetReplaced(zone, name, type, List.of(only), serial), List.of());
      }
    }
    List<Record> records = new ArrayList<>(rdata.size());
    // An rrset is a set (RFC 2181 §5): "192.0.2.1" twice, or spelled two ways, is one record,
    // as NSD serves it.
    java.util.Set<Record> seen = rdata.size() > 1 ? new java.util.HashSet<>() : null;
    List<String> problems = List.of();
    for (String text : rdata) {
      try {
        Record r = FastRdata.parse(name, type, ttl, text, zone);
        if (r == null) {
          r = Record.fromString(name, type, DClass.IN, ttl, text, zone);
        }
        if (seen == null || seen.add(r)) {
          records.add(r);
        }
      } catch (IOException | RuntimeException e) {
        if (problems.isEmpty()) {
          problems = new ArrayList<>(1);
        }
        problems.add(
            owner + " " + typeName + ": rdata \"" + text + "\" does not parse: " + e.getMessage());
      }
    }
    return new ParsedRrset(
        new ZoneChange.RrsetReplaced(zone, name, type, records, serial), problems);
  }

  /** The record {@code text} spells, or null when it does not parse. */
  private static Record recordOrNull(Name name, int type, int ttl, String text, Name zone) {
    try {
      Record r = FastRdata.parse(name, type, ttl, text, zone);
      return r != null ? r : Record.fromString(name, type, DClass.IN, ttl, text, zone);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The zone name last parsed: the rows of a change log come zone after zone, mostly of one. */
  private record ZoneName(String text, Name name) {}

  private static volatile ZoneName lastZone;

  private static Name zone(String text, Object where) {
    ZoneName z = lastZone;
    if (z != null && z.text().equals(text)) {
      return z.name();
    }
    Name n = name(text, where);
    lastZone = new ZoneName(text, n);
    return n;
  }

  private static Name name(String text, Object where) {
    try {
      return PlainNames.fromString(text);
    } catch (TextParseException e) {
      throw new IllegalArgumentException(where + ": bad name " + text, e);
    }
  }

  /**
   * The type name last parsed: the rows of a full load are mostly of one or two types, and dnsjava
   * upper-cases every name it looks up (a twentieth of a full load's parsing).
   */
  private record TypeName(String text, int type) {}

  private static volatile TypeName lastType;

  private static int type(String text, Object where) {
    TypeName t = lastType;
    if (t != null && t.text().equals(text)) {
      return t.type();
    }
    int type = Type.value(text);
    if (type < 0) {
      throw new IllegalArgumentException(where + ": unknown type " + text);
    }
    lastType = new TypeName(text, type);
    return type;
  }
}
