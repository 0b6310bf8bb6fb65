package dnsplane.authdns.sync;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.changelog.ChangeLogChannel;
import dnsplane.db.changelog.ChangeLogReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ChangeLogFollower keeps the served {@link ZoneSet} current with PostgreSQL. It loads the full
 * state once, in one repeatable-read transaction, then follows {@code change_log}: LISTEN/NOTIFY
 * wakes it (the fast path), the sequence numbers make it complete (it reads every row after the
 * last one it applied, on every wake and on a periodic backstop). When the database goes away it
 * keeps the last snapshot, reconnects with backoff and resumes from the last applied sequence.
 *
 * <p>A change it cannot apply in full (a record that does not parse, say) never empties a served
 * name and never passes silently: the rrset keeps the version served before (see {@link
 * dnsplane.authdns.zone.ZoneChange.RrsetIncomplete} and {@link FullLoad}), an ERROR is logged, and
 * the rrset is a {@link Rejection} in {@link #status()} (so /health is DEGRADED and the metrics
 * count it) until a later change to it is applied in full.
 *
 * <p>It runs on one dedicated thread with one dedicated, unpooled connection (a LISTEN holds its
 * connection for good). This class owns the connection, the wake-ups and the catch-up decision;
 * {@link SnapshotApplier} turns what is read into the served snapshot.
 */
public final class ChangeLogFollower implements AutoCloseable {

  /** Where the follower gets its connection; tests point it at a closed port to cut it off. */
  @FunctionalInterface
  public interface ConnectionSource {
    Connection open() throws SQLException;
  }

  /** Longest a single read may take; generous, a 100,000-record full load takes ~2 s. */
  private static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(ChangeLogFollower.class);

  private final ConnectionSource source;
  private final SnapshotHolder holder;
  private final Clock clock;
  private final FollowerOptions options;
  private final Backoff backoff;
  private final SyncState state = new SyncState();
  private final SnapshotApplier applier;
  private volatile boolean closed;
  private volatile Connection current;
  private volatile String database = "";
  private volatile boolean standby;

  /** The database a restored snapshot came from, until the first connection checks it. */
  private volatile String restoredFrom;

  private Thread thread;

  // The most rrsets a full load may read, and the wait before one refused for that tries again.
  private volatile long maxFullLoad = Long.MAX_VALUE;
  private volatile Duration tooBigRetry = Duration.ofMinutes(1);
  private volatile long lastFullLoad = -1;

  private volatile CheckpointSource checkpoints = CheckpointSource.NONE;
  private volatile long checkpointSeq = -1;

  public ChangeLogFollower(
      ConnectionSource source, SnapshotHolder holder, Clock clock, FollowerOptions options) {
    this.source = Objects.requireNonNull(source, "source");
    this.holder = Objects.requireNonNull(holder, "holder");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.options = Objects.requireNonNull(options, "options");
    this.applier = new SnapshotApplier(holder, state, clock);
    this.backoff =
        new Backoff(
            options.backoffInitial(),
            options.backoffMax(),
            () -> ThreadLocalRandom.current().nextDouble());
  }

  /** A follower of database {@code db} with the default options. */
  public static ChangeLogFollower forDatabase(DbSettings db, SnapshotHolder holder, Clock clock) {
    return new ChangeLogFollower(
        () -> DbBootstrap.connect(db), holder, clock, FollowerOptions.defaults());
  }

  /**
   * Serves {@code zones}, a persisted copy holding the changes up to {@code seq} of database {@code
   * from} (see {@link #database()}), confirmed current at {@code confirmedAt}, until the database
   * answers; then resumes after {@code seq}, or reloads in full if the database is not the one the
   * copy came from. Call before {@link #start}.
   */
  public synchronized void restore(ZoneSet zones, long seq, Instant confirmedAt, String from) {
    if (thread != null) {
      throw new IllegalStateException("restore before start");
    }
    holder.set(zones);
    restoredFrom = from;
    database = from;
    state.restored(seq, confirmedAt);
  }

  /** True while following a hot standby (polling, no LISTEN). */
  public boolean followsStandby() {
    return standby;
  }

  /** The identity of the database followed ("" before the first connection and restore). */
  public String database() {
    return database;
  }

  /** Starts following on a daemon thread of its own. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(this::run, "changelog-follower");
    thread.setDaemon(true);
    thread.start();
  }

  /** A consistent view of the follower's state. */
  public SyncStatus status() {
    return state.status();
  }

