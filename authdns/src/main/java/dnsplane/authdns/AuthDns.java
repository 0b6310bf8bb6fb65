package dnsplane.authdns;

import dnsplane.authdns.http.HttpApi;
import dnsplane.authdns.journal.IxfrJournal;
import dnsplane.authdns.net.AuthDnsServer;
import dnsplane.authdns.net.QueryMetrics;
import dnsplane.authdns.net.ServerOptions;
import dnsplane.authdns.persist.CheckpointReader;
import dnsplane.authdns.persist.CheckpointWriter;
import dnsplane.authdns.persist.PersistConfig;
import dnsplane.authdns.persist.SnapshotPersister;
import dnsplane.authdns.sync.ChangeLogFollower;
import dnsplane.authdns.sync.FollowerOptions;
import dnsplane.authdns.sync.SyncStatus;
import dnsplane.authdns.xfr.Notifier;
import dnsplane.authdns.xfr.XfrConfig;
import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.changelog.ChangeLogReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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

  /** How long a full load refused as too big for the heap waits before it is tried again. */
  private static final Duration TOO_BIG_RETRY = Duration.ofMinutes(1);

  private final DbSettings db;
  private final SnapshotHolder holder;
  private final ChangeLogFollower follower;
  private final AuthDnsServer dns;
  private final HttpApi http;
  private final XfrService xfr;
  private final Notifier notifier;
  private final QueryMetrics metrics;
  private final SnapshotPersister persister;
  private final CheckpointWriter checkpoints;

  private AuthDns(
      DbSettings db,
      SnapshotHolder holder,
      ChangeLogFollower follower,
      AuthDnsServer dns,
      HttpApi http,
      XfrService xfr,
      Notifier notifier,
      QueryMetrics metrics,
      SnapshotPersister persister,
      CheckpointWriter checkpoints) {
    this.persister = persister;
    this.checkpoints = checkpoints;
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
    return start(db, dns, http, xfrConfig, options, PersistConfig.NONE);
  }

  /**
   * As {@link #start(DbSettings, InetSocketAddress, InetSocketAddress, XfrConfig, ServerOptions)},
   * keeping a durable copy of the snapshot as {@code persist} says. A copy found there at start is
   * served at once, before (and without) PostgreSQL; the follower then resumes after its position.
   */
  public static AuthDns start(
      DbSettings db,
      InetSocketAddress dns,
      InetSocketAddress http,
      XfrConfig xfrConfig,
      ServerOptions options,
      PersistConfig persist)
      throws IOException, InterruptedException {
    return start(db, dns, http, xfrConfig, options, persist, FollowerOptions.defaults());
  }

  /** As the overload above, following the change log with {@code follow}'s tunables. */
  public static AuthDns start(
      DbSettings db,
      InetSocketAddress dns,
      InetSocketAddress http,
      XfrConfig xfrConfig,
      ServerOptions options,
      PersistConfig persist,
      FollowerOptions follow)
      throws IOException, InterruptedException {
    Clock clock = Clock.systemUTC();
    SnapshotHolder holder = new SnapshotHolder();
    QueryMetrics metrics = new QueryMetrics();
    IxfrJournal journal = new IxfrJournal(xfrConfig.journal());
    XfrService xfr =
        new XfrService(xfrConfig.allowTransfer(), xfrConfig.keys(), metrics.xfr(), journal);
    // The listeners' event loops are made while the snapshot is restored or loaded (on 2 cores,
    // ~0.2 s sooner to the first answer); they bind after it.
    FutureTask<AuthDnsServer.Prepared> preparing =
        new FutureTask<>(() -> AuthDnsServer.prepare(holder, metrics, options, xfr));
    Thread preparer = new Thread(preparing, "authdns-prepare");
    preparer.setDaemon(true);
    preparer.start();
    Notifier notifier = null;
    ChangeLogFollower follower = null;
    SnapshotPersister persister = null;
    CheckpointWriter checkpoints = null;
    AuthDnsServer server = null;
    try {
      notifier =
          xfrConfig.notifyTo().isEmpty()
              ? null
              : Notifier.start(xfrConfig.notifyTo(), xfrConfig.keys(), clock, metrics.xfr());
      follower =
          new ChangeLogFollower(
              () -> {
                try {
                  Connection early = EarlyConnection.take(db);
                  return early != null ? early : DbBootstrap.connect(db);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new SQLException("interrupted while connecting", e);
                }
              },
              holder,
              clock,
              follow);
      // Before the swap is served: no client (and no NOTIFY) sees a serial the journal lacks. An
      // IXFR from a secondary that is current with the journal but behind a newer snapshot would
      // otherwise find no version starting at its serial and get the whole zone.
      follower.beforeSwap(journal);
      persister = FirstCopy.restore(persist, follower, clock);
      if (persist.checkpoints().read()) {
        follower.startFromCheckpoints(new CheckpointReader());
      }
      if (persist.checkpoints().write()) {
        checkpoints =
            new CheckpointWriter(
                () -> DbBootstrap.connect(db),
                CheckpointWriter.Policy.defaults(),
                follower::status,
                follower::database,
                "authdns pid " + ProcessHandle.current().pid() + " on " + dns);
        follower.onSwap(checkpoints);
      }
      // A zone the heap cannot hold is an error that says what to set, not an OutOfMemoryError
      // part way through a full load: the follower stops any load that reads more rrsets than the
      // heap holds (a copy restored or seeded is served as it is: it fits).
      long maxHeap = Runtime.getRuntime().maxMemory();
      long taken = HeapBudget.taken(Runtime.getRuntime());
      follower.limitFullLoads(HeapBudget.loadable(maxHeap, taken), TOO_BIG_RETRY);
      if (notifier != null) {
        Notifier n = notifier;
        follower.onSwap(swap -> n.swapped(swap.before(), swap.after()));
      }
      follower.start();
      if (persister != null) {
        FirstCopy.registerMetrics(metrics, persister);
      }
      if (!follower.awaitLoadedOrRefused(FIRST_LOAD)) {
        log.warn(
            "no zones loaded after {}s; serving REFUSED until PostgreSQL answers",
            FIRST_LOAD.toSeconds());
      }
      if (!follower.status().loaded() && follower.refusedAt() >= 0) {
        throw HeapBudget.refused(db, follower.refusedAt(), maxHeap, taken);
      }
      if (!follower.status().restored()) {
        HeapBudget.warnIfTight(follower.lastFullLoadRrsets(), maxHeap, taken);
      }
      server = prepared(preparing).listen(dns);
      if (persister != null) {
        // Saving a first copy of a big snapshot takes a core for a while: after the first answers.
        persister.start();
      }
      if (checkpoints != null) {
        checkpoints.start(); // as the persister: after the first answers
      }
      registerCheckpointMetrics(metrics, follower, checkpoints);
      // The answer cache keeps what a swap does not touch; a swap before this line empties it.
      AuthDnsServer serving = server;
      follower.beforeSwap(swap -> serving.beforeSwap(swap.before(), swap.after(), swap.changes()));
      SnapshotPersister saved = persister;
      HttpApi.SnapshotOffer offer =
          new HttpApi.SnapshotOffer(
              saved == null ? java.util.Optional::empty : saved::copy,
              xfrConfig.allowTransfer()::allows);
      HttpApi api = HttpApi.start(http, follower::status, holder, metrics, clock, offer);
      log.info("authdns serving DNS on {} (UDP+TCP), HTTP on {}", server.address(), api.address());
      return new AuthDns(
          db, holder, follower, server, api, xfr, notifier, metrics, persister, checkpoints);
    } catch (IOException | RuntimeException | InterruptedException e) {
      if (server != null) {
        server.close();
      } else {
        closePrepared(preparing);
      }
      if (follower != null) {
        follower.close();
      }
      if (persister != null) {
        persister.close();
      }
      if (checkpoints != null) {
        checkpoints.close();
      }
      xfr.close();
      if (notifier != null) {
        notifier.close();
      }
      throw e;
    }
  }

  private static void registerCheckpointMetrics(
      QueryMetrics metrics, ChangeLogFollower follower, CheckpointWriter writer) {
    metrics.gauge(
        "dnsplane_authdns_started_from_checkpoint_seq",
        "The change-log position of the checkpoint this start read (-1: none).",
        follower::startedFromCheckpoint);
    if (writer == null) {
      return;
    }
    metrics.gauge(
        "dnsplane_authdns_checkpoint_writes",
        "Snapshot checkpoints this server wrote to PostgreSQL since start.",
        () -> writer.stats().writes());
    metrics.gauge(
        "dnsplane_authdns_checkpoint_write_failures",
        "Checkpoint writes that failed since start.",
        () -> writer.stats().failures());
    metrics.gauge(
        "dnsplane_authdns_checkpoint_bytes",
        "Size of the last checkpoint this server wrote.",
        () -> writer.stats().lastBytes());
  }

  /**
   * The change-log position of the snapshot checkpoint the first load started from; -1 when it read
   * every rrset row (or restored a copy of its own).
   */
  public long startedFromCheckpoint() {
    return follower.startedFromCheckpoint();
  }

  /** What {@code preparing} made, once it has; what it threw, unwrapped. */
  private static AuthDnsServer.Prepared prepared(FutureTask<AuthDnsServer.Prepared> preparing)
      throws InterruptedException {
    try {
      return preparing.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Shuts down the event loops {@code preparing} made, or will make, for a start that failed. */
  private static void closePrepared(FutureTask<AuthDnsServer.Prepared> preparing) {
    try {
      preparing.get().close();
    } catch (ExecutionException | InterruptedException | RuntimeException e) {
      // Nothing was made, or the start is being abandoned anyway.
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

  /** True while the database followed is a hot standby (polled: it refuses LISTEN). */
  public boolean followsStandby() {
    return follower.followsStandby();
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
    try (Connection c = DbBootstrap.connect(db)) {
      seq = ChangeLogReader.counter(c);
    }
    return follower.awaitSeq(seq, timeout);
  }

  /** Stops HTTP, DNS and the follower, in that order, then saves the snapshot a last time. */
  @Override
  public void close() {
    http.close();
    dns.close();
    follower.close();
    if (persister != null) {
      persister.close();
    }
    if (checkpoints != null) {
      checkpoints.close();
    }
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
