package dnsplane.db.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * PlanLocks orders safe writers and safe cleanup on the plan row, because rrset has no foreign key
 * to plan (legacy must be able to delete a referenced plan to reproduce 2025).
 *
 * <p>A safe write transaction first takes {@code FOR KEY SHARE} on the plan it writes; safe cleanup
 * first takes {@code FOR UPDATE} on the plans it means to delete. The two conflict, so whichever
 * comes second waits for the first to commit: cleanup then checks references in a new statement
 * (READ COMMITTED: a new snapshot, which sees the committed write), and a writer that waited for a
 * cleanup that deleted its plan finds no row and writes nothing.
 */
public final class PlanLocks {

  private PlanLocks() {}

  /**
   * Locks plan {@code generation} for a safe write (FOR KEY SHARE: writers do not block each
   * other). Returns false when the plan no longer exists: cleanup deleted it, write nothing.
   */
  public static boolean lockForWrite(Connection c, long generation) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT generation FROM plan WHERE generation = ? FOR KEY SHARE")) {
      ps.setLong(1, generation);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Locks the plans safe cleanup means to delete (FOR UPDATE, in generation order so two cleanups
   * cannot deadlock); waits for every in-flight safe write of them to commit. Returns the
   * generations that still exist, ascending.
   */
  public static List<Long> lockForCleanup(Connection c, Collection<Long> generations)
      throws SQLException {
    List<Long> out = new ArrayList<>();
    if (generations.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT generation FROM plan"
                + " WHERE generation = ANY(?) ORDER BY generation FOR UPDATE")) {
      ps.setArray(1, c.createArrayOf("bigint", generations.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }
}
