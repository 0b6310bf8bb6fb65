package dnsplane.authdns.net;

import dnsplane.authdns.answer.Answerer;
import dnsplane.authdns.answer.Render;
import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * QueryProcessor turns one query's bytes into one response's bytes for either transport: the fast
 * path parses the question from the buffer and serves a cached rendering of the answer; the slow
 * path parses with dnsjava, asks the pure {@link Answerer} and renders with {@code toWire(limit)},
 * which truncates and sets TC. It never throws: broken input gets FORMERR or is dropped; an
 * unexpected exception gets SERVFAIL and one rate-limited log line.
 */
final class QueryProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(QueryProcessor.class);
  private static final int HEADER = 12;

  private final SnapshotHolder holder;
  private final QueryMetrics metrics;
  private final int maxPayload;
  private final int cacheEntries;
  private final RateLimitedLog errors;
  private volatile ResponseCache cache;
  // Event-loop threads each get their own parser: no locking and no allocation per query.
  private final FastThreadLocal<WireQuery> parsers =
      new FastThreadLocal<>() {
        @Override
        protected WireQuery initialValue() {
          return new WireQuery();
        }
      };

  /** The answer function; {@link Answerer#answer(ZoneSet, Message, int, boolean)} in service. */
  @FunctionalInterface
  interface AnswerFunction {
    Message answer(ZoneSet zones, Message query, int maxPayload, boolean overTcp);
  }

  private final AnswerFunction answerer;
  // Null when transfers are not offered: AXFR/IXFR are then REFUSED and NOTIFY NOTIMP, as before.
  private final XfrService xfr;

  QueryProcessor(
      SnapshotHolder holder, QueryMetrics metrics, int maxPayload, int cacheEntries, Clock clock) {
    this(holder, metrics, maxPayload, cacheEntries, clock, Answerer::answer);
  }

  /** With another answer function: lets a test make the answer fail as a bug would. */
  QueryProcessor(
      SnapshotHolder holder,
      QueryMetrics metrics,
      int maxPayload,
      int cacheEntries,
      Clock clock,
      AnswerFunction answerer) {
    this(holder, metrics, maxPayload, cacheEntries, clock, answerer, null);
  }

  /** With zone transfers offered by {@code xfr} (null: not offered). */
  QueryProcessor(
      SnapshotHolder holder,
      QueryMetrics metrics,
      int maxPayload,
      int cacheEntries,
      Clock clock,
      AnswerFunction answerer,
      XfrService xfr) {
    this.xfr = xfr;
    this.answerer = answerer;
    this.holder = holder;
    this.metrics = metrics;
    this.maxPayload = maxPayload;
    this.cacheEntries = cacheEntries;
    this.errors = new RateLimitedLog(LOG, clock, java.time.Duration.ofSeconds(10));
    this.cache = new ResponseCache(holder.get(), cacheEntries);
  }

  /** The snapshot holder answers come from. */
  SnapshotHolder holder() {
    return holder;
  }

  /** As {@link #process(ByteBuf, Transport, ByteBufAllocator, InetAddress)}, client unknown. */
  ByteBuf process(ByteBuf in, Transport transport, ByteBufAllocator alloc) {
    return process(in, transport, alloc, null);
  }

  /**
   * The response to {@code in} from {@code client} (not released here), or null to send nothing.
   * The client's address matters only for IXFR over UDP, which the transfer ACL decides; null
   * skips that check.
   */
  ByteBuf process(ByteBuf in, Transport transport, ByteBufAllocator alloc, InetAddress client) {
    ZoneSet zones = holder.get();
    ResponseCache c = cache;
    if (c.zones() != zones) {
      c = new ResponseCache(zones, cacheEntries);
      cache = c;
    }
    WireQuery q = parsers.get();
    CacheKey key = null;
    if (q.parse(in)) {
      key = q.key(transport, q.limit(transport, maxPayload));
      ResponseCache.Entry hit = c.get(key);
      if (hit != null) {
        count(hit, transport);
        return fromCache(hit, q, in, alloc);
      }
    }
    byte[] wire = slowPath(ByteBufUtil.getBytes(in), zones, transport, key, c, client);
    return wire == null ? null : alloc.ioBuffer(wire.length).writeBytes(wire);
  }

  private ByteBuf fromCache(ResponseCache.Entry hit, WireQuery q, ByteBuf in, ByteBufAllocator a) {
    byte[] w = hit.wire();
    ByteBuf out = a.ioBuffer(w.length).writeBytes(w);
    out.setShort(0, q.id);
    // RD is copied from this query; the rest of the header is the cached answer's.
    out.setByte(2, (w[2] & ~0x01) | ((q.flags >>> 8) & 0x01));
    // The question in this query's own case (same length: only the case can differ).
    out.setBytes(HEADER, in, in.readerIndex() + HEADER, q.qnameLength);
    return out;
  }

  private void count(ResponseCache.Entry e, Transport t) {
    (t == Transport.UDP ? e.udpQueries() : e.tcpQueries()).increment();
    if (e.nodata() != null) {
      e.nodata().increment();
    }
    if (e.truncated()) {
      metrics.truncated(t);
    }
  }

  private byte[] slowPath(
      byte[] bytes,
      ZoneSet zones,
      Transport transport,
      CacheKey key,
      ResponseCache c,
      InetAddress client) {
    Message query;
    try {
      query = new Message(bytes);
    } catch (IOException | RuntimeException e) {
      return formErr(bytes, transport);
    }
    try {
      if (xfr != null) {
        // IXFR over UDP, NOTIFY and queries with a TSIG never reach the cache: their keys are
        // null (see WireQuery). A TSIG is verified there and the answer signed.
        XfrService.Reply x = xfr.datagram(zones, query, bytes,
            transport == Transport.TCP ? Answerer.TCP_MAX : Answerer.udpLimit(query, maxPayload),
            q -> answerer.answer(zones, q, maxPayload, transport == Transport.TCP),
            client);
        if (x != null) {
          int qt = query.getQuestion() == null ? 0 : query.getQuestion().getType();
          metrics.queries(transport, qt, x.rcode()).increment();
          return x.wire();
        }
      }
      Message response = answerer.answer(zones, query, maxPayload, transport == Transport.TCP);
      if (response == null) {
        metrics.dropped(transport);
        return null;
      }
      int limit =
          transport == Transport.TCP ? Answerer.TCP_MAX : Answerer.udpLimit(query, maxPayload);
      byte[] wire = Render.toWire(response, limit);
      int qtype = query.getQuestion() == null ? 0 : query.getQuestion().getType();
      int rcode = response.getRcode();
      boolean truncated = (wire[2] & 0x02) != 0;
      boolean nodata =
          rcode == Rcode.NOERROR
              && response.getHeader().getFlag(Flags.AA)
              && response.getSection(Section.ANSWER).isEmpty();
      ResponseCache.Entry entry =
          new ResponseCache.Entry(
              wire,
              metrics.queries(Transport.UDP, qtype, rcode),
              metrics.queries(Transport.TCP, qtype, rcode),
              nodata ? metrics.nodata(qtype) : null,
              truncated);
      count(entry, transport);
      if (key != null) {
        c.put(key.copy(), entry);
      }
      return wire;
    } catch (RuntimeException e) {
      errors.error("unexpected error answering a query; answered SERVFAIL", e);
      metrics.internalError();
      return headerOnly(query.getHeader(), Rcode.SERVFAIL, query, transport);
    }
  }

  /**
   * SERVFAIL for {@code query}, whose answer failed outside this processor (a zone transfer's
   * worker threw): counted and logged as an internal error, rate-limited. Built from the header
   * alone, since parsing may be what failed; null when it is not a query.
   */
  ByteBuf internalError(byte[] query, Transport transport, ByteBufAllocator alloc, Throwable t) {
    errors.error("unexpected error answering a zone transfer; answered SERVFAIL", t);
    metrics.internalError();
    if (query.length < HEADER || (query[2] & 0x80) != 0) {
      metrics.dropped(transport);
      return null;
    }
    byte[] wire = headerOnly(header(query), Rcode.SERVFAIL, null, transport);
    return alloc.ioBuffer(wire.length).writeBytes(wire);
  }

  /** The ID, opcode and RD of the query in {@code bytes} (at least a header's worth). */
  private static Header header(byte[] bytes) {
    Header h = new Header(((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF));
    h.setOpcode((bytes[2] >>> 3) & 0x0F);
    if ((bytes[2] & 0x01) != 0) {
      h.setFlag(Flags.RD);
    }
    return h;
  }

  /** FORMERR for input dnsjava cannot parse, when it at least has a query's header. */
  private byte[] formErr(byte[] bytes, Transport transport) {
    metrics.malformed(transport);
    if (bytes.length < HEADER || (bytes[2] & 0x80) != 0) {
      metrics.dropped(transport);
      return null;
    }
    Header h = new Header(((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF));
    h.setOpcode((bytes[2] >>> 3) & 0x0F);
    return headerOnly(h, Rcode.FORMERR, null, transport);
  }

  private byte[] headerOnly(Header qh, int rcode, Message query, Transport transport) {
    Message m = new Message(qh.getID());
    Header h = m.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(qh.getOpcode());
    if (qh.getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    h.setRcode(rcode);
    if (query != null && query.getQuestion() != null) {
      m.addRecord(query.getQuestion(), Section.QUESTION);
    }
    metrics.queries(transport, 0, rcode).increment();
    return m.toWire(Answerer.CLASSIC_UDP);
  }
}
