package dnsplane.authdns.net;

import io.netty.buffer.ByteBuf;

/**
 * WireQuery parses the header and question of an ordinary query straight from a ByteBuf, without
 * dnsjava: one question, no answer/authority, at most an EDNS(0) OPT, no compression, nothing
 * trailing. {@link #parse} returns false for anything else, and the caller falls back to dnsjava.
 * One instance is reused per event-loop thread, so the fast path allocates nothing here.
 */
final class WireQuery {
  private static final int HEADER = 12;
  private static final int OPT_FIXED = 11; // root name, type, class, ttl, rdlength

  /** EDNS mode byte of the cache key. */
  static final int NO_EDNS = 0;

  static final int EDNS = 1;
  static final int EDNS_DO = 2;

  private static final int TCP_BIT = 0x10;

  int id;
  int flags;
  int qtype;
  int qclass;
  int ednsMode;
  int payload;

  /** Wire length of the question name, root label included. */
  int qnameLength;

  /** The lower-cased question name in wire form, {@link #qnameLength} bytes. */
  final byte[] qname = new byte[255];

  private final CacheKey probe = new CacheKey(255 + 7);

  boolean parse(ByteBuf b) {
    int r = b.readerIndex();
    int end = r + b.readableBytes();
    if (end - r < HEADER + 5) {
      return false;
    }
    flags = b.getUnsignedShort(r + 2);
    // QR set or opcode other than QUERY: the slow path decides (drop / NOTIMP).
    if ((flags & 0xF800) != 0) {
      return false;
    }
    if (b.getUnsignedShort(r + 4) != 1
        || b.getUnsignedShort(r + 6) != 0
        || b.getUnsignedShort(r + 8) != 0) {
      return false;
    }
    int arcount = b.getUnsignedShort(r + 10);
    if (arcount > 1) {
      return false;
    }
    id = b.getUnsignedShort(r);
    int p = r + HEADER;
    int k = 0;
    while (true) {
      if (p >= end) {
        return false;
      }
      int len = b.getUnsignedByte(p);
      if (len == 0) {
        p++;
        break;
      }
      // Compression pointers or extended label types in a question: leave it to dnsjava.
      if ((len & 0xC0) != 0 || p + 1 + len > end || k + 1 + len > 254) {
        return false;
      }
      qname[k++] = (byte) len;
      for (int i = 1; i <= len; i++) {
        byte c = b.getByte(p + i);
        qname[k++] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
      }
      p += 1 + len;
    }
    qname[k++] = 0;
    qnameLength = k;
    if (p + 4 > end) {
      return false;
    }
    qtype = b.getUnsignedShort(p);
    qclass = b.getUnsignedShort(p + 2);
    p += 4;
    ednsMode = NO_EDNS;
    payload = 0;
    if (arcount == 1) {
      if (p + OPT_FIXED > end
          || b.getUnsignedByte(p) != 0
          || b.getUnsignedShort(p + 1) != 41
          || b.getUnsignedByte(p + 6) != 0) { // EDNS version 0 only; BADVERS is the slow path's
        return false;
      }
      payload = b.getUnsignedShort(p + 3);
      ednsMode = (b.getUnsignedShort(p + 7) & 0x8000) != 0 ? EDNS_DO : EDNS;
      p += OPT_FIXED + b.getUnsignedShort(p + 9);
    }
    return p == end;
  }

  /**
   * The cache key for this query answered with a response size limit of {@code limit}: a probe
   * reused by this thread, valid until the next call; {@link CacheKey#copy()} it to keep it.
   */
  CacheKey key(Transport transport, int limit) {
    // The transport is part of the key: some answers differ by it (AXFR over UDP is NOTIMP).
    int mode = ednsMode | (transport == Transport.TCP ? TCP_BIT : 0);
    return probe.fill(qname, qnameLength, qtype, qclass, limit, mode);
  }

  /**
   * The response size limit: our cap over TCP, else the client's EDNS size capped, at least 512.
   */
  int limit(Transport t, int maxPayload) {
    if (t == Transport.TCP) {
      return 65535;
    }
    if (ednsMode == NO_EDNS) {
      return 512;
    }
    return Math.max(512, Math.min(payload, maxPayload));
  }
}
