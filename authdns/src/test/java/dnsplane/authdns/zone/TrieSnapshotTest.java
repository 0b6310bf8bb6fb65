package dnsplane.authdns.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The hash-trie snapshot ({@link ZoneSnapshot}, {@link NameTrie}) against the sorted tree it
 * replaced ({@link OldZoneSnapshot}, kept verbatim in the tests): on random changes, one by one and
 * in batches, to names at several depths, spelled in either case, some of them the names whose trie
 * hashes collide, both hold the same names (spelling included), nodes and serials, and answer
 * node() and exists() alike for stored names, empty non-terminals, their ancestors up to the root
 * and names that are not there.
 */
class TrieSnapshotTest {
  private static final Name ORIGIN = Name.fromConstantString("zone.test.");

  @Test
  void aTrieSnapshotAnswersAsTheSortedTreeDid() throws Exception {
    Random random = new Random(20261130);
    List<Name> pool = namePool(random);
    for (int round = 0; round < 60; round++) {
      ZoneSnapshot now = ZoneSnapshot.empty(ORIGIN, 1);
      OldZoneSnapshot old = OldZoneSnapshot.empty(ORIGIN, 1);
      long serial = 1;
      for (int step = 0; step < 120; step++) {
        if (random.nextInt(4) == 0) {
          // A batch: the same changes folded by Edit on both sides.
          ZoneEdit e = new ZoneEdit(now);
          OldZoneSnapshot.Edit o = new OldZoneSnapshot.Edit(old);
          int n = 1 + random.nextInt(20);
          for (int i = 0; i < n; i++) {
            Change c = change(random, pool, ++serial);
            switch (c.op) {
              case 0 -> {
                e.replace(c.name, c.type, c.records, c.serial);
                o.replace(c.name, c.type, c.records, c.serial);
              }
              case 1 -> {
                e.replaceIfAbsent(c.name, c.type, c.records, c.serial);
                o.replaceIfAbsent(c.name, c.type, c.records, c.serial);
              }
              default -> {
                e.remove(c.name, c.type, c.serial);
                o.remove(c.name, c.type, c.serial);
              }
            }
          }
          now = e.done();
          old = o.done();
        } else {
          Change c = change(random, pool, ++serial);
          switch (c.op) {
            case 0 -> {
              now = now.withRrset(c.name, c.type, c.records, c.serial);
              old = old.withRrset(c.name, c.type, c.records, c.serial);
            }
            case 1 -> {
              now = now.withRrsetIfAbsent(c.name, c.type, c.records, c.serial);
              old = old.withRrsetIfAbsent(c.name, c.type, c.records, c.serial);
            }
            default -> {
              now = now.withoutRrset(c.name, c.type, c.serial);
              old = old.withoutRrset(c.name, c.type, c.serial);
            }
          }
        }
        assertAlike(old, now, pool, "round " + round + " step " + step);
      }
      // The same zone built in bulk (the full load's way) is the same zone again.
      assertAlike(old, rebuilt(now), pool, "round " + round + ", rebuilt in bulk");
    }
  }

  @Test
  void aChangeOutsideTheZoneIsRefusedAndChangesNothing() throws Exception {
    ZoneSnapshot z = ZoneSnapshot.empty(ORIGIN, 1);
    Name outside = Name.fromString("www.elsewhere.");
    assertThrows(
        IllegalArgumentException.class,
        () -> z.withRrset(outside, Type.A, List.of(a(outside, 1)), 2));
    assertEquals(0, z.nameCount());
  }