  /** Waits until every change up to {@code seq} is served; false on timeout. */
  public boolean awaitSeq(long seq, Duration timeout) throws InterruptedException {
    return state.await(timeout, s -> s.loaded() && s.appliedSeq() >= seq);
  }

  /** Waits until the first full load is served; false on timeout. */
  public boolean awaitLoaded(Duration timeout) throws InterruptedException {
    return state.await(timeout, SyncStatus::loaded);
  }

  /**
   * Full loads read at most {@code maxRrsets} rrsets (what the heap holds): one that finds more
   * stops there, keeps what was served before (nothing, at first), says so in the log and in {@link
   * #refusedAt}, and is tried again {@code retry} later. Call before {@link #start}.
   */
  public void limitFullLoads(long maxRrsets, Duration retry) {
    if (maxRrsets < 0 || retry.isNegative()) {
      throw new IllegalArgumentException("need maxRrsets >= 0 and a retry >= 0");
    }
    this.maxFullLoad = maxRrsets;
    this.tooBigRetry = retry;
  }

  /**
   * A start with nothing served reads the newest checkpoint {@code source} gives and the change log
   * after it, when {@link CheckpointChoice} finds it worth reading, instead of every rrset row.
   * Call before {@link #start}.
   */
  public void startFromCheckpoints(CheckpointSource source) {
    this.checkpoints = Objects.requireNonNull(source, "source");
  }

  /** The change-log position of the checkpoint the first load started from; -1 when none. */
  public long startedFromCheckpoint() {
    return checkpointSeq;
  }

  /** Waits until a full load is served, or the first one refused as too big; false on timeout. */
  public boolean awaitLoadedOrRefused(Duration timeout) throws InterruptedException {
    return state.await(timeout, s -> s.loaded() || state.refusedAt() >= 0);
  }

  /**
   * How many rrsets the last full load had read when it was refused as too big for {@link
   * #limitFullLoads}; -1 when the last full load was not refused.
   */
  public long refusedAt() {
    return state.refusedAt();
  }

  /** The rrsets the last full load served; -1 before one. */
  public long lastFullLoadRrsets() {
    return lastFullLoad;
  }

  @Override
  public void close() {
    closed = true;
    state.wake();
    closeQuietly(current);
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    while (!closed) {
      Connection c = null;
      boolean tooBig = false;
      try {
        c = source.open();
        current = c;
        if (closed) {
          break;
        }
        // A link that dies silently (no RST) must not hang a catch-up query forever.
        c.setNetworkTimeout(Runnable::run, (int) NETWORK_TIMEOUT.toMillis());
        // A hot standby refuses LISTEN (NOTIFY is not replicated): there, poll instead.
        boolean standby = ChangeLogReader.inRecovery(c);
        ChangeLogChannel.subscribeFollower(c, !standby);
        Duration wait = standby ? options.standbyPoll() : options.backstop();
        if (standby && !this.standby) {
          log.info(
              "following a hot standby: polling the change log every {} ms (no LISTEN there)",
              wait.toMillis());
        }
        this.standby = standby;
        PGConnection pg = c.unwrap(PGConnection.class);
        String id = ChangeLogReader.databaseIdentity(c);
        onConnected();
        String from = restoredFrom;
        restoredFrom = null;
        database = id;
        if (!state.loaded()) {
          if (!fromCheckpoint(c, id)) {
            fullLoad(c, null);
          }
        } else if (from != null && !from.equals(id)) {
          log.warn(
              "the persisted snapshot came from database {}, connected to {}: full reload",
              from,
              id);
          fullLoad(c, "persisted snapshot from another database");
        }
        while (!closed) {
          catchUp(c);
          // Returns early when a NOTIFY arrives; the timeout is the backstop (or standby) poll.
          pg.getNotifications((int) wait.toMillis());
        }
      } catch (FullLoad.TooBig e) {
        tooBig = true;
        refused(e);
      } catch (SQLException | RuntimeException e) {
        if (!closed) {
          onLost(e);
        }
      } finally {
        closeQuietly(c);
        current = null;
      }
      if (!closed) {
        // Until an operator gives it more heap (or the zones shrink), every try reads as many rows
        // as the heap holds: not at the pace of a reconnect.
        state.pause(tooBig ? tooBigRetry : backoff.next(), () -> closed);
      }
    }
  }

