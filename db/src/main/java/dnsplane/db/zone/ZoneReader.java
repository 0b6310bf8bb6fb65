package dnsplane.db.zone;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * ZoneReader reads whole zones and their rrsets, on the caller's connection and in the caller's
 * transaction: zone-file import reads under its locks, export in one repeatable-read snapshot.
 */
public final class ZoneReader {

  /** Rows per round trip: a 100,000-rrset zone in ten, not in one (nor in 100,000). */
  private static final int FETCH = 10_000;

  /**
   * The (name, type) of every plan-managed rrset of a zone ({@link #managed}); its three parameters
   * are the zone's id. {@link StagedZone} reads the same set.
   */
  static final String MANAGED =
      "SELECT name, type FROM rrset WHERE zone_id = ? AND applied_generation IS NOT NULL"
          + " UNION SELECT e.name, t.type FROM endpoint e"
          + "   CROSS JOIN (VALUES ('A'), ('AAAA')) AS t (type) WHERE e.zone_id = ?"
          + " UNION SELECT '_plan.' || e.name, 'TXT' FROM endpoint e WHERE e.zone_id = ?";

  private ZoneReader() {}

  /**
   * Zone {@code name} as one consistent snapshot: its served serial and every rrset, read in one
   * repeatable-read transaction of its own (so the serial is the version of exactly these rows).
   * Empty when there is no such zone. Restores {@code c}'s auto-commit; leaves it read committed.
   */
  public static Optional<StoredZone> readWhole(Connection c, String name) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      OptionalLong id = zoneId(c, name);
      if (id.isEmpty()) {
        return Optional.empty();
      }
      long serial = servedSerial(c, id.getAsLong());
      Map<RrsetRow.Key, RrsetRow> rrsets = rrsets(c, id.getAsLong());
      c.commit();
      return Optional.of(new StoredZone(name, serial, rrsets));
    } finally {
      c.setAutoCommit(autoCommit);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  /** The id of zone {@code name}, locking its row for the rest of the transaction. */
  public static OptionalLong lockZone(Connection c, String name) throws SQLException {
    return id(c, "SELECT id FROM zone WHERE name = ? FOR UPDATE", name);
  }

  /** The id of zone {@code name}, without a lock. */
  public static OptionalLong zoneId(Connection c, String name) throws SQLException {
    return id(c, "SELECT id FROM zone WHERE name = ?", name);
  }

  /** Every rrset of the zone, by (name, type), in row order. */
  public static Map<RrsetRow.Key, RrsetRow> rrsets(Connection c, long zoneId) throws SQLException {
    Map<RrsetRow.Key, RrsetRow> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name, type, ttl, rdata FROM rrset WHERE zone_id = ? ORDER BY id")) {
      ps.setLong(1, zoneId);
      ps.setFetchSize(FETCH);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          RrsetRow r =
              new RrsetRow(rs.getString(1), rs.getString(2), rs.getInt(3), texts(rs.getArray(4)));
          out.put(r.key(), r);
        }
      }
    }
    return out;
  }

  /**
   * The plan-managed rrsets an import must leave alone: every rrset of the zone holding a plan
   * generation (tombstones included), and the A, AAAA and {@code _plan} TXT rrsets of every
   * endpoint, whether or not a plan has written them yet. Read it after {@link
   * dnsplane.db.changelog.ChangeLogLock#take}, the lock every rrset writer takes first, so no
   * enactor write can change the answer before the import commits. (The planner creates endpoints
   * without that lock; one created meanwhile is not seen, and its first plan write then overwrites
   * whatever the import wrote, its compare-and-set admitting any row without a generation.)
   */
  public static Set<RrsetRow.Key> managed(Connection c, long zoneId) throws SQLException {
    Set<RrsetRow.Key> out = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(MANAGED)) {
      ps.setLong(1, zoneId);
      ps.setLong(2, zoneId);
      ps.setLong(3, zoneId);
      ps.setFetchSize(FETCH);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new RrsetRow.Key(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return out;
  }

  /** The serial served for zone {@code zoneId}: its change-log counter. */
  private static long servedSerial(Connection c, long zoneId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM zone WHERE id = ?")) {
      ps.setLong(1, zoneId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("zone " + zoneId + " vanished");
        }
        return rs.getLong(1);
      }
    }
  }

  private static OptionalLong id(Connection c, String sql, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  /** A SQL text[] as a list (null as empty). */
  private static List<String> texts(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    Object[] values = (Object[]) array.getArray();
    return Arrays.stream(values).map(String.class::cast).toList();
  }
}
