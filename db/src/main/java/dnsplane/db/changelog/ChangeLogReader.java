package dnsplane.db.changelog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * ChangeLogReader is the SQL of a change-log follower: the full state in one consistent snapshot,
 * the change-log counter, and the change-log rows after a sequence number with the counter. It runs
 * on the caller's connection (a follower keeps one dedicated, unpooled connection for its LISTEN).
 */
public final class ChangeLogReader {

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
    List<FullLoadRows.ZoneRow> zones = new ArrayList<>();
    List<FullLoadRows.RrsetRow> rrsets = new ArrayList<>();
    long last =
        loadAll(
            c,
            new FullLoadRows.Sink() {
              @Override
              public void position(long lastSeq) {}

              @Override
              public void zone(FullLoadRows.ZoneRow zone) {
                zones.add(zone);
              }

              @Override
              public void rrset(FullLoadRows.RrsetRow rrset) {
                rrsets.add(rrset);
              }
            });
    return new FullLoadRows(last, zones, rrsets);
  }

  /**
   * As {@link #loadAll(Connection)}, handing each row to {@code sink} as it arrives (a fetch of
   * rows at a time is held, never the whole table). Returns the last sequence number. When it
   * throws, the sink has seen part of the state only.
   */
  public static long loadAll(Connection c, FullLoadRows.Sink sink) throws SQLException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      long last = counter(c);
      sink.position(last);
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT id, name, serial FROM zone ORDER BY id")) {
        while (rs.next()) {
          sink.zone(new FullLoadRows.ZoneRow(rs.getLong(1), rs.getString(2), rs.getLong(3)));
        }
      }
      // In the order the table lies on disk (a sequential scan): the load needs no order, and
      // neither a sort of the whole table nor a walk of the primary key holds back the first row.
      // The walk in id order cost PostgreSQL about a third more CPU than the scan at a million
      // rows (62-79 against 46-48 ticks of its backend), on a start bound by the CPU of two
      // cores. Zones need not come one after another, nor a zone's rrsets in order. As COPY's
      // text, one message per row read as it comes (see CopyText).
      copyRrsetRows(c, sink);
      c.commit();
      return last;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      c.setAutoCommit(true);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  /** Every rrset row, through COPY, to {@code sink}; in the caller's transaction. */
  private static void copyRrsetRows(Connection c, FullLoadRows.Sink sink) throws SQLException {
    CopyOut copy =
        c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + RRSET_ROWS + ") TO STDOUT");
    try {
      byte[] row;
      CopiedRows rows = new CopiedRows();
      while ((row = copy.readFromCopy()) != null) {
        sink.rrset(rows.decode(row));
      }
    } catch (RuntimeException e) {
      // The sink stopped the load part way (too big for the heap, say). The rest of the copy is
      // read and dropped: the driver's cancelCopy leaves the rest of the rows on the wire, where
      // the next statement would read them, and the caller may use the connection again.
      try {
        while (copy.readFromCopy() != null) {
          // dropped
        }
      } catch (SQLException drain) {
        e.addSuppressed(drain);
      }
      throw e;
    }
  }

  /** One COPY row of {@link #RRSET_ROWS}, as {@link #rrsetRow} reads it from a result set. */
  static FullLoadRows.RrsetRow copiedRrsetRow(byte[] row) {
    return new CopiedRows().decode(row);
  }

  /**
   * The decoder of one COPY's rows, one after another: it keeps the fields' offsets in one array,
   * and hands on the type's text of the row before when this row spells the same (most rows of a
   * big zone are of one type), so that a row costs its own fields' strings only. A million rows are
   * decoded while the collector copies what the load keeps; what a row leaves behind sets the
   * collections off.
   */
  static final class CopiedRows {
    private final int[] fields = new int[7];
    private String lastType; // the last type decoded, when it had no escape

    FullLoadRows.RrsetRow decode(byte[] row) {
      int[] f = CopyText.split(row, fields);
      String one = CopyText.text(row, f[4], f[5] - 1);
      List<String> rdata;
      if (one != null) {
        rdata = List.of(one);
      } else {
        String array = CopyText.text(row, f[5], f[6] - 1);
        rdata = array == null ? List.of() : CopyText.textArray(array);
      }
      return new FullLoadRows.RrsetRow(
          CopyText.number(row, f[0], f[1] - 1),
          CopyText.text(row, f[1], f[2] - 1),
          type(row, f[2], f[3] - 1),
          Math.toIntExact(CopyText.number(row, f[3], f[4] - 1)),
          rdata);
    }

    private String type(byte[] row, int from, int to) {
      String last = lastType;
      if (last != null && CopyText.spells(row, from, to, last)) {
        return last;
      }
      String type = CopyText.text(row, from, to);
      lastType = type != null && type.indexOf('\\') < 0 ? type : null;
      return type;
    }
  }

  /** The newest committed sequence number (0 before the first change). */
  public static long counter(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT last_seq FROM change_log_counter")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /**
   * The change-log counter and up to {@code limit} of the rows after {@code after}, in order, read
   * by one statement and so from one snapshot: every row up to the counter is there (sequence
   * numbers are gap-free and given in commit order), and none beyond it.
   */
  public record Page(long counter, List<ChangeLogRow> rows) {
    public Page {
      rows = List.copyOf(rows);
    }
  }

  /**
   * Reads a {@link Page}: the counter and the rows after {@code after}, at most {@code limit}. One
   * round trip, where a read of the counter and then of the rows took two, on every change a
   * follower hears of.
   */
  public static Page page(Connection c, long after, int limit) throws SQLException {
    List<ChangeLogRow> rows = new ArrayList<>();
    long counter = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            // As in a full load: one record as text, the others (and a delete's null) as stored.
            // The counter comes as one more row, marked by the first column.
            "(SELECT false, seq, zone, op, name, type, ttl, CASE WHEN one IS NULL THEN rdata END,"
                + " serial, one FROM (SELECT *, CASE WHEN cardinality(rdata) = 1 THEN rdata[1] END"
                + " AS one FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?) l)"
                + " UNION ALL SELECT true, last_seq, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                + " NULL FROM change_log_counter")) {
      ps.setLong(1, after);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getBoolean(1)) {
            counter = rs.getLong(2);
            continue;
          }
          int ttl = rs.getInt(7);
          Integer boxedTtl = rs.wasNull() ? null : ttl;
          String one = rs.getString(10);
          Array rdata = one != null ? null : rs.getArray(8);
          rows.add(
              new ChangeLogRow(
                  rs.getLong(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  boxedTtl,
                  one != null ? List.of(one) : rdata == null ? null : texts(rdata),
                  rs.getLong(9)));
        }
      }
    }
    // UNION ALL does not promise its branches' order; in order already, this is one pass.
    rows.sort(Comparator.comparingLong(ChangeLogRow::seq));
    return new Page(counter, rows);
  }

  /**
   * The columns {@link #rrsetRow} reads, from {@code rrset}; a caller adds its WHERE and ORDER BY.
   * Most rrsets hold one record: it comes as plain text, and only the others as an array (the
   * driver parses a text[] literal character by character, in objects of its own).
   */
  static final String RRSET_ROWS =
      "SELECT zone_id, name, type, ttl, one, CASE WHEN one IS NULL THEN rdata END"
          + " FROM (SELECT zone_id, name, type, ttl, rdata, id,"
          + "   CASE WHEN cardinality(rdata) = 1 THEN rdata[1] END AS one FROM rrset) r";

  /** The row at {@code rs}'s cursor, of a query of {@link #RRSET_ROWS}. */
  static FullLoadRows.RrsetRow rrsetRow(ResultSet rs) throws SQLException {
    String one = rs.getString(5);
    return new FullLoadRows.RrsetRow(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getInt(4),
        one != null ? List.of(one) : texts(rs.getArray(6)));
  }

  private static List<String> texts(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    return Arrays.stream((Object[]) array.getArray()).map(String.class::cast).toList();
  }

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // The connection is likely gone; the caller reconnects.
    }
  }
}
