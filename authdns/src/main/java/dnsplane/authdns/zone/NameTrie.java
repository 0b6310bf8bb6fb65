package dnsplane.authdns.zone;

import java.util.function.BiConsumer;
import org.xbill.DNS.Name;

/**
 * NameTrie is a persistent hash map from owner names (compared as DNS compares them, without regard
 * to case) to values: a hash array mapped trie, 32 ways per level. Immutable: {@link #plus} and
 * {@link #minus} return a new trie that shares every node off the changed path, so a change costs a
 * few short array copies (the trie of a million names is five levels deep) however big the map is,
 * and a reader of the old trie sees the old map.
 *
 * <p>Why not a sorted tree: the exact-name lookup is what every answer does, and in a balanced tree
 * of a million names it is twenty name comparisons, each reaching a tree node, a Name and its bytes
 * somewhere else in the heap; here it is one hash of the name, five array reads and one name
 * comparison. And a tree holds one 40-byte node object per name, where this holds two array slots
 * and a share of a node (about a quarter of that).
 *
 * <p>The hash is {@link #hash}, not {@link Name#hashCode}: dnsjava's multiplies by 9 per octet, so
 * same-length digit strings collide by the hundred thousand ("h09" and "h10" hash alike), and
 * colliding names would all sit in one chain at the bottom of the trie.
 *
 * <p>Layout: a level node is a 32-bit bitmap of the hash chunks present and an array of two slots
 * per chunk, (key, value) for an entry, or (null, child node) for a subtrie. Chunks are taken from
 * the top of the hash down, so a trie walked in slot order visits its entries in ascending
 * (unsigned) hash order: that is what lets {@link #ofHashSorted} build a trie in one linear pass.
 * Names whose whole hash is equal end in a collision node, a plain list of pairs.
 */
final class NameTrie {
  static final NameTrie EMPTY = new NameTrie(null, 0);

  // Seven levels use 35 bits: the hash shifted left by 3, chunks of 5 from the top.
  static final int LEVELS = 7;

  final Object root; // a Level, or null when empty
  private final int size;

  private NameTrie(Object root, int size) {
    this.root = root;
    this.size = size;
  }

  /** A level: bitmap of the chunks present, two array slots per chunk (see the class comment). */
  static final class Level {
    final int bitmap;
    final Object[] slots;

    Level(int bitmap, Object[] slots) {
      this.bitmap = bitmap;
      this.slots = slots;
    }
  }

  /** Names of one and the same hash, as (key, value) pairs. */
  private static final class Collision {
    final Object[] slots;

    Collision(Object[] slots) {
      this.slots = slots;
    }
  }

  /** The hash the trie files {@code name} under: {@link WireNames#hash} of its wire form. */
  static int hash(Name name) {
    return PlainNames.hash(name);
  }

