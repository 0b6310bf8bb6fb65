package dnsplane.db.changelog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * ChangeLogLock is the lock every rrset writer holds from its first rrset statement to commit: the
 * schema's triggers take it on {@code change_log_counter} to number changes gap-free in commit
 * order (V1).
 *
 * <p>A writer that takes it explicitly before reading the rrsets it means to replace (the enactor,
 * the zone importer) makes that read exact: no other writer can commit an rrset in between. Taken
 * first, it also keeps V1's order (the change-log lock before any row lock), so two writers cannot
 * deadlock on the pair.
 */
public final class ChangeLogLock {

  private ChangeLogLock() {}

  /** Takes the lock for the rest of {@code c}'s transaction (waits for the holder to commit). */
  public static void take(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM change_log_counter FOR UPDATE");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
    }
  }
}
