package dnsplane.authdns.zone;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pcollections.TreePMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * The zone snapshot as it was before the hash trie (a sorted TreePMap, kept verbatim but for its
 * name): the reference TrieSnapshotTest holds the new one to, answer by answer.
 *
 * <p>OldZoneSnapshot is one zone's immutable data: its origin, its serial and its names in
 * canonical DNS order. Updates return a new snapshot that shares all untouched structure with the
 * old one, so a change to one rrset costs O(log n) however big the zone is.
 *
 * <p>The SOA stored at the apex always carries {@link #serial()}: the serial comes from the change
 * log (the database bumps it on every change), never from whatever the imported SOA rdata said.
 */
final class OldZoneSnapshot {
  private final Name origin;
  private final long serial;
  // Canonical order (Name.compareTo) keeps every name's descendants directly after it, which is
  // what makes "does this name exist as an empty non-terminal?" a single ceiling lookup.
  private final TreePMap<Name, Node> nodes;

  private OldZoneSnapshot(Name origin, long serial, TreePMap<Name, Node> nodes) {
    this.origin = origin;
    this.serial = serial;
    this.nodes = nodes;
  }

  static OldZoneSnapshot empty(Name origin, long serial) {
    return new OldZoneSnapshot(requireAbsolute(origin), serial, TreePMap.empty());
  }

  /**
   * A zone of the first {@code count} entries of two parallel arrays, its apex SOA stamped with
   * {@code serial}: {@code names} ascending and distinct (the caller checked each is in the zone),
   * {@code nodes} not empty. Built in linear time, where inserting name by name costs O(n log n) in
   * allocations.
   */
  static OldZoneSnapshot ofSorted(Name origin, long serial, Name[] names, Node[] nodes, int count) {
    TreePMap<Name, Node> map = TreePMap.fromSortedMap(new SortedArrays(names, nodes, count));
    return new OldZoneSnapshot(requireAbsolute(origin), serial, map).withSerial(serial);
  }

  /**
   * Sorted arrays seen as the SortedMap {@link TreePMap#fromSortedMap} builds its tree from in
   * linear time; it iterates the entries and asks for the comparator, nothing else.
   */
  private static final class SortedArrays extends java.util.AbstractMap<Name, Node>
      implements java.util.SortedMap<Name, Node> {
    private final Name[] names;
    private final Node[] nodes;
    private final int count;

    SortedArrays(Name[] names, Node[] nodes, int count) {
      this.names = names;
      this.nodes = nodes;
      this.count = count;
    }

    @Override
    public java.util.Set<Map.Entry<Name, Node>> entrySet() {
      return new java.util.AbstractSet<>() {
        @Override
        public int size() {
          return count;
        }

        @Override
        public java.util.Iterator<Map.Entry<Name, Node>> iterator() {
          return new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < count;
            }

            @Override
            public Map.Entry<Name, Node> next() {
              if (next >= count) {
                throw new java.util.NoSuchElementException();
              }
              int i = next++;
              return new java.util.AbstractMap.SimpleImmutableEntry<>(names[i], nodes[i]);
            }
          };
        }
      };
    }

    @Override
    public java.util.Comparator<? super Name> comparator() {
      return null;
    }

    @Override
    public java.util.SortedMap<Name, Node> subMap(Name from, Name to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.SortedMap<Name, Node> headMap(Name to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public java.util.SortedMap<Name, Node> tailMap(Name from) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Name firstKey() {
      return names[0];
    }

    @Override
    public Name lastKey() {
      return names[count - 1];
    }
  }

  /** The zone apex. */
  public Name origin() {
    return origin;
  }

  /** The zone's serial: the one of the latest change applied. */
  public long serial() {
    return serial;
  }

  /** The apex SOA as served (with {@link #serial()}), or null when the zone has none yet. */
  public SOARecord soa() {
    Node apex = nodes.get(origin);
    List<Record> soa = apex == null ? null : apex.rrset(Type.SOA);
    return soa == null || soa.isEmpty() ? null : (SOARecord) soa.get(0);
  }

  /** The node at exactly {@code name}, or null. Names compare case-insensitively. */
  public Node node(Name name) {
    return nodes.get(name);
  }

  /**
   * True when {@code name} exists in the zone: it owns an rrset (possibly empty) or it is an empty
   * non-terminal (some name below it does).
   */
  public boolean exists(Name name) {
    if (nodes.containsKey(name)) {
      return true;
    }
    Name next = nodes.higherKey(name);
    return next != null && next.subdomain(name);
  }

  /** Number of owner names stored (empty non-terminals are not stored). */
  public int nameCount() {
    return nodes.size();
  }

  /** Every owner name stored and its node, in canonical order (empty non-terminals are not). */
  public Iterable<Map.Entry<Name, Node>> nodes() {
    return nodes.entrySet();
  }

  /** All records of the zone, SOA first, then in canonical name order and type order. */
  public List<Record> records() {
    List<Record> out = new ArrayList<>();
    SOARecord soa = soa();
    if (soa != null) {
      out.add(soa);
    }
    for (Map.Entry<Name, Node> e : nodes.entrySet()) {
      Node n = e.getValue();
      for (int type : n.types()) {
        if (type != Type.SOA || !e.getKey().equals(origin)) {
          out.addAll(n.rrset(type));
        }
      }
    }
    return out;
  }

  OldZoneSnapshot withRrset(Name name, int type, List<Record> records, long newSerial) {
    checkRrset(name, type, records);
    Node old = nodes.getOrDefault(name, Node.empty());
    return new OldZoneSnapshot(origin, serial, nodes.plus(name, old.with(type, records)))
        .withSerial(newSerial);
  }

  /**
   * Keeps the rrset (name, type) as it is when it serves records, else stores {@code records}; the
   * serial moves to {@code newSerial} either way.
   */
  OldZoneSnapshot withRrsetIfAbsent(Name name, int type, List<Record> records, long newSerial) {
    checkInZone(name);
    Node old = nodes.get(name);
    List<Record> served = old == null ? null : old.rrset(type);
    // Nothing served (absent or a tombstone): the records that parse are better than nothing.
    if (served != null && !served.isEmpty()) {
      return withSerial(newSerial);
    }
    return withRrset(name, type, records, newSerial);
  }

  OldZoneSnapshot withoutRrset(Name name, int type, long newSerial) {
    checkInZone(name);
    Node old = nodes.get(name);
    TreePMap<Name, Node> next = nodes;
    if (old != null) {
      Node n = old.without(type);
      next = n.isEmpty() ? nodes.minus(name) : nodes.plus(name, n);
    }
    return new OldZoneSnapshot(origin, serial, next).withSerial(newSerial);
  }

  /**
   * Edit is a batch of rrset changes to one zone, folded name by name before any reaches the tree:
   * a name changed k times in the batch copies its tree path once, not k times, and the apex SOA is
   * stamped once, at {@link #done}, not after every change. Catching up through a long change log
   * changes the same names over and over; this is most of what a batch of it costs. {@link #done}
   * gives exactly what {@link #withRrset}, {@link #withRrsetIfAbsent} and {@link #withoutRrset}
   * applied one by one give, owner-name spelling included.
   */
  static final class Edit {
    private final OldZoneSnapshot base;
    private final java.util.HashMap<Name, Pending> pending = new java.util.HashMap<>();
    private long serial;

    Edit(OldZoneSnapshot base) {
      this.base = base;
      this.serial = base.serial;
    }

    /** As {@link OldZoneSnapshot#withRrset}; refuses what it refuses, changing nothing. */
    void replace(Name name, int type, List<Record> records, long newSerial) {
      base.checkRrset(name, type, records);
      set(name, current(name).with(type, records));
      serial = newSerial;
    }

    /** As {@link OldZoneSnapshot#withRrsetIfAbsent}. */
    void replaceIfAbsent(Name name, int type, List<Record> records, long newSerial) {
      base.checkInZone(name);
      List<Record> served = current(name).rrset(type);
      if (served == null || served.isEmpty()) {
        replace(name, type, records, newSerial);
      }
      serial = newSerial;
    }

    /** As {@link OldZoneSnapshot#withoutRrset}. */
    void remove(Name name, int type, long newSerial) {
      base.checkInZone(name);
      Node now = current(name);
      if (!now.isEmpty()) {
        set(name, now.without(type));
      }
      serial = newSerial;
    }

    /** The zone after every change of the batch, its SOA stamped with the last serial. */
    OldZoneSnapshot done() {
      TreePMap<Name, Node> next = base.nodes;
      for (Map.Entry<Name, Pending> e : pending.entrySet()) {
        Pending p = e.getValue();
        if (p.node.isEmpty()) {
          next = next.minus(e.getKey());
        } else if (p.key != null) {
          // Created in this batch (perhaps again, after an emptying): the tree keeps the key it
          // holds on a replacement, so the spelling of the creating change needs a fresh entry.
          next = next.minus(p.key).plus(p.key, p.node);
        } else if (p.node != base.nodes.get(e.getKey())) {
          next = next.plus(e.getKey(), p.node);
        }
      }
      return new OldZoneSnapshot(base.origin, base.serial, next).withSerial(serial);
    }

    private Node current(Name name) {
      Pending p = pending.get(name);
      if (p != null) {
        return p.node;
      }
      Node n = base.nodes.get(name);
      return n == null ? Node.empty() : n;
    }

    private void set(Name name, Node node) {
      Pending p = pending.get(name);
      if (p == null) {
        Node was = base.nodes.get(name);
        p = new Pending(was == null ? Node.empty() : was);
        pending.put(name, p);
      }
      if (p.node.isEmpty() && !node.isEmpty()) {
        p.key = name;
      }
      p.node = node;
    }
  }

  /** A name's node as the batch left it; key: the spelling it was (re)created with, if it was. */
  private static final class Pending {
    Node node;
    Name key;

    Pending(Node node) {
      this.node = node;
    }
  }

  /** Re-stamps the apex SOA so that what is served always carries the change-log serial. */
  OldZoneSnapshot withSerial(long newSerial) {
    Node apex = nodes.get(origin);
    List<Record> soaSet = apex == null ? null : apex.rrset(Type.SOA);
    if (soaSet == null || soaSet.isEmpty()) {
      return newSerial == serial ? this : new OldZoneSnapshot(origin, newSerial, nodes);
    }
    SOARecord s = (SOARecord) soaSet.get(0);
    if (s.getSerial() == newSerial && newSerial == serial && soaSet.size() == 1) {
      return this;
    }
    SOARecord stamped =
        new SOARecord(
            s.getName(),
            s.getDClass(),
            s.getTTL(),
            s.getHost(),
            s.getAdmin(),
            newSerial & 0xFFFFFFFFL, // RFC 1982 serials are 32-bit and wrap
            s.getRefresh(),
            s.getRetry(),
            s.getExpire(),
            s.getMinimum());
    // A zone has one SOA; extra ones in an rrset would be a data error, keep only the first.
    return new OldZoneSnapshot(
        origin, newSerial, nodes.plus(origin, apex.with(Type.SOA, List.of(stamped))));
  }

  private void checkRrset(Name name, int type, List<Record> records) {
    checkInZone(name);
    for (Record r : records) {
      if (!r.getName().equals(name) || r.getRRsetType() != type) {
        throw new IllegalArgumentException(
            "record " + r + " does not belong to rrset " + name + " " + Type.string(type));
      }
    }
  }

  private void checkInZone(Name name) {
    if (!name.subdomain(origin)) {
      throw new IllegalArgumentException(name + " is not in zone " + origin);
    }
  }

  private static Name requireAbsolute(Name origin) {
    Objects.requireNonNull(origin, "origin");
    if (!origin.isAbsolute()) {
      throw new IllegalArgumentException("zone origin must be absolute: " + origin);
    }
    return origin;
  }
}
