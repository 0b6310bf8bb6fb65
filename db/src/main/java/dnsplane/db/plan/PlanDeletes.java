package dnsplane.db.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** PlanDeletes deletes plans: reference-safe (safe mode) or by generation alone (legacy). */
public final class PlanDeletes {

  private PlanDeletes() {}

  /**
   * Deletes those of {@code generations} that no rrset references, checked again in the statement
   * itself (the pure rule decided from a snapshot that may be stale by now). Safe cleanup runs it
   * after {@link PlanLocks#lockForCleanup}, as a statement of its own: its snapshot is taken after
   * the lock waited for in-flight writes, so it sees them. Returns the deleted.
   */
  public static List<Long> deleteUnreferenced(Connection c, List<Long> generations)
      throws SQLException {
    // rrset_generation_ref counts, in every snapshot, the rrsets that hold each generation (V10):
    // one index probe per candidate, where rrset itself has no index on applied_generation any
    // more (a plan's updates are HOT without one).
    String sql =
        "DELETE FROM plan p WHERE p.generation = ANY(?) AND NOT EXISTS (SELECT 1 FROM"
            + " rrset_generation_ref g WHERE g.generation = p.generation) RETURNING generation";
    List<Long> out = new ArrayList<>();
    if (generations.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("bigint", generations.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }

  /**
   * Legacy: deletes plan {@code generation} whatever references it (only the DB guard may refuse).
   */
  public static boolean delete(Connection c, long generation) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM plan WHERE generation = ?")) {
      ps.setLong(1, generation);
      return ps.executeUpdate() > 0;
    }
  }
}
