package dnsplane.enactor.store;

import dnsplane.db.endpoint.EndpointFamilies;
import dnsplane.enactor.rules.AddressFamily;
import dnsplane.enactor.rules.EndpointConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** EndpointConfigs reads endpoints' configuration (db) as the enactor's write rule needs it. */
public final class EndpointConfigs {

  private EndpointConfigs() {}

  /** Each endpoint's configuration; an endpoint with no row is {@link EndpointConfig#NONE}. */
  public static Map<String, EndpointConfig> read(Connection c, Collection<String> endpoints)
      throws SQLException {
    Map<String, EndpointFamilies> rows = dnsplane.db.endpoint.EndpointConfigs.read(c, endpoints);
    Map<String, EndpointConfig> out = new HashMap<>();
    for (String e : endpoints) {
      EndpointFamilies f = rows.get(e);
      if (f == null) {
        out.put(e, EndpointConfig.NONE);
        continue;
      }
      Set<AddressFamily> families = EnumSet.noneOf(AddressFamily.class);
      if (f.hasV4Target()) {
        families.add(AddressFamily.V4);
      }
      if (f.hasV6Target()) {
        families.add(AddressFamily.V6);
      }
      out.put(e, new EndpointConfig(f.deleted(), families));
    }
    return out;
  }
}
