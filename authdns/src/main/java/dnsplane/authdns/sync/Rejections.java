package dnsplane.authdns.sync;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rejections is the set of rrsets whose latest change could not be applied in full (at most one
 * {@link Rejection} per rrset, the latest). Immutable: the follower edits a copy while it applies a
 * batch of changes and hands the result to {@link SyncState} together with the sequence number, so
 * /health never sees one without the other. It is normally empty, and then clearing on every
 * applied change costs nothing.
 */
final class Rejections {

  /** (zone, name, type), ordered by name, then type, then zone: the order /health lists. */
  private record Key(String zone, String name, String type) {
    static final Comparator<Key> ORDER =
        Comparator.comparing(Key::name).thenComparing(Key::type).thenComparing(Key::zone);
  }

  static final Rejections NONE = new Rejections(new TreeMap<>(Key.ORDER));

  private final TreeMap<Key, Rejection> byKey;
  private final List<Rejection> list;

  private Rejections(TreeMap<Key, Rejection> byKey) {
    this.byKey = byKey;
    this.list = List.copyOf(byKey.values());
  }

  /** The rejections, by name, type and zone. */
  List<Rejection> list() {
    return list;
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  /** The rejection of (zone, name, type), or null. */
  Rejection get(String zone, String name, String type) {
    return byKey.get(new Key(zone, name, type));
  }

  /** An editor starting from this set; {@link Editor#done} gives the result. */
  Editor edit() {
    return new Editor(this);
  }

  /** Changes to a set, copied on the first change only. Not thread-safe: the follower's own. */
  static final class Editor {
    private final Rejections base;
    private TreeMap<Key, Rejection> copy;

    private Editor(Rejections base) {
      this.base = base;
    }

    /** Adds {@code r}, replacing an earlier rejection of the same rrset. */
    Editor raise(Rejection r) {
      map().put(new Key(r.zone(), r.name(), r.type()), r);
      return this;
    }

    /** Removes the rejection of (zone, name, type), returning it (null when there was none). */
    Rejection clear(String zone, String name, String type) {
      Key k = new Key(zone, name, type);
      if (!current().containsKey(k)) {
        return null;
      }
      return map().remove(k);
    }

    /** Removes every rejection in {@code zone} (created afresh or deleted); how many. */
    int clearZone(String zone) {
      if (current().keySet().stream().noneMatch(k -> k.zone().equals(zone))) {
        return 0;
      }
      int before = map().size();
      map().keySet().removeIf(k -> k.zone().equals(zone));
      return before - map().size();
    }

    /** Removes every rejection (before a full load computes them afresh). */
    Editor clearAll() {
      if (!current().isEmpty()) {
        map().clear();
      }
      return this;
    }

    Rejections done() {
      return copy == null ? base : new Rejections(copy);
    }

    private Map<Key, Rejection> current() {
      return copy == null ? base.byKey : copy;
    }

    private TreeMap<Key, Rejection> map() {
      if (copy == null) {
        copy = new TreeMap<>(base.byKey);
      }
      return copy;
    }
  }
}
