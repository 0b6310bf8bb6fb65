package dnsplane.planner.web;

import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * TestSupport gives each test class a fresh database with the zone aws.test., and looks at its
 * tables.
 */
public final class TestSupport {

  private TestSupport() {}

  /** A fresh database with zone aws.test.; {@code extra} are Micronaut properties for the class. */
  public static Map<String, String> freshPlanner(TestDb[] holder, Map<String, String> extra) {
    TestDb db = freshDatabaseWithZone();
    holder[0] = db;
    Map<String, String> props = new HashMap<>();
    db.micronautProperties().forEach((k, v) -> props.put(k, String.valueOf(v)));
    props.put("micronaut.server.port", "-1");
    props.put("dnsplane.planner.heartbeat", "0");
    props.putAll(extra);
    return props;
  }

  /** A fresh migrated database serving the zone aws.test. */
  public static TestDb freshDatabaseWithZone() {
    TestDb db = TestPostgres.freshDatabase();
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO zone (name) VALUES ('aws.test.')");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return db;
  }

  /** Everything the planner stores, as one string: equal before and after means nothing changed. */
  public static String snapshot(TestDb db) {
    return query(
        db,
        "SELECT concat_ws(' | ', (SELECT string_agg(concat_ws(',', name, zone_id, ttl, guarded,"
            + " fail_open_scope, updated_at, deleted_at), ';' ORDER BY name) FROM endpoint),"
            + " (SELECT string_agg(concat_ws(',', endpoint, address, weight, az, health_source,"
            + " check_address, healthy),   ';' ORDER BY endpoint, address) FROM target), (SELECT"
            + " string_agg(generation::text, ',' ORDER BY generation) FROM plan), (SELECT count(*)"
            + " FROM plan_entry), (SELECT count(*) FROM velocity_removal))");
  }

  public static String query(TestDb db, String sql) {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static int update(TestDb db, String sql) {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      return st.executeUpdate(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
