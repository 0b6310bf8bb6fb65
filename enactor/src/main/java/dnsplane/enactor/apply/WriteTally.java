package dnsplane.enactor.apply;

import java.util.ArrayList;
import java.util.List;

/** WriteTally counts the outcomes of writing one plan (or part of it), endpoint by endpoint. */
public final class WriteTally {

  public static final WriteTally NONE = new WriteTally(new int[Outcome.values().length]);

  private final int[] counts;

  private WriteTally(int[] counts) {
    this.counts = counts;
  }

  /** {@code n} entries with outcome {@code o}. */
  public static WriteTally of(Outcome o, int n) {
    int[] c = new int[Outcome.values().length];
    c[o.ordinal()] = n;
    return new WriteTally(c);
  }

  public WriteTally plus(WriteTally o) {
    int[] c = counts.clone();
    for (int i = 0; i < c.length; i++) {
      c[i] += o.counts[i];
    }
    return new WriteTally(c);
  }

  public int count(Outcome o) {
    return counts[o.ordinal()];
  }

  public int written() {
    return count(Outcome.WRITE);
  }

  public int unpublished() {
    return count(Outcome.UNPUBLISH);
  }

  public int stale() {
    return count(Outcome.STALE_SKIP);
  }

  public int unchanged() {
    return count(Outcome.UNCHANGED);
  }

  public int rejectedEmpty() {
    return count(Outcome.EMPTY_REJECTED);
  }

  public int rejectedEmptyFamily() {
    return count(Outcome.EMPTY_FAMILY_REJECTED);
  }

  public int rejectedInvalid() {
    return count(Outcome.INVALID_ENTRY);
  }

  public int guardRefused() {
    return count(Outcome.GUARD_REFUSED);
  }

  /** The outcomes that happened, in declaration order (e.g. {@code [write, stale_skip]}). */
  public List<String> actions() {
    List<String> out = new ArrayList<>();
    for (Outcome o : Outcome.values()) {
      if (count(o) > 0) {
        out.add(o.action());
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WriteTally t && java.util.Arrays.equals(counts, t.counts);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("WriteTally[");
    for (Outcome o : Outcome.values()) {
      if (count(o) > 0) {
        b.append(b.length() > 11 ? ", " : "").append(o.action()).append('=').append(count(o));
      }
    }
    return b.append(']').toString();
  }
}
