package dnsplane.enactor.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/** StatusStore keeps this enactor's row of enactor_status current, for operators and the demo. */
public final class StatusStore {

  private final DataSource ds;

  public StatusStore(DataSource ds) {
    this.ds = Objects.requireNonNull(ds, "ds");
  }

  public void upsert(
      String az, String mode, Long lastApplied, boolean stuck, String stuckReason, boolean paused)
      throws SQLException {
    String sql =
        "INSERT INTO enactor_status (az, mode, last_applied_generation, stuck, stuck_reason,"
            + " paused, updated_at) VALUES (?, ?, ?, ?, ?, ?, now()) ON CONFLICT (az) DO UPDATE SET"
            + " mode = EXCLUDED.mode, last_applied_generation = EXCLUDED.last_applied_generation,"
            + " stuck = EXCLUDED.stuck, stuck_reason = EXCLUDED.stuck_reason,"
            + " paused = EXCLUDED.paused, updated_at = now()";
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, az);
      ps.setString(2, mode);
      ps.setObject(3, lastApplied);
      ps.setBoolean(4, stuck);
      ps.setString(5, stuckReason);
      ps.setBoolean(6, paused);
      ps.executeUpdate();
    }
  }

  /** The last generation this enactor applied before it (re)started, if it ever did. */
  public Long lastApplied(String az) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT last_applied_generation FROM enactor_status WHERE az = ?")) {
      ps.setString(1, az);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? (Long) rs.getObject(1) : null;
      }
    }
  }
}
