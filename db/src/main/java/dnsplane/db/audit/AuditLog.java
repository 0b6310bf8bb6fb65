package dnsplane.db.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * AuditLog appends to audit_log on the caller's connection (reads: {@link AuditRepository}). An
 * append is one statement per batch and joins the caller's transaction, so a write and its audit
 * rows commit together.
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
   * Refuses a query no row can answer or that would fail in PostgreSQL.
   *
   * @throws IllegalArgumentException for a limit out of range or an actor containing NUL
   */
  public static void checkQuery(String actor, int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    // PostgreSQL text cannot hold NUL: the driver would fail the query (a 500) for a filter no
    // actor can match.
    if (actor != null && actor.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("actor must not contain NUL characters");
    }
  }
}
