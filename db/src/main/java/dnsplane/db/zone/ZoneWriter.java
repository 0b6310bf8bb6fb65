package dnsplane.db.zone;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * ZoneWriter writes the rows of whole zones in bulk, on the caller's connection and inside the
 * caller's transaction: the caller takes {@link dnsplane.db.changelog.ChangeLogLock#take} first,
 * then writes.
 *
 * <p>Rrsets travel as one jsonb array per statement ({@code jsonb_to_recordset}), so a statement
 * writes up to {@value #CHUNK} rrsets: one round trip, one trigger run and one NOTIFY per chunk
 * rather than per row.
 */
public final class ZoneWriter {

  /** Rrsets per bulk statement: each statement is one trigger run and one NOTIFY. */
  static final int CHUNK = 20_000;

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

  private ZoneWriter() {}

  /** Creates zone {@code name} (serial from the schema's default); returns its id. */
  public static long createZone(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO zone (name) VALUES (?) RETURNING id")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Inserts {@code rows} into zone {@code zoneId}; none of them may exist yet. */
  public static void insert(Connection c, long zoneId, List<RrsetRow> rows) throws SQLException {
    bulk(c, INSERT, zoneId, rows, true);
  }

  /** Replaces the TTL and rdata of the stored rrsets with the same (name, type) as {@code rows}. */
  public static void update(Connection c, long zoneId, List<RrsetRow> rows) throws SQLException {
    bulk(c, UPDATE, zoneId, rows, false);
  }

  /** Deletes the stored rrsets with the same (name, type) as {@code rows}. */
  public static void delete(Connection c, long zoneId, List<RrsetRow> rows) throws SQLException {
    bulk(c, DELETE, zoneId, rows, false);
  }

  private static void bulk(
      Connection c, String sql, long zoneId, List<RrsetRow> rows, boolean zoneIdFirst)
      throws SQLException {
    for (int from = 0; from < rows.size(); from += CHUNK) {
      List<RrsetRow> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setLong(zoneIdFirst ? 1 : 2, zoneId);
        ps.setString(zoneIdFirst ? 2 : 1, RrsetJson.array(chunk));
        ps.executeUpdate();
      }
    }
  }
}
