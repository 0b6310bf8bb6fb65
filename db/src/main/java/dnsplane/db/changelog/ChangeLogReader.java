package dnsplane.db.changelog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ChangeLogReader is the SQL of a change-log follower: the full state in one consistent snapshot,
 * the change-log counter, and the change-log rows after a sequence number. It runs on the caller's
 * connection (a follower keeps one dedicated, unpooled connection for its LISTEN).
 */
public final class ChangeLogReader {

  /** Rows fetched per round trip of a full load: a 100,000-rrset zone in ten, not in one. */
  private static final int FULL_LOAD_FETCH = 10_000;

  private ChangeLogReader() {}

  /**
   * Which database this is: the cluster's system identifier (a streaming standby shares its
   * primary's) and the database's oid (a database dropped and created again gets a new one). A
   * persisted snapshot resumes through the change log only on the database it came from.
   */
  public static String databaseIdentity(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT (SELECT system_identifier FROM pg_control_system()) || ':'"
                    + " || (SELECT oid FROM pg_database WHERE datname = current_database())")) {
      return rs.next() ? rs.getString(1) : "";
    }
  }

  /** True when {@code c} is connected to a server in recovery: a hot standby. */
  public static boolean inRecovery(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /**
   * All zones and rrsets and the counter, read in ONE repeatable-read transaction, so the rows are
   * exactly those of the changes up to {@link FullLoadRows#lastSeq}. Leaves {@code c} in
   * auto-commit, read committed.
   */
  public static FullLoadRows loadAll(Connection c) throws SQLException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      long last = counter(c);
      List<FullLoadRows.ZoneRow> zones = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT id, name, serial FROM zone ORDER BY id")) {
        while (rs.next()) {
          zones.add(new FullLoadRows.ZoneRow(rs.getLong(1), rs.getString(2), rs.getLong(3)));
        }
      }
      List<FullLoadRows.RrsetRow> rrsets = new ArrayList<>();
      try (Statement st = c.createStatement()) {
        st.setFetchSize(FULL_LOAD_FETCH);
        try (ResultSet rs =
            st.executeQuery(
                "SELECT zone_id, name, type, ttl, rdata FROM rrset ORDER BY zone_id, id")) {
          while (rs.next()) {
            rrsets.add(
                new FullLoadRows.RrsetRow(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getInt(4),
                    texts(rs.getArray(5))));
          }
        }
      }
      c.commit();
      return new FullLoadRows(last, zones, rrsets);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  /** The newest committed sequence number (0 before the first change). */
  public static long counter(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT last_seq FROM change_log_counter")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Up to {@code limit} change-log rows with seq greater than {@code after}, in order. */
  public static List<ChangeLogRow> since(Connection c, long after, int limit) throws SQLException {
    List<ChangeLogRow> rows = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seq, zone, op, name, type, ttl, rdata, serial FROM change_log"
                + " WHERE seq > ? ORDER BY seq LIMIT ?")) {
      ps.setLong(1, after);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int ttl = rs.getInt(6);
          Integer boxedTtl = rs.wasNull() ? null : ttl;
          Array rdata = rs.getArray(7);
          rows.add(
              new ChangeLogRow(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  boxedTtl,
                  rdata == null ? null : texts(rdata),
                  rs.getLong(8)));
        }
      }
    }
    return rows;
  }

  private static List<String> texts(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    return Arrays.stream((Object[]) array.getArray()).map(String.class::cast).toList();
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is likely gone; the caller reconnects.
    }
  }
}
