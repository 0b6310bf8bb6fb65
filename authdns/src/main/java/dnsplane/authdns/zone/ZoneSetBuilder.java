package dnsplane.authdns.zone;

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

  /**
   * Adds one change, as {@link ZoneSet#apply} would apply it next. A change it would refuse is an
   * {@link IllegalArgumentException}, and leaves the builder as it was.
   */
  public void add(ZoneChange c) {
    if (c instanceof ZoneChange.ZoneCreated z) {
      drafts.put(z.zone(), new ZoneDraft(z.serial()));
    } else if (c instanceof ZoneChange.ZoneDeleted z) {
      drafts.remove(z.zone());
    } else if (c instanceof ZoneChange.RrsetReplaced r) {
      checkRrset(r.zone(), r.name(), r.type(), r.records());
      drafts.computeIfAbsent(r.zone(), k -> new ZoneDraft(r.serial())).add(r, r.serial());
    } else if (c instanceof ZoneChange.RrsetIncomplete r) {
      checkRrset(r.zone(), r.name(), r.type(), r.parsed());
      drafts.computeIfAbsent(r.zone(), k -> new ZoneDraft(r.serial())).add(r, r.serial());
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

  /** The set of every change added; the builder is empty afterwards. */
  public ZoneSet build() {
    PMap<Name, ZoneSnapshot> zones = HashTreePMap.empty();
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
        int grown = size + (size >> 1);
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
      // Grouped by owner through the trie's hash, in arrival order within a hash (a stable sort
      // of longs, where a sort by name costs some twenty name comparisons per change): the
      // changes to one name apply in the order they came, and the names come out in the order
      // the trie is built in.
      // On every core: a million longs take a fifth of a second on one, and the load that
      // built them has finished with the others.
      java.util.Arrays.parallelSort(order, 0, size);
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
