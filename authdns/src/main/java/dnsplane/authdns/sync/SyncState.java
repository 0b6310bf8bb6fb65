package dnsplane.authdns.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * SyncState is the follower's bookkeeping, shared between its thread and the readers (health,
 * metrics, tests waiting for a sequence number). Every method holds the one lock; every change
 * wakes the waiters.
 */
final class SyncState {

  private boolean loaded;
  private boolean connected;
  private long applied;
  private long dbSeq;
  private Instant lastSync;
  private long reconnects;
  private long fullReloads;
  private long badRows;
  private Rejections rejections = Rejections.NONE;
  private long rejectedChanges;
  private boolean restored;
  private long refusedAt = -1; // rrsets read when the last full load was found too big, or -1

  synchronized SyncStatus status() {
    return new SyncStatus(
        loaded,
        connected,
        applied,
        dbSeq,
        lastSync,
        reconnects,
        fullReloads,
        badRows,
        rejections.list(),
        rejectedChanges,
        restored);
  }

  /** The rrsets whose latest change could not be applied in full. */
  synchronized Rejections rejections() {
    return rejections;
  }

  synchronized long applied() {
    return applied;
  }

  synchronized boolean loaded() {
    return loaded;
  }

  /** The last full load stopped at {@code read} rrsets: more than the heap holds. */
  synchronized void refused(long read) {
    refusedAt = read;
    notifyAll();
  }

  /** The rrsets the last full load had read when refused as too big; -1 when it was not. */
  synchronized long refusedAt() {
    return refusedAt;
  }

  /** The counter as last read from the database. */
  synchronized void sawCounter(long seq) {
    dbSeq = seq;
  }

  /**
   * Changes up to {@code seq} are served; {@code bad} rows among them did not convert, {@code
   * rejected} could not be applied in full, and {@code after} is the resulting set of rejections.
   */
  synchronized void applied(long seq, int bad, int rejected, Rejections after) {
    applied = seq;
    badRows += bad;
    rejectedChanges += rejected;
    rejections = after;
    notifyAll();
  }

  /**
   * The persisted copy holding changes up to {@code seq}, confirmed current at {@code confirmedAt},
   * is served: loaded, but not yet confirmed by the database.
   */
  synchronized void restored(long seq, Instant confirmedAt) {
    loaded = true;
    restored = true;
    applied = seq;
    dbSeq = seq;
    lastSync = confirmedAt;
    notifyAll();
  }

  /** A full load up to {@code seq} is served; as {@link #applied} for the rest. */
  synchronized void loaded(long seq, int bad, int rejected, Rejections after, Instant now) {
    rejectedChanges += rejected;
    rejections = after;
    applied = seq;
    dbSeq = Math.max(dbSeq, seq);
    if (loaded) {
      fullReloads++;
    }
    loaded = true;
    restored = false;
    refusedAt = -1;
    badRows += bad;
    lastSync = now;
    notifyAll();
  }

  /**
   * A checkpoint, brought up to date through the change log (see {@link #applied}), is served: a
   * first load, confirmed current at {@code now}.
   */
  synchronized void checkpointServed(Instant now) {
    loaded = true;
    restored = false;
    refusedAt = -1;
    lastSync = now;
    notifyAll();
  }

  /** The snapshot was confirmed current at {@code now}. */
  synchronized void synced(Instant now) {
    lastSync = now;
    restored = false;
    notifyAll();
  }

  /** Connected; true when this is a reconnect after a loss (not the first connection). */
  synchronized boolean connected() {
    connected = true;
    if (loaded) {
      reconnects++;
    }
    notifyAll();
    return loaded;
  }

  /** Connection lost; true when it was up until now (the first failure of an outage). */
  synchronized boolean lost() {
    boolean was = connected;
    connected = false;
    notifyAll();
    return was;
  }

  /** Waits until {@code done} holds for the current status; false on timeout. */
  synchronized boolean await(Duration timeout, Predicate<SyncStatus> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(status())) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** Waits {@code wait} (the reconnect backoff) unless {@code stop} becomes true first. */
  synchronized void pause(Duration wait, BooleanSupplier stop) {
    long deadline = System.nanoTime() + wait.toNanos();
    long left;
    while (!stop.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Wakes every waiter (on close). */
  synchronized void wake() {
    notifyAll();
  }
}
