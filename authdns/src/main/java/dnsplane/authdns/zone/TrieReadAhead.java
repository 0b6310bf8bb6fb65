package dnsplane.authdns.zone;

import org.xbill.DNS.Name;

/**
 * TrieReadAhead reads, for a batch of names about to be looked up one by one, what their look-ups
 * in a {@link NameTrie} will read, so that the cache misses of different names overlap (see {@link
 * #touch}). It only reads. PURE.
 */
final class TrieReadAhead {
  private TrieReadAhead() {}

  /**
   * Walks, for each of the first {@code count} hashes, the path a look-up of it takes, to the key
   * and value it ends at, and returns a number that depends on every read (so that none is left
   * out). The walks go level by level across all the hashes: each read of a path depends on the one
   * before it, but the reads of different paths do not, so the processor has the cache misses of
   * many look-ups in flight at once, where one look-up after another waits for each in turn. {@code
   * cursors} is scratch, at least {@code count} long.
   */
  static int touch(NameTrie trie, int[] hashes, int count, Object[] cursors) {
    Object root = trie.root;
    if (root == null) {
      return 0;
    }
    int sum = 0;
    for (int q = 0; q < count; q++) {
      cursors[q] = root;
    }
    boolean deeper = true;
    for (int level = 0; deeper && level < NameTrie.LEVELS; level++) {
      deeper = false;
      for (int q = 0; q < count; q++) {
        if (!(cursors[q] instanceof NameTrie.Level l)) {
          cursors[q] = null; // absent, or a collision node (rare: the look-up reads it)
          continue;
        }
        int bit = 1 << NameTrie.chunk(hashes[q], level);
        if ((l.bitmap & bit) == 0) {
          cursors[q] = null;
          continue;
        }
        int i = 2 * Integer.bitCount(l.bitmap & (bit - 1));
        Object key = l.slots[i];
        Object next = l.slots[i + 1];
        if (key == null) {
          cursors[q] = next;
          deeper = true;
        } else {
          // The key's length reads the Name and the start of its bytes; the check of the value's
          // class reads its header, and the object is as small as a cache line or two.
          cursors[q] = null;
          sum += ((Name) key).length() + (next instanceof Node ? 1 : 2);
        }
      }
    }
    return sum;
  }
}
