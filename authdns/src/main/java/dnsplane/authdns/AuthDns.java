package dnsplane.authdns;

import dnsplane.authdns.http.HttpApi;
import dnsplane.authdns.net.AuthDnsServer;
import dnsplane.authdns.net.QueryMetrics;
import dnsplane.authdns.sync.ChangeLogFollower;
import dnsplane.authdns.net.ServerOptions;
import dnsplane.authdns.sync.SyncStatus;
import dnsplane.authdns.xfr.Notifier;
import dnsplane.authdns.xfr.XfrConfig;
import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AuthDns is a whole running authoritative server: the change-log follower keeping the snapshot,
 * the DNS listeners (UDP and TCP) answering from it, and the HTTP side. {@code Main serve} runs
 * one; other modules' tests run one in-process with {@link #start}.
 */
public final class AuthDns implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AuthDns.class);

  /** How long start waits for the first full load before serving anyway (REFUSED until then). */
  private static final Duration FIRST_LOAD = Duration.ofSeconds(10);

  private final DbSettings db;
  private final SnapshotHolder holder;
  private final ChangeLogFollower follower;
  private final AuthDnsServer dns;
  private final HttpApi http;
  private final XfrService xfr;
  private final Notifier notifier;
  private final QueryMetrics metrics;

  private AuthDns(
      DbSettings db,
      SnapshotHolder holder,
      ChangeLogFollower follower,
      AuthDnsServer dns,
      HttpApi http,
      XfrService xfr,
      Notifier notifier,
      QueryMetrics metrics) {
    this.xfr = xfr;
    this.notifier = notifier;
    this.metrics = metrics;
    this.db = db;
    this.holder = holder;
    this.follower = follower;
    this.dns = dns;
    this.http = http;
  }

  /**
   * Starts authdns on database {@code db} (already migrated), DNS on {@code dns} (UDP and TCP) and
   * HTTP on {@code http}; port 0 picks free ports. Returns once the first full load is served, or
   * after 10 s if the database cannot be reached (it keeps trying in the background).
   */
  public static AuthDns start(DbSettings db, InetSocketAddress dns, InetSocketAddress http)
      throws IOException, InterruptedException {
    return start(db, dns, http, XfrConfig.defaults());
  }

  /**
   * As {@link #start(DbSettings, InetSocketAddress, InetSocketAddress)}, offering zone transfers
   * and sending NOTIFY as {@code xfrConfig} says.
   */
  public static AuthDns start(
      DbSettings db, InetSocketAddress dns, InetSocketAddress http, XfrConfig xfrConfig)
      throws IOException, InterruptedException {
    return start(db, dns, http, xfrConfig, ServerOptions.defaults());
  }

  /**
   * As {@link #start(DbSettings, InetSocketAddress, InetSocketAddress, XfrConfig)}, with the DNS
   * edge's {@code options} (response rate limiting, TCP limits).
   */
  public static AuthDns start(
      DbSettings db,
      InetSocketAddress dns,
      InetSocketAddress http,
      XfrConfig xfrConfig,
      ServerOptions options)
      throws IOException, InterruptedException {
    Clock clock = Clock.systemUTC();
    SnapshotHolder holder = new SnapshotHolder();
    QueryMetrics metrics = new QueryMetrics();
    XfrService xfr = new XfrService(xfrConfig.allowTransfer(), xfrConfig.keys(), metrics.xfr());
    Notifier notifier =
        xfrConfig.notifyTo().isEmpty()
            ? null
            : Notifier.start(xfrConfig.notifyTo(), xfrConfig.keys(), clock, metrics.xfr());
    ChangeLogFollower follower = ChangeLogFollower.forDatabase(db, holder, clock);
    if (notifier != null) {
      follower.onSwap(notifier::swapped);
    }
    follower.start();
    AuthDnsServer server = null;
    try {
      if (!follower.awaitLoaded(FIRST_LOAD)) {
        log.warn(
            "no zones loaded after {}s; serving REFUSED until PostgreSQL answers",
            FIRST_LOAD.toSeconds());
      }
      server = AuthDnsServer.start(dns, holder, metrics, options, xfr);
      HttpApi api = HttpApi.start(http, follower::status, holder, metrics, clock);
      log.info("authdns serving DNS on {} (UDP+TCP), HTTP on {}", server.address(), api.address());
      return new AuthDns(db, holder, follower, server, api, xfr, notifier, metrics);
    } catch (IOException | RuntimeException | InterruptedException e) {
      if (server != null) {
        server.close();
      }
      follower.close();
      xfr.close();
      if (notifier != null) {
        notifier.close();
      }
      throw e;
    }
  }

  /** The DNS address, UDP and TCP. */
  public InetSocketAddress dnsAddress() {
    return dns.address();
  }

  /** The HTTP address (/health, /metrics). */
  public InetSocketAddress httpAddress() {
    return http.address();
  }

  /** The snapshot being served (tests may look into it directly). */
  public SnapshotHolder snapshot() {
    return holder;
  }

  public SyncStatus status() {
    return follower.status();
  }

  /** Waits until the change with sequence number {@code seq} is served; false on timeout. */
  public boolean awaitSeq(long seq, Duration timeout) throws InterruptedException {
    return follower.awaitSeq(seq, timeout);
  }

  /**
   * Waits until everything committed in the database before this call is served: the usual "write,
   * then awaitSynced, then query" of an integration test. False on timeout.
   */
  public boolean awaitSynced(Duration timeout) throws InterruptedException, SQLException {
    long seq;
    try (Connection c = DbBootstrap.connect(db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT last_seq FROM change_log_counter")) {
      seq = rs.next() ? rs.getLong(1) : 0;
    }
    return follower.awaitSeq(seq, timeout);
  }

  /** Stops HTTP, DNS and the follower, in that order. */
  @Override
  public void close() {
    http.close();
    dns.close();
    follower.close();
    xfr.close();
    if (notifier != null) {
      notifier.close();
    }
  }

  /** The query, transfer and NOTIFY counters (as on /metrics). */
  public QueryMetrics metrics() {
    return metrics;
  }
}
