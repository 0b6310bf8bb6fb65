package dnsplane.authdns.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Record;

/**
 * Condenser folds consecutive journal steps into one difference: a record removed and later added
 * back, or added and later removed, cancels out. Pure.
 *
 * <p>This is exact because every step is an exact difference of whole states: a step removes only
 * records present before it and adds only records absent before it (identity: {@link RecordKey},
 * TTL included). So after folding, {@code removed} holds exactly the records of the first state
 * missing from the last, and {@code added} the records of the last missing from the first.
 */
final class Condenser {
  private Condenser() {}

  /** The one difference equivalent to applying {@code steps} (contiguous, oldest first). */
  static Difference condense(List<JournalStep> steps) {
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("nothing to condense");
    }
    Map<RecordKey, Record> removed = new LinkedHashMap<>();
    Map<RecordKey, Record> added = new LinkedHashMap<>();
    for (JournalStep s : steps) {
      for (Record r : s.removed()) {
        RecordKey k = RecordKey.of(r);
        if (added.remove(k) == null) {
          removed.put(k, r);
        }
      }
      for (Record r : s.added()) {
        RecordKey k = RecordKey.of(r);
        if (removed.remove(k) == null) {
          added.put(k, r);
        }
      }
    }
    return new Difference(
        steps.get(0).from(),
        steps.get(steps.size() - 1).to(),
        sorted(removed.values()),
        sorted(added.values()),
        steps.size());
  }

  /** Canonical order (name, class, type, rdata), so an answer does not depend on history order. */
  private static List<Record> sorted(java.util.Collection<Record> records) {
    List<Record> out = new ArrayList<>(records);
    out.sort(Record::compareTo);
    return out;
  }
}
