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
   * Decides from the applied seq, the counter ({@code dbSeq}) and the rows after the applied seq
   * (at most a page of them), read together from one snapshot ({@link
   * dnsplane.db.changelog.ChangeLogReader#page}). Sequence numbers are gap-free and in commit order
   * (schema), so the first row must be applied + 1: anything else means the rows in between were
   * pruned, and a counter behind the applied seq means a different database.
   */
  static CatchUp decide(long applied, long dbSeq, List<ChangeLogRow> rows) {
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
    return new Apply(rows, last < dbSeq);
  }
}
