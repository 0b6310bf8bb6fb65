package dnsplane.resolver.wire;

/**
 * WireQuery is a plain DNS query read straight from its bytes: one question, no answer or authority
 * records, and at most one OPT record (version 0, owned by the root, last, with options dnsjava
 * reads: {@link EdnsOptions}). Anything else returns {@code null} from {@link #parse} and takes the
 * dnsjava path, which either normalises it or answers FORMERR. Whatever this parser takes, dnsjava
 * reads too: the replies other than cache hits are built with it.
 *
 * @param raw the query bytes
 * @param id the query ID
 * @param rd whether recursion was desired (echoed in the answer)
 * @param cd the checking-disabled bit (echoed)
 * @param questionEnd offset just past QTYPE/QCLASS
 * @param key the cache key for the question
 * @param edns whether the query carried an OPT record
 * @param udpSize the client's UDP payload size (512 without EDNS, at least 512 with it)
 */
public record WireQuery(
    byte[] raw,
    int id,
    boolean rd,
    boolean cd,
    int questionEnd,
    QuestionKey key,
    boolean edns,
    int udpSize) {

  static final int HEADER = 12;
  static final int TYPE_OPT = 41;

  /**
   * RFC 1035 §2.3.4 and §3.1: a name is at most 255 octets on the wire, the terminating zero
   * included.
   */
  static final int MAX_NAME = 255;

  /** Name length in wire form (the question occupies [12, 12 + nameLength + 4)). */
  public int nameLength() {
    return questionEnd - 4 - HEADER;
  }

  public int qtype() {
    return key.qtype();
  }

  /** Parses the common shape of a query, or returns null when the dnsjava path must look at it. */
  public static WireQuery parse(byte[] b) {
    if (b.length < HEADER + 5) {
      return null;
    }
    int flags = u16(b, 2);
    boolean qr = (flags & 0x8000) != 0;
    int opcode = (flags >>> 11) & 0xf;
    if (qr || opcode != 0 || (flags & 0x000f) != 0) {
      return null;
    }
    if (u16(b, 4) != 1 || u16(b, 6) != 0 || u16(b, 8) != 0) {
      return null;
    }
    int arcount = u16(b, 10);
    if (arcount > 1) {
      return null;
    }
    int p = HEADER;
    while (true) {
      if (p >= b.length) {
        return null;
      }
      int len = b[p] & 0xff;
      if (len == 0) {
        p++;
        break;
      }
      if (len > 63) {
        return null; // compression or extended labels have no place in a question
      }
      p += len + 1;
      // RFC 1035 §3.1: 255 octets at most, the root label's zero included, so the labels before it
      // may take 254;
      // a longer name goes to dnsjava, which answers FORMERR
      if (p - HEADER > MAX_NAME - 1) {
        return null;
      }
    }
    if (p + 4 > b.length) {
      return null;
    }
    int nameEnd = p;
    int qtype = u16(b, p);
    int qclass = u16(b, p + 2);
    p += 4;
    boolean edns = false;
    int udp = 512;
    if (arcount == 1) {
      // OPT: root owner (1) + type (2) + class=payload (2) + ttl (4) + rdlength (2) + options
      if (p + 11 > b.length || b[p] != 0 || u16(b, p + 1) != TYPE_OPT) {
        return null;
      }
      int version = b[p + 6] & 0xff;
      if (version != 0) {
        return null;
      }
      udp = Math.max(512, u16(b, p + 3));
      int rdlen = u16(b, p + 9);
      // the OPT record ends the message, and its options must be ones dnsjava reads: every reply
      // but a cache hit
      // is built with dnsjava, which would refuse the query only then (fuzz findings R1/R2)
      if (p + 11 + rdlen != b.length || !EdnsOptions.valid(b, p + 11, b.length)) {
        return null;
      }
      edns = true;
    } else if (p != b.length) {
      return null;
    }
    QuestionKey key = QuestionKey.of(b, HEADER, nameEnd - HEADER, qtype, qclass);
    return new WireQuery(
        b, u16(b, 0), (flags & 0x0100) != 0, (flags & 0x0010) != 0, nameEnd + 4, key, edns, udp);
  }

  static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }
}
