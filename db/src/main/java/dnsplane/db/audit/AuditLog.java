package dnsplane.db.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * AuditLog appends to and reads audit_log on the caller's connection. An append is one statement
 * per batch and joins the caller's transaction, so a write and its audit rows commit together.
 */
public final class AuditLog {

  /** The most rows one read returns. */
  public static final int MAX_LIMIT = 10_000;

  private AuditLog() {}

  public static void append(Connection c, List<AuditRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    int n = rows.size();
    Object[] actor = new Object[n];
    Object[] action = new Object[n];
    Object[] gen = new Object[n];
    Object[] endpoint = new Object[n];
    Object[] prev = new Object[n];
    Object[] next = new Object[n];
    Object[] detail = new Object[n];
    for (int i = 0; i < n; i++) {
      AuditRow e = rows.get(i);
      actor[i] = e.actor();
      action[i] = e.action();
      gen[i] = e.generation();
      endpoint[i] = e.endpoint();
      prev[i] = e.previousGeneration();
      next[i] = e.newGeneration();
      detail[i] = e.detail();
    }
    String sql =
        "INSERT INTO audit_log (actor, action, generation, endpoint, previous_generation,"
            + " new_generation, detail) SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[],"
            + " ?::text[], ?::bigint[], ?::bigint[], ?::text[])";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", actor));
      ps.setArray(2, c.createArrayOf("text", action));
      ps.setArray(3, c.createArrayOf("bigint", gen));
      ps.setArray(4, c.createArrayOf("text", endpoint));
      ps.setArray(5, c.createArrayOf("bigint", prev));
      ps.setArray(6, c.createArrayOf("bigint", next));
      ps.setArray(7, c.createArrayOf("text", detail));
      ps.executeUpdate();
    }
  }

  /**
   * The newest {@code limit} rows, newest first; {@code actor} null means every actor.
   *
   * @throws IllegalArgumentException for a limit out of range or an actor no row can have
   */
  public static List<AuditRow> recent(Connection c, String actor, int limit) throws SQLException {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    // PostgreSQL text cannot hold NUL: the driver would fail the query (a 500) for a filter no
    // actor can match.
    if (actor != null && actor.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("actor must not contain NUL characters");
    }
    String sql =
        "SELECT id, at, actor, action, generation, endpoint, previous_generation, new_generation,"
            + " detail FROM audit_log WHERE (?::text IS NULL OR actor = ?) ORDER BY id DESC LIMIT"
            + " ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, actor);
      ps.setString(2, actor);
      ps.setInt(3, limit);
      List<AuditRow> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp at = rs.getTimestamp(2);
          out.add(
              new AuditRow(
                  rs.getLong(1),
                  at.toInstant(),
                  rs.getString(3),
                  rs.getString(4),
                  (Long) rs.getObject(5),
                  rs.getString(6),
                  (Long) rs.getObject(7),
                  (Long) rs.getObject(8),
                  rs.getString(9)));
        }
      }
      return out;
    }
  }
}
