package dnsplane.db.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * LogRanges is the SQL of retention: questions about a pruned table's key range, and the delete of
 * one range. Every statement is a range of the primary key; none reads or locks change_log_counter,
 * which every rrset writer holds {@code FOR UPDATE} until it commits. Each call runs on the
 * caller's connection; {@link #limitWaiting} bounds how long the caller's transaction may wait.
 */
public final class LogRanges {

  /**
   * How long a statement waits for a lock before giving up (the pass fails and the next one
   * retries). Pruning conflicts only with DDL (a migration, VACUUM FULL); it must never queue in
   * front of other sessions behind one.
   */
  public static final String LOCK_TIMEOUT = "1s";

  /** A batch of 10,000 keys takes well under a second; this only stops a pathological one. */
  public static final String STATEMENT_TIMEOUT = "60s";

  /** The oldest and newest key present. */
  public record Bounds(long oldest, long newest) {}

  private LogRanges() {}

  /** The key bounds (two index lookups), or empty for an empty table. */
  public static Optional<Bounds> bounds(Connection c, PrunedTable t) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT min(" + t.key() + "), max(" + t.key() + ") FROM " + t.table())) {
      rs.next();
      long oldest = rs.getLong(1);
      return rs.wasNull() ? Optional.empty() : Optional.of(new Bounds(oldest, rs.getLong(2)));
    }
  }

  /** The database's clock: every planner measures ages by it, as plan writes do. */
  public static Instant now(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  /**
   * The first key in {@code from..to} whose row is not older than {@code cut} (its time at or after
   * it). Scans at most {@code to - from + 1} keys of the primary key.
   */
  public static OptionalLong firstNotOlder(
      Connection c, PrunedTable t, long from, long to, Instant cut) throws SQLException {
    String sql =
        "SELECT min("
            + t.key()
            + ") FROM "
            + t.table()
            + " WHERE "
            + t.key()
            + " BETWEEN ? AND ? AND "
            + t.time()
            + " >= ?";
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setLong(1, from);
      st.setLong(2, to);
      st.setObject(3, OffsetDateTime.ofInstant(cut, ZoneOffset.UTC));
      return minKey(st);
    }
  }

  /** Deletes keys {@code from..to}; returns the rows deleted. */
  public static int delete(Connection c, PrunedTable t, long from, long to) throws SQLException {
    String sql = "DELETE FROM " + t.table() + " WHERE " + t.key() + " BETWEEN ? AND ?";
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setLong(1, from);
      st.setLong(2, to);
      return st.executeUpdate();
    }
  }

  /** The smallest key after {@code key}: skips a gap (audit_log ids) in one index lookup. */
  public static OptionalLong nextKey(Connection c, PrunedTable t, long key) throws SQLException {
    String sql = "SELECT min(" + t.key() + ") FROM " + t.table() + " WHERE " + t.key() + " > ?";
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setLong(1, key);
      return minKey(st);
    }
  }

  /**
   * Bounds the waiting of the caller's transaction ({@link #LOCK_TIMEOUT}, {@link
   * #STATEMENT_TIMEOUT}); SET LOCAL, so the settings end with it and never leak into a pool.
   */
  public static void limitWaiting(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "SET LOCAL lock_timeout = '"
              + LOCK_TIMEOUT
              + "'; SET LOCAL statement_timeout = '"
              + STATEMENT_TIMEOUT
              + "'");
    }
  }

  private static OptionalLong minKey(PreparedStatement st) throws SQLException {
    try (ResultSet rs = st.executeQuery()) {
      rs.next();
      long k = rs.getLong(1);
      return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(k);
    }
  }
}
