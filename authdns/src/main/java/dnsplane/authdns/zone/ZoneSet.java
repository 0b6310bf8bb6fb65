package dnsplane.authdns.zone;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * ZoneSet is an immutable snapshot of every zone served. {@link #apply} returns a new ZoneSet that
 * shares all untouched zones and names with this one; readers holding the old one are unaffected.
 */
public final class ZoneSet {
  private static final ZoneSet EMPTY = new ZoneSet(HashTreePMap.empty());

  private final PMap<Name, ZoneSnapshot> zones;

  private ZoneSet(PMap<Name, ZoneSnapshot> zones) {
    this.zones = zones;
  }

  /** The set of {@code zones} ({@link ZoneSetBuilder}). */
  static ZoneSet of(PMap<Name, ZoneSnapshot> zones) {
    return zones.isEmpty() ? EMPTY : new ZoneSet(zones);
  }

  /** A set with no zones. */
  public static ZoneSet empty() {
    return EMPTY;
  }

  /** Test and tooling helper: a set holding the one zone that master-file {@code text} defines. */
  public static ZoneSet fromMasterText(String text, Name origin) throws IOException {
    return EMPTY.apply(ZoneFileChanges.changes(text, origin));
  }

  /**
   * Applies {@code changes} in order and returns the resulting set. A change to an rrset of a zone
   * not created yet creates that zone (a follower resuming mid-log must not lose data); a change
   * naming a record outside its zone is rejected with {@link IllegalArgumentException} and nothing
   * of this call is applied.
   */
  public ZoneSet apply(List<ZoneChange> changes) {
    if (changes.size() == 1) {
      PMap<Name, ZoneSnapshot> next = applyOne(zones, changes.get(0));
      return next == zones ? this : new ZoneSet(next);
    }
    // The changes of a batch are folded per zone (ZoneEdit) and put in the map once, in
    // the order the zones were first touched; a slot with no edit is a zone deleted.
    java.util.Map<Name, ZoneEdit[]> slots = new java.util.LinkedHashMap<>();
    for (ZoneChange c : changes) {
      if (c instanceof ZoneChange.ZoneCreated z) {
        slot(slots, z.zone())[0] = new ZoneEdit(ZoneSnapshot.empty(z.zone(), z.serial()));
      } else if (c instanceof ZoneChange.ZoneDeleted z) {
        slot(slots, z.zone())[0] = null;
      } else if (c instanceof ZoneChange.RrsetReplaced r) {
        present(slots, r.zone(), r.serial()).replace(r.name(), r.type(), r.records(), r.serial());
      } else if (c instanceof ZoneChange.RrsetIncomplete r) {
        present(slots, r.zone(), r.serial())
            .replaceIfAbsent(r.name(), r.type(), r.parsed(), r.serial());
      } else if (c instanceof ZoneChange.RrsetRemoved r) {
        ZoneEdit[] s = slots.get(r.zone());
        if (s == null && zones.containsKey(r.zone())) {
          s = slot(slots, r.zone());
        }
        if (s != null && s[0] != null) {
          s[0].remove(r.name(), r.type(), r.serial());
        }
      } else {
        throw new IllegalArgumentException("unknown change " + c);
      }
    }
    PMap<Name, ZoneSnapshot> next = zones;
    for (java.util.Map.Entry<Name, ZoneEdit[]> e : slots.entrySet()) {
      ZoneEdit edit = e.getValue()[0];
      next = edit == null ? next.minus(e.getKey()) : next.plus(e.getKey(), edit.done());
    }
    return next == zones ? this : new ZoneSet(next);
  }

  /** The slot of {@code zone}, made on first use from the zone served (no edit: not served). */
  private ZoneEdit[] slot(java.util.Map<Name, ZoneEdit[]> slots, Name zone) {
    return slots.computeIfAbsent(
        zone,
        k -> {
          ZoneSnapshot z = zones.get(k);
          return new ZoneEdit[] {z == null ? null : new ZoneEdit(z)};
        });
  }

  /** The edit of {@code zone}; an rrset change to a zone not served creates it (see above). */
  private ZoneEdit present(java.util.Map<Name, ZoneEdit[]> slots, Name zone, long serial) {
    ZoneEdit[] s = slot(slots, zone);
    if (s[0] == null) {
      s[0] = new ZoneEdit(ZoneSnapshot.empty(zone, serial));
    }
    return s[0];
  }

  /**
   * The set {@code empty().apply(changes)} returns, built in bulk: a full load or a restored copy
   * of a million names takes a fraction of the time of applying them one by one. Refuses what
   * {@link #apply} refuses, with {@link IllegalArgumentException}.
   */
  public static ZoneSet build(List<ZoneChange> changes) {
    ZoneSetBuilder b = new ZoneSetBuilder();
    for (ZoneChange c : changes) {
      b.add(c);
    }
    return b.build();
  }

  private static PMap<Name, ZoneSnapshot> applyOne(PMap<Name, ZoneSnapshot> zs, ZoneChange c) {
    if (c instanceof ZoneChange.ZoneCreated z) {
      // Creating a zone that exists starts it afresh: its records follow in the log.
      return zs.plus(z.zone(), ZoneSnapshot.empty(z.zone(), z.serial()));
    }
    if (c instanceof ZoneChange.ZoneDeleted z) {
      return zs.minus(z.zone());
    }
    if (c instanceof ZoneChange.RrsetReplaced r) {
      ZoneSnapshot z = zs.getOrDefault(r.zone(), ZoneSnapshot.empty(r.zone(), r.serial()));
      return zs.plus(r.zone(), z.withRrset(r.name(), r.type(), r.records(), r.serial()));
    }
    if (c instanceof ZoneChange.RrsetIncomplete r) {
      ZoneSnapshot z = zs.getOrDefault(r.zone(), ZoneSnapshot.empty(r.zone(), r.serial()));
      return zs.plus(r.zone(), z.withRrsetIfAbsent(r.name(), r.type(), r.parsed(), r.serial()));
    }
    if (c instanceof ZoneChange.RrsetRemoved r) {
      ZoneSnapshot z = zs.get(r.zone());
      return z == null ? zs : zs.plus(r.zone(), z.withoutRrset(r.name(), r.type(), r.serial()));
    }
    throw new IllegalArgumentException("unknown change " + c);
  }

  /** The zone with the longest origin that {@code qname} is at or below, if any. */
  public Optional<ZoneSnapshot> findZone(Name qname) {
    if (zones.isEmpty()) {
      return Optional.empty();
    }
    int labels = qname.labels();
    for (int skip = 0; skip < labels; skip++) {
      Name candidate = skip == 0 ? qname : new Name(qname, skip);
      ZoneSnapshot z = zones.get(candidate);
      if (z != null) {
        return Optional.of(z);
      }
    }
    return Optional.empty();
  }

  /** The zone named exactly {@code origin}, or null: {@link #zone} without the Optional. */
  public ZoneSnapshot zoneOrNull(Name origin) {
    return zones.get(origin);
  }

  /** The zone named exactly {@code origin}, if served. */
  public Optional<ZoneSnapshot> zone(Name origin) {
    return Optional.ofNullable(zones.get(origin));
  }

  /** How many zones are served: without sorting their names, as {@link #zoneNames} does. */
  public int zoneCount() {
    return zones.size();
  }

  /** The origins of all zones served, in canonical order. */
  public Set<Name> zoneNames() {
    return Collections.unmodifiableSet(new TreeSet<>(zones.keySet()));
  }

  /** The serial of zone {@code zone}; -1 when it is not served. */
  public long serial(Name zone) {
    ZoneSnapshot z = zones.get(zone);
    return z == null ? -1 : z.serial();
  }

  /** How many records zone {@code zone} holds; 0 when it is not served. */
  public long recordCount(Name zone) {
    ZoneSnapshot z = zones.get(zone);
    return z == null ? 0 : z.recordCount();
  }

  /** All records of zone {@code zone} (SOA first, then canonical order); empty when not served. */
  public List<Record> records(Name zone) {
    ZoneSnapshot z = zones.get(zone);
    return z == null ? List.of() : z.records();
  }
}
