package dnsplane.authdns.zone;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * ZoneSnapshot is one zone's immutable data: its origin, its serial and its names, by name in a
 * hash trie ({@link NameTrie}; {@link #nodes} gives them in canonical DNS order). Updates return a
 * new snapshot that shares all untouched structure with the old one, so a change to one rrset costs
 * O(log n) however big the zone is (a new name also updates the count of names below each of its
 * ancestors, a few more such paths).
 *
 * <p>The SOA stored at the apex always carries {@link #serial()}: the serial comes from the change
 * log (the database bumps it on every change), never from whatever the imported SOA rdata said.
 */
public final class ZoneSnapshot {
  private final Name origin;
  private final long serial;
  // Owner name -> what the name holds, as Node.packed() stores it: a hash trie, because the exact
  // name is what every answer looks up (see NameTrie for why not a sorted tree).
  final NameTrie nodes;
  // Name -> how many stored names are strictly below it (an Integer, only when some are): what
  // makes "is this name an empty non-terminal?" one lookup without a sorted structure. A name
  // counts for every ancestor up to the root, so exists() answers for any name as the sorted tree
  // did. A zone of one level of names (h1.zone., h2.zone., ...) holds a handful of these.
  final NameTrie below;

  ZoneSnapshot(Name origin, long serial, NameTrie nodes, NameTrie below) {
    this.origin = origin;
    this.serial = serial;
    this.nodes = nodes;
    this.below = below;
  }

  static ZoneSnapshot empty(Name origin, long serial) {
    return new ZoneSnapshot(requireAbsolute(origin), serial, NameTrie.EMPTY, NameTrie.EMPTY);
  }

  /**
   * A zone of the first {@code count} entries of three parallel arrays, its apex SOA stamped with
   * {@code serial}: {@code names} distinct (the caller checked each is in the zone), {@code
   * hashes[i]} their {@link NameTrie#hash}, ascending as unsigned ints, {@code values} their nodes
   * as {@link Node#packed} gives them, none empty; {@code byArrival}: the same names in the order
   * they lie in memory (the order they were made in), which is the order to visit the names
   * themselves in. Built in linear time, where inserting name by name costs O(n log n) in
   * allocations.
   */
  static ZoneSnapshot ofHashSorted(
      Name origin,
      long serial,
      Name[] names,
      Object[] values,
      int[] hashes,
      int count,
      Name[] byArrival) {
    // The names' trie and the count of names under each ancestor are independent passes over a
    // big zone (about a tenth of a second each at a million names): built side by side.
    if (count >= PARALLEL_BUILD) {
      java.util.concurrent.CompletableFuture<NameTrie> below =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> countTrie(byArrival));
      NameTrie trie = NameTrie.ofHashSorted(names, values, hashes, count);
      return new ZoneSnapshot(requireAbsolute(origin), serial, trie, below.join())
          .withSerial(serial);
    }
    NameTrie trie = NameTrie.ofHashSorted(names, values, hashes, count);
    return new ZoneSnapshot(requireAbsolute(origin), serial, trie, countTrie(byArrival))
        .withSerial(serial);
  }

  /** Below this many names a zone's two tries are built one after the other. */
  private static final int PARALLEL_BUILD = 50_000;

  /** How many of {@code names} are below each of their ancestors, as a trie. */
  private static NameTrie countTrie(Name[] names) {
    // How many names each parent has, then added up each distinct parent's ancestors: a zone's
    // names have far fewer parents than there are names, and most names of a big zone share one
    // (h1.zone., h2.zone., ...), so the last parent is tried before a parent is made and looked up.
    java.util.HashMap<Name, int[]> parents = new java.util.HashMap<>();
    Name lastParent = null;
    int[] lastCount = null;
    for (Name n : names) {
      if (n.labels() <= 1) {
        continue;
      }
      if (lastParent == null || n.labels() != lastParent.labels() + 1 || !n.subdomain(lastParent)) {
        lastParent = new Name(n, 1);
        lastCount = parents.computeIfAbsent(lastParent, k -> new int[1]);
      }
      lastCount[0]++;
    }
    java.util.HashMap<Name, int[]> counts = new java.util.HashMap<>();
    for (Map.Entry<Name, int[]> e : parents.entrySet()) {
      Name p = e.getKey();
      for (int skip = 0; skip < p.labels(); skip++) {
        Name a = skip == 0 ? p : new Name(p, skip);
        counts.computeIfAbsent(a, k -> new int[1])[0] += e.getValue()[0];
      }
    }
    return countTrie(counts);
  }

  /** A trie of {@code counts} (as Integers), built in bulk. */
  private static NameTrie countTrie(java.util.HashMap<Name, int[]> counts) {
    int n = counts.size();
    Name[] keys = new Name[n];
    Object[] values = new Object[n];
    int[] hashes = new int[n];
    long[] order = new long[n];
    int i = 0;
    for (Map.Entry<Name, int[]> e : counts.entrySet()) {
      keys[i] = e.getKey();
      values[i] = e.getValue()[0];
      hashes[i] = NameTrie.hash(e.getKey());
      order[i] = hashOrder(hashes[i], i);
      i++;
    }
    java.util.Arrays.sort(order);
    Name[] k = new Name[n];
    Object[] v = new Object[n];
    int[] h = new int[n];
    for (int j = 0; j < n; j++) {
      int at = (int) order[j];
      k[j] = keys[at];
      v[j] = values[at];
      h[j] = hashes[at];
    }
    return NameTrie.ofHashSorted(k, v, h, n);
  }

  /**
   * A long whose signed order is the unsigned order of {@code hash}, then {@code index} (not
   * negative): sorting these sorts entries into the order {@link NameTrie#ofHashSorted} takes,
   * stable for equal hashes. {@code (int) value} is the index again.
   */
  static long hashOrder(int hash, int index) {
    return ((long) (hash ^ Integer.MIN_VALUE) << 32) | index;
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
    Node apex = node(origin);
    List<Record> soa = apex == null ? null : apex.rrset(Type.SOA);
    return soa == null || soa.isEmpty() ? null : (SOARecord) soa.get(0);
  }

  /** The node at exactly {@code name}, or null. Names compare case-insensitively. */
  public Node node(Name name) {
    return Node.unpack(nodes.get(name));
  }

  /**
   * The node of {@code name} as stored, for {@link Node#records} and {@link Node#hasRecords}: the
   * answer path reads it without making a Node. {@code wire[from..to)} is the name's uncompressed
   * wire form in any case (a query's question, or a suffix of it), which saves lowering a copy of
   * it to hash it.
   */
  public Object storedNode(Name name, byte[] wire, int from, int to) {
    return nodes.get(name, WireNames.hash(wire, from, to));
  }

  /**
   * As {@link #storedNode(Name, byte[], int, int)} with no Name at hand: the name is {@code
   * wire[from..to)} alone, and the owner name stored for it goes to {@code ownerFound[0]}.
   */
  public Object storedNode(byte[] wire, int from, int to, Name[] ownerFound) {
    return nodes.getWire(wire, from, to, ownerFound);
  }

  /**
   * Reads ahead what the look-ups of the names whose {@link WireNames#hash hashes} are the first
   * {@code count} of {@code hashes} will read, all at once (see {@link TrieReadAhead#touch});
   * returns a number that depends on every read.
   */
  public int touch(int[] hashes, int count, Object[] cursors) {
    return TrieReadAhead.touch(nodes, hashes, count, cursors);
  }

  /**
   * True when {@code name} exists in the zone: it owns an rrset (possibly empty) or it is an empty
   * non-terminal (some name below it does).
   */
  public boolean exists(Name name) {
    int hash = NameTrie.hash(name);
    return nodes.get(name, hash) != null || below.get(name, hash) != null;
  }

  /** Number of owner names stored (empty non-terminals are not stored). */
  public int nameCount() {
    return nodes.size();
  }

  /**
   * Every owner name stored and its node, in canonical order (empty non-terminals are not). Sorted
   * on each call, O(n log n): for transfers and export, not for answers. {@link #forEachNode} is
   * the walk without an order.
   */
  public List<Map.Entry<Name, Node>> nodes() {
    List<Map.Entry<Name, Node>> out = new ArrayList<>(nodes.size());
    forEachNode((k, v) -> out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(k, v)));
    out.sort(Map.Entry.comparingByKey());
    return out;
  }

  /** Calls {@code action} with every owner name stored and its node, in no particular order. */
  public void forEachNode(java.util.function.BiConsumer<Name, Node> action) {
    nodes.forEach((k, v) -> action.accept(k, Node.unpack(v)));
  }

  /** How many records {@link #records()} holds, counted without building or sorting it. */
  public long recordCount() {
    long[] n = {0};
    forEachNode(
        (name, node) -> {
          for (int type : node.types()) {
            n[0] += node.rrset(type).size();
          }
        });
    return n[0];
  }

  /** All records of the zone, SOA first, then in canonical name order and type order. */
  public List<Record> records() {
    List<Record> out = new ArrayList<>();
    SOARecord soa = soa();
    if (soa != null) {
      out.add(soa);
    }
    for (Map.Entry<Name, Node> e : nodes()) {
      Node n = e.getValue();
      for (int type : n.types()) {
        if (type != Type.SOA || !e.getKey().equals(origin)) {
          out.addAll(n.rrset(type));
        }
      }
    }
    return out;
  }

  ZoneSnapshot withRrset(Name name, int type, List<Record> records, long newSerial) {
    ZoneEdit e = new ZoneEdit(this);
    e.replace(name, type, records, newSerial);
    return e.done();
  }

  /**
   * Keeps the rrset (name, type) as it is when it serves records, else stores {@code records}; the
   * serial moves to {@code newSerial} either way.
   */
  ZoneSnapshot withRrsetIfAbsent(Name name, int type, List<Record> records, long newSerial) {
    ZoneEdit e = new ZoneEdit(this);
    e.replaceIfAbsent(name, type, records, newSerial);
    return e.done();
  }

  ZoneSnapshot withoutRrset(Name name, int type, long newSerial) {
    ZoneEdit e = new ZoneEdit(this);
    e.remove(name, type, newSerial);
    return e.done();
  }

  /** Re-stamps the apex SOA so that what is served always carries the change-log serial. */
  ZoneSnapshot withSerial(long newSerial) {
    Node apex = node(origin);
    List<Record> soaSet = apex == null ? null : apex.rrset(Type.SOA);
    if (soaSet == null || soaSet.isEmpty()) {
      return newSerial == serial ? this : new ZoneSnapshot(origin, newSerial, nodes, below);
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
    return new ZoneSnapshot(
        origin,
        newSerial,
        nodes.plus(origin, apex.with(Type.SOA, List.of(stamped)).packed()),
        below);
  }

  void checkRrset(Name name, int type, List<Record> records) {
    checkInZone(name);
    for (Record r : records) {
      if (!r.getName().equals(name) || r.getRRsetType() != type) {
        throw new IllegalArgumentException(
            "record " + r + " does not belong to rrset " + name + " " + Type.string(type));
      }
    }
  }

  void checkInZone(Name name) {
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
