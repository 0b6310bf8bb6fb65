package dnsplane.authdns.sync;

import dnsplane.authdns.zone.ZoneChange;
import dnsplane.db.changelog.ChangeLogRow;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
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
        Name zone = name(row.zone(), row);
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
    List<Record> records = new ArrayList<>(rdata.size());
    // An rrset is a set (RFC 2181 §5): "192.0.2.1" twice, or spelled two ways, is one record,
    // as NSD serves it.
    java.util.Set<Record> seen = rdata.size() > 1 ? new java.util.HashSet<>() : null;
    List<String> problems = List.of();
    for (String text : rdata) {
      try {
        Record r = fastA(name, type, ttl, text);
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

  /**
   * The A record of {@code text} when it is exactly a dotted quad, else null (parse it the general
   * way). Most rrsets are single addresses, and the general parser (a tokenizer per record) costs
   * fifty times more: a million-name load spent most of its time there. The record is the one
   * {@link Record#fromString} makes of such text: one token, read by the same {@link Address}.
   */
  private static Record fastA(Name name, int type, int ttl, String text) {
    if (type != Type.A || text.isEmpty() || text.length() > 15) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if ((ch < '0' || ch > '9') && ch != '.') {
        return null;
      }
    }
    byte[] address = Address.toByteArray(text, Address.IPv4);
    if (address == null) {
      return null;
    }
    try {
      return new ARecord(name, DClass.IN, ttl, InetAddress.getByAddress(address));
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are an IPv4 address", e);
    }
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
