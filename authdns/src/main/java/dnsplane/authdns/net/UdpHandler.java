package dnsplane.authdns.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * UdpHandler answers each datagram with at most one datagram. Replies are written as they are made
 * and flushed once per read batch, so epoll can send a burst with one sendmmsg call.
 */
@ChannelHandler.Sharable
final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private final QueryProcessor processor;

  UdpHandler(QueryProcessor processor) {
    this.processor = processor;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf reply = processor.process(packet.content(), Transport.UDP, ctx.alloc());
    if (reply != null) {
      ctx.write(new DatagramPacket(reply, packet.sender()), ctx.voidPromise());
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
