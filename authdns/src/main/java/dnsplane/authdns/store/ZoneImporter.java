package dnsplane.authdns.store;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.changelog.ChangeLogLock;
import dnsplane.db.zone.RrsetRow;
import dnsplane.db.zone.ZoneReader;
import dnsplane.db.zone.ZoneWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;
import org.xbill.DNS.Name;

/**
 * ZoneImporter replaces a zone in PostgreSQL with the content of a master file, atomically: one
 * transaction, holding the change-log lock so no other writer interleaves, writing only the rrsets
 * that differ. A file that does not parse or validate changes nothing.
 *
 * <p>Plan-managed rrsets are not the file's to change: an import never inserts, updates or deletes
 * a row holding a plan generation, nor the A, AAAA or {@code _plan} TXT rrset of an endpoint (see
 * {@link ZoneReader#managed}). Re-importing an old export therefore cannot roll an endpoint back,
 * and cannot delete a row's generation so that a delayed stale write comes back as a plain INSERT.
 * The rrsets it left alone are reported ({@link ImportResult#leftAlone}).
 */
public final class ZoneImporter {

  private ZoneImporter() {}

  /**
   * Parses {@code masterText} (origin may be null, see {@link ZoneFileParser#parse}) and imports
   * it.
   */
  public static ImportResult importText(DbSettings db, String masterText, Name origin)
      throws ZoneFileException, SQLException {
    ParsedZone zone = ZoneFileParser.parse(masterText, origin);
    try (Connection c = DbBootstrap.connect(db)) {
      return importZone(c, zone);
    }
  }

  /** As {@link #importText(DbSettings, String, Name)}, on a connection from {@code ds}. */
  public static ImportResult importText(DataSource ds, String masterText, Name origin)
      throws ZoneFileException, SQLException {
    ParsedZone zone = ZoneFileParser.parse(masterText, origin);
    try (Connection c = ds.getConnection()) {
      return importZone(c, zone);
    }
  }

  /**
   * Imports an already parsed zone in one transaction on {@code c}. A {@link ZoneFileException}
   * here means the file conflicts with the plan-managed rrsets it must leave alone.
   */
  public static ImportResult importZone(Connection c, ParsedZone zone)
      throws SQLException, ZoneFileException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      ImportResult result = write(c, zone);
      c.commit();
      return result;
    } catch (SQLException | ZoneFileException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static ImportResult write(Connection c, ParsedZone zone)
      throws SQLException, ZoneFileException {
    // Every rrset writer takes this lock first (schema), so the import sees and replaces a zone
    // no enactor is writing at the same moment.
    ChangeLogLock.take(c);
    String name = zone.zoneName();
    OptionalLong existing = ZoneReader.lockZone(c, name);
    long zoneId = existing.isPresent() ? existing.getAsLong() : ZoneWriter.createZone(c, name);
    Map<RrsetRow.Key, RrsetRow> stored =
        existing.isPresent() ? ZoneReader.rrsets(c, zoneId) : Map.of();
    // Under the same lock: no enactor can write a generation between this read and the commit.
    Set<RrsetRow.Key> managed = ZoneReader.managed(c, zoneId);
    RrsetDiff diff = RrsetDiff.between(stored, zone.rrsets(), managed);
    refuseCnameAtManagedName(diff, managed);
    ZoneWriter.delete(c, zoneId, diff.deletes());
    ZoneWriter.update(c, zoneId, diff.updates());
    ZoneWriter.insert(c, zoneId, diff.inserts());
    int managedInFile = (int) diff.leftAlone().stream().filter(zone.rrsets()::containsKey).count();
    int unchanged =
        zone.rrsets().size() - diff.inserts().size() - diff.updates().size() - managedInFile;
    return new ImportResult(
        name,
        existing.isEmpty(),
        diff.inserts().size(),
        diff.updates().size(),
        diff.deletes().size(),
        unchanged,
        zone.recordCount(),
        diff.leftAlone());
  }

  /**
   * The file was validated alone (a CNAME owns its name), but the rrsets it leaves alone stay: a
   * CNAME written where a plan-managed rrset lives would break that rule, so it is refused.
   */
  private static void refuseCnameAtManagedName(RrsetDiff diff, Set<RrsetRow.Key> managed)
      throws ZoneFileException {
    Set<String> managedNames = new HashSet<>();
    for (RrsetRow.Key k : managed) {
      managedNames.add(k.name());
    }
    for (List<RrsetRow> written : List.of(diff.inserts(), diff.updates())) {
      for (RrsetRow r : written) {
        if (r.type().equals("CNAME") && managedNames.contains(r.name())) {
          throw new ZoneFileException(
              0,
              r.name()
                  + " has a CNAME in the file, but plan-managed rrsets live at that name and an"
                  + " import leaves them alone (RFC 1034 §3.6.2)");
        }
      }
    }
  }
}
