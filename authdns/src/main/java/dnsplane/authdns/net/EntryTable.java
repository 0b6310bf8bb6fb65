package dnsplane.authdns.net;

import dnsplane.authdns.net.ResponseCache.Entry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * EntryTable is where {@link ResponseCache} keeps its entries: open addressing with linear probing,
 * sized once to twice the entry bound, each {@link Entry} carrying its key and its response in one
 * array. A hit reads a table slot, the entry and that array, where a ConcurrentHashMap read node,
 * key object, key array, value and response array (the hit path's largest cost in the profile of
 * 2026-11-29).
 *
 * <p>Readers ({@link #find}) take no lock: slots are published with release stores and read with
 * acquire loads. Writers ({@link #insert}, {@link #remove}) must be serialized by the caller. A
 * removal shifts later entries of its probe run back instead of leaving a tombstone, so a reader
 * racing it may miss an entry that is there: a miss is always safe (the slow path renders the same
 * answer). A reader can never get an entry for another key (the key bytes are compared).
 *
 * <p>Each slot's hash is kept beside it, in an array of its own: a probe passes over the entries of
 * other keys, and a writer samples or shifts entries, by their hashes alone. At a million names a
 * query is mostly a miss, and each entry read to learn its hash was a miss in the CPU's caches too
 * (the admission's victim sampling alone was 6.7% of authdns's CPU in the profile of 2026-11-30).
 */
final class EntryTable {
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Entry[].class);

  private final Entry[] slots;
  // hashes[i] is the hash of slots[i]'s entry while the slot holds one. Written before the slot's
  // release store; a reader that sees it stale at worst misses (or compares one more key).
  private final int[] hashes;
  private final int shift;

  /** A table for up to {@code maxEntries} entries, at most half full. */
  EntryTable(int maxEntries) {
    // At most half full: linear probing's runs stay short.
    int capacity = Integer.highestOneBit(Math.max(8, maxEntries) * 2 - 1) << 1;
    this.slots = new Entry[capacity];
    this.hashes = new int[capacity];
    this.shift = 32 - Integer.numberOfTrailingZeros(capacity);
  }

  /** How many slots there are. */
  int capacity() {
    return slots.length;
  }

  /** The entry in slot {@code i}, or null; for writers going round the table. */
  Entry at(int i) {
    return slots[i];
  }

  /** The hash of the entry in slot {@code i}, when {@link #at} is not null; for writers. */
  int hashAt(int i) {
    return hashes[i];
  }

  /** The slot after {@code i}, going round. */
  int next(int i) {
    return (i + 1) & (slots.length - 1);
  }

  /** The entry stored under {@code key}, or null. Takes no lock. */
  Entry find(CacheKey key) {
    int hash = key.hashCode();
    for (int i = home(hash), n = 0; n < slots.length; i = next(i), n++) {
      Entry e = slot(i);
      if (e == null) {
        return null;
      }
      if (hashes[i] == hash && e.matches(key)) {
        return e;
      }
    }
    return null;
  }

  /** Stores {@code c} under {@code key}; returns the entry it replaced, or null. */
  Entry insert(Entry c, CacheKey key) {
    for (int i = home(c.hash); ; i = next(i)) {
      Entry e = slots[i];
      if (e == null || hashes[i] == c.hash && e.matches(key)) {
        hashes[i] = c.hash;
        setSlot(i, c);
        return e;
      }
    }
  }

  /** Takes {@code c} (this very entry) out of the table; false when it is not there. */
  boolean remove(Entry c) {
    for (int i = home(c.hash); ; i = next(i)) {
      Entry e = slots[i];
      if (e == null) {
        return false;
      }
      if (e == c) {
        deleteAt(i);
        return true;
      }
    }
  }

  private int home(int hash) {
    return (hash * 0x9E3779B9) >>> shift; // Fibonacci hashing: spreads the polynomial hash
  }

  private Entry slot(int i) {
    return (Entry) SLOT.getAcquire(slots, i);
  }

  private void setSlot(int i, Entry e) {
    SLOT.setRelease(slots, i, e);
  }

  /**
   * Empties slot {@code hole}, moving back each later entry of the probe run that the hole would
   * otherwise cut off from its home slot (Knuth's algorithm R for linear probing).
   */
  private void deleteAt(int hole) {
    int mask = slots.length - 1;
    for (int j = next(hole); ; j = next(j)) {
      Entry e = slots[j];
      if (e == null) {
        break;
      }
      int home = home(hashes[j]);
      // e may fill the hole when its home is not cyclically within (hole, j].
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        hashes[hole] = hashes[j];
        setSlot(hole, e);
        hole = j;
      }
    }
    setSlot(hole, null);
  }
}
