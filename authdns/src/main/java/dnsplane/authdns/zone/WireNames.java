package dnsplane.authdns.zone;

/**
 * Uncompressed wire names as a query carries them, compared and hashed without regard to case as
 * DNS compares names (ASCII letters only fold, as dnsjava's {@code Name.equals} and canonical form
 * fold them), without making a Name. PURE.
 */
public final class WireNames {
  private WireNames() {}

  /** Whether {@code wire[from..to)} spells the lower-case wire name {@code canonical}. */
  public static boolean sameAs(byte[] canonical, byte[] wire, int from, int to) {
    if (to - from != canonical.length) {
      return false;
    }
    for (int i = 0; i < canonical.length; i++) {
      if (canonical[i] != (byte) lower(wire[from + i])) {
        return false;
      }
    }
    return true;
  }

  /** FNV-1a over {@code wire[from..to)} lowered: the first step of {@link NameTrie#hash}. */
  static int fnv(byte[] wire, int from, int to) {
    int h = 0x811c9dc5;
    for (int i = from; i < to; i++) {
      h = (h ^ lower(wire[i])) * 0x01000193;
    }
    return h;
  }

  private static int lower(byte octet) {
    int b = octet & 0xFF;
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
  }
}
