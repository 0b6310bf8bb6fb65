package dnsplane.authdns.net;

import dnsplane.authdns.rrl.ResponseClass;
import io.netty.buffer.ByteBuf;

/**
 * RrlWire reads what response rate limiting needs from a rendered response, without dnsjava and
 * without allocating: its {@link ResponseClass} and the hash of the name its bucket is keyed by;
 * and it cuts a response down to the truncated reply a "slip" sends. Working on the wire keeps rate
 * limiting out of the answer logic and makes cached and freshly rendered answers alike.
 */
final class RrlWire {
  private static final int HEADER = 12;
  private static final int NOERROR = 0;
  private static final int NXDOMAIN = 3;
  private static final int AA = 0x0400;
  private static final int TC = 0x0200;
  // More compression pointers than any sane name needs: a loop ends here.
  private static final int MAX_JUMPS = 64;

  private RrlWire() {}

  /**
   * The class of {@code r} in the upper 32 bits, the hash of its bucket's name in the lower: the
   * qname for answers and NODATA, the first authority owner (the zone's SOA, the delegation's NS)
   * for NXDOMAIN and referrals, nothing for errors.
   */
  static long classify(ByteBuf r) {
    int start = r.readerIndex();
    int end = r.writerIndex();
    if (end - start < HEADER) {
      return pack(ResponseClass.ERROR, 0);
    }
    int flags = r.getUnsignedShort(start + 2);
    int rcode = flags & 0x0F;
    if ((rcode != NOERROR && rcode != NXDOMAIN) || r.getUnsignedShort(start + 4) != 1) {
      return pack(ResponseClass.ERROR, 0);
    }
    int an = r.getUnsignedShort(start + 6);
    int ns = r.getUnsignedShort(start + 8);
    int qname = start + HEADER;
    int qnameHash = hashName(r, start, qname, end);
    if (rcode == NOERROR && (an > 0 || (flags & TC) != 0)) {
      return pack(ResponseClass.NORMAL, qnameHash);
    }
    if (rcode == NOERROR && (flags & AA) != 0) {
      return pack(ResponseClass.NODATA, qnameHash);
    }
    ResponseClass cls = rcode == NXDOMAIN ? ResponseClass.NXDOMAIN : ResponseClass.REFERRAL;
    int p = skipName(r, qname, end);
    if (p < 0 || ns == 0) {
      return pack(cls, qnameHash);
    }
    p += 4;
    for (int i = 0; i < an && p >= 0; i++) {
      p = skipRecord(r, p, end);
    }
    if (p < 0 || p >= end) {
      return pack(cls, qnameHash);
    }
    return pack(cls, hashName(r, start, p, end));
  }

  /**
   * Cuts {@code r} to its header and question with TC=1 and no records: the reply a limited client
   * gets on a slip. A real resolver retries over TCP, which is not limited; a spoofed victim gets
   * no amplification (the reply is no bigger than the query). In place; returns {@code r}.
   */
  static ByteBuf slip(ByteBuf r) {
    int start = r.readerIndex();
    int end = r.writerIndex();
    if (end - start < HEADER) {
      return r;
    }
    int keep = HEADER;
    if (r.getUnsignedShort(start + 4) == 1) {
      int p = skipName(r, start + HEADER, end);
      if (p >= 0 && p + 4 <= end) {
        keep = p + 4 - start;
      }
    } else {
      r.setShort(start + 4, 0);
    }
    r.setByte(start + 2, r.getByte(start + 2) | (TC >>> 8));
    r.setShort(start + 6, 0);
    r.setShort(start + 8, 0);
    r.setShort(start + 10, 0);
    r.writerIndex(start + keep);
    return r;
  }

  private static long pack(ResponseClass cls, int hash) {
    return ((long) cls.ordinal() << 32) | (hash & 0xFFFFFFFFL);
  }

  static ResponseClass classOf(long packed) {
    return ResponseClass.of((int) (packed >>> 32));
  }

  static int hashOf(long packed) {
    return (int) packed;
  }

  /** FNV-1a over the lower-cased labels, following compression pointers; 0 when broken. */
  private static int hashName(ByteBuf r, int msgStart, int p, int end) {
    int h = 0x811C9DC5;
    int jumps = 0;
    while (p < end) {
      int len = r.getUnsignedByte(p);
      if (len == 0) {
        return h;
      }
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= end || ++jumps > MAX_JUMPS) {
          return 0;
        }
        p = msgStart + (((len & 0x3F) << 8) | r.getUnsignedByte(p + 1));
        continue;
      }
      if ((len & 0xC0) != 0 || p + 1 + len > end) {
        return 0;
      }
      h = (h ^ len) * 0x01000193;
      for (int i = 1; i <= len; i++) {
        int c = r.getUnsignedByte(p + i);
        if (c >= 'A' && c <= 'Z') {
          c += 32;
        }
        h = (h ^ c) * 0x01000193;
      }
      p += 1 + len;
    }
    return 0;
  }

  /** The offset after the name at {@code p} (its pointer, if compressed); -1 when broken. */
  private static int skipName(ByteBuf r, int p, int end) {
    while (p < end) {
      int len = r.getUnsignedByte(p);
      if (len == 0) {
        return p + 1;
      }
      if ((len & 0xC0) == 0xC0) {
        return p + 2 <= end ? p + 2 : -1;
      }
      if ((len & 0xC0) != 0) {
        return -1;
      }
      p += 1 + len;
    }
    return -1;
  }

  private static int skipRecord(ByteBuf r, int p, int end) {
    p = skipName(r, p, end);
    if (p < 0 || p + 10 > end) {
      return -1;
    }
    int next = p + 10 + r.getUnsignedShort(p + 8);
    return next <= end ? next : -1;
  }
}