  private void catchUp(Connection c) throws SQLException {
    while (true) {
      long from = state.applied();
      ChangeLogReader.Page page = ChangeLogReader.page(c, from, options.pageRows());
      state.sawCounter(page.counter());
      CatchUp decision = CatchUp.decide(from, page.counter(), page.rows());
      if (decision instanceof CatchUp.Reload r) {
        log.warn("full reload: {}", r.reason());
        fullLoad(c, r.reason());
        return;
      }
      if (decision instanceof CatchUp.Apply a) {
        applier.apply(a.rows());
        if (a.more()) {
          continue;
        }
      }
      state.synced(clock.instant());
      return;
    }
  }

  /**
   * Adds {@code l}, called after every snapshot swap (NOTIFY uses it to find the zones whose serial
   * changed, the snapshot file to persist). Called on the follower thread, in the order added: it
   * must return quickly.
   */
  public void onSwap(Swap.Listener l) {
    applier.onSwap(l);
  }

  /**
   * Adds {@code l}, called with every swap just before it is served: the IXFR journal, so that no
   * client can see a serial the journal does not know yet. Same rules as {@link #onSwap}.
   */
  public void beforeSwap(Swap.Listener l) {
    applier.beforeSwap(l);
  }

  private void fullLoad(Connection c, String reason) throws SQLException {
    long start = System.nanoTime();
    try (FullLoad load = new FullLoad(applier.served(), maxFullLoad)) {
      ChangeLogReader.loadAll(c, load);
      FullLoad.Result result = load.result();
      lastFullLoad = result.rrsetRows(); // before the swap wakes awaitLoaded's callers
      applier.load(result, reason, start);
    }
  }

  /**
   * Serves the newest checkpoint worth reading, brought up to date through the change log before
   * the follower counts as loaded (a fresh server answers as currently as after a full load); false
   * when there is none, and the first load reads every rrset row.
   */
  private boolean fromCheckpoint(Connection c, String id) throws SQLException {
    long start = System.nanoTime();
    Optional<CheckpointSource.Copy> read =
        checkpoints.read(c, id, ChangeLogReader.counter(c), maxFullLoad);
    if (read.isEmpty()) {
      return false;
    }
    CheckpointSource.Copy copy = read.get();
    long readNanos = System.nanoTime() - start;
    applier.checkpoint(copy.zones(), copy.seq());
    catchUp(c);
    if (state.loaded()) {
      return true; // the change log could not bring it up to date: catchUp reloaded in full
    }
    checkpointSeq = copy.seq();
    lastFullLoad = copy.rrsets();
    long applied = state.applied();
    state.checkpointServed(clock.instant());
    log.info(
        "started from the checkpoint at change {} ({} rrsets, {} bytes, read in {} ms), then {}"
            + " changes up to {}, in {} ms",
        copy.seq(),
        copy.rrsets(),
        copy.bytes(),
        readNanos / 1_000_000,
        applied - copy.seq(),
        applied,
        (System.nanoTime() - start) / 1_000_000);
    return true;
  }

  private void refused(FullLoad.TooBig e) {
    state.refused(e.read);
    log.error(
        "full load stopped: the database holds more than {} rrsets, the most this heap can load;"
            + " {}; give authdns a larger heap (DNSPLANE_XMX, or -Xmx); trying again in {} s",
        maxFullLoad,
        state.loaded() ? "still serving the snapshot loaded before" : "nothing is served yet",
        tooBigRetry.toSeconds());
  }

  private void onConnected() {
    boolean again = state.connected();
    backoff.reset();
    if (again) {
      log.info("reconnected to PostgreSQL; resuming after change {}", state.applied());
    }
  }

  private void onLost(Exception e) {
    String hint = SetupProblems.hint(e);
    if (hint != null) {
      // Reachable, but not usable: retrying will not help until an operator acts.
      state.lost();
      log.error("PostgreSQL refuses what authdns needs ({}): {}; retrying", e.getMessage(), hint);
      return;
    }
    if (state.lost()) {
      log.warn("lost PostgreSQL ({}); serving the last snapshot and reconnecting", e.getMessage());
    } else {
      log.debug("PostgreSQL still unreachable: {}", e.getMessage());
    }
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // Already broken; nothing else to release.
    }
  }
}
