package dnsplane.planner.retention;

import dnsplane.db.Transactions;
import dnsplane.db.retention.LogRanges;
import dnsplane.db.retention.LogRanges.Bounds;
import dnsplane.db.retention.PrunedTable;
import dnsplane.planner.store.Database;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * RetentionStore asks a pruned table the questions {@link RetentionPolicy} needs and carries out
 * its deletes ({@link LogRanges}' SQL). Every call is one short transaction of its own, with
 * bounded lock and statement waits, so no lock outlives a batch.
 */
@Singleton
public final class RetentionStore {

  private final Database db;

  public RetentionStore(Database db) {
    this.db = db;
  }

  /** The key bounds, or empty for an empty table. */
  public Optional<Bounds> bounds(PrunedTable t) {
    return inShortTransaction(c -> LogRanges.bounds(c, t));
  }

  /** The database's clock: every planner measures ages by it, as plan writes do. */
  public Instant now() {
    return inShortTransaction(LogRanges::now);
  }

  /** The first key in {@code from..to} whose row is not older than {@code cut}. */
  public OptionalLong firstNotOlder(PrunedTable t, long from, long to, Instant cut) {
    return inShortTransaction(c -> LogRanges.firstNotOlder(c, t, from, to, cut));
  }

  /** Deletes keys {@code from..to}; returns the rows deleted. */
  public int delete(PrunedTable t, long from, long to) {
    return inShortTransaction(c -> LogRanges.delete(c, t, from, to));
  }

  /** The smallest key after {@code key}. */
  public OptionalLong nextKey(PrunedTable t, long key) {
    return inShortTransaction(c -> LogRanges.nextKey(c, t, key));
  }

  private <T> T inShortTransaction(Transactions.Work<T> work) {
    return db.inTransaction(
        c -> {
          LogRanges.limitWaiting(c);
          return work.run(c);
        });
  }
}
