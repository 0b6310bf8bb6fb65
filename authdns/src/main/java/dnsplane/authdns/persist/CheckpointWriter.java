package dnsplane.authdns.persist;

import dnsplane.authdns.sync.ChangeLogFollower.ConnectionSource;
import dnsplane.authdns.sync.Swap;
import dnsplane.authdns.sync.SyncStatus;
import dnsplane.db.checkpoint.Checkpoints;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CheckpointWriter stores the served snapshot in PostgreSQL as a checkpoint ({@link Checkpoints})
 * for servers that start with nothing of their own ({@link CheckpointReader}), on a thread of its
 * own so the follower never waits for it. The policy ({@link Policy}): a first checkpoint as soon
 * as the server serves data confirmed by the database, then another once the newest one (whoever
 * wrote it) is {@link Policy#due behind} by a twentieth of the zone data, and never more often than
 * once a {@link Policy#minInterval} (or fifty times the last write's time: {@link
 * Policy#intervalAfter}; at a million names a write takes about 2 s). With several servers the
 * first to find one due writes it, under an advisory lock; the others find it there and write
 * nothing.
 *
 * <p>Only a snapshot confirmed by the database is written: not a restored copy before the database
 * confirmed it, and not one with a rejected rrset (a start from it would serve the version kept in
 * its place without raising the rejection a full load raises).
 *
 * <p>A role without the right to write checkpoints (the read-only serving role, a hot standby)
 * writes none and says so once; starting from checkpoints others write still works.
 */
public final class CheckpointWriter implements Swap.Listener, AutoCloseable {

  /** When a checkpoint is due; see the class comment. */
  public record Policy(Duration minInterval, long minChanges, int fraction, int keep) {
    public Policy {
      if (minChanges < 1 || fraction < 1 || keep < 1 || minInterval.isNegative()) {
        throw new IllegalArgumentException("need minChanges, fraction, keep >= 1");
      }
    }

    public static Policy defaults() {
      return new Policy(Duration.ofMinutes(1), 1_000, 20, 2);
    }

    /**
     * How long after a write that took {@code lastMillis} the next may start: the minimum interval,
     * or 50 times the write when that is longer (as the state directory's saves, {@link
     * SnapshotPersister.Policy}), so writing never takes more than a fiftieth of a core.
     */
    public Duration intervalAfter(long lastMillis) {
      Duration busy = Duration.ofMillis(lastMillis * 50);
      return busy.compareTo(minInterval) > 0 ? busy : minInterval;
    }

    /**
     * True when a snapshot at change {@code seq}, of {@code zones} zones, should be written over
     * the newest checkpoint, at change {@code newestSeq} and holding {@code newestRrsets} (-1 when
     * there is none). A snapshot of no zone (a stack just brought up) is never due: it loads in no
     * time, and a checkpoint of it would only make the first servers replay the whole change log.
     */
    public boolean due(long seq, int zones, long newestSeq, long newestRrsets) {
      if (zones == 0) {
        return false;
      }
      if (newestSeq < 0) {
        return true;
      }
      return seq - newestSeq >= Math.max(minChanges, newestRrsets / fraction);
    }
  }

  /**
   * Figures for /metrics: checkpoints written, writes that failed, attempts declined (a snapshot
   * not confirmed or with rejections, or a role that may not write), the last one's size and time,
   * and the newest checkpoint's position (-1: none known).
   */
  public record Stats(
      long writes, long failures, long declined, long lastBytes, long lastMillis, long seq) {}

  // Not a server's fault, and not mended by trying again soon: an operator grants the right, or
  // the server moves off a standby.
  private static final Duration NOT_ALLOWED_RETRY = Duration.ofHours(1);
  // A snapshot not yet counted as loaded (a swap is told before), not yet confirmed, or with
  // rejections: looked at again this often (a look costs no database work).
  private static final Duration NOT_READY_RETRY = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);

  private final ConnectionSource connections;
  private final Policy policy;
  private final Supplier<SyncStatus> status;
  private final Supplier<String> database;
  private final String writtenBy;
  private final Thread thread;

  // Guarded by this.
  private Swap latest;
  private long newestSeq = -1;
  private long newestRrsets = -1;
  private long earliestNextNanos;
  private boolean closed;
  private boolean toldNotAllowed;
  private boolean notReady; // the last attempt found the snapshot unconfirmed or with rejections
  private long writes;
  private long failures;
  private long declined;
  private long lastBytes;
  private long lastMillis;

  /**
   * A writer of the swaps it is told of, through connections from {@code connections}; {@code
   * status} and {@code database} are the follower's. {@code writtenBy} names this server in the
   * checkpoint's row.
   */
  public CheckpointWriter(
      ConnectionSource connections,
      Policy policy,
      Supplier<SyncStatus> status,
      Supplier<String> database,
      String writtenBy) {
    this.connections = Objects.requireNonNull(connections, "connections");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.status = Objects.requireNonNull(status, "status");
    this.database = Objects.requireNonNull(database, "database");
    this.writtenBy = Objects.requireNonNull(writtenBy, "writtenBy");
    this.thread = new Thread(this::run, "checkpoint-writer");
    thread.setDaemon(true);
  }

  /** Starts the writing thread. */
  public CheckpointWriter start() {
    thread.start();
    return this;
  }

  @Override
  public synchronized void swapped(Swap swap) {
    latest = swap;
    if (notReady) {
      earliestNextNanos = System.nanoTime(); // a swap is what clears a rejection: look again now
    }
    notifyAll();
  }

  public synchronized Stats stats() {
    return new Stats(writes, failures, declined, lastBytes, lastMillis, newestSeq);
  }

  /** Stops the thread; a checkpoint being written is abandoned (its transaction rolls back). */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (true) {
      Swap next;
      synchronized (this) {
        while (!closed && !dueNow()) {
          long left = earliestNextNanos - System.nanoTime();
          waitQuietly(left > 0 ? Math.max(1, left / 1_000_000) : 0);
        }
        if (closed) {
          return;
        }
        next = latest;
      }
      Duration after = attempt(next);
      synchronized (this) {
        boolean swappedSince = latest != next;
        earliestNextNanos = System.nanoTime() + (notReady && swappedSince ? 0 : after.toNanos());
      }
    }
  }

  // Guarded by this.
  private boolean dueNow() {
    return latest != null
        && System.nanoTime() - earliestNextNanos >= 0
        && policy.due(latest.seq(), zones(latest), newestSeq, newestRrsets);
  }

  private static int zones(Swap swap) {
    return swap.after().zoneCount();
  }

  /** Writes {@code swap} if it is still due; returns how long until the next attempt. */
  private Duration attempt(Swap swap) {
    SyncStatus s = status.get();
    boolean rejected = !s.rejected().isEmpty();
    // The status must be of this very swap: a rejection cleared by a later one says nothing of the
    // version kept in this one's place (that later swap is written instead, at once).
    if (!s.loaded() || s.restored() || rejected || s.appliedSeq() != swap.seq()) {
      synchronized (this) {
        declined += rejected ? 1 : 0; // the others pass within moments
        notReady = true;
      }
      return NOT_READY_RETRY;
    }
    synchronized (this) {
      notReady = false;
    }
    String db = database.get();
    long start = System.nanoTime();
    try (Connection c = connections.open()) {
      Optional<Checkpoints.Checkpoint> newest = Checkpoints.newest(c, db);
      if (newest.isPresent()) {
        synchronized (this) {
          newestSeq = Math.max(newestSeq, newest.get().seq());
          newestRrsets = newest.get().rrsets();
        }
        if (!policy.due(swap.seq(), zones(swap), newest.get().seq(), newest.get().rrsets())) {
          return policy.minInterval(); // another server wrote one
        }
      }
      SnapshotFile.Header header = new SnapshotFile.Header(swap.seq(), Instant.now(), db);
      Optional<Checkpoints.Checkpoint> written =
          Checkpoints.write(
              c,
              swap.seq(),
              db,
              writtenBy,
              policy.keep(),
              out -> SnapshotFile.write(swap.after(), header, out));
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (written.isPresent()) {
        Checkpoints.Checkpoint w = written.get();
        synchronized (this) {
          writes++;
          newestSeq = w.seq();
          newestRrsets = w.rrsets();
          lastBytes = w.bytes();
          lastMillis = millis;
        }
        log.info(
            "wrote checkpoint {} at change {} ({} rrsets, {} bytes) in {} ms",
            w.id(),
            w.seq(),
            w.rrsets(),
            w.bytes(),
            millis);
      }
      return policy.intervalAfter(millis);
    } catch (SQLException e) {
      if (Checkpoints.unusableHere(e)) {
        notAllowed(e);
        return NOT_ALLOWED_RETRY;
      }
      return failed(e);
    } catch (IOException | RuntimeException e) {
      return failed(e);
    }
  }

  private synchronized void notAllowed(SQLException e) {
    declined++;
    if (!toldNotAllowed) {
      toldNotAllowed = true;
      log.info(
          "not writing snapshot checkpoints ({}): grant dnsplane_checkpoint_writer to this role"
              + " to let servers that start empty start from this one's snapshot; starting from"
              + " checkpoints others write still works",
          e.getMessage());
    }
  }

  private Duration failed(Exception e) {
    synchronized (this) {
      failures++;
    }
    log.warn("cannot write a snapshot checkpoint: {}; trying again later", e.toString());
    return policy.minInterval();
  }

  private void waitQuietly(long millis) {
    try {
      wait(millis);
    } catch (InterruptedException e) {
      closed = true;
    }
  }
}
