package dnsplane.authdns.xfr;

import dnsplane.authdns.answer.Render;
import dnsplane.authdns.journal.IxfrJournal;
import dnsplane.authdns.tsig.TsigCheck;
import dnsplane.authdns.tsig.TsigKeys;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * XfrService is what the DNS listeners call for zone transfers, NOTIFY and TSIG: it recognises a
 * transfer request in a TCP frame without parsing it fully, renders transfers on its own threads so
 * that a large zone never stalls the event loops answering ordinary queries, verifies the TSIG of a
 * request that has one and signs the answer to it.
 */
public final class XfrService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(XfrService.class);
  private static final int HEADER = 12;
  // RFC 1035 §3.1: a name is at most 255 octets in wire form, the root label included.
  private static final int MAX_NAME = 255;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final TransferAcl acl;
  private final TsigKeys keys;
  private final XfrMetrics metrics;
  private final IxfrJournal journal;
  private final ExecutorService workers;
  private final RateLimitedWarn tsigLog;
  private final RateLimitedWarn refusedLog;

  /** What a datagram-path request gets: the wire answer, and its rcode for the query counters. */
  public record Reply(byte[] wire, int rcode) {}

  /** Transfers allowed to {@code acl}, no TSIG keys; counted in {@code metrics}. */
  public XfrService(TransferAcl acl, XfrMetrics metrics) {
    this(acl, TsigKeys.none(), metrics);
  }

  /** Transfers allowed to {@code acl}, requests verified with {@code keys}; no IXFR journal. */
  public XfrService(TransferAcl acl, TsigKeys keys, XfrMetrics metrics) {
    this(acl, keys, metrics, IxfrJournal.disabled());
  }

  /**
   * Transfers allowed to {@code acl}, requests verified with {@code keys}, IXFR answered with the
   * differences {@code journal} keeps (the caller feeds it snapshot swaps). Two render threads.
   */
  public XfrService(TransferAcl acl, TsigKeys keys, XfrMetrics metrics, IxfrJournal journal) {
    this.acl = acl;
    this.keys = keys;
    this.metrics = metrics;
    this.journal = java.util.Objects.requireNonNull(journal, "journal");
    metrics.journal(journal);
    this.tsigLog = new RateLimitedWarn(LOG, Clock.systemUTC(), Duration.ofSeconds(10));
    this.refusedLog = new RateLimitedWarn(LOG, Clock.systemUTC(), Duration.ofSeconds(10));
    this.workers =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "authdns-xfr-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public XfrMetrics metrics() {
    return metrics;
  }

  /** The IXFR journal transfers are answered from. */
  public IxfrJournal journal() {
    return journal;
  }

  /** The threads transfers are rendered on. */
  public ExecutorService workers() {
    return workers;
  }

  /**
   * True when {@code b} (one query, not consumed) is a QUERY for AXFR or IXFR: a cheap look at the
   * header and the question's type, so ordinary TCP queries pay almost nothing.
   */
  public static boolean isTransfer(ByteBuf b) {
    int r = b.readerIndex();
    int end = r + b.readableBytes();
    if (end - r < HEADER + 5 || (b.getUnsignedShort(r + 2) & 0xF800) != 0) {
      return false;
    }
    if (b.getUnsignedShort(r + 4) != 1) {
      return false;
    }
    int p = r + HEADER;
    int nameLength = 1; // the root label's octet
    while (p < end) {
      int len = b.getUnsignedByte(p);
      if (len == 0) {
        p++;
        break;
      }
      nameLength += 1 + len;
      // A name over 255 octets is no question at all: the ordinary path answers FORMERR (with TC
      // set dnsjava would instead read the message without its question).
      if ((len & 0xC0) != 0 || nameLength > MAX_NAME) {
        return false;
      }
      p += 1 + len;
    }
    if (p + 4 > end) {
      return false;
    }
    int qtype = b.getUnsignedShort(p);
    return qtype == Type.AXFR || qtype == Type.IXFR;
  }

  /**
   * The messages answering transfer request {@code query} from {@code client}, all from {@code
   * zones}; null when the bytes do not parse, or parse without a question (the ordinary path then
   * answers: FORMERR). A signed request gets every message signed; one whose TSIG fails gets NSD's
   * NOTAUTH.
   */
  public List<byte[]> transfer(ZoneSet zones, byte[] query, InetAddress client) {
    Message q;
    try {
      q = new Message(query);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (q.getQuestion() == null) {
      // dnsjava reads a message with TC set as far as it can, so a broken question leaves none.
      return null;
    }
    String type = Type.string(q.getQuestion().getType());
    TsigCheck check = check(q, query, client);
    TransferAcl.Access access = acl.decide(client, check);
    if (check instanceof TsigCheck.Failed f) {
      metrics.transfer(type, f.error() == Rcode.FORMERR ? "formerr" : "notauth", 0);
      return List.of(keys.failure(q, f));
    }
    int limit = TransferSplitter.TCP_LIMIT;
    if (check instanceof TsigCheck.Verified v) {
      limit -= v.key().maxRecordLength();
    }
    XfrResponder.Transfer t =
        XfrResponder.tcp(zones, journal, q, access == TransferAcl.Access.ALLOW, limit);
    metrics.transfer(t.type(), t.result(), t.records());
    if (access == TransferAcl.Access.REFUSED) {
      refusedLog.warn(
          "{} for {} from {} refused: no --allow-transfer entry matches {}",
          type,
          q.getQuestion().getName(),
          client.getHostAddress(),
          check instanceof TsigCheck.Verified v ? "key " + v.key().name() : "an unsigned request");
    }
    return check instanceof TsigCheck.Verified v ? keys.signStream(t.messages(), v) : t.messages();
  }

  /**
   * The answer to a query on the ordinary path (UDP, or TCP other than AXFR/IXFR) that is ours:
   * IXFR over UDP, NOTIFY, and any query carrying a TSIG. A TSIG that does not verify gets NSD's
   * NOTAUTH; one that does gets its answer (from {@code answer}, the ordinary answerer, unless it
   * is IXFR or NOTIFY) signed, within {@code limit} bytes with the TSIG. Null: not ours, or drop.
   */
  public Reply datagram(
      ZoneSet zones,
      Message query,
      byte[] wire,
      int limit,
      UnaryOperator<Message> answer,
      InetAddress client) {
    if (query.getHeader().getFlag(Flags.QR)) {
      return null;
    }
    TsigCheck check = check(query, wire, client);
    if (check instanceof TsigCheck.Failed f) {
      return new Reply(
          keys.failure(query, f), f.error() == Rcode.FORMERR ? Rcode.FORMERR : Rcode.NOTAUTH);
    }
    // An unknown client (a caller without the address) is not access-checked.
    boolean allowed = client == null || acl.decide(client, check) == TransferAcl.Access.ALLOW;
    // An inline IXFR answer must fit with the TSIG that signs it.
    int room = check instanceof TsigCheck.Verified v ? limit - v.key().maxRecordLength() : limit;
    Message x = XfrResponder.datagram(zones, journal, query, allowed, room, metrics);
    if (!allowed && x != null && x.getRcode() == Rcode.REFUSED && isIxfr(query)) {
      refusedLog.warn(
          "IXFR over UDP for {} from {} refused: no --allow-transfer entry matches {}",
          query.getQuestion().getName(),
          client.getHostAddress(),
          check instanceof TsigCheck.Verified v ? "key " + v.key().name() : "an unsigned request");
    }
    if (x == null) {
      if (!(check instanceof TsigCheck.Verified)) {
        return null;
      }
      x = answer.apply(query);
      if (x == null) {
        return null;
      }
    }
    if (check instanceof TsigCheck.Verified v) {
      byte[] out = Render.toWire(x, limit - v.key().maxRecordLength());
      return new Reply(keys.sign(out, v), x.getRcode());
    }
    return new Reply(Render.toWire(x, limit), x.getRcode());
  }

  private static boolean isIxfr(Message q) {
    return q.getQuestion() != null && q.getQuestion().getType() == Type.IXFR;
  }

  /** See {@link XfrResponder#datagram}: IXFR over UDP and NOTIFY, unsigned; null otherwise. */
  public Message datagram(ZoneSet zones, Message query) {
    return XfrResponder.datagram(zones, journal, query, true, XfrResponder.MIN_UDP, metrics);
  }

  private TsigCheck check(Message q, byte[] wire, InetAddress client) {
    TsigCheck c = keys.check(q, wire);
    if (c instanceof TsigCheck.Unsigned) {
      return c;
    }
    metrics.tsig(c.label());
    if (c instanceof TsigCheck.Failed f) {
      Record question = q.getQuestion();
      tsigLog.warn(
          "TSIG {} for key {} from {} ({}): answered {}",
          c.label().toUpperCase(java.util.Locale.ROOT),
          f.request().getName(),
          client == null ? "a client (UDP/TCP query)" : client.getHostAddress(),
          question == null
              ? "no question"
              : question.getName() + " " + Type.string(question.getType()),
          f.error() == Rcode.FORMERR ? "FORMERR" : "NOTAUTH");
    }
    return c;
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
