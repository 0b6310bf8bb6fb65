package dnsplane.planner.retention;

import dnsplane.db.retention.LogRanges.Bounds;
import dnsplane.db.retention.PrunedTable;
import dnsplane.planner.retention.RetentionPolicy.Batch;
import dnsplane.planner.retention.RetentionPolicy.Cutoff;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

/**
 * Pruner runs one pruning pass over one table: it fixes the cut-off from the bounds at the start
 * ({@link RetentionPolicy}), then deletes batch by batch, oldest first, each batch its own
 * transaction. Rows written during the pass have larger keys than the newest it saw, so they only
 * make it keep more.
 */
public final class Pruner {

  /** What one pass did. {@code first..last} is the key range it deleted from (when it deleted). */
  public record Pass(PrunedTable table, long deleted, int batches, long first, long last) {}

  private final RetentionStore store;

  public Pruner(RetentionStore store) {
    this.store = store;
  }

  /**
   * Prunes {@code table} to {@code limits}, at most {@code maxBatches} batches of {@code batchSize}
   * keys; what is left over waits for the next pass, so that a large backlog is worked off in
   * bounded steps. Stops between batches once {@code stopping} says so.
   */
  public Pass prune(
      PrunedTable table,
      RetentionLimits limits,
      int batchSize,
      int maxBatches,
      BooleanSupplier stopping) {
    Pass none = new Pass(table, 0, 0, 0, 0);
    if (!limits.prunes()) {
      return none;
    }
    Optional<Bounds> bounds = store.bounds(table);
    if (bounds.isEmpty()) {
      return none;
    }
    Cutoff cutoff = RetentionPolicy.cutoff(bounds.get().oldest(), bounds.get().newest(), limits);
    Instant ageCut = limits.ageLimited() ? store.now().minus(limits.maxAge()) : null;
    long from = bounds.get().oldest();
    long deleted = 0;
    int batches = 0;
    long last = from - 1;
    while (batches < maxBatches && !stopping.getAsBoolean()) {
      Optional<Batch> next = RetentionPolicy.batch(from, cutoff, batchSize);
      if (next.isEmpty()) {
        break;
      }
      Batch batch = next.get();
      OptionalLong young =
          batch.needsAgeCheck()
              ? store.firstNotOlder(table, batch.ageCheckFrom(), batch.to(), ageCut)
              : OptionalLong.empty();
      long to = batch.deleteTo(young);
      if (to >= batch.from()) {
        deleted += store.delete(table, batch.from(), to);
        batches++;
        last = to;
      }
      if (young.isPresent()) {
        break; // the age rule deletes a prefix only: nothing after a row that is not old enough
      }
      OptionalLong after = store.nextKey(table, to);
      if (after.isEmpty()) {
        break;
      }
      from = after.getAsLong();
    }
    return deleted == 0 && batches == 0
        ? none
        : new Pass(table, deleted, batches, bounds.get().oldest(), last);
  }
}
