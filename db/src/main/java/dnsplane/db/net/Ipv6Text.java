package dnsplane.db.net;

/**
 * Ipv6Text writes IPv6 addresses in their one canonical form (RFC 5952), so that the planner's
 * plans and the enactor's records compare as text. PURE.
 */
public final class Ipv6Text {

  private Ipv6Text() {}

  /**
   * The RFC 5952 text of a 16-byte IPv6 address: lower-case hex, no leading zeros, the first
   * longest run (≥ 2) of zero groups as "::".
   */
  public static String format(byte[] b) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLen - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(g[i]));
    }
    return out.toString();
  }
}
