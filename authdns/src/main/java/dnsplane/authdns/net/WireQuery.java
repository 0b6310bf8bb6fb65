package dnsplane.authdns.net;

import io.netty.buffer.ByteBuf;

/**
 * WireQuery parses the header and question of an ordinary query straight from a ByteBuf, without
 * dnsjava: one question, no answer/authority, at most an EDNS(0) OPT whose options dnsjava would
 * read, no compression, nothing trailing. {@link #parse} returns false for anything else, and the
 * caller falls back to dnsjava. Whatever it accepts, dnsjava must read the same way: an answer
 * cached for one accepted query is served to every other with the same key. One instance is reused
 * per event-loop thread, so the fast path allocates nothing here.
 */
final class WireQuery {
  static final int HEADER = 12;
  private static final int OPT_FIXED = 11; // root name, type, class, ttl, rdlength

  /** EDNS mode byte of the cache key. */
  static final int NO_EDNS = 0;

  static final int EDNS = 1;
  static final int EDNS_DO = 2;

  private static final int TCP_BIT = 0x10;

  // EDNS option codes dnsjava decodes and checks (the others it keeps as opaque bytes).
  private static final int OPT_CLIENT_SUBNET = 8;
  private static final int OPT_COOKIE = 10;
  private static final int OPT_TCP_KEEPALIVE = 11;
  private static final int OPT_EDE = 15;

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
          // dnsjava reads a TTL with its top bit set as 0 (RFC 2181 §8), which for an OPT
          // clears the DO bit and the version too: leave such a query to the slow path.
          || (b.getUnsignedByte(p + 5) & 0x80) != 0
          || b.getUnsignedByte(p + 6) != 0) { // EDNS version 0 only; BADVERS is the slow path's
        return false;
      }
      int rdata = p + OPT_FIXED;
      // RDLENGTH must end exactly at the end of the message (nothing trailing), and the options
      // inside must be ones dnsjava reads: what it rejects gets FORMERR on the slow path, so
      // accepting it here would answer it from the cache instead.
      if (rdata + b.getUnsignedShort(p + 9) != end || !optionsValid(b, rdata, end)) {
        return false;
      }
      payload = b.getUnsignedShort(p + 3);
      ednsMode = (b.getUnsignedShort(p + 7) & 0x8000) != 0 ? EDNS_DO : EDNS;
      p = end;
    }
    return p == end;
  }

  /**
   * True when the OPT RDATA in [{@code p}, {@code end}) is a sequence of option TLVs that dnsjava
   * 3.7 parses: each has its 4 octets of code and length, and that many octets within the RDATA;
   * the options dnsjava decodes must also hold what it accepts. The walk advances at least 4 octets
   * per option, so it is bounded by RDLENGTH.
   */
  private static boolean optionsValid(ByteBuf b, int p, int end) {
    while (p < end) {
      if (end - p < 4) {
        return false;
      }
      int code = b.getUnsignedShort(p);
      int len = b.getUnsignedShort(p + 2);
      p += 4;
      if (len > end - p || !optionValid(b, code, p, len)) {
        return false;
      }
      p += len;
    }
    return true;
  }

  /**
   * The per-option checks of dnsjava's {@code EDNSOption.fromWire}; any other code is read as
   * opaque bytes of any length (NSID, DAU/DHU/N3U, padding, unknown codes).
   */
  private static boolean optionValid(ByteBuf b, int code, int p, int len) {
    return switch (code) {
      case OPT_CLIENT_SUBNET -> clientSubnetValid(b, p, len);
      // A client cookie of 8 octets, alone or with a server cookie of 8 to 32 (RFC 7873 §4).
      case OPT_COOKIE -> len == 8 || len >= 16 && len <= 40;
      case OPT_TCP_KEEPALIVE -> len == 0 || len == 2; // RFC 7828 §3.1
      case OPT_EDE -> len >= 2; // the INFO-CODE, then optional text (RFC 8914 §2)
      default -> true;
    };
  }

  /**
   * ECS (RFC 7871 §6) as dnsjava's {@code ClientSubnetOption} reads it: family 1 or 2, prefixes
   * within the address, exactly the octets the source prefix needs, and no bits set past it.
   */
  private static boolean clientSubnetValid(ByteBuf b, int p, int len) {
    if (len < 4) {
      return false;
    }
    int family = b.getUnsignedShort(p);
    int bits = family == 1 ? 32 : family == 2 ? 128 : 0;
    int source = b.getUnsignedByte(p + 2);
    int scope = b.getUnsignedByte(p + 3);
    int octets = len - 4;
    if (bits == 0 || source > bits || scope > bits || octets != (source + 7) / 8) {
      return false;
    }
    int a = p + 4;
    if (source % 8 != 0 && (b.getUnsignedByte(a + octets - 1) & (0xFF >>> (source % 8))) != 0) {
      return false;
    }
    // An IPv6 prefix that reads as IPv4-mapped (::ffff:0:0/96) becomes an Inet4Address in
    // InetAddress.getByAddress, and dnsjava then fails it for a prefix over 32 bits.
    return !(family == 2 && octets >= 12 && isIpv4Mapped(b, a));
  }

  private static boolean isIpv4Mapped(ByteBuf b, int a) {
    for (int i = 0; i < 10; i++) {
      if (b.getByte(a + i) != 0) {
        return false;
      }
    }
    return b.getUnsignedByte(a + 10) == 0xFF && b.getUnsignedByte(a + 11) == 0xFF;
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
