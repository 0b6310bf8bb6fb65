package dnsplane.enactor.bench;

import com.zaxxer.hikari.HikariDataSource;
import dnsplane.authdns.AuthDns;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.db.DbBootstrap;
import dnsplane.db.Transactions;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import dnsplane.enactor.apply.ApplyReport;
import dnsplane.enactor.apply.Enactor;
import dnsplane.enactor.apply.EnactorMetrics;
import dnsplane.enactor.apply.EnactorSettings;
import dnsplane.enactor.apply.Faults;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.verify.Verifier;
import io.micronaut.context.ApplicationContext;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * ApplyBench prints, for 1, 1,000, 10,000 and 100,000 guarded endpoints (an IPv4 and an IPv6 target
 * each) on a throwaway database: the time to apply a plan that creates every rrset, the time to
 * apply the next plan that changes every address (the steady state), and commit-to-served latency:
 * plan committed until the in-process authdns answers the new generation for the last endpoint
 * written. Args: {@code [--noop] [N...]}, endpoint counts (default 1 1000 10000 100000).
 *
 * <p>{@code --noop} adds the heartbeat figures ({@link HeartbeatBench}): what a plan with the same
 * content under a new generation costs, in change-log rows and serial bumps, and what it does to
 * authdns's query rate while such plans are applied.
 */
public final class ApplyBench {

  private static final String ZONE =
      """
      $ORIGIN bench.test.
      $TTL 300
      @   SOA ns1 hostmaster 1 7200 3600 1209600 60
      @   NS  ns1
      ns1 A   192.0.2.1
      """;

  /** --micronaut: apply through the service's transactions (Micronaut's), not a plain pool. */
  private static boolean micronaut;

  private ApplyBench() {}

  /** The transactions the enactor runs on: the service's own (Micronaut's) or the plain pool's. */
  private static Transactions transactions(
      TestDb db, DataSource pool, java.util.List<AutoCloseable> close) {
    if (!micronaut) {
      return Transactions.over(pool);
    }
    ApplicationContext ctx =
        ApplicationContext.run(
            java.util.Map.of(
                "enactor.az", "az-a",
                "enactor.db.url", db.settings().jdbcUrl(),
                "enactor.db.user", db.settings().user(),
                "enactor.db.password", db.settings().password()));
    close.add(ctx);
    return ctx.getBean(Transactions.class);
  }

  public static void main(String[] args) throws Exception {
    boolean noop = java.util.Arrays.asList(args).contains("--noop");
    micronaut = java.util.Arrays.asList(args).contains("--micronaut");
    int[] sizes =
        java.util.Arrays.stream(args)
            .filter(a -> !a.startsWith("--"))
            .mapToInt(Integer::parseInt)
            .toArray();
    if (sizes.length == 0) {
      sizes = new int[] {1, 1000, 10000, 100000};
    }
    System.out.println("endpoints  first-apply-ms  next-apply-ms  commit-to-served-ms");
    java.util.List<String> heartbeats = new java.util.ArrayList<>();
    for (int n : sizes) {
      run(n, noop ? heartbeats : null);
    }
    if (noop) {
      System.out.println();
      System.out.println(HeartbeatBench.HEADER);
      heartbeats.forEach(System.out::println);
    }
    System.exit(0);
  }

  /** {@code heartbeats}: where to add the --noop figures of this size; null: not measured. */
  static void run(int n, java.util.List<String> heartbeats) throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE, null);
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO endpoint (name, zone_id, guarded) SELECT 'ep' || i || '.bench.test.',"
                    + " z.id, true FROM generate_series(1, ?) i, zone z WHERE z.name ="
                    + " 'bench.test.'")) {
      ps.setInt(1, n);
      ps.executeUpdate();
    }
    // An IPv4 and an IPv6 target per endpoint: the safe enactor reads them (one query per batch)
    // to refuse an entry that would empty a family; the plans below publish both families.
    try (Connection c = db.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO target (endpoint, address, az)"
                    + " SELECT e.name, a.address::inet, 'az-a' FROM endpoint e,"
                    + " (VALUES ('192.0.2.1'), ('2001:db8::1')) a(address)")) {
      ps.executeUpdate();
    }
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    try (AuthDns authdns = AuthDns.start(db.settings(), any, any);
        HikariDataSource pool = DbBootstrap.pool(db.settings(), "bench", 4)) {
      java.util.List<AutoCloseable> close = new java.util.ArrayList<>();
      Enactor e =
          new Enactor(
              new EnactorSettings("az-a", Mode.SAFE, 3, 1000, 0),
              transactions(db, pool, close),
              new Faults(),
              new EnactorMetrics(),
              null);
      publish(db, n, 1);
      long t0 = System.nanoTime();
      ApplyReport first = e.applyOnce();
      long firstMs = (System.nanoTime() - t0) / 1_000_000;
      Verifier dns = new Verifier(authdns.dnsAddress(), Duration.ofSeconds(1));
      String last = "ep" + lastSorted(n) + ".bench.test.";
      dns.observe(last); // warm the DNS client up: class loading is not authdns latency
      long g2 = publish(db, n, 2);
      long committed = System.nanoTime();
      ApplyReport next = e.applyOnce();
      long nextMs = (System.nanoTime() - committed) / 1_000_000;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        Long served = dns.observe(last).generation();
        if (served != null && served == g2) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("authdns never served plan " + g2 + " for " + last);
        }
      }
      long servedMs = (System.nanoTime() - committed) / 1_000_000;
      if (first.writes().written() != n || next.writes().written() != n) {
        throw new IllegalStateException("expected " + n + " writes: " + first + " / " + next);
      }
      System.out.println(
          String.format(Locale.ROOT, "%9d  %14d  %13d  %19d", n, firstMs, nextMs, servedMs)
              + (micronaut ? "  (Micronaut transactions)" : ""));
      for (AutoCloseable c : close) {
        c.close();
      }
      if (heartbeats != null) {
        // The next plans carry round 2's content again: what the planner's heartbeat writes.
        heartbeats.add(
            new HeartbeatBench(db, e, authdns.dnsAddress(), n, () -> publish(db, n, 2)).measure());
      }
    }
  }

  /** Entries are applied in name order; the last name written is the largest string. */
  static int lastSorted(int n) {
    int best = 1;
    for (int i = 1; i <= n; i++) {
      if (("ep" + i).compareTo("ep" + best) > 0) {
        best = i;
      }
    }
    return best;
  }

  /** Writes a plan for every endpoint the way the planner does; {@code round} varies addresses. */
  static long publish(TestDb db, int n, int round) throws Exception {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      long g;
      try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO plan (reason) VALUES ('bench') RETURNING generation");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        g = rs.getLong(1);
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO plan_entry (generation, endpoint, ttl, addresses) SELECT ?, 'ep' || i ||"
                  + " '.bench.test.', 60, jsonb_build_array(jsonb_build_object('address',"
                  + " '192.0.2.' || ((i + ?) % 250 + 1), 'weight', 100, 'az', 'az-a'),"
                  + " jsonb_build_object('address', '2001:db8::' || ?, 'weight', 100, 'az',"
                  + " 'az-b')) FROM generate_series(1, ?) i")) {
        ps.setLong(1, g);
        ps.setInt(2, round);
        ps.setInt(3, round);
        ps.setInt(4, n);
        ps.executeUpdate();
      }
      c.commit();
      return g;
    }
  }
}
