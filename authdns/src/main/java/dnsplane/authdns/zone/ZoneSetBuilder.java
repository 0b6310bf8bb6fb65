package dnsplane.authdns.zone;

import java.util.Arrays;
import java.util.List;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * ZoneSetBuilder builds a {@link ZoneSet} in bulk from a stream of changes, as {@link
 * ZoneSet#build} does, without holding more than the changes themselves: a full load hands each
 * rrset over as it reads it. The changes of a zone are kept in arrival order and grouped by name
 * once, at {@link #build} (a stable sort by name hash, so the changes to one name still apply in
 * order): that is several times faster than keeping a map up to date name by name, and needs no map
 * entry per name.
 */
public final class ZoneSetBuilder {
  private final java.util.Map<Name, ZoneDraft> drafts = new java.util.HashMap<>();
  // Zones built whole by an Ordered, in the order they were done.
  private final java.util.Map<Name, ZoneSnapshot> built = new java.util.LinkedHashMap<>();

  /**
   * Adds one change, as {@link ZoneSet#apply} would apply it next. A change it would refuse is an
   * {@link IllegalArgumentException}, and leaves the builder as it was.
   */
  public void add(ZoneChange c) {
    if (c instanceof ZoneChange.ZoneCreated z) {
      built.remove(z.zone());
      drafts.put(z.zone(), new ZoneDraft(z.serial()));
    } else if (c instanceof ZoneChange.ZoneDeleted z) {
      built.remove(z.zone());
      drafts.remove(z.zone());
    } else if (c instanceof ZoneChange.RrsetReplaced r) {
      checkRrset(r.zone(), r.name(), r.type(), r.records());
      draft(r.zone(), r.serial()).add(r, r.serial());
    } else if (c instanceof ZoneChange.RrsetIncomplete r) {
      checkRrset(r.zone(), r.name(), r.type(), r.parsed());
      draft(r.zone(), r.serial()).add(r, r.serial());
    } else if (c instanceof ZoneChange.RrsetRemoved r) {
      ZoneDraft d = drafts.get(r.zone());
      if (d != null) {
        checkInZone(r.zone(), r.name());
        d.add(r, r.serial());
      }
    } else {
      throw new IllegalArgumentException("unknown change " + c);
    }
  }

  /** The draft of {@code zone}, made with {@code serial} if there is none (no lambda a change). */
  private ZoneDraft draft(Name zone, long serial) {
    ZoneDraft d = drafts.get(zone);
    if (d == null) {
      d = new ZoneDraft(serial);
      drafts.put(zone, d);
    }
    return d;
  }

  /**
   * A zone created with {@code serial} whose rrsets follow, each added by {@link Ordered#add} and
   * the zone ended by {@link Ordered#done}, in place of a {@link ZoneChange.ZoneCreated} and its
   * changes. {@code expected} is how many rrsets will come (a size hint).
   */
  public Ordered ordered(Name origin, long serial, int expected) {
    built.remove(origin);
    drafts.remove(origin);
    return new Ordered(origin, serial, expected);
  }

  /**
   * One zone's rrsets as a snapshot copy holds them: each name's rrsets one after another, and the
   * names in the order the zone's trie keeps them ({@link ZoneSnapshot#forEachNode}, by name hash).
   * Those go straight into the arrays the trie is built from, with no change object, sort or
   * grouping pass: a restart reads a million of them. Rrsets that come in any other order (or two
   * names of one hash in a row, which the order cannot tell apart from a name seen before) are
   * handed to the general path, which sorts and groups them; either way the zone built is the one
   * {@link #add}ing the same rrsets as changes would build.
   */
  public final class Ordered {
    private final Name origin;
    private final long serial;
    private Name[] names;
    private Object[] values;
    private int[] hashes;
    private int count;
    private Node open; // the last name's rrsets, when it has more than its lone record
    private byte[] lastWire; // the last name's wire form, as given
    private ZoneDraft general; // once the order is broken

    private Ordered(Name origin, long serial, int expected) {
      this.origin = origin;
      this.serial = serial;
      int n = Math.max(1, expected);
      names = new Name[n];
      values = new Object[n];
      hashes = new int[n];
    }

    /**
     * Adds the rrset {@code name} {@code type} of {@code records} ({@code nameWire} is the owner's
     * uncompressed wire form, in any case). Throws {@link IllegalArgumentException} as {@link
     * ZoneSetBuilder#add} does for an rrset outside the zone or a record not of it.
     */
    public void add(Name name, byte[] nameWire, int type, List<Record> records) {
      checkRrset(origin, name, type, records);
      if (general != null) {
        general.add(new ZoneChange.RrsetReplaced(origin, name, type, records, serial), serial);
        return;
      }
      int last = count - 1;
      // A copy writes a name's rrsets one after another under the same octets: a byte compare
      // finds them. The same name in another case falls to the general path below (same hash).
      if (last >= 0 && Arrays.equals(lastWire, nameWire)) {
        Node n = open != null ? open : nodeOf(values[last]);
        open = n.with(type, records);
        return;
      }
      int h = WireNames.hash(nameWire, 0, nameWire.length);
      if (last >= 0 && Integer.compareUnsigned(h, hashes[last]) <= 0) {
        toGeneral();
        general.add(new ZoneChange.RrsetReplaced(origin, name, type, records, serial), serial);
        return;
      }
      close();
      if (count == names.length) {
        int grown = count + (count >> 1) + 1;
        names = java.util.Arrays.copyOf(names, grown);
        values = java.util.Arrays.copyOf(values, grown);
        hashes = java.util.Arrays.copyOf(hashes, grown);
      }
      names[count] = name;
      hashes[count] = h;
      lastWire = nameWire;
      if (records.size() == 1 && records.get(0).getRRsetType() == type) {
        values[count] = records.get(0); // what Node.packed keeps of a lone record
      } else {
        values[count] = null;
        open = Node.empty().with(type, records);
      }
      count++;
    }

    /** The zone is complete: built into the set. */
    public void done() {
      if (general != null) {
        drafts.put(origin, general);
        return;
      }
      close();
      int kept = 0;
      for (int i = 0; i < count; i++) {
        if (values[i] != null) { // a node left with no rrset at all is no name
          names[kept] = names[i];
          values[kept] = values[i];
          hashes[kept] = hashes[i];
          kept++;
        }
      }
      Name[] byArrival = java.util.Arrays.copyOf(names, kept);
      built.put(
          origin,
          ZoneSnapshot.ofHashSorted(origin, serial, names, values, hashes, kept, byArrival));
      names = null;
      values = null;
      hashes = null;
    }

    private static Node nodeOf(Object packed) {
      Record r = (Record) packed;
      return Node.empty().with(r.getRRsetType(), List.of(r));
    }

    /** Stores the last name's node, if it has one open. */
    private void close() {
      if (open != null) {
        values[count - 1] = open.isEmpty() ? null : open.packed();
        open = null;
      }
    }

    /** Moves everything added so far to the general path, in the order it came. */
    private void toGeneral() {
      close();
      general = new ZoneDraft(serial);
      for (int i = 0; i < count; i++) {
        Object v = values[i];
        if (v instanceof Record r) {
          general.add(
              new ZoneChange.RrsetReplaced(origin, names[i], r.getRRsetType(), List.of(r), serial),
              serial);
        } else if (v instanceof Node n) {
          for (int type : n.types()) {
            general.add(
                new ZoneChange.RrsetReplaced(origin, names[i], type, n.rrset(type), serial),
                serial);
          }
        }
      }
      names = null;
      values = null;
      hashes = null;
    }
  }

  /** The set of every change added; the builder is empty afterwards. */
  public ZoneSet build() {
    PMap<Name, ZoneSnapshot> zones = HashTreePMap.empty();
    for (java.util.Map.Entry<Name, ZoneSnapshot> e : built.entrySet()) {
      zones = zones.plus(e.getKey(), e.getValue());
    }
    built.clear();
    for (java.util.Iterator<java.util.Map.Entry<Name, ZoneDraft>> it = drafts.entrySet().iterator();
        it.hasNext(); ) {
      java.util.Map.Entry<Name, ZoneDraft> e = it.next();
      it.remove();
      zones = zones.plus(e.getKey(), e.getValue().build(e.getKey()));
    }
    return ZoneSet.of(zones);
  }

  /**
   * A zone being built by {@link ZoneSetBuilder}: its rrset changes in arrival order, each with
   * what the build reads of it (owner, lone record, hash) taken as it is added. A full load adds
   * changes on its parsing thread while the reader decodes the next rows, so this work overlaps the
   * read instead of lengthening the build after it; and a change that is one record replacing an
   * rrset (most names of a big zone) is let go at once, young, keeping only its record.
   */
  private static final class ZoneDraft {
    // changes[i] is null once lone[i] holds all that is left to read of it.
    private ZoneChange[] changes = new ZoneChange[16];
    private Name[] owners = new Name[16];
    // The record a change stores by itself (one record replacing an rrset: Node.packed), or null.
    private Object[] lone = new Object[16];
    private long[] order = new long[16];
    private int size;
    long serial;

    ZoneDraft(long serial) {
      this.serial = serial;
    }

    void add(ZoneChange c, long serial) {
      if (size == changes.length) {
        // Doubled, not grown by half: a million changes then leave one array's worth of copies
        // behind (each straight in the old generation: humongous), not two.
        int grown = size << 1;
        changes = java.util.Arrays.copyOf(changes, grown);
        owners = java.util.Arrays.copyOf(owners, grown);
        lone = java.util.Arrays.copyOf(lone, grown);
        order = java.util.Arrays.copyOf(order, grown);
      }
      Name owner = owner(c);
      owners[size] = owner;
      if (c instanceof ZoneChange.RrsetReplaced r
          && r.records().size() == 1
          && r.records().get(0).getRRsetType() == r.type()) {
        lone[size] = r.records().get(0);
      } else {
        changes[size] = c;
      }
      order[size] = ZoneSnapshot.hashOrder(NameTrie.hash(owner), size);
      size++;
      this.serial = serial;
    }

    ZoneSnapshot build(Name origin) {
      ZoneChange[] all = changes;
      Name[] owners = this.owners;
      Object[] lone = this.lone;
      long[] order = this.order;
      changes = null; // each change is garbage once folded into its node
      this.owners = null;
      this.lone = null;
      this.order = null;
      // Grouped by owner through the trie's hash, in arrival order within a hash (a radix sort
      // of longs, where a sort by name costs some twenty name comparisons per change): the
      // changes to one name apply in the order they came, and the names come out in the order
      // the trie is built in.
      HashOrders.sort(order, size);
      Name[] names = new Name[size];
      Object[] values = new Object[size];
      int[] hashes = new int[size];
      boolean[] kept = new boolean[size]; // the change whose owner spelling is a stored key
      boolean[] folded = null; // changes already folded into a node, on the general path
      int count = 0;
      for (int run = 0; run < size; ) {
        int h = (int) (order[run] >>> 32) ^ Integer.MIN_VALUE;
        int end = run + 1;
        while (end < size && (int) (order[end] >>> 32) == (int) (order[run] >>> 32)) {
          end++;
        }
        int only = (int) order[run];
        if (end == run + 1 && lone[only] != null) {
          // Most names of a big zone: one change of one record, stored as it is.
          names[count] = owners[only];
          values[count] = lone[only];
          hashes[count] = h;
          kept[only] = true;
          count++;
          run = end;
          continue;
        }
        // Different names of one hash (rare) are folded one after the other, each in order.
        if (folded == null) {
          folded = new boolean[size];
        }
        for (int first = run; first < end; first++) {
          if (folded[(int) order[first]]) {
            continue;
          }
          Name owner = owners[(int) order[first]];
          // The key is the name of the change that created the node, as a map kept up to date
          // change by change would hold it.
          int key = -1;
          Node n = Node.empty();
          for (int i = first; i < end; i++) {
            int at = (int) order[i];
            if (folded[at] || !owners[at].equals(owner)) {
              continue;
            }
            folded[at] = true;
            ZoneChange c = all[at];
            all[at] = null;
            if (c == null) {
              // A lone record whose change was let go above: that change replaced its rrset.
              Record r = (Record) lone[at];
              n = n.with(r.getRRsetType(), List.of(r));
            } else if (c instanceof ZoneChange.RrsetReplaced r) {
              n = n.with(r.type(), r.records());
            } else if (c instanceof ZoneChange.RrsetIncomplete r) {
              List<Record> served = n.rrset(r.type());
              if (served == null || served.isEmpty()) {
                n = n.with(r.type(), r.parsed());
              }
            } else if (c instanceof ZoneChange.RrsetRemoved r) {
              n = n.without(r.type());
            }
            if (n.isEmpty()) {
              key = -1;
            } else if (key < 0) {
              key = at;
            }
          }
          if (!n.isEmpty()) {
            names[count] = owners[key];
            values[count] = n.packed();
            hashes[count] = h;
            kept[key] = true;
            count++;
          }
        }
        run = end;
      }
      Name[] byArrival = new Name[count];
      for (int i = 0, k = 0; i < size; i++) {
        if (kept[i]) {
          byArrival[k++] = owners[i];
        }
      }
      return ZoneSnapshot.ofHashSorted(origin, serial, names, values, hashes, count, byArrival);
    }
  }

  private static Name owner(ZoneChange c) {
    if (c instanceof ZoneChange.RrsetReplaced r) {
      return r.name();
    }
    if (c instanceof ZoneChange.RrsetIncomplete r) {
      return r.name();
    }
    if (c instanceof ZoneChange.RrsetRemoved r) {
      return r.name();
    }
    throw new IllegalArgumentException("not an rrset change: " + c);
  }

  private static void checkRrset(Name zone, Name name, int type, List<Record> records) {
    checkInZone(zone, name);
    for (Record r : records) {
      if (!r.getName().equals(name) || r.getRRsetType() != type) {
        throw new IllegalArgumentException(
            "record "
                + r
                + " does not belong to rrset "
                + name
                + " "
                + org.xbill.DNS.Type.string(type));
      }
    }
  }

  private static void checkInZone(Name zone, Name name) {
    if (!name.subdomain(zone)) {
      throw new IllegalArgumentException(name + " is not in zone " + zone);
    }
  }
}
