package dnsplane.db.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** EnactorStatus keeps each enactor's row of enactor_status, for operators and the demo. */
public final class EnactorStatus {

  private EnactorStatus() {}

  public static void upsert(
      Connection c,
      String az,
      String mode,
      Long lastApplied,
      boolean stuck,
      String stuckReason,
      boolean paused)
      throws SQLException {
    String sql =
        "INSERT INTO enactor_status (az, mode, last_applied_generation, stuck, stuck_reason,"
            + " paused, updated_at) VALUES (?, ?, ?, ?, ?, ?, now()) ON CONFLICT (az) DO UPDATE SET"
            + " mode = EXCLUDED.mode, last_applied_generation = EXCLUDED.last_applied_generation,"
            + " stuck = EXCLUDED.stuck, stuck_reason = EXCLUDED.stuck_reason,"
            + " paused = EXCLUDED.paused, updated_at = now()";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, az);
      ps.setString(2, mode);
      ps.setObject(3, lastApplied);
      ps.setBoolean(4, stuck);
      ps.setString(5, stuckReason);
      ps.setBoolean(6, paused);
      ps.executeUpdate();
    }
  }

  /** The last generation enactor {@code az} applied, if it ever did. */
  public static Long lastApplied(Connection c, String az) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT last_applied_generation FROM enactor_status WHERE az = ?")) {
      ps.setString(1, az);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? (Long) rs.getObject(1) : null;
      }
    }
  }
}
