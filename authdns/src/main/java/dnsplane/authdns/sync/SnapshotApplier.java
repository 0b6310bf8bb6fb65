package dnsplane.authdns.sync;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.db.changelog.ChangeLogRow;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;

/**
 * SnapshotApplier is the follower's other half: what it reads from the database (change-log rows,
 * or the full state) becomes the served snapshot here, swapped in whole, with the swap listeners
 * told and the outcome (applied position, rejected rrsets) recorded in the {@link SyncState}. It
 * owns the rule that a change which cannot be applied in full never empties a served name and never
 * passes silently. Called on the follower thread only.
 */
final class SnapshotApplier {

  private static final Logger log = LoggerFactory.getLogger(ChangeLogFollower.class);

  private final SnapshotHolder holder;
  private final SyncState state;
  private final Clock clock;
  private final List<Swap.Listener> preSwapListeners = new CopyOnWriteArrayList<>();
  private final List<Swap.Listener> swapListeners = new CopyOnWriteArrayList<>();

  SnapshotApplier(SnapshotHolder holder, SyncState state, Clock clock) {
    this.holder = Objects.requireNonNull(holder, "holder");
    this.state = Objects.requireNonNull(state, "state");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Applies contiguous change-log {@code rows} to the served snapshot and records the outcome. */
  void apply(List<ChangeLogRow> rows) {
    List<ChangeConverter.Conversion> converted = new ArrayList<>(rows.size());
    List<ZoneChange> changes = new ArrayList<>(rows.size());
    for (ChangeLogRow row : rows) {
      ChangeConverter.Conversion c = ChangeConverter.convert(row);
      converted.add(c);
      if (c.change() != null) {
        changes.add(c.change());
      }
    }
    Map<ZoneChange, String> refused = new IdentityHashMap<>();
    swap(applySafely(holder.get(), changes, refused), rows.get(rows.size() - 1).seq(), changes);
    // A change that could not be applied in full raises an alarm on its rrset; a later one that
    // could clears it.
    Rejections.Editor rejections = state.rejections().edit();
    int rejected = 0;
    for (ChangeConverter.Conversion c : converted) {
      ChangeLogRow row = c.row();
      String problem = c.problem();
      String refusal = c.change() == null ? null : refused.get(c.change());
      if (refusal != null) {
        problem = problem == null ? refusal : problem + "; " + refusal;
      }
      if (problem == null) {
        cleared(rejections, row);
        continue;
      }
      rejected++;
      rejections.raise(new Rejection(row.zone(), row.name(), row.type(), row.seq(), problem));
      log.error(
          "change {} to {} {} (zone {}) cannot be applied in full: {}; {}",
          row.seq(),
          row.name(),
          row.type(),
          row.zone(),
          problem,
          c.change() instanceof ZoneChange.RrsetIncomplete i && refusal == null
              ? "keeping the version served before (or, if there was none, serving the "
                  + i.parsed().size()
                  + " records that parse)"
              : "keeping what was served before");
    }
    state.applied(rows.get(rows.size() - 1).seq(), rejected, rejected, rejections.done());
  }

  /** A change applied in full clears its rrset's rejection (a zone's, for a whole zone). */
  private static void cleared(Rejections.Editor rejections, ChangeLogRow row) {
    if (row.op().equals("zone_created") || row.op().equals("zone_deleted")) {
      int n = rejections.clearZone(row.zone());
      if (n > 0) {
        log.info("change {} ({} {}) clears {} rejected rrsets", row.seq(), row.op(), row.zone(), n);
      }
      return;
    }
    Rejection was = rejections.clear(row.zone(), row.name(), row.type());
    if (was != null) {
      log.info(
          "change {} to {} {} applied; no longer rejected (since change {})",
          row.seq(),
          row.name(),
          row.type(),
          was.seq());
    }
  }

  /** The snapshot served until now: where a full load's bad rrset's previous version comes from. */
  ZoneSet served() {
    return holder.get();
  }

  /**
   * Serves {@code load} (read from the database starting at {@code start}, System.nanoTime) in
   * place of everything; {@code reason} is null for the first load.
   */
  void load(FullLoad.Result load, String reason, long start) {
    // A full load allocates several times what it keeps (rows, parsed changes). On the first one,
    // before its snapshot is served, collect that garbage so that the heap grown for the load
    // shrinks back to the launcher's MaxHeapFreeRatio instead of staying committed: with G1 only a
    // full collection compacts and shrinks at once (a concurrent cycle kept about 100 MB more RSS
    // at a million names). Before the swap, so that the pause never delays an answer from this
    // snapshot (at most a REFUSED one, when the load outlasted the wait before listening). A
    // reload replaces a served snapshot: no pause for it; G1's own cycles give the old one back.
    long gcNanos = System.nanoTime();
    if (reason == null) {
      System.gc();
    }
    gcNanos = System.nanoTime() - gcNanos;
    swap(load.zones(), load.lastSeq(), null);
    Rejections.Editor rejections = Rejections.NONE.edit();
    load.rejected().forEach(rejections::raise);
    for (Map.Entry<ZoneChange, String> e : load.refused().entrySet()) {
      log.error("not serving {}: {}", e.getKey(), e.getValue());
      rejections.raise(rejection(e.getKey(), load.lastSeq(), e.getValue()));
    }
    int rejected = load.rejected().size() + load.refused().size();
    state.loaded(
        load.lastSeq(),
        load.bad() + load.refused().size(),
        rejected,
        rejections.done(),
        clock.instant());
    log.info(
        "{} {} zones, {} rrsets up to change {} in {} ms ({} ms of it the collection before"
            + " serving)",
        reason == null ? "loaded" : "reloaded",
        load.zoneRows(),
        load.rrsetRows(),
        load.lastSeq(),
        (System.nanoTime() - start) / 1_000_000,
        gcNanos / 1_000_000);
    if (rejected > 0) {
      log.error("{} rrsets could not be loaded in full; /health lists them", rejected);
    }
  }

  /**
   * Serves {@code zones}, a checkpoint holding the changes up to {@code seq}, as the first
   * snapshot; the follower applies the change log after it before it counts as loaded.
   */
  void checkpoint(ZoneSet zones, long seq) {
    // Reading a checkpoint leaves garbage as a first full load does: collected before it is served,
    // for the same reason (see load).
    System.gc();
    swap(zones, seq, null);
    state.applied(seq, 0, 0, Rejections.NONE);
  }

  /** The rejection of a change the snapshot refused (a record outside its zone, say). */
  private static Rejection rejection(ZoneChange change, long seq, String reason) {
    String zone = canonical(change.zone());
    if (change instanceof ZoneChange.RrsetReplaced r) {
      return new Rejection(zone, canonical(r.name()), Type.string(r.type()), seq, reason);
    }
    if (change instanceof ZoneChange.RrsetIncomplete r) {
      return new Rejection(zone, canonical(r.name()), Type.string(r.type()), seq, reason);
    }
    if (change instanceof ZoneChange.RrsetRemoved r) {
      return new Rejection(zone, canonical(r.name()), Type.string(r.type()), seq, reason);
    }
    return new Rejection(zone, zone, "SOA", seq, reason);
  }

  private static String canonical(org.xbill.DNS.Name name) {
    return name.toString().toLowerCase(java.util.Locale.ROOT);
  }

  /** See {@link ChangeLogFollower#onSwap}. */
  void onSwap(Swap.Listener l) {
    swapListeners.add(Objects.requireNonNull(l, "listener"));
  }

  /** See {@link ChangeLogFollower#beforeSwap}. */
  void beforeSwap(Swap.Listener l) {
    preSwapListeners.add(Objects.requireNonNull(l, "listener"));
  }

  private void swap(ZoneSet next, long seq, List<ZoneChange> changes) {
    ZoneSet before = holder.get();
    Swap swap = new Swap(before, next, seq, changes == null ? null : List.copyOf(changes));
    for (Swap.Listener l : preSwapListeners) {
      try {
        l.swapped(swap);
      } catch (RuntimeException e) {
        log.error("snapshot swap listener failed", e);
      }
    }
    holder.set(next);
    for (Swap.Listener l : swapListeners) {
      try {
        l.swapped(swap);
      } catch (RuntimeException e) {
        log.error("snapshot swap listener failed", e);
      }
    }
  }

  /**
   * Applies all changes; if the batch is refused, applies them one by one, leaving out the ones
   * refused and putting each in {@code refused} with the reason.
   */
  private static ZoneSet applySafely(
      ZoneSet base, List<ZoneChange> changes, Map<ZoneChange, String> refused) {
    try {
      return base.apply(changes);
    } catch (IllegalArgumentException batchRefused) {
      ZoneSet next = base;
      for (ZoneChange change : changes) {
        try {
          next = next.apply(List.of(change));
        } catch (IllegalArgumentException e) {
          refused.put(change, String.valueOf(e.getMessage()));
        }
      }
      return next;
    }
  }
}
