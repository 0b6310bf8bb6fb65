package dnsplane.authdns.store;

import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * {@link ZoneRows#managed}). Re-importing an old export therefore cannot roll an endpoint back,
 * and cannot delete a row's generation so that a delayed stale write comes back as a plain INSERT.
 * The rrsets it left alone are reported ({@link ImportResult#leftAlone}).
 */
public final class ZoneImporter {

  /** Rrsets per bulk statement: each statement is one trigger run and one NOTIFY. */
  private static final int CHUNK = 20_000;

  private static final String COLUMNS = "x(name text, type text, ttl integer, rdata jsonb)";
  private static final String RDATA = "ARRAY(SELECT jsonb_array_elements_text(x.rdata))";
  private static final String INSERT =
      "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT ?, x.name, x.type, x.ttl, "
          + RDATA
          + " FROM jsonb_to_recordset(?::jsonb) AS "
          + COLUMNS;
  private static final String UPDATE =
      "UPDATE rrset r SET ttl = x.ttl, rdata = "
          + RDATA
          + ", version = r.version + 1, updated_at = now() FROM jsonb_to_recordset(?::jsonb) AS "
          + COLUMNS
          + " WHERE r.zone_id = ? AND r.name = x.name AND r.type = x.type";
  private static final String DELETE =
      "DELETE FROM rrset r USING jsonb_to_recordset(?::jsonb) AS "
          + COLUMNS
          + " WHERE r.zone_id = ? AND r.name = x.name AND r.type = x.type";

  private ZoneImporter() {}

  /** Parses {@code masterText} (origin may be null, see {@link ZoneText#parse}) and imports it. */
  public static ImportResult importText(DbSettings db, String masterText, Name origin)
      throws ZoneFileException, SQLException {
    ParsedZone zone = ZoneText.parse(masterText, origin);
    try (Connection c = DbBootstrap.connect(db)) {
      return importZone(c, zone);
    }
  }

  /** As {@link #importText(DbSettings, String, Name)}, on a connection from {@code ds}. */
  public static ImportResult importText(DataSource ds, String masterText, Name origin)
      throws ZoneFileException, SQLException {
    ParsedZone zone = ZoneText.parse(masterText, origin);
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
    try (Statement st = c.createStatement()) {
      // Every rrset writer takes this lock first (schema), so the import sees and replaces a zone
      // no enactor is writing at the same moment.
      st.execute("SELECT 1 FROM change_log_counter FOR UPDATE");
    }
    String name = zone.zoneName();
    OptionalLong existing = ZoneRows.lockZone(c, name);
    long zoneId = existing.isPresent() ? existing.getAsLong() : createZone(c, name);
    Map<RrsetData.Key, RrsetData> stored =
        existing.isPresent() ? ZoneRows.rrsets(c, zoneId) : Map.of();
    // Under the same lock: no enactor can write a generation between this read and the commit.
    Set<RrsetData.Key> managed = ZoneRows.managed(c, zoneId);
    RrsetDiff diff = RrsetDiff.between(stored, zone.rrsets(), managed);
    refuseCnameAtManagedName(diff, managed);
    bulk(c, DELETE, zoneId, diff.deletes(), false);
    bulk(c, UPDATE, zoneId, diff.updates(), false);
    bulk(c, INSERT, zoneId, diff.inserts(), true);
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
   * The file was validated alone (a CNAME owns its name), but the rrsets it leaves alone stay:
   * a CNAME written where a plan-managed rrset lives would break that rule, so it is refused.
   */
  private static void refuseCnameAtManagedName(RrsetDiff diff, Set<RrsetData.Key> managed)
      throws ZoneFileException {
    Set<String> managedNames = new HashSet<>();
    for (RrsetData.Key k : managed) {
      managedNames.add(k.name());
    }
    for (List<RrsetData> written : List.of(diff.inserts(), diff.updates())) {
      for (RrsetData r : written) {
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

  private static long createZone(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO zone (name) VALUES (?) RETURNING id")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void bulk(
      Connection c, String sql, long zoneId, List<RrsetData> rows, boolean zoneIdFirst)
      throws SQLException {
    for (int from = 0; from < rows.size(); from += CHUNK) {
      List<RrsetData> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(zoneIdFirst ? 1 : 2, zoneId);
        ps.setString(zoneIdFirst ? 2 : 1, Json.rrsets(chunk));
        ps.executeUpdate();
      }
    }
  }
}
