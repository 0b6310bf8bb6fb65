package dnsplane.authdns.net;

import dnsplane.authdns.answer.Answerer;
import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.UnaryOperator;
import org.xbill.DNS.Message;

/**
 * TransferRouter is the one place that decides which queries the {@code xfr} package answers
 * instead of the {@link Answerer}, and hands them over:
 *
 * <pre>
 *  query                                                 goes to
 *  ----------------------------------------------------  ----------------------------------------
 *  AXFR or IXFR over TCP (a cheap look at the frame)      {@link #startTransfer}: rendered on the
 *                                                        transfer threads, many messages
 *  IXFR over UDP, NOTIFY, anything carrying a TSIG        {@link #datagram}: one message
 *  anything else, or transfers not offered               the Answerer (AXFR/IXFR REFUSED, NOTIFY
 *                                                        NOTIMP)
 * </pre>
 */
final class TransferRouter {
  private static final TransferRouter NONE = new TransferRouter(null, null, null);

  private final XfrService xfr;
  private final Executor workers;
  private final TransferFunction transfers;

  /** How a transfer is rendered: {@link XfrService#transfer} in service. */
  @FunctionalInterface
  interface TransferFunction {
    List<byte[]> transfer(ZoneSet zones, byte[] query, InetAddress client);
  }

  /** Where a transfer's outcome goes. Called on a transfer thread, exactly one method, once. */
  interface TransferSink {
    /** The transfer's messages, never empty. */
    void messages(List<byte[]> messages);

    /** {@code query} does not parse as a transfer after all: the ordinary path answers it. */
    void notATransfer(byte[] query);

    /** Rendering {@code query} failed (a bug): it must still be answered. */
    void failed(byte[] query, Throwable t);
  }

  /**
   * Transfers rendered by {@code transfers} on {@code workers}, the other queries of {@code xfr}'s
   * to it; a test may render on its own thread, or fail as a bug would.
   */
  TransferRouter(XfrService xfr, Executor workers, TransferFunction transfers) {
    this.xfr = xfr;
    this.workers = workers;
    this.transfers = transfers;
  }

  /** Routes to {@code xfr}, rendering transfers on its threads; null offers no transfers. */
  static TransferRouter of(XfrService xfr) {
    return xfr == null ? NONE : new TransferRouter(xfr, xfr.workers(), xfr::transfer);
  }

  /** True when the TCP {@code frame} (not consumed) is a transfer for {@link #startTransfer}. */
  boolean isTransfer(ByteBuf frame) {
    return xfr != null && XfrService.isTransfer(frame);
  }

  /**
   * Renders the transfer {@code query} asks for from {@code zones} on the transfer threads and
   * tells {@code sink} the outcome. False when the threads refuse it (shutting down): then the sink
   * hears nothing.
   */
  boolean startTransfer(ZoneSet zones, byte[] query, InetAddress client, TransferSink sink) {
    try {
      workers.execute(() -> render(zones, query, client, sink));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void render(ZoneSet zones, byte[] query, InetAddress client, TransferSink sink) {
    List<byte[]> messages;
    try {
      messages = transfers.transfer(zones, query, client);
      if (messages != null && messages.isEmpty()) {
        throw new IllegalStateException("a transfer of no messages");
      }
    } catch (Throwable t) { // whatever it is, the connection must get its answer
      sink.failed(query, t);
      if (t instanceof Error e) {
        throw e; // the pool replaces this thread; the answer is already on its way
      }
      return;
    }
    if (messages == null) {
      sink.notATransfer(query);
    } else {
      sink.messages(messages);
    }
  }

  /**
   * The answer to parsed {@code query} ({@code wire} its bytes) when it is one of the xfr package's
   * on the one-message path, within {@code limit} bytes; {@code answer} answers the ordinary query
   * inside a signed request. Null when it is not one of them: the Answerer answers.
   */
  XfrService.Reply datagram(
      ZoneSet zones,
      Message query,
      byte[] wire,
      int limit,
      UnaryOperator<Message> answer,
      InetAddress client) {
    return xfr == null ? null : xfr.datagram(zones, query, wire, limit, answer, client);
  }

  /** True when {@link #datagram} may answer: saves the slow path building its argument. */
  boolean routesDatagrams() {
    return xfr != null;
  }
}
