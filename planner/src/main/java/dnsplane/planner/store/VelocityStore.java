package dnsplane.planner.store;

import dnsplane.planner.endpoint.Addresses;
import dnsplane.planner.plan.HealthRemoval;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * VelocityStore holds all SQL for {@code velocity_removal}: the addresses health removed from
 * published sets, which the velocity limit counts over its window. Only {@code PlanWriter}'s
 * transaction (under the plan lock) and endpoint deletion write it.
 */
@Singleton
public final class VelocityStore {

  /** Removals after {@code since}, oldest first. */
  public List<HealthRemoval> since(Connection c, Instant since) throws SQLException {
    List<HealthRemoval> out = new ArrayList<>();
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT endpoint, host(address), removed_at FROM velocity_removal WHERE removed_at > ?"
                + " ORDER BY removed_at, endpoint, address")) {
      st.setObject(1, at(since));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(
              new HealthRemoval(
                  rs.getString(1),
                  Addresses.canonical(rs.getString(2)),
                  rs.getObject(3, OffsetDateTime.class).toInstant()));
        }
      }
    }
    return out;
  }

  /** Records the removals plan {@code generation} made. */
  public void record(Connection c, List<HealthRemoval> removals, long generation)
      throws SQLException {
    if (removals.isEmpty()) {
      return;
    }
    int n = removals.size();
    String[] endpoints = new String[n];
    String[] addresses = new String[n];
    String[] times = new String[n];
    for (int i = 0; i < n; i++) {
      endpoints[i] = removals.get(i).endpoint();
      addresses[i] = removals.get(i).address();
      // ISO-8601 with Z, which PostgreSQL reads as timestamptz exactly (microseconds kept).
      times[i] = removals.get(i).at().toString();
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO velocity_removal (endpoint, address, removed_at, generation) SELECT e, a,"
                + " r, ? FROM unnest(?::text[], ?::inet[], ?::timestamptz[]) AS x(e, a, r)")) {
      st.setLong(1, generation);
      st.setArray(2, c.createArrayOf("text", endpoints));
      st.setArray(3, c.createArrayOf("text", addresses));
      st.setArray(4, c.createArrayOf("text", times));
      st.executeUpdate();
    }
  }

  /** Deletes the removals at or before {@code upTo}: the window no longer counts them. */
  public void prune(Connection c, Instant upTo) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement("DELETE FROM velocity_removal WHERE removed_at <= ?")) {
      st.setObject(1, at(upTo));
      st.executeUpdate();
    }
  }

  /** Deletes the history of a deleted endpoint, so that a revived one starts afresh. */
  public void forget(Connection c, String endpoint) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement("DELETE FROM velocity_removal WHERE endpoint = ?")) {
      st.setString(1, endpoint);
      st.executeUpdate();
    }
  }

  private static OffsetDateTime at(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
