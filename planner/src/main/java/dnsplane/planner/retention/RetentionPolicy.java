package dnsplane.planner.retention;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * RetentionPolicy decides, from a table's key bounds and its {@link RetentionLimits}, which keys a
 * pruning pass deletes and how it splits them into batches. PURE: the database only answers
 * questions (bounds, the first row not old enough) and carries out the deletes.
 *
 * <p>Everything is in key order (seq, id), never by scanning the time column: keys are the primary
 * key, and the time column grows with the key. Not strictly, though: change_log.committed_at is the
 * writing transaction's start, and seq is taken at commit order, so a long transaction can leave a
 * younger row before an older one. The age rule therefore deletes only a <em>prefix</em> of old
 * rows and stops at the first row that is not old enough: it may keep a row past its age, never
 * delete one before it.
 */
public final class RetentionPolicy {

  private RetentionPolicy() {}

  /**
   * What a pass deletes: every key up to {@code always} whatever its age (beyond the newest
   * max-rows), then the keys after it up to {@code ifOlder} while their rows are older than the age
   * limit. Keys above {@code ifOlder} (at least the newest min-rows) always stay. Either bound
   * below the oldest key means "nothing".
   */
  public record Cutoff(long always, long ifOlder) {
    public Cutoff {
      if (ifOlder < always) {
        throw new IllegalArgumentException("ifOlder " + ifOlder + " below always " + always);
      }
    }
  }

  /**
   * One delete statement's worth: keys {@code from}..{@code to}; the part from {@code ageCheckFrom}
   * on is deleted only up to the first row that is not old enough.
   */
  public record Batch(long from, long to, long ageCheckFrom) {

    /** Whether some of this batch is only deleted if old enough. */
    public boolean needsAgeCheck() {
      return ageCheckFrom <= to;
    }

    /**
     * The last key to delete, given the first key in {@code ageCheckFrom..to} whose row is not
     * older than the limit (empty: all are). Below {@code from} means delete nothing.
     */
    public long deleteTo(OptionalLong firstNotOld) {
      if (firstNotOld.isEmpty()) {
        return to;
      }
      long young = firstNotOld.getAsLong();
      if (young < ageCheckFrom || young > to) {
        throw new IllegalArgumentException(
            "first young key " + young + " outside " + ageCheckFrom + ".." + to);
      }
      return young - 1;
    }
  }

  /**
   * The cut-off for a table whose keys run from {@code oldest} to {@code newest} (both present).
   * Keys above {@code newest - minRows} never go. Under a count limit, keys up to {@code newest -
   * maxRows} go whatever their age. Under an age limit, the rest up to {@code newest - minRows} go
   * while old enough.
   */
  public static Cutoff cutoff(long oldest, long newest, RetentionLimits limits) {
    if (newest < oldest) {
      throw new IllegalArgumentException("newest key " + newest + " below oldest " + oldest);
    }
    long nothing = oldest - 1;
    // Keys are positive (seq from 1, bigserial ids), so these differences cannot overflow.
    long ceiling = Math.max(nothing, newest - limits.minRows());
    long always =
        limits.countLimited()
            ? Math.max(nothing, Math.min(newest - limits.maxRows(), ceiling))
            : nothing;
    long ifOlder = limits.ageLimited() ? ceiling : always;
    return new Cutoff(always, ifOlder);
  }

  /**
   * The batch starting at key {@code from} (the oldest key not yet deleted), at most {@code size}
   * keys wide, or empty when the cut-off leaves nothing from there. Bounding the key range bounds
   * the rows: each key is at most one row.
   */
  public static Optional<Batch> batch(long from, Cutoff cutoff, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("batch size must be positive, got " + size);
    }
    if (from > cutoff.ifOlder()) {
      return Optional.empty();
    }
    // Written as a comparison of widths so that no sum can overflow.
    long to = cutoff.ifOlder() - from < size ? cutoff.ifOlder() : from + (size - 1);
    long ageCheckFrom = cutoff.always() < from ? from : cutoff.always() + 1;
    return Optional.of(new Batch(from, to, ageCheckFrom));
  }
}
