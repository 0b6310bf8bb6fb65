package dnsplane.authdns.net;

import dnsplane.authdns.rrl.RateLimiter;
import dnsplane.authdns.rrl.ResponseClass;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * UdpHandler answers each datagram with at most one datagram. Replies are written as they are made
 * and flushed once per read batch, so epoll can send a burst with one sendmmsg call.
 *
 * <p>With response rate limiting on, each reply is first put to the {@link RateLimiter}: sent,
 * dropped, or cut to a truncated reply (a "slip"). TCP is never limited: it is how a real client
 * limited by mistake still gets its answer.
 */
@ChannelHandler.Sharable
final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private final QueryProcessor processor;
  // Null when rate limiting is off: then the hot path costs one branch.
  private final RateLimiter rrl;
  private final QueryMetrics metrics;

  UdpHandler(QueryProcessor processor) {
    this(processor, null, null);
  }

  UdpHandler(QueryProcessor processor, RateLimiter rrl, QueryMetrics metrics) {
    this.processor = processor;
    this.rrl = rrl;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf reply =
        processor.process(
            packet.content(), Transport.UDP, ctx.alloc(), packet.sender().getAddress());
    if (reply != null && rrl != null) {
      reply = limit(reply, packet);
    }
    if (reply != null) {
      ctx.write(new DatagramPacket(reply, packet.sender()), ctx.voidPromise());
    }
  }

  private ByteBuf limit(ByteBuf reply, DatagramPacket packet) {
    long c = RrlWire.classify(reply);
    ResponseClass cls = RrlWire.classOf(c);
    switch (rrl.decide(packet.sender().getAddress(), cls, RrlWire.hashOf(c), System.nanoTime())) {
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
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A failed send (e.g. ICMP port unreachable surfacing as an error) must not close the socket.
  }
}