  /** NameTrie alone, against a HashMap, with many colliding keys and deep paths. */
  @Test
  void theTrieIsAMap() throws Exception {
    Random random = new Random(7);
    List<Name> pool = namePool(random);
    NameTrie trie = NameTrie.EMPTY;
    Map<String, Object[]> model = new HashMap<>(); // lower-case text -> {key as stored, value}
    for (int step = 0; step < 20_000; step++) {
      Name n = pool.get(random.nextInt(pool.size()));
      String k = n.toString().toLowerCase(java.util.Locale.ROOT);
      if (random.nextInt(3) == 0) {
        NameTrie next = trie.minus(n);
        if (model.remove(k) == null) {
          assertSame(trie, next, "removing what is not there changes nothing");
        }
        trie = next;
      } else {
        Integer v = random.nextInt(5);
        trie = trie.plus(n, v);
        Object[] had = model.get(k);
        model.put(k, new Object[] {had == null ? n : had[0], v});
      }
      assertEquals(model.size(), trie.size());
      if (step % 97 == 0 || step > 19_900) {
        for (Name p : pool) {
          Object[] m = model.get(p.toString().toLowerCase(java.util.Locale.ROOT));
          assertEquals(m == null ? null : m[1], trie.get(p), p.toString());
          Name stored = trie.storedKey(p);
          assertEquals(
              m == null ? null : m[0].toString(), stored == null ? null : stored.toString());
        }
        Map<String, Object> walked = new HashMap<>();
        trie.forEach(
            (key, value) -> walked.put(key.toString().toLowerCase(java.util.Locale.ROOT), value));
        assertEquals(model.size(), walked.size());
        for (Map.Entry<String, Object[]> e : model.entrySet()) {
          assertEquals(e.getValue()[1], walked.get(e.getKey()));
        }
        // Built in bulk from the same entries: the same map.
        NameTrie bulk = bulk(trie);
        for (Name p : pool) {
          assertEquals(trie.get(p), bulk.get(p), p.toString());
        }
      }
    }
    for (Name p : pool) {
      trie = trie.minus(p);
    }
    assertTrue(trie.isEmpty());
    assertNull(trie.get(pool.get(0)));
  }

  /** {@code trie} rebuilt with {@link NameTrie#ofHashSorted}. */
  private static NameTrie bulk(NameTrie trie) {
    List<Name> keys = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    trie.forEach(
        (k, v) -> {
          keys.add(k);
          values.add(v);
        });
    int n = keys.size();
    long[] order = new long[n];
    for (int i = 0; i < n; i++) {
      order[i] = ZoneSnapshot.hashOrder(NameTrie.hash(keys.get(i)), i);
    }
    java.util.Arrays.sort(order);
    Name[] k = new Name[n];
    Object[] v = new Object[n];
    int[] h = new int[n];
    for (int i = 0; i < n; i++) {
      k[i] = keys.get((int) order[i]);
      v[i] = values.get((int) order[i]);
      h[i] = NameTrie.hash(k[i]);
    }
    return NameTrie.ofHashSorted(k, v, h, n);
  }

  /** {@code z} through {@link ZoneSet#build}: each of its rrsets as a change, in hash order. */
  private static ZoneSnapshot rebuilt(ZoneSnapshot z) {
    List<ZoneChange> changes = new ArrayList<>();
    changes.add(new ZoneChange.ZoneCreated(ORIGIN, z.serial()));
    z.forEachNode(
        (name, node) -> {
          for (int type : node.types()) {
            changes.add(
                new ZoneChange.RrsetReplaced(ORIGIN, name, type, node.rrset(type), z.serial()));
          }
        });
    return ZoneSet.build(changes).zone(ORIGIN).orElseThrow();
  }

  private static void assertAlike(
      OldZoneSnapshot old, ZoneSnapshot now, List<Name> pool, String what) {
    assertEquals(old.serial(), now.serial(), what);
    assertEquals(old.nameCount(), now.nameCount(), what);
    assertEquals(String.valueOf(old.soa()), String.valueOf(now.soa()), what);
    assertEquals(dump(old.nodes()), dump(now.nodes()), what);
    assertEquals(old.records(), now.records(), what);
    assertEquals(old.records().size(), now.recordCount(), what + ": recordCount");
    for (Name p : pool) {
      for (int up = 0; up < p.labels(); up++) {
        Name q = up == 0 ? p : new Name(p, up);
        assertEquals(old.exists(q), now.exists(q), what + ": exists " + q);
        Node o = old.node(q);
        Node n = now.node(q);
        assertEquals(o == null ? null : node(o), n == null ? null : node(n), what + ": " + q);
      }
    }
  }

