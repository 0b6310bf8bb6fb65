package dnsplane.enactor.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans writes plan N+1 the way the planner's PlanStore does: the plan row, every entry in one
 * statement and the {@code dnsplane_plan} NOTIFY, in one transaction (the schema accepts entries
 * only from the transaction that created the plan).
 */
public final class Plans {

  private Plans() {}

  /**
   * Writes a plan with an entry per endpoint of {@code addresses} and a deletion entry for each of
   * {@code deleted}; commits on {@code c} and returns the generation.
   */
  public static long publish(Connection c, Map<String, List<String>> addresses, Set<String> deleted)
      throws SQLException {
    List<String> endpoints = new ArrayList<>();
    List<String> json = new ArrayList<>();
    List<Boolean> deletions = new ArrayList<>();
    addresses.forEach(
        (endpoint, list) -> {
          endpoints.add(endpoint);
          json.add(json(list));
          deletions.add(false);
        });
    for (String endpoint : deleted) {
      endpoints.add(endpoint);
      json.add("[]");
      deletions.add(true);
    }
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      long g;
      try (PreparedStatement ps =
              c.prepareStatement("INSERT INTO plan (reason) VALUES ('test') RETURNING generation");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        g = rs.getLong(1);
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO plan_entry (generation, endpoint,"
                  + " ttl, addresses, deleted) SELECT ?, e, 60, a::jsonb, d"
                  + " FROM unnest(?::text[], ?::text[], ?::boolean[]) AS x(e, a, d)")) {
        ps.setLong(1, g);
        ps.setArray(2, c.createArrayOf("text", endpoints.toArray()));
        ps.setArray(3, c.createArrayOf("text", json.toArray()));
        ps.setArray(4, c.createArrayOf("boolean", deletions.toArray()));
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('dnsplane_plan', ?)")) {
        ps.setString(1, Long.toString(g));
        ps.execute();
      }
      c.commit();
      return g;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** The plan_entry.addresses JSON of {@code addresses} (weight 100, az-a). */
  public static String json(List<String> addresses) {
    StringBuilder b = new StringBuilder("[");
    for (String a : addresses) {
      b.append(b.length() > 1 ? "," : "")
          .append("{\"address\":\"")
          .append(a)
          .append("\",\"weight\":100,\"az\":\"az-a\"}");
    }
    return b.append("]").toString();
  }
}
