package dnsplane.authdns.sync;

import dnsplane.db.changelog.ChangeLogRow;
import java.util.List;

/**
 * CatchUp is the follower's decision after one look at the database: nothing to do, apply these
 * rows, or reload everything. Pure, so the rules that keep the snapshot complete are tested without
 * a database.
 */
public sealed interface CatchUp {

  /** The snapshot holds every committed change. */
  record UpToDate() implements CatchUp {}

  /** Apply {@code rows} (contiguous, starting right after the applied seq); {@code more} follow. */
  record Apply(List<ChangeLogRow> rows, boolean more) implements CatchUp {
    public Apply {
      rows = List.copyOf(rows);
    }
  }

  /** The change log cannot bring the snapshot up to date; load the full state instead. */
  record Reload(String reason) implements CatchUp {}

  /**
   * How many rows to read, and serve in one snapshot swap, when {@code lag} committed rows are not
   * applied yet: {@code batch} while close to current (a swap then holds whatever has arrived, so
   * commit-to-served stays one small read and apply), up to {@code maxBatch} when further behind.
   * Every swap costs a pass over what its rows touched (the IXFR journal's diff, the answer cache's
   * invalidation, the swap listeners), and a long backlog changes the same rrsets over and over:
   * larger swaps fold those repeats and pay the per-swap costs less often, which is what a restart
   * behind a long change log needs. The rows in between are never served, but a follower that far
   * behind serves old data anyway until it catches up.
   */
  static int pageSize(long lag, int batch, int maxBatch) {
    if (lag <= batch) {
      return batch;
    }
    return (int) Math.min(lag, maxBatch);
  }

  /**
   * Decides from the applied seq, the counter read first ({@code dbSeq}) and the rows read after it
   * ({@code rows}, seq > applied, at most {@code limit}). Sequence numbers are gap-free and in
   * commit order (schema), so the first row must be applied + 1: anything else means the rows in
   * between were pruned, and a counter behind the applied seq means a different database.
   */
  static CatchUp decide(long applied, long dbSeq, List<ChangeLogRow> rows, int limit) {
    if (dbSeq < applied) {
      return new Reload(
          "change-log counter "
              + dbSeq
              + " is behind the applied seq "
              + applied
              + " (database replaced or restored?)");
    }
    if (dbSeq == applied) {
      return new UpToDate();
    }
    if (rows.isEmpty()) {
      return new Reload(
          "change log holds no rows after "
              + applied
              + " but the counter is at "
              + dbSeq
              + " (pruned)");
    }
    long expected = applied + 1;
    for (ChangeLogRow row : rows) {
      if (row.seq() != expected) {
        return new Reload(
            "change log jumps from " + (expected - 1) + " to " + row.seq() + " (pruned)");
      }
      expected++;
    }
    long last = rows.get(rows.size() - 1).seq();
    return new Apply(rows, rows.size() >= limit || last < dbSeq);
  }
}
