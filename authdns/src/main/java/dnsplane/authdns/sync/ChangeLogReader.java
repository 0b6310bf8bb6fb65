package dnsplane.authdns.sync;

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
 * ChangeLogReader is the SQL of the follower: the full state in one consistent snapshot, the
 * change-log counter, and the change-log rows after a sequence number.
 */
final class ChangeLogReader {

  /** One zone of a full load. */
  record ZoneRow(long id, String name, long serial) {}

  /** One rrset of a full load. */
  record RrsetRow(long zoneId, String name, String type, int ttl, List<String> rdata) {}

  /** Everything at one instant: the zones, their rrsets and the last sequence number included. */
  record FullState(long lastSeq, List<ZoneRow> zones, List<RrsetRow> rrsets) {}

  private ChangeLogReader() {}

  /**
   * Which database this is: the cluster's system identifier (a streaming standby shares its
   * primary's) and the database's oid (a database dropped and created again gets a new one). A
   * persisted snapshot resumes through the change log only on the database it came from.
   */
  static String databaseIdentity(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT (SELECT system_identifier FROM pg_control_system()) || ':'"
                    + " || (SELECT oid FROM pg_database WHERE datname = current_database())")) {
      return rs.next() ? rs.getString(1) : "";
    }
  }

  /** True when {@code c} is connected to a server in recovery: a hot standby. */
  static boolean inRecovery(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  /** All zones and rrsets and the counter, read in ONE repeatable-read transaction. */
  static FullState loadAll(Connection c) throws SQLException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      long last = counter(c);
      List<ZoneRow> zones = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT id, name, serial FROM zone ORDER BY id")) {
        while (rs.next()) {
          zones.add(new ZoneRow(rs.getLong(1), rs.getString(2), rs.getLong(3)));
        }
      }
      List<RrsetRow> rrsets = new ArrayList<>();
      try (Statement st = c.createStatement()) {
        st.setFetchSize(10_000);
        try (ResultSet rs =
            st.executeQuery(
                "SELECT zone_id, name, type, ttl, rdata FROM rrset ORDER BY zone_id, id")) {
          while (rs.next()) {
            rrsets.add(
                new RrsetRow(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getInt(4),
                    texts(rs.getArray(5))));
          }
        }
      }
      c.commit();
      return new FullState(last, zones, rrsets);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  /** The newest committed sequence number. */
  static long counter(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT last_seq FROM change_log_counter")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Up to {@code limit} change-log rows with seq greater than {@code after}, in order. */
  static List<ChangeRow> since(Connection c, long after, int limit) throws SQLException {
    List<ChangeRow> rows = new ArrayList<>();
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
              new ChangeRow(
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
