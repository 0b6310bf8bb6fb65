package dnsplane.db.endpoint;

import dnsplane.db.IndexProbes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * EndpointConfigs reads what the operator configured for a batch of endpoints in one statement, on
 * the caller's connection so the answer belongs to the write transaction it protects.
 */
public final class EndpointConfigs {

  private EndpointConfigs() {}

  /** Each endpoint that has a row; endpoints with none are absent from the map. */
  public static Map<String, EndpointFamilies> read(Connection c, Collection<String> endpoints)
      throws SQLException {
    // Planned as hashes of all of target per batch otherwise: see IndexProbes and below.
    return IndexProbes.read(c, x -> rows(x, endpoints));
  }

  private static Map<String, EndpointFamilies> rows(Connection c, Collection<String> endpoints)
      throws SQLException {
    // Two EXISTS probes of target's primary key per endpoint: cheaper than joining and grouping
    // every target row of the batch. Driven by the names, with LIMIT 1 (name is the key) keeping
    // the subquery apart: over "e.name = ANY(?)" PostgreSQL hashed every target row once per batch
    // instead (hundreds of ms at 100,000 endpoints while target had no statistics yet).
    String sql =
        "SELECT x.* FROM unnest(?::text[]) n(name) CROSS JOIN LATERAL"
            + " (SELECT e.name, e.deleted_at IS NOT NULL,"
            + "   EXISTS (SELECT 1 FROM target t"
            + "     WHERE t.endpoint = e.name AND family(t.address) = 4),"
            + "   EXISTS (SELECT 1 FROM target t"
            + "     WHERE t.endpoint = e.name AND family(t.address) = 6)"
            + "  FROM endpoint e WHERE e.name = n.name LIMIT 1) x";
    Map<String, EndpointFamilies> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", endpoints.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(
              rs.getString(1),
              new EndpointFamilies(rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4)));
        }
      }
    }
    return out;
  }
}
