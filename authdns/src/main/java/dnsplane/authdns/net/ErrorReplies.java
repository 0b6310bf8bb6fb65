package dnsplane.authdns.net;

import dnsplane.authdns.answer.Answerer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * ErrorReplies chooses the rcode for the queries no answerer can answer, and renders the reply:
 *
 * <pre>
 *  input                                             reply
 *  ------------------------------------------------  ------------------------------------------
 *  not a query's header (short, or QR set)           none: dropped, counted malformed if parsed
 *  bytes dnsjava cannot parse                        FORMERR, header only
 *  a bug while answering (an exception escaped)      SERVFAIL, the question if it parsed; logged
 *                                                    at most once per 10 s
 * </pre>
 *
 * <p>Everything else gets its rcode from the Answerer or the xfr package (see {@link Answerer}).
 */
final class ErrorReplies {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);
  private static final int HEADER = 12;

  private final QueryMetrics metrics;
  private final RateLimitedLog errors;

  ErrorReplies(QueryMetrics metrics, Clock clock) {
    this.metrics = metrics;
    this.errors = new RateLimitedLog(LOG, clock, Duration.ofSeconds(10));
  }

  /** FORMERR for {@code bytes}, which dnsjava cannot parse; null (drop) when not a query. */
  byte[] malformed(byte[] bytes, Transport transport) {
    metrics.malformed(transport);
    if (!isQuery(bytes, transport)) {
      return null;
    }
    // RD is not echoed here: the flags of bytes that do not parse are not to be trusted.
    return headerOnly(header(bytes, false), Rcode.FORMERR, null, transport);
  }

  /** SERVFAIL for parsed {@code query}, whose answer threw {@code bug}. */
  byte[] answerFailed(Message query, Transport transport, RuntimeException bug) {
    errors.error("unexpected error answering a query; answered SERVFAIL", bug);
    metrics.internalError();
    return headerOnly(query.getHeader(), Rcode.SERVFAIL, query, transport);
  }

  /**
   * SERVFAIL for {@code query}, whose zone transfer failed on a transfer thread. Built from the
   * header alone, since parsing may be what failed; null when it is not a query.
   */
  ByteBuf transferFailed(byte[] query, Transport transport, ByteBufAllocator alloc, Throwable t) {
    errors.error("unexpected error answering a zone transfer; answered SERVFAIL", t);
    metrics.internalError();
    if (!isQuery(query, transport)) {
      return null;
    }
    byte[] wire = headerOnly(header(query, true), Rcode.SERVFAIL, null, transport);
    return alloc.ioBuffer(wire.length).writeBytes(wire);
  }

  /** False, counting the drop, when {@code bytes} have no query's header to answer. */
  private boolean isQuery(byte[] bytes, Transport transport) {
    if (bytes.length < HEADER || (bytes[2] & 0x80) != 0) {
      metrics.dropped(transport);
      return false;
    }
    return true;
  }

  /** The ID, opcode and, with {@code rd}, RD of the query in {@code bytes} (a header's worth). */
  private static Header header(byte[] bytes, boolean rd) {
    Header h = new Header(((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF));
    h.setOpcode((bytes[2] >>> 3) & 0x0F);
    if (rd && (bytes[2] & 0x01) != 0) {
      h.setFlag(Flags.RD);
    }
    return h;
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
