package dnsplane.db.changelog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * ZoneByZoneRows is every zone and rrset at one instant, as a full load reads them ({@link
 * ChangeLogReader#loadAll(Connection, FullLoadRows.Sink)}), but zone after zone, each zone with its
 * rrset count before its rrsets: what a snapshot's stored form needs to be written straight from
 * the rows, a fetch of rows at a time. One repeatable-read transaction on the caller's connection
 * from {@link #open} to {@link #close}, so every read sees the database as of {@link #lastSeq}.
 */
public final class ZoneByZoneRows implements AutoCloseable {

  /** A zone row and how many rrset rows it has. */
  public record Zone(FullLoadRows.ZoneRow row, long rrsets) {}

  /** Takes the rrset rows of one zone as they are read. */
  @FunctionalInterface
  public interface RrsetSink<E extends Exception> {
    void rrset(FullLoadRows.RrsetRow rrset) throws E;
  }

  private static final int FETCH = 10_000;

  private final Connection c;
  private final long lastSeq;
  private boolean done;

  private ZoneByZoneRows(Connection c, long lastSeq) {
    this.c = c;
    this.lastSeq = lastSeq;
  }

  /**
   * Starts the read on {@code c} (which it leaves in auto-commit, read committed, when closed); the
   * instant read is that of the change-log counter read here.
   */
  public static ZoneByZoneRows open(Connection c) throws SQLException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      return new ZoneByZoneRows(c, ChangeLogReader.counter(c));
    } catch (SQLException | RuntimeException e) {
      restore(c);
      throw e;
    }
  }

  /** The last change-log sequence number the rows include. */
  public long lastSeq() {
    return lastSeq;
  }

  /** Every zone, in id order, with its rrset count. */
  public List<Zone> zones() throws SQLException {
    List<Zone> zones = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT z.id, z.name, z.serial, coalesce(n.rrsets, 0) FROM zone z"
                    + " LEFT JOIN (SELECT zone_id, count(*) AS rrsets FROM rrset GROUP BY zone_id)"
                    + " n ON n.zone_id = z.id ORDER BY z.id")) {
      while (rs.next()) {
        zones.add(
            new Zone(
                new FullLoadRows.ZoneRow(rs.getLong(1), rs.getString(2), rs.getLong(3)),
                rs.getLong(4)));
      }
    }
    return zones;
  }

  /** Hands {@code sink} every rrset row of zone {@code zoneId}, a fetch at a time. */
  public <E extends Exception> void rrsets(long zoneId, RrsetSink<E> sink) throws SQLException, E {
    try (PreparedStatement ps =
        c.prepareStatement(ChangeLogReader.RRSET_ROWS + " WHERE zone_id = ?")) {
      ps.setFetchSize(FETCH);
      ps.setLong(1, zoneId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sink.rrset(ChangeLogReader.rrsetRow(rs));
        }
      }
    }
  }

  /** Ends the read (it wrote nothing: a rollback), leaving the connection as it was found. */
  @Override
  public void close() {
    if (done) {
      return;
    }
    done = true;
    ChangeLogReader.rollbackQuietly(c);
    restore(c);
  }

  private static void restore(Connection c) {
    try {
      c.setAutoCommit(true);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    } catch (SQLException ignored) {
      // The connection is gone; its owner closes it.
    }
  }
}
