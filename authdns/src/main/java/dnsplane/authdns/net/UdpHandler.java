package dnsplane.authdns.net;

import dnsplane.authdns.rrl.RateLimiter;
import dnsplane.authdns.rrl.ResponseClass;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;

/**
 * UdpHandler answers each datagram with at most one datagram, for Netty's UDP channels: where
 * {@link NativeUdp} cannot run, or is turned off. Datagrams are answered a batch at a time: up to
 * {@link #BATCH}, what one recvmmsg call reads, or fewer at {@link #channelReadComplete}. The zone
 * data their answers will read is read ahead for all of them at once ({@link QueryProcessor#warm}),
 * then each is answered in the order it came; the replies are flushed at the end of the read, so
 * epoll can send the burst with sendmmsg.
 *
 * <p>With response rate limiting on, each reply is first put to the {@link RateLimiter}: sent,
 * dropped, or cut to a truncated reply (a "slip"). TCP is never limited: it is how a real client
 * limited by mistake still gets its answer.
 *
 * <p>One per channel: the batch is the channel's, touched only by its event loop.
 */
final class UdpHandler extends ChannelInboundHandlerAdapter {
  /** Datagrams held before they are answered, at most: what one recvmmsg call reads. */
  static final int BATCH = AuthDnsServer.UDP_DATAGRAMS_PER_READ;

  private final QueryProcessor processor;
  // Null when rate limiting is off: then the hot path costs one branch.
  private final RateLimiter rrl;
  private final QueryMetrics metrics;
  private final DatagramPacket[] batch = new DatagramPacket[BATCH];
  private final ByteBuf[] contents = new ByteBuf[BATCH];
  private int held;

  UdpHandler(QueryProcessor processor) {
    this(processor, null, null);
  }

  UdpHandler(QueryProcessor processor, RateLimiter rrl, QueryMetrics metrics) {
    this.processor = processor;
    this.rrl = rrl;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket packet)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    batch[held] = packet;
    contents[held] = packet.content();
    if (++held == BATCH) {
      // As many as one recvmmsg call reads: answered before the next call, so its buffer is
      // released and reused while it is still in the processor's cache.
      answerBatch(ctx);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    answerBatch(ctx);
    ctx.flush();
  }

  private void answerBatch(ChannelHandlerContext ctx) {
    int n = held;
    held = 0;
    try {
      processor.warm(contents, n);
    } catch (RuntimeException e) {
      // Reading ahead only reads: the answers are made as without it.
    }
    for (int i = 0; i < n; i++) {
      DatagramPacket packet = batch[i];
      batch[i] = null;
      contents[i] = null;
      try {
        answer(ctx, packet);
      } catch (RuntimeException e) {
        // As exceptionCaught: one query's failure costs its answer only, never the batch's.
      } finally {
        packet.release();
      }
    }
  }

  private void answer(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf reply =
        processor.process(
            packet.content(), Transport.UDP, ctx.alloc(), packet.sender().getAddress());
    if (reply != null && rrl != null) {
      reply = limit(reply, packet.sender().getAddress(), rrl, metrics);
    }
    if (reply != null) {
      ctx.write(new DatagramPacket(reply, packet.sender()), ctx.voidPromise());
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    for (int i = 0; i < held; i++) {
      batch[i].release();
      batch[i] = null;
      contents[i] = null;
    }
    held = 0;
  }

  /**
   * What rate limiting lets through of {@code reply} to {@code client}: the reply, a truncated
   * slip, or null (dropped, and released).
   */
  static ByteBuf limit(ByteBuf reply, InetAddress client, RateLimiter rrl, QueryMetrics metrics) {
    long c = RrlWire.classify(reply);
    ResponseClass cls = RrlWire.classOf(c);
    switch (rrl.decide(client, cls, RrlWire.hashOf(c), System.nanoTime())) {
      case ANSWER:
        return reply;
      case SLIP:
        metrics.rrlSlipped(cls);
        return RrlWire.slip(reply);
      default:
        metrics.rrlDropped(cls);
        reply.release();
        return null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A failed send (e.g. ICMP port unreachable surfacing as an error) must not close the socket.
  }
}
