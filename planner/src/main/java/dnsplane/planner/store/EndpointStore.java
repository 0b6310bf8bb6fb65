package dnsplane.planner.store;

import dnsplane.planner.endpoint.Addresses;
import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.EndpointSpec;
import dnsplane.planner.endpoint.HealthCheck;
import dnsplane.planner.endpoint.Target;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** EndpointStore holds all SQL for zones, endpoints and targets. */
@Singleton
public final class EndpointStore {

  /** A target with an active check, as the health checker sees it. */
  public record ActiveTarget(String endpoint, String address, HealthCheck check, boolean healthy) {}

  private static final String ENDPOINTS =
      "SELECT e.name, z.name AS zone, e.ttl, e.guarded FROM endpoint e JOIN zone z ON z.id = e.zone_id";
  private static final String TARGETS =
      "SELECT endpoint, host(address) AS address, weight, az, health_source, check_address, healthy,"
          + " health_changed_at FROM target";

  /** Served zones by name → id. */
  public Map<String, Long> zones(Connection c) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement("SELECT name, id FROM zone ORDER BY name");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  public List<Endpoint> all(Connection c) throws SQLException {
    return load(c, null);
  }

  public Optional<Endpoint> find(Connection c, String name) throws SQLException {
    return load(c, name).stream().findFirst();
  }

  private List<Endpoint> load(Connection c, String only) throws SQLException {
    String where = only == null ? "" : " WHERE %s = ?";
    Map<String, List<Target>> targets = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement(TARGETS + where.formatted("endpoint"))) {
      if (only != null) {
        st.setString(1, only);
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          targets.computeIfAbsent(rs.getString("endpoint"), k -> new ArrayList<>()).add(target(rs));
        }
      }
    }
    List<Endpoint> out = new ArrayList<>();
    try (PreparedStatement st =
        c.prepareStatement(ENDPOINTS + where.formatted("e.name") + " ORDER BY e.name")) {
      if (only != null) {
        st.setString(1, only);
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          List<Target> ts = new ArrayList<>(targets.getOrDefault(rs.getString("name"), List.of()));
          ts.sort((a, b) -> EndpointSpec.compareAddresses(a.address(), b.address()));
          out.add(
              new Endpoint(
                  rs.getString("name"), rs.getString("zone"), rs.getInt("ttl"), rs.getBoolean("guarded"), ts));
        }
      }
    }
    return out;
  }

  private static Target target(ResultSet rs) throws SQLException {
    HealthCheck.Kind kind = HealthCheck.Kind.fromColumn(rs.getString("health_source"));
    HealthCheck check = kind == HealthCheck.Kind.REPORT ? HealthCheck.REPORTED : new HealthCheck(kind, rs.getString("check_address"));
    return new Target(
        Addresses.canonical(rs.getString("address")),
        rs.getInt("weight"),
        rs.getString("az"),
        check,
        rs.getBoolean("healthy"),
        rs.getTimestamp("health_changed_at").toInstant());
  }

  /**
   * Creates or replaces an endpoint and its targets. A target that keeps its address and health
   * source keeps its health; new or re-sourced targets start healthy. Returns true when created.
   */
  public boolean replace(Connection c, EndpointSpec spec, long zoneId, Instant now) throws SQLException {
    boolean created;
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO endpoint (name, zone_id, ttl, guarded) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET zone_id = EXCLUDED.zone_id, ttl = EXCLUDED.ttl,"
                + " guarded = EXCLUDED.guarded, updated_at = now() RETURNING (xmax = 0) AS inserted")) {
      st.setString(1, spec.name());
      st.setLong(2, zoneId);
      st.setInt(3, spec.ttl());
      st.setBoolean(4, spec.guarded());
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        created = rs.getBoolean(1);
      }
    }
    String[] keep = spec.targets().stream().map(EndpointSpec.TargetSpec::address).toArray(String[]::new);
    try (PreparedStatement st =
        c.prepareStatement("DELETE FROM target WHERE endpoint = ? AND NOT (address = ANY (?::inet[]))")) {
      st.setString(1, spec.name());
      st.setArray(2, c.createArrayOf("text", keep));
      st.executeUpdate();
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO target (endpoint, address, weight, az, health_source, check_address, healthy,"
                + " health_changed_at) VALUES (?, ?::inet, ?, ?, ?, ?, true, ?)"
                + " ON CONFLICT (endpoint, address) DO UPDATE SET weight = EXCLUDED.weight, az = EXCLUDED.az,"
                + " health_source = EXCLUDED.health_source, check_address = EXCLUDED.check_address,"
                + " healthy = CASE WHEN (target.health_source, target.check_address) IS NOT DISTINCT FROM"
                + "   (EXCLUDED.health_source, EXCLUDED.check_address) THEN target.healthy ELSE true END,"
                + " health_changed_at = CASE WHEN (target.health_source, target.check_address) IS NOT DISTINCT"
                + "   FROM (EXCLUDED.health_source, EXCLUDED.check_address) THEN target.health_changed_at"
                + "   ELSE EXCLUDED.health_changed_at END")) {
      for (EndpointSpec.TargetSpec t : spec.targets()) {
        st.setString(1, spec.name());
        st.setString(2, t.address());
        st.setInt(3, t.weight());
        st.setString(4, t.az());
        st.setString(5, t.check().kind().column());
        st.setString(6, t.check().address());
        st.setTimestamp(7, Timestamp.from(now));
        st.addBatch();
      }
      st.executeBatch();
    }
    return created;
  }

  public boolean delete(Connection c, String name) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("DELETE FROM endpoint WHERE name = ?")) {
      st.setString(1, name);
      return st.executeUpdate() > 0;
    }
  }

  /**
   * Sets a target's health when it differs and its health source is still {@code source} (so a
   * result from a check that was just reconfigured is dropped). Returns true when it changed.
   */
  public boolean setHealth(
      Connection c, String endpoint, String address, HealthCheck source, boolean healthy, Instant now)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "UPDATE target SET healthy = ?, health_changed_at = ? WHERE endpoint = ? AND address = ?::inet"
                + " AND healthy <> ? AND health_source = ? AND check_address IS NOT DISTINCT FROM ?")) {
      st.setBoolean(1, healthy);
      st.setTimestamp(2, Timestamp.from(now));
      st.setString(3, endpoint);
      st.setString(4, address);
      st.setBoolean(5, healthy);
      st.setString(6, source.kind().column());
      st.setString(7, source.address());
      return st.executeUpdate() > 0;
    }
  }

  public List<ActiveTarget> activeTargets(Connection c) throws SQLException {
    List<ActiveTarget> out = new ArrayList<>();
    try (PreparedStatement st =
            c.prepareStatement(TARGETS + " WHERE health_source <> 'report' ORDER BY endpoint, address");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        Target t = target(rs);
        out.add(new ActiveTarget(rs.getString("endpoint"), t.address(), t.check(), t.healthy()));
      }
    }
    return out;
  }
}
