package dnsplane.authdns.sync;

import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import java.util.List;

/**
 * Swap is one replacement of the served snapshot: the set served {@code before}, the set served
 * {@code after}, the change-log position {@code seq} it holds, and what moved it there: the {@code
 * changes} applied (some may have been refused; compare {@code before} and {@code after} for what
 * is really served), or, for a {@code fullLoad}, null: everything may have changed.
 */
public record Swap(ZoneSet before, ZoneSet after, long seq, List<ZoneChange> changes) {

  /** Listens to swaps. Called on the follower thread: it must return quickly. */
  @FunctionalInterface
  public interface Listener {
    void swapped(Swap swap);
  }

  /** True when the snapshot was rebuilt from the full state rather than moved by changes. */
  public boolean fullLoad() {
    return changes == null;
  }
}
