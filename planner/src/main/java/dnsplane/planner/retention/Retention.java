package dnsplane.planner.retention;

import dnsplane.db.retention.PrunedTable;
import dnsplane.planner.retention.Pruner.Pass;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention runs one pruning pass over every pruned table with the configured limits, counts the
 * rows it deleted and logs a line for each table it deleted from. A table that fails (a lock
 * timeout, the database gone) is counted and logged, and does not keep the other from its pass.
 */
@Singleton
public final class Retention {

  /**
   * At most this many batches per table per pass (1,000,000 rows at the default batch size): a
   * backlog, as on the first start against a grown log, is worked off over several passes instead
   * of in one long burst of deletes.
   */
  static final int MAX_BATCHES_PER_PASS = 100;

  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private final Pruner pruner;
  private final RetentionConfig config;
  private final RetentionMetrics metrics;

  public Retention(RetentionStore store, RetentionConfig config, RetentionMetrics metrics) {
    this.pruner = new Pruner(store);
    this.config = config;
    this.metrics = metrics;
    for (PrunedTable t : PrunedTable.values()) {
      metrics.rowsPruned(t.table(), 0); // the series exist from the start, at zero
    }
  }

  /** One pass over every table; returns what each deleted (tables that failed are left out). */
  public List<Pass> runPass(BooleanSupplier stopping) {
    List<Pass> done = new ArrayList<>();
    for (PrunedTable t : PrunedTable.values()) {
      RetentionLimits limits = config.limits(t);
      long started = System.nanoTime();
      try {
        Pass pass = pruner.prune(t, limits, config.batchSize(), MAX_BATCHES_PER_PASS, stopping);
        metrics.rowsPruned(t.table(), pass.deleted());
        if (pass.deleted() > 0) {
          log.info(
              "retention: pruned {} rows of {} ({} {}..{}) in {} batches, {} ms (max-age {},"
                  + " max-rows {}, min-rows {})",
              pass.deleted(),
              t.table(),
              t.key(),
              pass.first(),
              pass.last(),
              pass.batches(),
              (System.nanoTime() - started) / 1_000_000,
              limits.ageLimited() ? spelled(limits.maxAge()) : "off",
              limits.countLimited() ? limits.maxRows() : "off",
              limits.minRows());
        }
        done.add(pass);
      } catch (RuntimeException e) {
        metrics.retentionFailed(t.table());
        log.warn(
            "retention: pruning {} failed, the next pass retries: {}", t.table(), e.toString());
      }
    }
    return done;
  }

  /** A duration as the settings spell it ("7d", "90d", "36h"), for the log line. */
  static String spelled(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.getSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
