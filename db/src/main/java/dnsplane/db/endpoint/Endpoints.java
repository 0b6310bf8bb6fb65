package dnsplane.db.endpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGStatement;

/**
 * Endpoints holds the endpoint statements that are not CRUD: the bulk upsert of definitions (one
 * statement per table whatever their number) and the served zones. See {@link EndpointRepository}
 * for the rest.
 */
public final class Endpoints {

  private Endpoints() {}

  /** Served zones by name → id. */
  public static Map<String, Long> zones(Connection c) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement("SELECT name, id FROM zone ORDER BY name");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /**
   * Creates or replaces endpoints and their targets, in three statements whatever their number
   * (arrays unnested server-side, so 10,000 endpoints are not 40,000 round trips). A target that
   * keeps its address and health source keeps its health; new or re-sourced targets start healthy.
   * A deleted endpoint of the same name is revived (and counts as created). Names must be distinct.
   * Returns how many were created (or revived); the rest were replaced.
   */
  public static int replaceAll(Connection c, List<EndpointDefinition> endpoints, Instant now)
      throws SQLException {
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
      EndpointDefinition e = endpoints.get(i);
      names[i] = e.name();
      zoneIds[i] = e.zoneId();
      ttls[i] = e.ttl();
      guarded[i] = e.guarded();
      scopes[i] = e.failOpenScope();
      for (EndpointDefinition.Target t : e.targets()) {
        tEndpoint.add(e.name());
        tAddress.add(t.address());
        tWeight.add(t.weight());
        tAz.add(t.az());
        tSource.add(t.healthSource());
        tCheck.add(t.checkAddress());
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
   * Every endpoint, live and deleted, by name: the rows {@link EndpointRepository#liveAndDeleted}
   * returns, read with plain JDBC. A plan reads all of them; mapping 100,000 rows by column name
   * through Micronaut Data took longer than the query.
   */
  public static List<EndpointRow> liveAndDeleted(Connection c) throws SQLException {
    List<EndpointRow> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(EndpointRepository.ENDPOINTS + " ORDER BY e.name")) {
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(endpointRow(rs));
        }
      }
    }
    return out;
  }

  /** Every target: the rows {@link EndpointRepository#targets} returns, read with plain JDBC. */
  public static List<TargetRow> targets(Connection c) throws SQLException {
    List<TargetRow> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(EndpointRepository.TARGETS)) {
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(targetRow(rs));
        }
      }
    }
    return out;
  }

  /**
   * Every target as a plan reads them: {@link #targets}' rows, in no particular order, read as
   * cheaply as the server can send them. The address is the inet column's own text, which for a
   * host address (masklen 32 or 128, as a CHECK ensures) is exactly {@code host(address)} without
   * calling it 300,000 times; the statement is server-prepared from its first execution so that the
   * timestamps travel in binary, not as text to parse.
   */
  public static List<TargetRow> targetsForPlanning(Connection c) throws SQLException {
    List<TargetRow> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT endpoint, address, weight, az, health_source, check_address, healthy,"
                + " health_changed_at FROM target")) {
      if (ps.isWrapperFor(PGStatement.class)) {
        ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
      }
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(targetRow(rs));
        }
      }
    }
    return out;
  }

  /**
   * The live endpoints among {@code names}, by name, and their targets: two statements bounded by
   * the names, for readers that need a few endpoints of many (the planner's console).
   */
  public static List<EndpointRow> liveNamed(Connection c, Collection<String> names)
      throws SQLException {
    List<EndpointRow> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            EndpointRepository.ENDPOINTS
                + " WHERE e.deleted_at IS NULL AND e.name = ANY (?) ORDER BY e.name")) {
      ps.setArray(1, c.createArrayOf("text", names.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(endpointRow(rs));
        }
      }
    }
    return out;
  }

  /** The targets of {@code endpoints}. */
  public static List<TargetRow> targetsOf(Connection c, Collection<String> endpoints)
      throws SQLException {
    List<TargetRow> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(EndpointRepository.TARGETS + " WHERE endpoint = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("text", endpoints.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(targetRow(rs));
        }
      }
    }
    return out;
  }

  /** A row of {@link EndpointRepository#ENDPOINTS}. */
  private static EndpointRow endpointRow(ResultSet rs) throws SQLException {
    return new EndpointRow(
        rs.getString(1),
        rs.getString(2),
        rs.getInt(3),
        rs.getBoolean(4),
        rs.getBoolean(5),
        rs.getString(6));
  }

  /** A row of {@link EndpointRepository#TARGETS}. */
  private static TargetRow targetRow(ResultSet rs) throws SQLException {
    return new TargetRow(
        rs.getString(1),
        rs.getString(2),
        rs.getInt(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getBoolean(7),
        rs.getObject(8, OffsetDateTime.class).toInstant());
  }
}
