package dnsplane.authdns.journal;

import dnsplane.authdns.sync.Swap;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Serial;

/**
 * IxfrJournal keeps, per zone, the differences between the versions authdns served, so that an IXFR
 * from a recent serial gets only what changed (RFC 1995). It listens to snapshot swaps ({@link
 * dnsplane.authdns.sync.ChangeLogFollower#onSwap}) and records one step per swap that moved a
 * zone's serial, computed from the snapshots before and after for the rrsets the swap touched (so
 * the cost per swap follows the change, never the zone's size).
 *
 * <p>What starts a zone's journal afresh (clients older than that point get the AXFR form):
 *
 * <ul>
 *   <li>a full load (the first load, or a reload after the log was pruned or the database
 *       replaced): anything may have changed, and a diff would walk every zone, so every journal is
 *       dropped;
 *   <li>the zone created (again) or deleted;
 *   <li>a serial that did not move forward (RFC 1982), or content that changed with the serial
 *       unchanged: no difference sequence can express that;
 *   <li>a zone without an SOA before or after the swap;
 *   <li>a single difference larger than the record bound.
 * </ul>
 *
 * <p>One writer (the follower thread); readers on any thread see an immutable {@link ZoneHistory}.
 */
public final class IxfrJournal implements Swap.Listener {
  private final JournalLimits limits;
  private final ConcurrentHashMap<Name, ZoneHistory> zones = new ConcurrentHashMap<>();
  private final AtomicLong versions = new AtomicLong();
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong resets = new AtomicLong();

  public IxfrJournal(JournalLimits limits) {
    this.limits = limits;
  }

  /** A journal that keeps nothing: every IXFR from an older serial gets the AXFR form. */
  public static IxfrJournal disabled() {
    return new IxfrJournal(JournalLimits.off());
  }

  public JournalLimits limits() {
    return limits;
  }

  /** The history kept for {@code zone} (empty when none). */
  public ZoneHistory history(Name zone) {
    return zones.getOrDefault(zone, ZoneHistory.EMPTY);
  }

  /** See {@link ZoneHistory#difference}. */
  public Optional<Difference> difference(Name zone, long from, SOARecord current) {
    return history(zone).difference(from, current);
  }

  /** Versions kept, over all zones. */
  public long versions() {
    return versions.get();
  }

  /** Records kept, over all zones. */
  public long records() {
    return records.get();
  }

  /** Times a zone's journal was started afresh (see the class comment), full loads included. */
  public long resets() {
    return resets.get();
  }

  @Override
  public void swapped(Swap swap) {
    if (limits.isOff()) {
      return;
    }
    if (swap.fullLoad()) {
      for (Name z : Set.copyOf(zones.keySet())) {
        drop(z);
      }
      resets.incrementAndGet();
      return;
    }
    Map<Name, Set<RrsetKey>> touched = new HashMap<>();
    Set<Name> restart = new LinkedHashSet<>();
    for (ZoneChange c : swap.changes()) {
      if (c instanceof ZoneChange.ZoneCreated || c instanceof ZoneChange.ZoneDeleted) {
        restart.add(c.zone());
      } else if (c instanceof ZoneChange.RrsetReplaced r) {
        touch(touched, r.zone(), new RrsetKey(r.name(), r.type()));
      } else if (c instanceof ZoneChange.RrsetIncomplete r) {
        touch(touched, r.zone(), new RrsetKey(r.name(), r.type()));
      } else if (c instanceof ZoneChange.RrsetRemoved r) {
        touch(touched, r.zone(), new RrsetKey(r.name(), r.type()));
      }
    }
    for (Name z : restart) {
      reset(z);
      touched.remove(z);
    }
    for (Map.Entry<Name, Set<RrsetKey>> e : touched.entrySet()) {
      record(e.getKey(), swap.before(), swap.after(), e.getValue());
    }
  }

  private static void touch(Map<Name, Set<RrsetKey>> touched, Name zone, RrsetKey k) {
    touched.computeIfAbsent(zone, z -> new LinkedHashSet<>()).add(k);
  }

  private void record(Name zone, ZoneSet beforeSet, ZoneSet afterSet, Set<RrsetKey> keys) {
    ZoneSnapshot before = beforeSet.zone(zone).orElse(null);
    ZoneSnapshot after = afterSet.zone(zone).orElse(null);
    if (before == after) {
      return; // every change to it was refused: nothing served changed
    }
    if (before == null || after == null || before.soa() == null || after.soa() == null) {
      reset(zone);
      return;
    }
    JournalStep step = StepDiff.between(before, after, keys);
    int order = Serial.compare(step.toSerial(), step.fromSerial());
    if (order == 0 && step.records() == 0 && step.from().equals(step.to())) {
      return;
    }
    if (order <= 0) {
      reset(zone);
      return;
    }
    put(zone, history(zone).plus(step, limits));
  }

  private void reset(Name zone) {
    if (zones.containsKey(zone)) {
      resets.incrementAndGet();
    }
    drop(zone);
  }

  private void drop(Name zone) {
    ZoneHistory old = zones.remove(zone);
    if (old != null) {
      versions.addAndGet(-old.versions());
      records.addAndGet(-old.records());
    }
  }

  private void put(Name zone, ZoneHistory next) {
    ZoneHistory old = next.versions() == 0 ? zones.remove(zone) : zones.put(zone, next);
    versions.addAndGet(next.versions() - (old == null ? 0 : old.versions()));
    records.addAndGet(next.records() - (old == null ? 0 : old.records()));
  }
}
