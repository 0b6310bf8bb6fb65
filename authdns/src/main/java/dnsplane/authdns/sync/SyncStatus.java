package dnsplane.authdns.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * SyncStatus is what the change-log follower knows about its own freshness, for health and metrics:
 * whether the first full load happened, whether the database is reachable now, the last applied
 * sequence number, the newest one seen in the database, and when the snapshot was last confirmed
 * current ({@code null} before the first load), and the rrsets whose latest change could not be
 * applied in full ({@code rejected}; {@code rejectedChanges} counts such changes since start).
 * {@code restored} is true while the snapshot served is the persisted copy read at start and the
 * database has not yet confirmed it current.
 */
public record SyncStatus(
    boolean loaded,
    boolean dbConnected,
    long appliedSeq,
    long dbSeq,
    Instant lastSync,
    long reconnects,
    long fullReloads,
    long badRows,
    List<Rejection> rejected,
    long rejectedChanges,
    boolean restored) {

  public SyncStatus {
    rejected = List.copyOf(rejected);
  }

  /** A status of a snapshot loaded from the database (not restored from disk). */
  public SyncStatus(
      boolean loaded,
      boolean dbConnected,
      long appliedSeq,
      long dbSeq,
      Instant lastSync,
      long reconnects,
      long fullReloads,
      long badRows,
      List<Rejection> rejected,
      long rejectedChanges) {
    this(
        loaded,
        dbConnected,
        appliedSeq,
        dbSeq,
        lastSync,
        reconnects,
        fullReloads,
        badRows,
        rejected,
        rejectedChanges,
        false);
  }

  /** A status with no rejected changes. */
  public SyncStatus(
      boolean loaded,
      boolean dbConnected,
      long appliedSeq,
      long dbSeq,
      Instant lastSync,
      long reconnects,
      long fullReloads,
      long badRows) {
    this(
        loaded,
        dbConnected,
        appliedSeq,
        dbSeq,
        lastSync,
        reconnects,
        fullReloads,
        badRows,
        List.of(),
        0);
  }

  /** Changes committed in the database and not yet served (as of the last look). */
  public long lag() {
    return Math.max(0, dbSeq - appliedSeq);
  }

  /** How long ago the snapshot was last confirmed current; null before the first load. */
  public Duration snapshotAge(Instant now) {
    if (lastSync == null) {
      return null;
    }
    Duration age = Duration.between(lastSync, now);
    return age.isNegative() ? Duration.ZERO : age;
  }
}
