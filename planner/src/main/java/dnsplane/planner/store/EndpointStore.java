package dnsplane.planner.store;

import dnsplane.planner.endpoint.Addresses;
import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.EndpointSpec;
import dnsplane.planner.endpoint.FailOpenScope;
import dnsplane.planner.endpoint.HealthCheck;
import dnsplane.planner.endpoint.Target;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
      "SELECT e.name, z.name AS zone, e.ttl, e.guarded, e.deleted_at IS NOT NULL AS deleted,"
          + " e.fail_open_scope FROM endpoint e JOIN zone z ON z.id = e.zone_id";
  private static final String TARGETS =
      "SELECT endpoint, host(address) AS address, weight, az, health_source, check_address,"
          + " healthy, health_changed_at FROM target";

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

  /** The live endpoints: what the API lists. */
  public List<Endpoint> all(Connection c) throws SQLException {
    return load(c, null, false);
  }

  /** Every endpoint a plan covers: the live ones and the deleted ones, which plans unpublish. */
  public List<Endpoint> allForPlanning(Connection c) throws SQLException {
    return load(c, null, true);
  }

  /** A live endpoint; a deleted one is not found. */
  public Optional<Endpoint> find(Connection c, String name) throws SQLException {
    return load(c, name, false).stream().findFirst();
  }

  private List<Endpoint> load(Connection c, String only, boolean withDeleted) throws SQLException {
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
    String live = withDeleted ? "" : (only == null ? " WHERE" : " AND") + " e.deleted_at IS NULL";
    try (PreparedStatement st =
        c.prepareStatement(ENDPOINTS + where.formatted("e.name") + live + " ORDER BY e.name")) {
      if (only != null) {
        st.setString(1, only);
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          List<Target> ts = new ArrayList<>(targets.getOrDefault(rs.getString("name"), List.of()));
          ts.sort((a, b) -> EndpointSpec.compareAddresses(a.address(), b.address()));
          out.add(
              new Endpoint(
                  rs.getString("name"),
                  rs.getString("zone"),
                  rs.getInt("ttl"),
                  rs.getBoolean("guarded"),
                  ts,
                  rs.getBoolean("deleted"),
                  FailOpenScope.parse(rs.getString("fail_open_scope"))));
        }
      }
    }
    return out;
  }

  private static Target target(ResultSet rs) throws SQLException {
    HealthCheck.Kind kind = HealthCheck.Kind.fromColumn(rs.getString("health_source"));
    HealthCheck check =
        kind == HealthCheck.Kind.REPORT
            ? HealthCheck.REPORTED
            : new HealthCheck(kind, rs.getString("check_address"));
    return new Target(
        Addresses.canonical(rs.getString("address")),
        rs.getInt("weight"),
        rs.getString("az"),
        check,
        rs.getBoolean("healthy"),
        rs.getTimestamp("health_changed_at").toInstant());
  }

  /** An endpoint to store, with the id of the zone that serves it. */
  public record Placed(EndpointSpec spec, long zoneId) {}

  /**
   * Creates or replaces an endpoint and its targets. A target that keeps its address and health
   * source keeps its health; new or re-sourced targets start healthy. A deleted endpoint of the
   * same name is revived (and counts as created). Returns true when created.
   */
  public boolean replace(Connection c, EndpointSpec spec, long zoneId, Instant now)
      throws SQLException {
    return replaceAll(c, List.of(new Placed(spec, zoneId)), now) == 1;
  }

  /**
   * Creates or replaces many endpoints as {@link #replace} does one, in three statements whatever
   * their number (arrays unnested server-side, so 10,000 endpoints are not 40,000 round trips).
   * Names must be distinct. Returns how many were created (or revived); the rest were replaced.
   */
  public int replaceAll(Connection c, List<Placed> endpoints, Instant now) throws SQLException {
    int n = endpoints.size();
    String[] names = new String[n];
    Long[] zoneIds = new Long[n];
    Integer[] ttls = new Integer[n];
    Boolean[] guarded = new Boolean[n];
    String[] scopes = new String[n];
    List<String> tEndpoint = new ArrayList<>();
    List<String> tAddress = new ArrayList<>();
    List<Integer> tWeight = new ArrayList<>();
    List<String> tAz = new ArrayList<>();
    List<String> tSource = new ArrayList<>();
    List<String> tCheck = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      EndpointSpec spec = endpoints.get(i).spec();
      names[i] = spec.name();
      zoneIds[i] = endpoints.get(i).zoneId();
      ttls[i] = spec.ttl();
      guarded[i] = spec.guarded();
      scopes[i] = spec.failOpenScope().value();
      for (EndpointSpec.TargetSpec t : spec.targets()) {
        tEndpoint.add(spec.name());
        tAddress.add(t.address());
        tWeight.add(t.weight());
        tAz.add(t.az());
        tSource.add(t.check().kind().column());
        tCheck.add(t.check().address());
      }
    }
    // Counted before the upsert, which cannot tell a revived row from a replaced one. Every
    // endpoint write holds the plan lock, so nothing changes the count in between.
    int replaced;
    try (PreparedStatement st =
        c.prepareStatement(
            "SELECT count(*) FROM endpoint e JOIN unnest(?::text[]) AS n(name) ON e.name = n.name"
                + " WHERE e.deleted_at IS NULL")) {
      st.setArray(1, c.createArrayOf("text", names));
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        replaced = rs.getInt(1);
      }
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO endpoint (name, zone_id, ttl, guarded, fail_open_scope) SELECT * FROM"
                + " unnest(?::text[], ?::bigint[], ?::int[], ?::boolean[], ?::text[]) ON CONFLICT"
                + " (name) DO UPDATE SET zone_id = EXCLUDED.zone_id, ttl = EXCLUDED.ttl, guarded ="
                + " EXCLUDED.guarded, fail_open_scope = EXCLUDED.fail_open_scope, deleted_at ="
                + " NULL, updated_at = ?")) {
      st.setArray(1, c.createArrayOf("text", names));
      st.setArray(2, c.createArrayOf("bigint", zoneIds));
      st.setArray(3, c.createArrayOf("int4", ttls));
      st.setArray(4, c.createArrayOf("bool", guarded));
      st.setArray(5, c.createArrayOf("text", scopes));
      st.setObject(6, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      st.executeUpdate();
    }
    // Targets the new definitions no longer list go; the rest are upserted below. Joins rather
    // than "= ANY (array)" / "NOT IN": those turn into a linear scan per row once the array is
    // large or the plan generic, while a join or an anti-join stays hashed or indexed.
    try (PreparedStatement st =
        c.prepareStatement(
            "DELETE FROM target t USING unnest(?::text[]) AS n(name) WHERE t.endpoint = n.name"
                + " AND NOT EXISTS (SELECT 1 FROM unnest(?::text[], ?::inet[]) AS k(e, a)"
                + " WHERE k.e = t.endpoint AND k.a = t.address)")) {
      st.setArray(1, c.createArrayOf("text", names));
      st.setArray(2, c.createArrayOf("text", tEndpoint.toArray()));
      st.setArray(3, c.createArrayOf("text", tAddress.toArray()));
      st.executeUpdate();
    }
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO target (endpoint, address, weight, az, health_source, check_address,"
                + " healthy, health_changed_at) SELECT e, a, w, z, s, k, true, ?::timestamptz FROM"
                + " unnest(?::text[], ?::inet[], ?::int[], ?::text[], ?::text[], ?::text[]) AS u(e,"
                + " a, w, z, s, k) ON CONFLICT (endpoint, address) DO UPDATE SET weight ="
                + " EXCLUDED.weight, az = EXCLUDED.az, health_source = EXCLUDED.health_source,"
                + " check_address = EXCLUDED.check_address, healthy = CASE WHEN"
                + " (target.health_source, target.check_address) IS NOT DISTINCT FROM  "
                + " (EXCLUDED.health_source, EXCLUDED.check_address) THEN target.healthy ELSE true"
                + " END, health_changed_at = CASE WHEN (target.health_source, target.check_address)"
                + " IS NOT DISTINCT   FROM (EXCLUDED.health_source, EXCLUDED.check_address) THEN"
                + " target.health_changed_at   ELSE EXCLUDED.health_changed_at END")) {
      st.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      st.setArray(2, c.createArrayOf("text", tEndpoint.toArray()));
      st.setArray(3, c.createArrayOf("text", tAddress.toArray()));
      st.setArray(4, c.createArrayOf("int4", tWeight.toArray()));
      st.setArray(5, c.createArrayOf("text", tAz.toArray()));
      st.setArray(6, c.createArrayOf("text", tSource.toArray()));
      st.setArray(7, c.createArrayOf("text", tCheck.toArray()));
      st.executeUpdate();
    }
    return n - replaced;
  }

  /**
   * Marks a live endpoint deleted and drops its targets. The row stays: plans keep a deletion entry
   * for it, so enactors unpublish it, and a PUT of the name revives it. False when there is no live
   * endpoint of that name.
   */
  public boolean softDelete(Connection c, String name, Instant now) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "UPDATE endpoint SET deleted_at = ?, updated_at = ? WHERE name = ? AND deleted_at IS"
                + " NULL")) {
      OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
      st.setObject(1, at);
      st.setObject(2, at);
      st.setString(3, name);
      if (st.executeUpdate() == 0) {
        return false;
      }
    }
    try (PreparedStatement st = c.prepareStatement("DELETE FROM target WHERE endpoint = ?")) {
      st.setString(1, name);
      st.executeUpdate();
    }
    return true;
  }

  /**
   * Sets a target's health when it differs and its health source is still {@code source} (so a
   * result from a check that was just reconfigured is dropped). Returns true when it changed.
   */
  public boolean setHealth(
      Connection c,
      String endpoint,
      String address,
      HealthCheck source,
      boolean healthy,
      Instant now)
      throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "UPDATE target SET healthy = ?, health_changed_at = ? WHERE endpoint = ? AND address ="
                + " ?::inet AND healthy <> ? AND health_source = ? AND check_address IS NOT"
                + " DISTINCT FROM ?")) {
      st.setBoolean(1, healthy);
      st.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
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
            c.prepareStatement(
                TARGETS + " WHERE health_source <> 'report' ORDER BY endpoint, address");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        Target t = target(rs);
        out.add(new ActiveTarget(rs.getString("endpoint"), t.address(), t.check(), t.healthy()));
      }
    }
    return out;
  }
}
