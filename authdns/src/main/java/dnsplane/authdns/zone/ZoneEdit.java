package dnsplane.authdns.zone;

import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * ZoneEdit is a batch of rrset changes to one zone, folded name by name before any reaches the
 * trie: a name changed k times in the batch copies its trie path once, not k times, and the apex
 * SOA is stamped once, at {@link #done}, not after every change. Catching up through a long change
 * log changes the same names over and over; this is most of what a batch of it costs. {@link #done}
 * gives exactly what {@link ZoneSnapshot#withRrset}, {@link ZoneSnapshot#withRrsetIfAbsent} and
 * {@link ZoneSnapshot#withoutRrset} applied one by one give, owner-name spelling included: a name
 * keeps the spelling it was created with until it is emptied.
 */
final class ZoneEdit {
  private final ZoneSnapshot base;
  private final java.util.HashMap<Name, Pending> pending = new java.util.HashMap<>();
  private long serial;

  ZoneEdit(ZoneSnapshot base) {
    this.base = base;
    this.serial = base.serial();
  }

  /** As {@link ZoneSnapshot#withRrset}; refuses what it refuses, changing nothing. */
  void replace(Name name, int type, List<Record> records, long newSerial) {
    base.checkRrset(name, type, records);
    set(name, current(name).with(type, records));
    serial = newSerial;
  }

  /** As {@link ZoneSnapshot#withRrsetIfAbsent}. */
  void replaceIfAbsent(Name name, int type, List<Record> records, long newSerial) {
    base.checkInZone(name);
    List<Record> served = current(name).rrset(type);
    if (served == null || served.isEmpty()) {
      replace(name, type, records, newSerial);
    }
    serial = newSerial;
  }

  /** As {@link ZoneSnapshot#withoutRrset}. */
  void remove(Name name, int type, long newSerial) {
    base.checkInZone(name);
    Node now = current(name);
    if (!now.isEmpty()) {
      set(name, now.without(type));
    }
    serial = newSerial;
  }

  /** The zone after every change of the batch, its SOA stamped with the last serial. */
  ZoneSnapshot done() {
    NameTrie next = base.nodes;
    // Names that came or went, by ancestor: +1/-1 for each, applied once per ancestor.
    java.util.HashMap<Name, int[]> counts = null;
    for (Map.Entry<Name, Pending> e : pending.entrySet()) {
      Pending p = e.getValue();
      boolean inBase = !p.was.isEmpty();
      int delta = 0;
      if (p.node.isEmpty()) {
        if (inBase) {
          next = next.minus(e.getKey());
          delta = -1;
        }
      } else if (p.key != null) {
        // Created in this batch (perhaps again, after an emptying): the trie keeps the key it
        // holds on a replacement, so the spelling of the creating change needs a fresh entry.
        next = (inBase ? next.minus(p.key) : next).plus(p.key, p.node.packed());
        delta = inBase ? 0 : 1;
      } else if (p.node != p.was) {
        next = next.plus(e.getKey(), p.node.packed());
      }
      if (delta != 0) {
        if (counts == null) {
          counts = new java.util.HashMap<>();
        }
        Name n = e.getKey();
        for (int skip = 1; skip < n.labels(); skip++) {
          counts.computeIfAbsent(new Name(n, skip), k -> new int[1])[0] += delta;
        }
      }
    }
    NameTrie below = base.below;
    if (counts != null) {
      for (Map.Entry<Name, int[]> c : counts.entrySet()) {
        int d = c.getValue()[0];
        if (d != 0) {
          Integer had = (Integer) below.get(c.getKey());
          int now = (had == null ? 0 : had) + d;
          below = now == 0 ? below.minus(c.getKey()) : below.plus(c.getKey(), now);
        }
      }
    }
    return new ZoneSnapshot(base.origin(), base.serial(), next, below).withSerial(serial);
  }

  private Node current(Name name) {
    Pending p = pending.get(name);
    if (p != null) {
      return p.node;
    }
    Node n = base.node(name);
    return n == null ? Node.empty() : n;
  }

  private void set(Name name, Node node) {
    Pending p = pending.get(name);
    if (p == null) {
      Node was = base.node(name);
      p = new Pending(was == null ? Node.empty() : was);
      pending.put(name, p);
    }
    if (p.node.isEmpty() && !node.isEmpty()) {
      p.key = name;
    }
    p.node = node;
  }

  /**
   * A name's node as the batch left it; was: as the base holds it (empty when absent); key: the
   * spelling it was (re)created with, if it was.
   */
  private static final class Pending {
    final Node was;
    Node node;
    Name key;

    Pending(Node was) {
      this.was = was;
      this.node = was;
    }
  }
}
