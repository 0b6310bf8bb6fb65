package dnsplane.authdns;

import dnsplane.authdns.net.QueryMetrics;
import dnsplane.authdns.persist.PersistConfig;
import dnsplane.authdns.persist.SnapshotFile;
import dnsplane.authdns.persist.SnapshotPersister;
import dnsplane.authdns.persist.SnapshotSeed;
import dnsplane.authdns.persist.SnapshotStore;
import dnsplane.authdns.sync.ChangeLogFollower;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FirstCopy is what a start serves before PostgreSQL answers: the copy in the state directory, else
 * one a {@code --seed-from} peer gives, restored into the follower before it starts; and the
 * persister that keeps the state directory's copy current from then on.
 */
final class FirstCopy {

  private static final Logger log = LoggerFactory.getLogger(FirstCopy.class);

  // A peer's whole transfer: 70 MB a million rrsets, seconds on a slow link; a peer that cannot
  // is left for the next one, or for PostgreSQL.
  private static final Duration SEED_DEADLINE = Duration.ofSeconds(60);

  private FirstCopy() {}

  /**
   * Restores the first copy there is into {@code follower} (call before it starts) and returns the
   * persister for {@code persist}'s state directory, registered for swaps but not started; null
   * when no copy is kept (a peer's copy may still be served).
   */
  static SnapshotPersister restore(PersistConfig persist, ChangeLogFollower follower, Clock clock)
      throws IOException {
    if (persist.enabled()) {
      return persister(persist, follower, clock);
    }
    seed(persist, follower);
    return null;
  }

  /**
   * Opens the state directory, restores the copy found there into {@code follower} (if one checks
   * out) and returns the persister that keeps it current, registered for swaps but not started.
   */
  private static SnapshotPersister persister(
      PersistConfig persist, ChangeLogFollower follower, Clock clock) throws IOException {
    SnapshotStore store = SnapshotStore.open(persist);
    SnapshotFile.Contents restored = null;
    var loaded = store.load();
    if (loaded.isPresent()) {
      restored = loaded.get().contents();
      SnapshotFile.Header h = restored.header();
      follower.restore(restored.zones(), h.seq(), h.confirmedAt(), h.database());
      log.info(
          "serving the persisted snapshot {} ({} zones, {} rrsets, {} bytes) at change {},"
              + " confirmed current {} s ago, until PostgreSQL confirms it",
          loaded.get().path(),
          restored.zones().zoneCount(),
          restored.rrsets(),
          loaded.get().bytes(),
          h.seq(),
          Duration.between(h.confirmedAt(), clock.instant()).toSeconds());
    }
    SnapshotFile.Contents seeded = null;
    if (restored == null) {
      if (persist.seeds().isEmpty()) {
        log.info("no persisted snapshot in {}; waiting for PostgreSQL", store.directory());
      } else {
        log.info("no persisted snapshot in {}; asking {}", store.directory(), persist.seeds());
        seeded = seed(persist, follower);
      }
    }
    SnapshotPersister p =
        new SnapshotPersister(
            store,
            persist.policy(),
            clock,
            restored,
            () -> follower.status().lastSync(),
            follower::database);
    follower.onSwap(p);
    if (seeded != null) {
      p.seeded(seeded);
    }
    return p;
  }

  /**
   * Restores into {@code follower} the first copy one of {@code persist}'s seeds gives that checks
   * out; returns it, or null (no seeds, or none gave one: the follower loads from PostgreSQL).
   */
  private static SnapshotFile.Contents seed(PersistConfig persist, ChangeLogFollower follower) {
    Optional<SnapshotSeed.Seeded> s = SnapshotSeed.fetch(persist.seeds(), SEED_DEADLINE);
    if (s.isEmpty()) {
      return null;
    }
    SnapshotFile.Header h = s.get().contents().header();
    follower.restore(s.get().contents().zones(), h.seq(), h.confirmedAt(), h.database());
    log.info(
        "serving the snapshot seeded from {} at change {} until PostgreSQL confirms it",
        s.get().from(),
        h.seq());
    return s.get().contents();
  }

  static void registerMetrics(QueryMetrics metrics, SnapshotPersister p) {
    metrics.gauge(
        "dnsplane_authdns_snapshot_file_saves",
        "Snapshot copies saved to the state directory since start.",
        () -> p.stats().saves());
    metrics.gauge(
        "dnsplane_authdns_snapshot_file_save_failures",
        "Snapshot saves that failed since start (the previous copy stays).",
        () -> p.stats().failures());
    metrics.gauge(
        "dnsplane_authdns_snapshot_file_bytes",
        "Size of the last snapshot copy saved.",
        () -> p.stats().lastBytes());
    metrics.gauge(
        "dnsplane_authdns_snapshot_file_save_millis",
        "How long the last save took, fsyncs included.",
        () -> p.stats().lastMillis());
    metrics.gauge(
        "dnsplane_authdns_snapshot_file_seq",
        "The change-log position of the copy on disk (-1: none).",
        () -> p.stats().savedSeq());
  }
}
