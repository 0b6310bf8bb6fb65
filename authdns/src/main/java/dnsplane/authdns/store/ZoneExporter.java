package dnsplane.authdns.store;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * ZoneExporter writes a zone as a master file that {@link ZoneImporter} reads back to the same
 * rows: absolute names, one record per line, SOA first, empty rrsets as {@link
 * ZoneText#EMPTY_MARKER} comments. The SOA is written as stored; the serial authdns serves is the
 * zone's own counter and is given in the header comment.
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
    String name = ZoneText.canonical(zone);
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      OptionalLong id = ZoneRows.zoneId(c, name);
      if (id.isEmpty()) {
        throw new NoSuchElementException("no zone " + name);
      }
      Map<RrsetData.Key, RrsetData> rrsets = ZoneRows.rrsets(c, id.getAsLong());
      c.commit();
      return render(name, rrsets.values());
    } finally {
      c.setAutoCommit(autoCommit);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  /** The master-file text of the rrsets of zone {@code name}. */
  static String render(String name, java.util.Collection<RrsetData> rrsets) {
    List<RrsetData> sorted = new ArrayList<>(rrsets);
    sorted.sort(
        Comparator.comparingInt((RrsetData r) -> r.type().equals("SOA") ? 0 : 1)
            .thenComparing(r -> dnsName(r.name()))
            .thenComparing(RrsetData::type));
    StringBuilder out = new StringBuilder();
    out.append("; zone ").append(name).append(", exported by dnsplane authdns\n");
    out.append("$ORIGIN ").append(name).append('\n');
    for (RrsetData r : sorted) {
      if (r.rdata().isEmpty()) {
        out.append(ZoneText.EMPTY_MARKER)
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
