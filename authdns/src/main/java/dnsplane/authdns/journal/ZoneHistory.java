package dnsplane.authdns.journal;

import java.util.Optional;
import org.pcollections.PVector;
import org.pcollections.TreePVector;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Serial;

/**
 * ZoneHistory is the journal of one zone: its latest versions as contiguous steps, oldest first
 * (each step's {@code from} serial is the previous step's {@code to}). Immutable: the follower
 * thread replaces it, transfer threads read whichever one they got, without locks. Appending and
 * dropping the oldest cost O(log versions) (a persistent vector), whatever the bounds.
 */
public final class ZoneHistory {
  /** A zone with no versions kept. */
  public static final ZoneHistory EMPTY = new ZoneHistory(TreePVector.empty(), 0);

  private final PVector<JournalStep> steps;
  private final long records;

  private ZoneHistory(PVector<JournalStep> steps, long records) {
    this.steps = steps;
    this.records = records;
  }

  /** Versions kept. */
  public int versions() {
    return steps.size();
  }

  /** Records kept over all versions (SOAs not counted). */
  public long records() {
    return records;
  }

  /** The oldest serial a client may have and still get a difference; -1 when none is kept. */
  public long oldestSerial() {
    return steps.isEmpty() ? -1 : steps.get(0).fromSerial();
  }

  /**
   * This history with {@code step} appended, then trimmed to {@code limits} from the oldest end. A
   * step that does not continue the newest one (a gap) starts the history afresh; one larger than
   * the record bound leaves it empty.
   */
  public ZoneHistory plus(JournalStep step, JournalLimits limits) {
    if (limits.isOff() || step.records() > limits.maxRecords()) {
      return EMPTY;
    }
    PVector<JournalStep> next = steps;
    long n = records;
    if (!next.isEmpty() && next.get(next.size() - 1).toSerial() != step.fromSerial()) {
      next = TreePVector.empty();
      n = 0;
    }
    next = next.plus(step);
    n += step.records();
    while (next.size() > limits.maxVersions() || n > limits.maxRecords()) {
      n -= next.get(0).records();
      next = next.minus(0);
    }
    return new ZoneHistory(next, n);
  }

  /**
   * The difference from a client at serial {@code from} to {@code current}, the SOA of the snapshot
   * being transferred; empty when the history does not reach the client (it is older than the
   * oldest version kept, or has a serial we never served). The last version's SOA must equal {@code
   * current} in every field.
   *
   * <p>One exception: when {@code current} is newer than every version kept, the difference goes to
   * the newest one. That is the snapshot a moment earlier: the follower swaps the snapshot in
   * before it hands the swap to the journal, so a transfer starting in between sees a snapshot one
   * version ahead of the journal. The client is then told, truthfully, of a version we served an
   * instant ago, and the NOTIFY for the newer one (sent after the journal has it) brings it the
   * rest; without this, that instant would cost a whole-zone transfer.
   */
  public Optional<Difference> difference(long from, SOARecord current) {
    int first = -1;
    for (int i = steps.size() - 1; i >= 0; i--) {
      if (steps.get(i).fromSerial() == from) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return Optional.empty();
    }
    for (int last = first; last < steps.size(); last++) {
      JournalStep s = steps.get(last);
      if (s.toSerial() == current.getSerial()) {
        if (!sameSoa(s.to(), current)) {
          return Optional.empty();
        }
        return Optional.of(Condenser.condense(steps.subList(first, last + 1)));
      }
    }
    long newest = steps.get(steps.size() - 1).toSerial();
    if (Serial.compare(current.getSerial(), newest) > 0) {
      return Optional.of(Condenser.condense(steps.subList(first, steps.size())));
    }
    return Optional.empty();
  }

  /** dnsjava's equals compares the rdata (every SOA field); the TTL is compared here. */
  private static boolean sameSoa(SOARecord a, SOARecord b) {
    return a.equals(b) && a.getTTL() == b.getTTL();
  }
}
