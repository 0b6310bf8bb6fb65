package dnsplane.db.rrset;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** ZoneIndex maps a name to the id of the zone that contains it (the longest matching suffix). */
public final class ZoneIndex {

  private final Map<String, Long> idByName;

  public ZoneIndex(Map<String, Long> idByName) {
    this.idByName = Map.copyOf(idByName);
  }

  public static ZoneIndex load(Connection c) throws SQLException {
    Map<String, Long> m = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id, name FROM zone");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        m.put(rs.getString(2), rs.getLong(1));
      }
    }
    return new ZoneIndex(m);
  }

  /** The zone id for {@code name}, or null when no served zone contains it. */
  public Long zoneFor(String name) {
    String n = name;
    while (true) {
      Long id = idByName.get(n);
      if (id != null) {
        return id;
      }
      int dot = n.indexOf('.');
      if (dot < 0 || dot == n.length() - 1) {
        return idByName.get(".");
      }
      n = n.substring(dot + 1);
    }
  }
}
