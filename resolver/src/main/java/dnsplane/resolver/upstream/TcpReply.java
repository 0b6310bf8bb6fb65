package dnsplane.resolver.upstream;

import dnsplane.resolver.metrics.Metrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.xbill.DNS.Message;

/**
 * TcpReply takes the first framed reply of a TCP fallback connection, checks it against the query
 * and ends the exchange with it; the connection is closed either way (one query per connection, as
 * the blocking client did).
 */
final class TcpReply extends SimpleChannelInboundHandler<ByteBuf> {
  private final Exchange x;
  private final Metrics metrics;

  TcpReply(Exchange x, Metrics metrics) {
    this.x = x;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    ctx.close();
    if (x.done()) {
      return;
    }
    Message reply = Lane.parse(ByteBufUtil.getBytes(frame));
    String why = reply == null ? "unparseable" : ResponseCheck.mismatch(x.query, reply);
    if (why != null) {
      metrics.upstreamMismatched.increment();
      x.fail("TCP reply discarded: " + why);
      return;
    }
    x.succeed(reply);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    x.fail("TCP connection closed without a reply");
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    x.fail(Lane.describe(cause));
    ctx.close();
  }
}