  private static List<String> dump(Iterable<Map.Entry<Name, Node>> nodes) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<Name, Node> e : nodes) {
      out.add(e.getKey() + " " + node(e.getValue()));
    }
    return out;
  }

  private static String node(Node n) {
    Map<String, String> sets = new TreeMap<>();
    for (int t : n.types()) {
      sets.put(Type.string(t), String.valueOf(n.rrset(t)));
    }
    return sets.toString();
  }

  private record Change(int op, Name name, int type, List<Record> records, long serial) {}

  private static Change change(Random random, List<Name> pool, long serial) throws Exception {
    Name name = random.nextInt(8) == 0 ? ORIGIN : pool.get(random.nextInt(pool.size()));
    if (!name.subdomain(ORIGIN)) {
      name = ORIGIN;
    }
    int op = random.nextInt(3);
    int type;
    List<Record> records;
    switch (name.equals(ORIGIN) ? random.nextInt(5) : random.nextInt(4)) {
      case 0 -> {
        type = Type.A;
        records = new ArrayList<>();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
          records.add(a(name, random.nextInt(4)));
        }
      }
      case 1 -> {
        type = Type.TXT;
        records = List.of(new TXTRecord(name, DClass.IN, 60, "t" + random.nextInt(3)));
      }
      case 2 -> {
        type = Type.NS;
        records = List.of(new NSRecord(name, DClass.IN, 60, Name.fromString("ns.other.")));
      }
      case 3 -> {
        type = Type.CNAME;
        records = List.of(new CNAMERecord(name, DClass.IN, 60, Name.fromString("t.other.")));
      }
      default -> {
        type = Type.SOA;
        records =
            List.of(
                new SOARecord(
                    name,
                    DClass.IN,
                    60,
                    Name.fromString("ns.other."),
                    Name.fromString("h.other."),
                    random.nextInt(10),
                    1,
                    1,
                    1,
                    1));
      }
    }
    return new Change(op, name, type, records, serial);
  }

  private static Record a(Name name, int i) throws Exception {
    return new ARecord(
        name, DClass.IN, 60, InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i}));
  }

  /**
   * Names at depths 1 to 3 below the origin in both spellings, a wildcard, a name above the origin
   * and out of it, and pairs of names whose trie hashes are equal (found by search: a 32-bit hash
   * repeats within a few hundred thousand names).
   */
  private static List<Name> namePool(Random random) throws Exception {
    List<Name> pool = new ArrayList<>();
    String[] labels = {"a", "B", "c", "*", "x-1"};
    for (String l1 : labels) {
      Name n1 = Name.fromString(l1, ORIGIN);
      pool.add(n1);
      pool.add(Name.fromString(l1.toUpperCase(java.util.Locale.ROOT), ORIGIN));
      for (String l2 : labels) {
        if (random.nextBoolean()) {
          Name n2 = Name.fromString(l2, n1);
          pool.add(n2);
          if (random.nextBoolean()) {
            pool.add(Name.fromString("deep", n2));
          }
        }
      }
    }
    pool.add(Name.fromString("test."));
    pool.add(Name.fromString("elsewhere."));
    Map<Integer, Name> seen = new HashMap<>();
    int pairs = 0;
    for (int i = 0; pairs < 6; i++) {
      Name n = Name.fromString("c" + i, ORIGIN);
      Name other = seen.putIfAbsent(NameTrie.hash(n), n);
      if (other != null) {
        pool.add(other);
        pool.add(n);
        pool.add(Name.fromString("Q", n)); // below one of them: an empty non-terminal
        pairs++;
      }
    }
    return pool;
  }
}