  static int chunk(int hash, int level) {
    long wide = (hash & 0xFFFFFFFFL) << 3;
    return (int) (wide >>> (30 - 5 * level)) & 31;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The value of {@code key}, or null. */
  Object get(Name key) {
    return root == null ? null : get(key, hash(key));
  }

  /** As {@link #get}, {@code hash} being {@link #hash}{@code (key)}. */
  Object get(Name key, int hash) {
    return find(key, null, 0, 0, hash, VALUE, null);
  }

  /**
   * The value of the name whose uncompressed wire form is {@code wire[from..to)}, in any case, or
   * null; the key stored for it goes to {@code keyFound[0]}. For a caller that has the name's bytes
   * and no Name: it makes none (only a copy of the stored key's bytes, to compare).
   */
  Object getWire(byte[] wire, int from, int to, Name[] keyFound) {
    return root == null
        ? null
        : find(null, wire, from, to, WireNames.hash(wire, from, to), VALUE, keyFound);
  }

  /** The key stored for {@code key} (its spelling as first put), or null when absent. */
  Name storedKey(Name key) {
    return (Name) find(key, null, 0, 0, hash(key), KEY, null);
  }

  private static final int KEY = 0;
  private static final int VALUE = 1;

  /**
   * Slot {@code which} (KEY or VALUE) of the entry of {@code key}, or when that is null of the name
   * {@code wire[from..to)}; null when absent. The key found goes to {@code keyFound[0]} if given.
   */
  private Object find(
      Name key, byte[] wire, int from, int to, int hash, int which, Name[] keyFound) {
    Object n = root;
    for (int level = 0; n != null; level++) {
      Object[] s;
      int i;
      int end;
      if (n instanceof Level l) {
        int bit = 1 << chunk(hash, level);
        if ((l.bitmap & bit) == 0) {
          return null;
        }
        i = 2 * Integer.bitCount(l.bitmap & (bit - 1));
        if (l.slots[i] == null) {
          n = l.slots[i + 1];
          continue;
        }
        s = l.slots;
        end = i + 2; // one entry to compare
      } else {
        s = ((Collision) n).slots;
        i = 0;
        end = s.length;
      }
      for (; i < end; i += 2) {
        Name k = (Name) s[i];
        if (key != null ? key.equals(k) : WireNames.sameAs(k, wire, from, to)) {
          if (keyFound != null) {
            keyFound[0] = k;
          }
          return s[i + which];
        }
      }
      return null;
    }
    return null;
  }

  /**
   * The map with {@code key} mapped to {@code value} (not null). A key already present keeps the
   * spelling it has; only its value changes. Returns this trie when nothing changes.
   */
  NameTrie plus(Name key, Object value) {
    boolean[] added = new boolean[1];
    Object r = plus(root, 0, hash(key), key, value, added);
    return r == root ? this : new NameTrie(r, size + (added[0] ? 1 : 0));
  }

  /** The map without {@code key}; this trie when it is absent. */
  NameTrie minus(Name key) {
    if (root == null) {
      return this;
    }
    Object r = minus(root, 0, hash(key), key);
    // The root is a level: minus returns a level or null for it, never a collision node.
    return r == root ? this : new NameTrie(r, size - 1);
  }

  /** Calls {@code action} with every key and value, in hash order (no other order). */
  void forEach(BiConsumer<Name, Object> action) {
    if (root != null) {
      forEach(root, action);
    }
  }

  private static void forEach(Object n, BiConsumer<Name, Object> action) {
    Object[] s = n instanceof Level l ? l.slots : ((Collision) n).slots;
    for (int i = 0; i < s.length; i += 2) {
      if (s[i] == null) {
        forEach(s[i + 1], action);
      } else {
        action.accept((Name) s[i], s[i + 1]);
      }
    }
  }

  private static Object plus(
      Object n, int level, int hash, Name key, Object value, boolean[] added) {
    if (n == null) {
      added[0] = true;
      return single(key, value, level);
    }
    if (n instanceof Collision c) {
      Object[] s = c.slots;
      for (int i = 0; i < s.length; i += 2) {
        if (key.equals(s[i])) {
          if (s[i + 1] == value) {
            return n;
          }
          Object[] t = s.clone();
          t[i + 1] = value;
          return new Collision(t);
        }
      }
      added[0] = true;
      Object[] t = java.util.Arrays.copyOf(s, s.length + 2);
      t[s.length] = key;
      t[s.length + 1] = value;
      return new Collision(t);
    }
    Level l = (Level) n;
    int bit = 1 << chunk(hash, level);
    int i = 2 * Integer.bitCount(l.bitmap & (bit - 1));
    if ((l.bitmap & bit) == 0) {
      added[0] = true;
      Object[] t = new Object[l.slots.length + 2];
      System.arraycopy(l.slots, 0, t, 0, i);
      t[i] = key;
      t[i + 1] = value;
      System.arraycopy(l.slots, i, t, i + 2, l.slots.length - i);
      return new Level(l.bitmap | bit, t);
    }
    Object k = l.slots[i];
    Object v = l.slots[i + 1];
    Object replacement;
    if (k == null) {
      replacement = plus(v, level + 1, hash, key, value, added);
      if (replacement == v) {
        return n;
      }
    } else if (key.equals(k)) {
      if (v == value) {
        return n;
      }
      Object[] t = l.slots.clone();
      t[i + 1] = value;
      return new Level(l.bitmap, t);
    } else {
      added[0] = true;
      replacement = pair((Name) k, v, hash((Name) k), key, value, hash, level + 1);
    }
    Object[] t = l.slots.clone();
    t[i] = null;
    t[i + 1] = replacement;
    return new Level(l.bitmap, t);
  }

  /** A node at {@code level} holding one entry. */
  private static Object single(Name key, Object value, int level) {
    return level >= LEVELS
        ? new Collision(new Object[] {key, value})
        : new Level(1 << chunk(hash(key), level), new Object[] {key, value});
  }

  /** A node at {@code level} holding two entries of different keys. */
  private static Object pair(Name k1, Object v1, int h1, Name k2, Object v2, int h2, int level) {
    if (level >= LEVELS) {
      return new Collision(new Object[] {k1, v1, k2, v2});
    }
    int c1 = chunk(h1, level);
    int c2 = chunk(h2, level);
    if (c1 == c2) {
      return new Level(1 << c1, new Object[] {null, pair(k1, v1, h1, k2, v2, h2, level + 1)});
    }
    return c1 < c2
        ? new Level((1 << c1) | (1 << c2), new Object[] {k1, v1, k2, v2})
        : new Level((1 << c1) | (1 << c2), new Object[] {k2, v2, k1, v1});
  }

  /**
   * {@code n} without {@code key}: the same node when absent, null when it held only that key. A
   * child left with one entry and no subtrie is folded into its parent's slot, so the trie stays as
   * shallow as its entries need.
   */
  private static Object minus(Object n, int level, int hash, Name key) {
    if (n instanceof Collision c) {
      Object[] s = c.slots;
      for (int i = 0; i < s.length; i += 2) {
        if (key.equals(s[i])) {
          if (s.length == 2) {
            return null;
          }
          Object[] t = new Object[s.length - 2];
          System.arraycopy(s, 0, t, 0, i);
          System.arraycopy(s, i + 2, t, i, s.length - i - 2);
          return new Collision(t);
        }
      }
      return n;
    }
    Level l = (Level) n;
    int bit = 1 << chunk(hash, level);
    if ((l.bitmap & bit) == 0) {
      return n;
    }
    int i = 2 * Integer.bitCount(l.bitmap & (bit - 1));
    Object k = l.slots[i];
    Object v = l.slots[i + 1];
    if (k == null) {
      Object child = minus(v, level + 1, hash, key);
      if (child == v) {
        return n;
      }
      if (child != null) {
        Object[] t = l.slots.clone();
        Object[] cs = child instanceof Level cl ? cl.slots : ((Collision) child).slots;
        if (cs.length == 2 && cs[0] != null) {
          t[i] = cs[0]; // one entry left below: it moves up into this slot
          t[i + 1] = cs[1];
        } else {
          t[i + 1] = child;
        }
        return new Level(l.bitmap, t);
      }
    } else if (!key.equals(k)) {
      return n;
    }
    // The slot goes.
    if (l.slots.length == 2) {
      return null;
    }
    Object[] t = new Object[l.slots.length - 2];
    System.arraycopy(l.slots, 0, t, 0, i);
    System.arraycopy(l.slots, i + 2, t, i, l.slots.length - i - 2);
    return new Level(l.bitmap & ~bit, t);
  }

  /**
   * The trie of the first {@code count} entries of {@code keys}, {@code values} and {@code hashes}
   * ({@code hashes[i]} = {@link #hash}{@code (keys[i])}), given in ascending unsigned hash order
   * and with distinct keys. Linear: each level is cut from a run of the arrays.
   */
  static NameTrie ofHashSorted(Name[] keys, Object[] values, int[] hashes, int count) {
    if (count == 0) {
      return EMPTY;
    }
    // Level 0 is always a level (build makes collision nodes only below the last level).
    return new NameTrie(build(keys, values, hashes, 0, count, 0), count);
  }

  /** The node at {@code level} of entries [from, to), which share their chunks above it. */
  private static Object build(
      Name[] keys, Object[] values, int[] hashes, int from, int to, int level) {
    if (level >= LEVELS) {
      Object[] s = new Object[2 * (to - from)];
      for (int i = from; i < to; i++) {
        s[2 * (i - from)] = keys[i];
        s[2 * (i - from) + 1] = values[i];
      }
      return new Collision(s);
    }
    int bitmap = 0;
    int chunks = 0;
    for (int i = from; i < to; ) {
      int c = chunk(hashes[i], level);
      bitmap |= 1 << c;
      chunks++;
      while (i < to && chunk(hashes[i], level) == c) {
        i++;
      }
    }
    Object[] s = new Object[2 * chunks];
    int at = 0;
    for (int i = from; i < to; ) {
      int c = chunk(hashes[i], level);
      int end = i;
      while (end < to && chunk(hashes[end], level) == c) {
        end++;
      }
      if (end - i == 1) {
        s[at] = keys[i];
        s[at + 1] = values[i];
      } else {
        s[at + 1] = build(keys, values, hashes, i, end, level + 1);
      }
      at += 2;
      i = end;
    }
    return new Level(bitmap, s);
  }
}
