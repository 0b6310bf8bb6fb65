package dnsplane.authdns.xfr;

import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * XfrService is what the DNS listeners call for zone transfers: it recognises a transfer request
 * in a TCP frame without parsing it fully, and renders transfers on its own threads so that a
 * large zone never stalls the event loops answering ordinary queries.
 */
public final class XfrService implements AutoCloseable {
  private static final int HEADER = 12;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final TransferAcl acl;
  private final XfrMetrics metrics;
  private final ExecutorService workers;

  /** Transfers allowed to {@code acl}; counted in {@code metrics}. Two rendering threads. */
  public XfrService(TransferAcl acl, XfrMetrics metrics) {
    this.acl = acl;
    this.metrics = metrics;
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
    while (p < end) {
      int len = b.getUnsignedByte(p);
      if (len == 0) {
        p++;
        break;
      }
      if ((len & 0xC0) != 0) {
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
   * The messages answering transfer request {@code query} from {@code client}, all from
   * {@code zones}; null when the bytes do not parse (the ordinary path then answers FORMERR).
   */
  public List<byte[]> transfer(ZoneSet zones, byte[] query, InetAddress client) {
    Message q;
    try {
      q = new Message(query);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    XfrResponder.Transfer t =
        XfrResponder.tcp(zones, q, client, acl, TransferSplitter.TCP_LIMIT);
    metrics.transfer(t.type(), t.result(), t.records());
    return t.messages();
  }

  /** See {@link XfrResponder#datagram}: IXFR over UDP and NOTIFY; null for anything else. */
  public Message datagram(ZoneSet zones, Message query) {
    return XfrResponder.datagram(zones, query, metrics);
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
