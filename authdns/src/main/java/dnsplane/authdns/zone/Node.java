package dnsplane.authdns.zone;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.xbill.DNS.Record;

/**
 * Node is the immutable data of one owner name: its rrsets by type. A type mapped to an empty list
 * is an rrset that exists with no records: the name exists, the type has no data (NODATA).
 */
public final class Node {
  private static final Node EMPTY = new Node(Collections.emptySortedMap());

  // A TreeMap copy per change costs O(types at this name), which is a handful: fine, and it keeps
  // rrsets in type order for export and for the RFC 8482 ANY choice.
  private final Map<Integer, List<Record>> rrsets;

  private Node(Map<Integer, List<Record>> rrsets) {
    this.rrsets = rrsets;
  }

  static Node empty() {
    return EMPTY;
  }

  /** A node of exactly {@code rrsets} (copied), for building a zone in bulk. */
  static Node of(java.util.SortedMap<Integer, List<Record>> rrsets) {
    if (rrsets.isEmpty()) {
      return EMPTY;
    }
    TreeMap<Integer, List<Record>> copy = new TreeMap<>();
    rrsets.forEach((type, records) -> copy.put(type, List.copyOf(records)));
    return new Node(Collections.unmodifiableSortedMap(copy));
  }

  /** The records of {@code type}, an empty list for an empty rrset, or null when there is none. */
  public List<Record> rrset(int type) {
    return rrsets.get(type);
  }

  /** True when {@code type} has at least one record here. */
  public boolean hasData(int type) {
    List<Record> r = rrsets.get(type);
    return r != null && !r.isEmpty();
  }

  /** The types present, empty rrsets included, in ascending type order. */
  public Set<Integer> types() {
    return rrsets.keySet();
  }

  /** True when no rrset (not even an empty one) is stored here. */
  public boolean isEmpty() {
    return rrsets.isEmpty();
  }

  Node with(int type, List<Record> records) {
    TreeMap<Integer, List<Record>> copy = new TreeMap<>(rrsets);
    copy.put(type, List.copyOf(records));
    return new Node(Collections.unmodifiableSortedMap(copy));
  }

  Node without(int type) {
    if (!rrsets.containsKey(type)) {
      return this;
    }
    TreeMap<Integer, List<Record>> copy = new TreeMap<>(rrsets);
    copy.remove(type);
    return copy.isEmpty() ? EMPTY : new Node(Collections.unmodifiableSortedMap(copy));
  }
}
