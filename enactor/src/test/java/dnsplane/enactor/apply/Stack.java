package dnsplane.enactor.apply;

import com.zaxxer.hikari.HikariDataSource;
import dnsplane.authdns.AuthDns;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.db.DbBootstrap;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.testing.Plans;
import dnsplane.enactor.verify.Verifier;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stack is the whole system in one JVM for the race and stress tests: a fresh database with the
 * aws.test. zone, a real authdns answering over UDP on a free loopback port, and three enactors
 * (az-a, az-b, az-c) each with its own apply loop. Plans are written exactly as the planner's
 * PlanStore writes them (plan row, plan_entry rows, NOTIFY dnsplane_plan with the generation).
 */
final class Stack implements AutoCloseable {

  static final String ZONE =
      """
      $ORIGIN aws.test.
      $TTL 300
      @        SOA ns1 hostmaster 1 7200 3600 1209600 60
      @        NS  ns1
      ns1      A   192.0.2.1
      """;

  final TestDb db;
  final AuthDns authdns;
  final HikariDataSource pool;
  final List<Enactor> enactors = new ArrayList<>();
  final List<EnactorLoop> loops = new ArrayList<>();
  final Verifier dns;

  Stack(List<String> endpoints, boolean guarded) throws Exception {
    db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE, null);
    for (String e : endpoints) {
      sql(
          "INSERT INTO endpoint (name, zone_id, ttl, guarded) SELECT '"
              + e
              + "', id, 60, "
              + guarded
              + " FROM zone WHERE name = 'aws.test.'");
    }
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    authdns = AuthDns.start(db.settings(), any, any);
    dns = new Verifier(authdns.dnsAddress(), Duration.ofSeconds(2));
    pool = DbBootstrap.pool(db.settings(), "enactors", 12);
  }

  /** Starts az-a, az-b, az-c in {@code mode} with cleanup keeping {@code keep} plans. */
  void startEnactors(Mode mode, int keep, Duration poll) throws Exception {
    for (String az : List.of("az-a", "az-b", "az-c")) {
      Enactor e =
          new Enactor(
              new EnactorSettings(az, mode, keep, 1000, 5),
              pool,
              new Faults(),
              new EnactorMetrics(),
              null);
      enactors.add(e);
      loops.add(new EnactorLoop(e, db.settings(), poll).start());
    }
  }

  Enactor az(String az) {
    return enactors.stream().filter(e -> e.az().equals(az)).findFirst().orElseThrow();
  }

  /** Writes plan N+1 as the planner does; returns its generation. */
  long publish(Map<String, List<String>> addresses) throws Exception {
    return publish(addresses, Set.of());
  }

  /**
   * Writes plan N+1 with an entry per endpoint of {@code addresses}, and a deletion entry ({@code
   * deleted}, no address) for every endpoint of {@code deleted}; the plan row and its entries in
   * one transaction, as the schema requires.
   */
  long publish(Map<String, List<String>> addresses, Set<String> deleted) throws Exception {
    try (Connection c = db.connect()) {
      return Plans.publish(c, addresses, deleted);
    }
  }

  /** Configures targets for {@code endpoint} (the operator's intent the enactor reads). */
  void targets(String endpoint, String... addresses) throws Exception {
    for (String a : addresses) {
      sql(
          "INSERT INTO target (endpoint, address, az) VALUES ('"
              + endpoint
              + "', '"
              + a
              + "', 'az-a')");
    }
  }

  boolean planExists(long g) throws Exception {
    return count("SELECT count(*) FROM plan WHERE generation = " + g) > 0;
  }

  long count(String sql) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  void sql(String sql) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** What authdns answers now, after it has caught up with every committed change. */
  Verifier.Observation served(String endpoint) throws Exception {
    if (!authdns.awaitSynced(Duration.ofSeconds(10))) {
      throw new AssertionError("authdns did not catch up with the change log");
    }
    return dns.observe(endpoint);
  }

  /** One plain DNS query to authdns (UDP), for asserting on the wire answer itself. */
  org.xbill.DNS.Message query(String name, int type) throws Exception {
    org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(authdns.dnsAddress());
    r.setTimeout(Duration.ofSeconds(2));
    return r.send(
        org.xbill.DNS.Message.newQuery(
            org.xbill.DNS.Record.newRecord(
                org.xbill.DNS.Name.fromString(name), type, org.xbill.DNS.DClass.IN)));
  }

  /** Audit rows by {@code actor} with {@code action} on {@code endpoint}. */
  long audited(String actor, String action, String endpoint) throws Exception {
    return count(
        "SELECT count(*) FROM audit_log WHERE actor = '"
            + actor
            + "' AND action = '"
            + action
            + "' AND endpoint = '"
            + endpoint
            + "'");
  }

  @Override
  public void close() {
    loops.forEach(EnactorLoop::close);
    pool.close();
    authdns.close();
  }
}
