package dnsplane.authdns.store;

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
import java.util.OptionalLong;
import java.util.Set;

/** ZoneRows reads zones and their rrsets from PostgreSQL for the importer and the exporter. */
final class ZoneRows {

  private ZoneRows() {}

  /** The id of zone {@code name}, locking its row for the rest of the transaction. */
  static OptionalLong lockZone(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id FROM zone WHERE name = ? FOR UPDATE")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  static OptionalLong zoneId(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM zone WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
      }
    }
  }

  /** Every rrset of the zone, by (name, type). */
  static Map<RrsetData.Key, RrsetData> rrsets(Connection c, long zoneId) throws SQLException {
    Map<RrsetData.Key, RrsetData> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name, type, ttl, rdata FROM rrset WHERE zone_id = ? ORDER BY id")) {
      ps.setLong(1, zoneId);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          RrsetData r =
              new RrsetData(rs.getString(1), rs.getString(2), rs.getInt(3), texts(rs.getArray(4)));
          out.put(r.key(), r);
        }
      }
    }
    return out;
  }

  /**
   * The plan-managed rrsets an import must leave alone: every rrset of the zone holding a plan
   * generation (tombstones included), and the A, AAAA and {@code _plan} TXT rrsets of every
   * endpoint, whether or not a plan has written them yet. Read in the importer's transaction, after
   * it took the change-log lock that every rrset writer takes first, so no enactor write can change
   * the answer before the import commits. (The planner creates endpoints without that lock; one
   * created meanwhile is not seen, and its first plan write then overwrites whatever the import
   * wrote, its compare-and-set admitting any row without a generation.)
   */
  static Set<RrsetData.Key> managed(Connection c, long zoneId) throws SQLException {
    Set<RrsetData.Key> out = new HashSet<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name, type FROM rrset WHERE zone_id = ? AND applied_generation IS NOT NULL"
                + " UNION SELECT e.name, t.type FROM endpoint e"
                + "   CROSS JOIN (VALUES ('A'), ('AAAA')) AS t (type) WHERE e.zone_id = ?"
                + " UNION SELECT '_plan.' || e.name, 'TXT' FROM endpoint e WHERE e.zone_id = ?")) {
      ps.setLong(1, zoneId);
      ps.setLong(2, zoneId);
      ps.setLong(3, zoneId);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new RrsetData.Key(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return out;
  }

  /** A SQL text[] as a list (null as empty). */
  static List<String> texts(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    Object[] values = (Object[]) array.getArray();
    return Arrays.stream(values).map(String.class::cast).toList();
  }
}
