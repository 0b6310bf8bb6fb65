package dnsplane.authdns.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * TcpHandler answers each length-framed query on a connection in order (RFC 7766 pipelining:
 * several queries per connection, replies flushed per read batch). An idle connection, or one that
 * sends garbage the framer cannot use, is closed.
 */
final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
  private final QueryProcessor processor;

  TcpHandler(QueryProcessor processor) {
    this.processor = processor;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    ByteBuf reply = processor.process(frame, Transport.TCP, ctx.alloc());
    if (reply != null) {
      ctx.write(reply, ctx.voidPromise());
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
