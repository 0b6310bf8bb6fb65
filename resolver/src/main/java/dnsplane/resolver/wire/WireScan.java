package dnsplane.resolver.wire;

import java.util.Arrays;

/** WireScan walks a well-formed DNS message and finds where each resource record keeps its TTL. */
public final class WireScan {
  private WireScan() {}

  /**
   * Returns the offsets of the TTL field of every record except OPT, in message order.
   *
   * @throws IllegalArgumentException if the message is cut short
   */
  public static int[] ttlOffsets(byte[] m) {
    int qd = WireQuery.u16(m, 4);
    int rr = WireQuery.u16(m, 6) + WireQuery.u16(m, 8) + WireQuery.u16(m, 10);
    int p = WireQuery.HEADER;
    for (int i = 0; i < qd; i++) {
      p = skipName(m, p) + 4;
    }
    int[] out = new int[rr];
    int n = 0;
    for (int i = 0; i < rr; i++) {
      p = skipName(m, p);
      check(m, p + 10);
      int type = WireQuery.u16(m, p);
      if (type != WireQuery.TYPE_OPT) {
        out[n++] = p + 4;
      }
      p += 10 + WireQuery.u16(m, p + 8);
    }
    check(m, p);
    return Arrays.copyOf(out, n);
  }

  private static int skipName(byte[] m, int p) {
    while (true) {
      check(m, p + 1);
      int len = m[p] & 0xff;
      if (len == 0) {
        return p + 1;
      }
      if ((len & 0xc0) == 0xc0) {
        return p + 2; // a compression pointer ends the name
      }
      p += len + 1;
    }
  }

  private static void check(byte[] m, int end) {
    if (end > m.length) {
      throw new IllegalArgumentException("message cut short at " + end + " of " + m.length);
    }
  }
}
