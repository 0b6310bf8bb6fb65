package dnsplane.enactor.store;

import dnsplane.enactor.rules.AddressFamily;
import dnsplane.enactor.rules.EndpointConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * EndpointConfigs reads what the operator configured for a batch of endpoints (deleted or not,
 * which address families they have targets of) in one statement, on the caller's connection so the
 * answer belongs to the write transaction it protects.
 */
public final class EndpointConfigs {

  private EndpointConfigs() {}

  /** Each endpoint's configuration; an endpoint with no row is {@link EndpointConfig#NONE}. */
  public static Map<String, EndpointConfig> read(Connection c, Collection<String> endpoints)
      throws SQLException {
    // Two EXISTS probes of target's primary key per endpoint: cheaper than joining and grouping
    // every target row of the batch.
    String sql =
        "SELECT e.name, e.deleted_at IS NOT NULL,"
            + " EXISTS (SELECT 1 FROM target t"
            + "   WHERE t.endpoint = e.name AND family(t.address) = 4),"
            + " EXISTS (SELECT 1 FROM target t"
            + "   WHERE t.endpoint = e.name AND family(t.address) = 6)"
            + " FROM endpoint e WHERE e.name = ANY(?)";
    Map<String, EndpointConfig> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", endpoints.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Set<AddressFamily> families = EnumSet.noneOf(AddressFamily.class);
          if (rs.getBoolean(3)) {
            families.add(AddressFamily.V4);
          }
          if (rs.getBoolean(4)) {
            families.add(AddressFamily.V6);
          }
          out.put(rs.getString(1), new EndpointConfig(rs.getBoolean(2), families));
        }
      }
    }
    for (String e : endpoints) {
      out.putIfAbsent(e, EndpointConfig.NONE);
    }
    return out;
  }
}
