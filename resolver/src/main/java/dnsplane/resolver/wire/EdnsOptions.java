package dnsplane.resolver.wire;

/**
 * EdnsOptions checks an OPT record's RDATA (RFC 6891 §6.1.2) as strictly as dnsjava 3.7 reads it,
 * so that {@link WireQuery#parse} never takes a query dnsjava refuses: every reply that is not a
 * cache hit is built with dnsjava, and such a query could not be answered (fuzz findings R1/R2). It
 * allocates nothing: it runs for every query on the hit path.
 *
 * <p>The RDATA is a list of options, each a 2-octet code, a 2-octet length and that many octets of
 * data, the list filling RDLENGTH exactly. dnsjava also reads the data of some options, and
 * refuses:
 *
 * <pre>
 *  option (code)               refused when its data is
 *  --------------------------  --------------------------------------------------------------------------
 *  edns-client-subnet (8)      under 4 octets; of a family other than 1 (IPv4) or 2 (IPv6); with a source or
 *                              scope prefix longer than the address; not (source + 7) / 8 address octets;
 *                              with a bit set past the source prefix; an IPv4-mapped IPv6 address (Java reads
 *                              ::ffff:0:0/96 as IPv4, and dnsjava then throws IllegalArgumentException)
 *  COOKIE (10)                 under 8 octets (client cookie), or over 8 but not 16 to 40 (server cookie)
 *  edns-tcp-keepalive (11)     neither 0 nor 2 octets
 *  Extended DNS Error (15)     under 2 octets (the INFO-CODE)
 *  any other                   never: dnsjava keeps it as opaque octets
 * </pre>
 *
 * dnsjava forgives a malformed OPT record when the query has TC set (it drops the record); this
 * check does not, and such a query goes the dnsjava way ({@link Responses#check}), which decides on
 * it.
 */
final class EdnsOptions {
  static final int CLIENT_SUBNET = 8;
  static final int COOKIE = 10;
  static final int TCP_KEEPALIVE = 11;
  static final int EXTENDED_ERROR = 15;

  private EdnsOptions() {}

  /** Whether {@code b[from, end)}, an OPT record's RDATA, is a list of options dnsjava reads. */
  static boolean valid(byte[] b, int from, int end) {
    int p = from;
    // each turn moves p on by at least 4 octets, so the loop ends within RDLENGTH / 4 turns
    while (p < end) {
      if (end - p < 4) {
        return false; // not even room for code and length
      }
      int code = WireQuery.u16(b, p);
      int len = WireQuery.u16(b, p + 2);
      p += 4;
      if (len > end - p || !dataValid(code, b, p, len)) {
        return false;
      }
      p += len;
    }
    return true;
  }

  private static boolean dataValid(int code, byte[] b, int off, int len) {
    switch (code) {
      case CLIENT_SUBNET:
        return clientSubnetValid(b, off, len);
      case COOKIE:
        return len == 8 || len >= 16 && len <= 40;
      case TCP_KEEPALIVE:
        return len == 0 || len == 2;
      case EXTENDED_ERROR:
        return len >= 2;
      default:
        return true;
    }
  }

  /** RFC 7871 §6, as dnsjava's ClientSubnetOption reads it. */
  private static boolean clientSubnetValid(byte[] b, int off, int len) {
    if (len < 4) {
      return false;
    }
    int family = WireQuery.u16(b, off);
    int bits;
    if (family == 1) {
      bits = 32;
    } else if (family == 2) {
      bits = 128;
    } else {
      return false;
    }
    int source = b[off + 2] & 0xff;
    int scope = b[off + 3] & 0xff;
    int octets = (source + 7) / 8;
    if (source > bits || scope > bits || len - 4 != octets) {
      return false;
    }
    int addr = off + 4;
    if (family == 2 && octets >= 12 && ipv4Mapped(b, addr)) {
      return false;
    }
    // no bit set past the source prefix: only the last octet can hold one, when the prefix ends
    // inside it
    return source % 8 == 0 || (b[addr + octets - 1] & (0xff >>> (source % 8))) == 0;
  }

  /** Whether the 12 octets at {@code off} are the ::ffff:0:0/96 prefix (RFC 4291 §2.5.5.2). */
  private static boolean ipv4Mapped(byte[] b, int off) {
    for (int i = 0; i < 10; i++) {
      if (b[off + i] != 0) {
        return false;
      }
    }
    return b[off + 10] == (byte) 0xff && b[off + 11] == (byte) 0xff;
  }
}
