package dnsplane.authdns.net;

/**
 * FrequencySketch estimates how often each key was asked for recently: a count-min sketch of 4-bit
 * counters, all halved once every {@code 10 × width} increments, so that what was popular long ago
 * fades (TinyLFU, Einziger, Friedman and Manes, 2017; the layout follows Caffeine's: a key's four
 * counters share one 64-byte block, so a look-up touches one cache line).
 *
 * <p>It is approximate by design and takes no lock: event-loop threads increment it concurrently
 * with plain reads and writes, and a race only loses a count or delays a halving. An estimate is
 * never below the true recent count by more than those lost counts, and above it only where keys
 * share all four counters.
 */
final class FrequencySketch {
  private static final long RESET_MASK = 0x7777_7777_7777_7777L;
  private static final int MAX = 15;

  private final long[] table;
  private final int blockMask;
  private final int sampleSize;
  private int increments;

  /** A sketch for about {@code width} distinct keys of interest (the cache's entry bound). */
  FrequencySketch(int width) {
    int longs = Math.max(8, Integer.highestOneBit(Math.max(1, width) * 2 - 1));
    this.table = new long[longs];
    this.blockMask = (longs >>> 3) - 1;
    this.sampleSize = 10 * Math.max(longs, 8);
  }

  /** The estimated recent count of the key with hash {@code hash}, 0 to 15. */
  int frequency(int hash) {
    int blockHash = spread(hash);
    int counterHash = rehash(blockHash);
    int block = (blockHash & blockMask) << 3;
    int min = MAX;
    for (int i = 0; i < 4; i++) {
      int h = counterHash >>> (i << 3);
      int index = (h >>> 1) & 15;
      int slot = block + (h & 1) + (i << 1);
      min = Math.min(min, (int) ((table[slot] >>> (index << 2)) & 0xF));
    }
    return min;
  }

  /** Counts one more request for the key with hash {@code hash}. */
  void increment(int hash) {
    int blockHash = spread(hash);
    int counterHash = rehash(blockHash);
    int block = (blockHash & blockMask) << 3;
    // Conservative update: only the counters at the minimum grow, which keeps the estimates of
    // keys that share some counters with a popular one close to their own counts.
    int min = frequency(hash);
    if (min == MAX) {
      return;
    }
    for (int i = 0; i < 4; i++) {
      int h = counterHash >>> (i << 3);
      int index = (h >>> 1) & 15;
      int slot = block + (h & 1) + (i << 1);
      int shift = index << 2;
      if (((table[slot] >>> shift) & 0xF) == min) {
        table[slot] += 1L << shift;
      }
    }
    if (++increments >= sampleSize) {
      halve();
    }
  }

  /** Halves every counter: the recent past counts, the distant past fades. */
  private void halve() {
    increments = 0;
    for (int i = 0; i < table.length; i++) {
      table[i] = (table[i] >>> 1) & RESET_MASK;
    }
  }

  /** The cache key's polynomial hash, mixed so that nearby keys land in unrelated blocks. */
  private static int spread(int x) {
    x ^= x >>> 17;
    x *= 0xed5ad4bb;
    x ^= x >>> 11;
    x *= 0xac4c1b51;
    x ^= x >>> 15;
    return x;
  }

  private static int rehash(int x) {
    x *= 0x31848bab;
    x ^= x >>> 14;
    return x;
  }
}
