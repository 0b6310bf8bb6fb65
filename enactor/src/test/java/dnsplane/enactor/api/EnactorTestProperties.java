package dnsplane.enactor.api;

import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.util.HashMap;
import java.util.Map;

/** The properties of an enactor (az-a, no DNS verification) on a fresh database of its own. */
final class EnactorTestProperties {

  private EnactorTestProperties() {}

  static Map<String, String> fresh(Map<String, String> extra) {
    TestDb db = TestPostgres.freshDatabase();
    Map<String, String> p = new HashMap<>();
    p.put("micronaut.server.port", "-1");
    p.put("enactor.az", "az-a");
    p.put("enactor.verify", "false");
    p.put("enactor.poll", "200ms");
    p.put("enactor.db.url", db.settings().jdbcUrl());
    p.put("enactor.db.user", db.settings().user());
    p.put("enactor.db.password", db.settings().password());
    p.putAll(extra);
    return p;
  }
}
