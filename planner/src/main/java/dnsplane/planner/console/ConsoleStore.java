package dnsplane.planner.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ConsoleStore is the console's SQL: enactor_status rows, the audit rows that say which plan each
 * enactor applied to each endpoint, the rrsets' generations, and an endpoint's recent events. Every
 * query is bounded; each runs on the caller's connection.
 */
final class ConsoleStore {

  /** The audit actions that put a plan's addresses into an endpoint's rrsets. */
  static final List<String> APPLY_ACTIONS = List.of("write", "unpublish");

  /** Endpoint-less audit actions that still belong on every endpoint's timeline. */
  static final List<String> GLOBAL_ACTIONS = List.of("stuck", "mode", "cleanup_delete");

  /** One enactor_status row. */
  record StatusRow(
      String az,
      String mode,
      Long lastApplied,
      boolean stuck,
      String stuckReason,
      boolean paused,
      Instant updatedAt) {}

  /** One apply: {@code az} put plan {@code generation} into {@code endpoint}'s rrsets. */
  record Apply(long id, String endpoint, String az, long generation) {}

  /** One audit row on a timeline. */
  record Event(
      long id,
      String t,
      String actor,
      String action,
      Long generation,
      String endpoint,
      Long previousGeneration,
      Long newGeneration,
      String detail) {}

  static List<StatusRow> statuses(Connection c) throws SQLException {
    List<StatusRow> out = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT az, mode, last_applied_generation, stuck, stuck_reason, paused, updated_at"
                    + " FROM enactor_status ORDER BY az");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new StatusRow(
                rs.getString(1),
                rs.getString(2),
                (Long) rs.getObject(3),
                rs.getBoolean(4),
                rs.getString(5),
                rs.getBoolean(6),
                rs.getTimestamp(7).toInstant()));
      }
    }
    return out;
  }

  /**
   * The newest apply of each (endpoint, az) for {@code endpoints}: run when an endpoint starts
   * being watched; later ticks read only {@link #appliesSince}. audit_log has no index on endpoint,
   * so this is one scan of the apply rows, bounded in what it returns, not in what it reads.
   */
  static List<Apply> latestApplies(Connection c, Collection<String> endpoints) throws SQLException {
    String sql =
        "SELECT DISTINCT ON (endpoint, actor) id, endpoint, actor, new_generation FROM audit_log"
            + " WHERE action = ANY (?) AND endpoint = ANY (?) AND new_generation IS NOT NULL"
            + " ORDER BY endpoint, actor, id DESC";
    return applies(c, sql, endpoints, null);
  }

  /**
   * The applies to {@code endpoints} recorded at or after {@code from}, in id order (uses
   * audit_log_at_idx). The caller overlaps windows: a row's {@code at} is its transaction's start,
   * so it may commit later.
   */
  static List<Apply> appliesSince(Connection c, Collection<String> endpoints, Instant from)
      throws SQLException {
    String sql =
        "SELECT id, endpoint, actor, new_generation FROM audit_log WHERE action = ANY (?) AND"
            + " endpoint = ANY (?) AND new_generation IS NOT NULL AND at >= ? ORDER BY id"
            + " LIMIT 100000";
    return applies(c, sql, endpoints, from);
  }

  private static List<Apply> applies(
      Connection c, String sql, Collection<String> endpoints, Instant from) throws SQLException {
    List<Apply> out = new ArrayList<>();
    if (endpoints.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", APPLY_ACTIONS.toArray()));
      ps.setArray(2, c.createArrayOf("text", endpoints.toArray()));
      if (from != null) {
        ps.setTimestamp(3, Timestamp.from(from));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Apply(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
        }
      }
    }
    return out;
  }

  /**
   * The first {@code limit} live endpoint names, by name, that contain {@code needle} (lower case;
   * null: all). Without a needle this walks the primary key and stops at {@code limit}; with one it
   * reads names in order until it has {@code limit} matches (at most every name, when few match).
   */
  static List<String> names(Connection c, String needle, int limit) throws SQLException {
    String sql =
        "SELECT name FROM endpoint WHERE deleted_at IS NULL"
            + (needle == null ? "" : " AND strpos(name, ?) > 0")
            + " ORDER BY name LIMIT ?";
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (needle != null) {
        ps.setString(i++, needle);
      }
      ps.setInt(i, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /**
   * How many live endpoints contain {@code needle} (null: all), counting at most {@code cap}: the
   * answer is exact below the cap and "at least cap" at it.
   */
  static long count(Connection c, String needle, long cap) throws SQLException {
    String sql =
        "SELECT count(*) FROM (SELECT 1 FROM endpoint WHERE deleted_at IS NULL"
            + (needle == null ? "" : " AND strpos(name, ?) > 0")
            + " LIMIT ?) m";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (needle != null) {
        ps.setString(i++, needle);
      }
      ps.setLong(i, cap);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** True when {@code name} is a live endpoint. */
  static boolean exists(Connection c, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM endpoint WHERE name = ? AND deleted_at IS NULL")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The database's clock: audit rows are stamped by it, not by the planner's. */
  static Instant now(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT clock_timestamp()");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }

  /**
   * The generation each plan-managed endpoint's A/AAAA rrsets hold (the larger when they differ),
   * for the endpoints in {@code names}.
   */
  static Map<String, Long> rrsetGenerations(Connection c, List<String> names) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    if (names.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name, max(applied_generation) FROM rrset WHERE name = ANY (?) AND type IN"
                + " ('A', 'AAAA') AND applied_generation IS NOT NULL GROUP BY name")) {
      ps.setArray(1, c.createArrayOf("text", names.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    return out;
  }

  /**
   * The newest {@code limit} audit rows of {@code endpoint} (and endpoint-less {@link
   * #GLOBAL_ACTIONS}) at or after {@code from}, newest first.
   */
  static List<Event> events(Connection c, String endpoint, Instant from, int limit)
      throws SQLException {
    List<Event> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, at, actor, action, generation, endpoint, previous_generation,"
                + " new_generation, detail FROM audit_log WHERE at >= ? AND (endpoint = ? OR"
                + " (endpoint IS NULL AND action = ANY (?))) ORDER BY id DESC LIMIT ?")) {
      ps.setTimestamp(1, Timestamp.from(from));
      ps.setString(2, endpoint);
      ps.setArray(3, c.createArrayOf("text", GLOBAL_ACTIONS.toArray()));
      ps.setInt(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Event(
                  rs.getLong(1),
                  rs.getTimestamp(2).toInstant().toString(),
                  rs.getString(3),
                  rs.getString(4),
                  (Long) rs.getObject(5),
                  rs.getString(6),
                  (Long) rs.getObject(7),
                  (Long) rs.getObject(8),
                  rs.getString(9)));
        }
      }
    }
    return out;
  }
}
