package dnsplane.db.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sql is a few one-line JDBC helpers for tests: run a statement, read one value or a column. The
 * {@link TestDb} forms open a connection of their own for the one statement (auto-commit).
 */
public final class Sql {
  private Sql() {}

  /** As {@link #exec(Connection, String, Object...)}, on a connection of its own. */
  public static int exec(TestDb db, String sql, Object... args) throws SQLException {
    try (Connection c = db.connect()) {
      return exec(c, sql, args);
    }
  }

  /** As {@link #longValue(Connection, String, Object...)}, on a connection of its own. */
  public static long longValue(TestDb db, String sql, Object... args) throws SQLException {
    try (Connection c = db.connect()) {
      return longValue(c, sql, args);
    }
  }

  /** The newest change-log sequence number committed: what a follower must reach. */
  public static long lastSeq(TestDb db) throws SQLException {
    return longValue(db, "SELECT last_seq FROM change_log_counter");
  }

  /** The first column of the first row as text (null when there is no row or it is NULL). */
  public static String text(TestDb db, String sql, Object... args) throws SQLException {
    try (Connection c = db.connect()) {
      return text(c, sql, args);
    }
  }

  /** The first column of the first row as text (null when there is no row or it is NULL). */
  public static String text(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Executes a statement with positional parameters; returns the update count. */
  public static int exec(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate();
    }
  }

  /** The first column of the first row as a long (0 when there is no row or it is NULL). */
  public static long longValue(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0L;
    }
  }

  /** The first column of every row, as strings. */
  public static List<String> column(Connection c, String sql, Object... args) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = prepare(c, sql, args);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }
}
