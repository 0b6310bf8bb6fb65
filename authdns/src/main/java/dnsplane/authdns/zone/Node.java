package dnsplane.authdns.zone;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.xbill.DNS.Record;

/**
 * Node is the immutable data of one owner name: its rrsets by type. A type mapped to an empty list
 * is an rrset that exists with no records: the name exists, the type has no data (NODATA).
 *
 * <p>A zone holds one Node per name, so its size is the zone's size: most names own one rrset, and
 * such a node is one small object pointing at its record list (no map, no boxed type), or, when
 * that rrset is one record (most of a large zone: one address per name), at the record itself; the
 * list {@link #rrset} returns for it is then made on the call (24 bytes, on the answer path only
 * when the answer cache misses), which saves that list for every such name. A node of several types
 * keeps them in two parallel arrays in ascending type order, the order export and the RFC 8482 ANY
 * choice need. A change copies the node: O(types at this name), a handful.
 */
public final class Node {
  private static final Node EMPTY = new Node(0, null);

  // One rrset: type is its type and data its List<Record>, or its only Record. Several: data is a
  // Many. None: null.
  private final int type;
  private final Object data;

  /**
   * The rrsets of a node of two or more types: types ascending, sets[i] the records of types[i].
   */
  private record Many(int[] types, List<Record>[] sets) {}

  private Node(int type, Object data) {
    this.type = type;
    this.data = data;
  }

  static Node empty() {
    return EMPTY;
  }

  /** A node of exactly {@code rrsets} (copied), for building a zone in bulk. */
  static Node of(java.util.SortedMap<Integer, List<Record>> rrsets) {
    Node n = EMPTY;
    for (Map.Entry<Integer, List<Record>> e : rrsets.entrySet()) {
      n = n.with(e.getKey(), e.getValue());
    }
    return n;
  }

  /**
   * The node {@code packed} (what {@link #packed} gave, or null) stands for. For a lone record the
   * node is made on the call: a 24-byte object, on the answer cache's miss path only.
   */
  static Node unpack(Object packed) {
    return packed == null || packed instanceof Node
        ? (Node) packed
        : new Node(((Record) packed).getRRsetType(), packed);
  }

  /**
   * What a zone stores for this node: the node itself, or, for a node of one rrset of one record
   * (most names of a large zone), that record alone. A million such names then cost a million
   * objects fewer, 24 MB less heap and less for the collector to mark; {@link #unpack} gives the
   * node back.
   */
  Object packed() {
    return data instanceof Record r && r.getRRsetType() == type ? r : this;
  }

  /**
   * The records of {@code type} in the node stored as {@code stored} ({@link
   * ZoneSnapshot#storedNode}): the Record itself when it is the rrset's only one, else the list
   * (possibly empty); null when there is no such rrset or no node. Makes nothing.
   */
  public static Object records(Object stored, int type) {
    if (stored instanceof Record r) {
      return r.getRRsetType() == type ? r : null;
    }
    if (stored == null) {
      return null;
    }
    Node n = (Node) stored;
    Object d = n.data;
    if (d instanceof Many m) {
      int i = Arrays.binarySearch(m.types, type);
      return i < 0 ? null : m.sets[i];
    }
    return d == null || n.type != type ? null : d;
  }

  /** Whether the node stored as {@code stored} has at least one record of {@code type}. */
  public static boolean hasRecords(Object stored, int type) {
    Object d = records(stored, type);
    return d instanceof Record || d instanceof List<?> l && !l.isEmpty();
  }

  /** The records of {@code type}, an empty list for an empty rrset, or null when there is none. */
  @SuppressWarnings("unchecked")
  public List<Record> rrset(int type) {
    Object d = records(this, type);
    return d instanceof Record r ? List.of(r) : (List<Record>) d;
  }

  /** True when {@code type} has at least one record here. */
  public boolean hasData(int type) {
    List<Record> r = rrset(type);
    return r != null && !r.isEmpty();
  }

  /** The types present, empty rrsets included, in ascending type order. */
  public Set<Integer> types() {
    Object d = data;
    if (d == null) {
      return Set.of();
    }
    return new TypeSet(d instanceof Many m ? m.types : new int[] {type});
  }

  /** True when no rrset (not even an empty one) is stored here. */
  public boolean isEmpty() {
    return data == null;
  }

  @SuppressWarnings("unchecked")
  Node with(int type, List<Record> records) {
    List<Record> copy = List.copyOf(records);
    Object d = data;
    if (d == null || (!(d instanceof Many) && this.type == type)) {
      return single(type, copy);
    }
    int[] types;
    List<Record>[] sets;
    if (d instanceof Many m) {
      types = m.types;
      sets = m.sets;
    } else {
      types = new int[] {this.type};
      sets = new List[] {rrset(this.type)};
    }
    int i = Arrays.binarySearch(types, type);
    if (i >= 0) {
      List<Record>[] s = sets.clone();
      s[i] = copy;
      return new Node(0, new Many(types, s));
    }
    int at = -i - 1;
    int[] t = new int[types.length + 1];
    List<Record>[] s = new List[types.length + 1];
    System.arraycopy(types, 0, t, 0, at);
    System.arraycopy(sets, 0, s, 0, at);
    t[at] = type;
    s[at] = copy;
    System.arraycopy(types, at, t, at + 1, types.length - at);
    System.arraycopy(sets, at, s, at + 1, types.length - at);
    return new Node(0, new Many(t, s));
  }

  @SuppressWarnings("unchecked")
  Node without(int type) {
    Object d = data;
    if (!(d instanceof Many m)) {
      return d != null && this.type == type ? EMPTY : this;
    }
    int i = Arrays.binarySearch(m.types, type);
    if (i < 0) {
      return this;
    }
    int n = m.types.length - 1;
    if (n == 1) {
      int other = 1 - i;
      return single(m.types[other], m.sets[other]);
    }
    int[] t = new int[n];
    List<Record>[] s = new List[n];
    System.arraycopy(m.types, 0, t, 0, i);
    System.arraycopy(m.sets, 0, s, 0, i);
    System.arraycopy(m.types, i + 1, t, i, n - i);
    System.arraycopy(m.sets, i + 1, s, i, n - i);
    return new Node(0, new Many(t, s));
  }

  /** The node of one rrset: a one-record rrset keeps the record, not a list of it. */
  private static Node single(int type, List<Record> records) {
    return new Node(type, records.size() == 1 ? records.get(0) : records);
  }

  /** A read-only view of ascending, distinct types. */
  private static final class TypeSet extends AbstractSet<Integer> {
    private final int[] types;

    TypeSet(int[] types) {
      this.types = types;
    }

    @Override
    public int size() {
      return types.length;
    }

    @Override
    public boolean contains(Object o) {
      return o instanceof Integer t && Arrays.binarySearch(types, t) >= 0;
    }

    @Override
    public Iterator<Integer> iterator() {
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < types.length;
        }

        @Override
        public Integer next() {
          if (next >= types.length) {
            throw new NoSuchElementException();
          }
          return types[next++];
        }
      };
    }
  }
}
