package dnsplane.authdns.zone;

import java.util.Arrays;

/**
 * Sorts {@link ZoneSnapshot#hashOrder} values: a name's trie hash in the high 32 bits, its index in
 * arrival order in the low 32. Those indexes come in ascending order, so a stable sort on the high
 * half alone gives the order a sort of the whole longs gives; a least-significant-digit radix sort
 * is stable and does that in four linear passes, where a comparison sort of a million longs (a full
 * load's rrsets) costs some twenty comparisons each and a fifth of a second. PURE.
 */
final class HashOrders {
  /** Below this many, a comparison sort is as fast and needs no second array. */
  private static final int RADIX_FROM = 4096;

  private HashOrders() {}

  /**
   * Sorts {@code orders[0..size)} ascending. Each value's low 32 bits must be its position among
   * those {@code size} values' arrival (ascending as given), as {@link ZoneSnapshot#hashOrder}
   * makes them.
   */
  static void sort(long[] orders, int size) {
    if (size < RADIX_FROM) {
      Arrays.sort(orders, 0, size);
      return;
    }
    long[] from = orders;
    long[] to = new long[size];
    int[] counts = new int[256];
    for (int shift = 32; shift < 64; shift += 8) {
      Arrays.fill(counts, 0);
      for (int i = 0; i < size; i++) {
        counts[(int) (from[i] >>> shift) & 0xFF]++;
      }
      if (counts[(int) (from[0] >>> shift) & 0xFF] == size) {
        continue; // every value has this digit: the pass would move nothing
      }
      // The signed order of the longs: the top digit's sign bit flips which half comes first.
      int first = shift == 56 ? 0x80 : 0;
      int at = 0;
      for (int d = 0; d < 256; d++) {
        int digit = (d + first) & 0xFF;
        int c = counts[digit];
        counts[digit] = at;
        at += c;
      }
      for (int i = 0; i < size; i++) {
        long v = from[i];
        to[counts[(int) (v >>> shift) & 0xFF]++] = v;
      }
      long[] swap = from;
      from = to;
      to = swap;
    }
    if (from != orders) {
      System.arraycopy(from, 0, orders, 0, size);
    }
  }
}
