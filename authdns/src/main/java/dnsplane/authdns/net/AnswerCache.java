package dnsplane.authdns.net;

import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * AnswerCache keeps the rendered answers of the snapshot being served, and turns a cached answer
 * into the reply to one query. A new snapshot gets a new, empty {@link ResponseCache}: the answer
 * is a pure function of (snapshot, query), so a committed change is never hidden by it.
 */
final class AnswerCache {
  private static final int HEADER = 12;

  private final int maxEntries;
  private volatile ResponseCache current;

  /** Up to {@code maxEntries} answers (0: none), starting with those of {@code zones}. */
  AnswerCache(ZoneSet zones, int maxEntries) {
    this.maxEntries = maxEntries;
    this.current = new ResponseCache(zones, maxEntries);
  }

  /**
   * The cache for {@code zones}, the snapshot a query is being answered from: the answers it gets
   * are stored for that snapshot only, even if another is swapped in meanwhile.
   */
  ResponseCache of(ZoneSet zones) {
    ResponseCache c = current;
    if (c.zones() != zones) {
      c = new ResponseCache(zones, maxEntries);
      current = c;
    }
    return c;
  }

  /** The reply to {@code q}, read from {@code in}, stamped from cached answer {@code hit}. */
  static ByteBuf reply(ResponseCache.Entry hit, WireQuery q, ByteBuf in, ByteBufAllocator alloc) {
    byte[] w = hit.wire();
    ByteBuf out = alloc.ioBuffer(w.length).writeBytes(w);
    out.setShort(0, q.id);
    // RD is copied from this query; the rest of the header is the cached answer's.
    out.setByte(2, (w[2] & ~0x01) | ((q.flags >>> 8) & 0x01));
    // The question in this query's own case (same length: only the case can differ).
    out.setBytes(HEADER, in, in.readerIndex() + HEADER, q.qnameLength);
    return out;
  }
}
