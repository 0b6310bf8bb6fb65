package dnsplane.authdns.persist;

import dnsplane.authdns.sync.Swap;
import dnsplane.authdns.zone.ZoneSet;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapshotPersister writes the served snapshot to its {@link SnapshotStore} after swaps, on a
 * thread of its own so the follower never waits for a disk. The policy:
 *
 * <ul>
 *   <li>a change is persisted at most {@link Policy#minInterval} (default 5 s) after the previous
 *       save, so a burst of changes costs one write;
 *   <li>the interval stretches to {@link Policy#busyFactor} (default 50) times the last save's
 *       duration, so saving a large snapshot never takes more than a fiftieth of the time. The
 *       saving thread shares the serving core: at a million names a save takes about 0.4 s of CPU,
 *       and under 1,000 committed changes a second a save every 5-6 s (a factor of 10) cost authdns
 *       0.81x of its static queries/s against 0.88x with no saving at all ({@code
 *       deploy/bench/authdns.sh -n 1000000}, per-thread CPU from /proc, 2026-11-30). The copy on
 *       disk is then up to about 25 s behind at that size; a clean stop still saves the last swap,
 *       and a restart catches up through the change log;
 *   <li>a clean stop saves once more if anything changed since, or if the database confirmed the
 *       copy current since it was saved (the next start then reports its true age).
 * </ul>
 *
 * A failed save is logged and counted, and the previous copy stays; serving is never affected.
 */
public final class SnapshotPersister implements Swap.Listener, AutoCloseable {

  /** When to save; see the class comment. */
  public record Policy(Duration minInterval, int busyFactor) {
    public static Policy defaults() {
      return new Policy(Duration.ofSeconds(5), 50);
    }

    /** How long after a save that took {@code lastMillis} the next one may start. */
    public Duration intervalAfter(long lastMillis) {
      Duration busy = Duration.ofMillis(lastMillis * busyFactor);
      return busy.compareTo(minInterval) > 0 ? busy : minInterval;
    }
  }

  /** Figures for /metrics. */
  public record Stats(long saves, long failures, long lastBytes, long lastMillis, long savedSeq) {}

  private static final Logger log = LoggerFactory.getLogger(SnapshotPersister.class);

  private final SnapshotStore store;
  private final Policy policy;
  private final Clock clock;
  private final Supplier<Instant> confirmedAt;
  private final Supplier<String> database;
  private final Thread thread;

  // Guarded by this.
  private Swap latest;
  private Instant latestAt;
  private long savedSeq;
  private Instant savedConfirmation;
  private long earliestNextNanos;
  private boolean closed;
  private long saves;
  private long failures;
  private long lastBytes;
  private long lastMillis;

  /**
   * A persister saving to {@code store}; {@code onDisk} is the copy already there (restored at
   * start; null for none), {@code confirmedAt} when the follower last confirmed the snapshot
   * current, {@code database} which database it follows.
   */
  public SnapshotPersister(
      SnapshotStore store,
      Policy policy,
      Clock clock,
      SnapshotFile.Contents onDisk,
      Supplier<Instant> confirmedAt,
      Supplier<String> database) {
    this.store = Objects.requireNonNull(store, "store");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.confirmedAt = Objects.requireNonNull(confirmedAt, "confirmedAt");
    this.database = Objects.requireNonNull(database, "database");
    if (onDisk != null) {
      long seq = onDisk.header().seq();
      latest = new Swap(onDisk.zones(), onDisk.zones(), seq, java.util.List.of());
      latestAt = onDisk.header().confirmedAt();
      savedSeq = seq;
      savedConfirmation = latestAt;
    } else {
      savedSeq = -1;
    }
    this.thread = new Thread(this::run, "snapshot-persister");
    thread.setDaemon(true);
  }

  /**
   * A copy {@code seeded} from a peer is served and not yet on disk: saved as soon as the thread
   * runs, confirmed as of when the peer last confirmed it (not now).
   */
  public synchronized void seeded(SnapshotFile.Contents seeded) {
    if (latest == null) {
      long seq = seeded.header().seq();
      latest = new Swap(seeded.zones(), seeded.zones(), seq, java.util.List.of());
      latestAt = seeded.header().confirmedAt();
      notifyAll();
    }
  }

  /** The current copy's file, if one has been saved (see {@link SnapshotStore#current}). */
  public java.util.Optional<java.nio.file.Path> copy() {
    return store.current();
  }

  /** Starts the saving thread. */
  public SnapshotPersister start() {
    thread.start();
    return this;
  }

  @Override
  public synchronized void swapped(Swap swap) {
    latest = swap;
    latestAt = clock.instant();
    notifyAll();
  }

  public synchronized Stats stats() {
    return new Stats(saves, failures, lastBytes, lastMillis, savedSeq);
  }

  /** Stops the thread, then saves once more when the copy on disk is behind (a clean stop). */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (thread.isAlive()) {
      log.warn("snapshot save still running after 30 s; not saving again at stop");
      return;
    }
    Swap last;
    Instant at;
    synchronized (this) {
      last = latest;
      at = latestAt;
      if (last == null) {
        return;
      }
      Instant confirmed = confirmedAt.get();
      boolean behind = last.seq() != savedSeq;
      boolean reconfirmed =
          confirmed != null && (savedConfirmation == null || confirmed.isAfter(savedConfirmation));
      if (!behind && !reconfirmed) {
        return;
      }
    }
    save(last, at);
  }

  private void run() {
    while (true) {
      Swap next;
      Instant at;
      synchronized (this) {
        while (!closed && (latest == null || latest.seq() == savedSeq)) {
          waitQuietly(0);
        }
        while (!closed && System.nanoTime() < earliestNextNanos) {
          waitQuietly(Math.max(1, (earliestNextNanos - System.nanoTime()) / 1_000_000));
        }
        if (closed) {
          return;
        }
        next = latest;
        at = latestAt;
      }
      save(next, at);
    }
  }

  private void save(Swap swap, Instant swappedAt) {
    ZoneSet zones = swap.after();
    Instant confirmed = confirmedAt.get();
    // A swap is made from the database's data, so the copy was current when it was swapped in, and
    // still was at the follower's last confirmation if that came later.
    Instant asOf = confirmed == null || confirmed.isBefore(swappedAt) ? swappedAt : confirmed;
    long start = System.nanoTime();
    try {
      long bytes = store.save(zones, new SnapshotFile.Header(swap.seq(), asOf, database.get()));
      long millis = (System.nanoTime() - start) / 1_000_000;
      synchronized (this) {
        saves++;
        savedSeq = swap.seq();
        savedConfirmation = asOf;
        lastBytes = bytes;
        lastMillis = millis;
        earliestNextNanos = System.nanoTime() + policy.intervalAfter(millis).toNanos();
      }
      log.debug("saved the snapshot at change {} ({} bytes, {} ms)", swap.seq(), bytes, millis);
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        failures++;
        earliestNextNanos = System.nanoTime() + policy.minInterval().toNanos();
      }
      log.error(
          "cannot save the snapshot to {}: {}; the previous copy stays",
          store.directory(),
          e.toString());
    }
  }

  private void waitQuietly(long millis) {
    try {
      wait(millis);
    } catch (InterruptedException e) {
      closed = true;
    }
  }
}
