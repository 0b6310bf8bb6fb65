package dnsplane.authdns.zone;

import java.util.Objects;

/**
 * SnapshotHolder holds the {@link ZoneSet} being served. The change-log follower swaps in new sets;
 * every query reads the current one once and answers from it alone.
 */
public final class SnapshotHolder {
  private volatile ZoneSet current;

  /** A holder serving no zones. */
  public SnapshotHolder() {
    this(ZoneSet.empty());
  }

  /** A holder serving {@code initial}. */
  public SnapshotHolder(ZoneSet initial) {
    this.current = Objects.requireNonNull(initial, "initial");
  }

  /** The set being served now. */
  public ZoneSet get() {
    return current;
  }

  /** Serves {@code next} from now on. */
  public void set(ZoneSet next) {
    current = Objects.requireNonNull(next, "next");
  }
}
