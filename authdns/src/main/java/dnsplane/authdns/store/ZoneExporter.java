package dnsplane.authdns.store;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.zone.RrsetRow;
import dnsplane.db.zone.StoredZone;
import dnsplane.db.zone.ZoneReader;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * ZoneExporter writes a zone as a master file that {@link ZoneImporter} reads back to the same
 * rows: absolute names, one record per line, SOA first, empty rrsets as {@link
 * ZoneFileParser#EMPTY_MARKER} comments.
 *
 * <p>The SOA carries the serial authdns serves, the zone's own counter ({@code zone.serial}, read
 * in the same transaction as the rrsets by {@link ZoneReader#readWhole}), not the one stored in the
 * SOA row (whatever the last imported file said, often 1). A secondary or any other server loaded
 * from the export must be at the version served, or an IXFR/AXFR client fed from it would see the
 * serial go backwards.
 */
public final class ZoneExporter {

  private ZoneExporter() {}

  public static String export(DbSettings db, Name zone) throws SQLException {
    try (Connection c = DbBootstrap.connect(db)) {
      return export(c, zone);
    }
  }

  /** The master file of {@code zone}; NoSuchElementException when there is no such zone. */
  public static String export(Connection c, Name zone) throws SQLException {
    String name = ZoneFileParser.canonical(zone);
    StoredZone stored =
        ZoneReader.readWhole(c, name)
            .orElseThrow(() -> new NoSuchElementException("no zone " + name));
    return render(name, stored.rrsets().values(), stored.serial());
  }

  /**
   * The master-file text of the rrsets of zone {@code name}, the SOA stamped with {@code serial}
   * (the one served), which the header comment repeats.
   */
  static String render(String name, Collection<RrsetRow> rrsets, long serial) {
    List<RrsetRow> stamped = new ArrayList<>(rrsets.size());
    for (RrsetRow r : rrsets) {
      stamped.add(r.type().equals("SOA") ? withSerial(r, serial) : r);
    }
    return render(name, stamped)
        .replaceFirst(
            "exported by dnsplane authdns\n",
            "exported by dnsplane authdns, serial " + serial + "\n");
  }

  /** {@code soa} with the serial field of each rdata replaced by {@code serial}. */
  static RrsetRow withSerial(RrsetRow soa, long serial) {
    List<String> rdata = new ArrayList<>(soa.rdata().size());
    for (String text : soa.rdata()) {
      rdata.add(soaWithSerial(soa.name(), text, serial));
    }
    return new RrsetRow(soa.name(), soa.type(), soa.ttl(), rdata);
  }

  private static String soaWithSerial(String owner, String text, long serial) {
    String[] f = text.trim().split("\\s+");
    // MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM: keep the stored text, change one field.
    if (f.length == 7 && f[2].chars().allMatch(Character::isDigit)) {
      f[2] = Long.toString(serial);
      return String.join(" ", f);
    }
    try {
      SOARecord s =
          (SOARecord) Record.fromString(dnsName(owner), Type.SOA, DClass.IN, 0, text, Name.root);
      return new SOARecord(
              s.getName(),
              DClass.IN,
              0,
              s.getHost(),
              s.getAdmin(),
              serial,
              s.getRefresh(),
              s.getRetry(),
              s.getExpire(),
              s.getMinimum())
          .rdataToString();
    } catch (IOException e) {
      throw new IllegalStateException("stored SOA does not parse: " + text, e);
    }
  }

  /** The master-file text of the rrsets of zone {@code name}, as stored. */
  static String render(String name, java.util.Collection<RrsetRow> rrsets) {
    List<RrsetRow> sorted = new ArrayList<>(rrsets);
    sorted.sort(
        Comparator.comparingInt((RrsetRow r) -> r.type().equals("SOA") ? 0 : 1)
            .thenComparing(r -> dnsName(r.name()))
            .thenComparing(RrsetRow::type));
    StringBuilder out = new StringBuilder();
    out.append("; zone ").append(name).append(", exported by dnsplane authdns\n");
    out.append("$ORIGIN ").append(name).append('\n');
    for (RrsetRow r : sorted) {
      if (r.rdata().isEmpty()) {
        out.append(ZoneFileParser.EMPTY_MARKER)
            .append(r.name())
            .append(' ')
            .append(r.ttl())
            .append(' ')
            .append(r.type())
            .append('\n');
        continue;
      }
      for (String rdata : r.rdata()) {
        out.append(r.name())
            .append('\t')
            .append(r.ttl())
            .append("\tIN\t")
            .append(r.type())
            .append('\t')
            .append(rdata)
            .append('\n');
      }
    }
    return out.toString();
  }

  private static Name dnsName(String name) {
    try {
      return Name.fromString(name);
    } catch (TextParseException e) {
      throw new IllegalStateException("stored name does not parse: " + name, e);
    }
  }
}
