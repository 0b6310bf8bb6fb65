package dnsplane.authdns.zone;

import org.xbill.DNS.Name;

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

  /**
   * Whether {@code name} is the name spelled {@code wire[from..to)} (its bytes are copied to
   * compare).
   */
  static boolean sameAs(Name name, byte[] wire, int from, int to) {
    return name.length() == to - from && sameAs(name.toWireCanonical(), wire, from, to);
  }

  /**
   * The hash {@link NameTrie} files the name {@code wire[from..to)} under, in any case: FNV-1a over
   * its canonical (lower-case) wire form, then a finalizer that spreads every input bit over the
   * top bits the trie's first levels use. Lets the answer path hash a query's name, or any suffix
   * of it, straight from the packet's bytes.
   */
  public static int hash(byte[] wire, int from, int to) {
    int h = 0x811c9dc5;
    for (int i = from; i < to; i++) {
      h = (h ^ lower(wire[i])) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static int lower(byte octet) {
    int b = octet & 0xFF;
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
  }
}
