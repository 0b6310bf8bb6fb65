package dnsplane.db.zone;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * ZoneWriter creates zones, on the caller's connection and inside the caller's transaction; the
 * rrsets of a zone import are written by {@link StagedZone}, in statements of {@value #CHUNK}
 * rrsets: one round trip, one trigger run and one NOTIFY per chunk rather than per row.
 */
public final class ZoneWriter {

  /** Rrsets per bulk statement: each statement is one trigger run and one NOTIFY. */
  static final int CHUNK = 20_000;

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
}
