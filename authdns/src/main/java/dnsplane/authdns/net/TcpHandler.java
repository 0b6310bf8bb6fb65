package dnsplane.authdns.net;

import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * TcpHandler answers each length-framed query on a connection in order (RFC 7766 pipelining:
 * several queries per connection, replies flushed per read batch). An idle connection, or one that
 * sends garbage the framer cannot use, is closed.
 *
 * <p>AXFR and IXFR, when transfers are offered, go to {@link XfrService}: the snapshot is read
 * here, once, and the transfer is rendered on the service's threads; reading from the connection
 * pauses until the last message is written, so replies stay in query order.
 */
final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
  private final QueryProcessor processor;

  private final XfrService xfr;

  TcpHandler(QueryProcessor processor) {
    this(processor, null);
  }

  TcpHandler(QueryProcessor processor, XfrService xfr) {
    this.processor = processor;
    this.xfr = xfr;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    if (xfr != null && XfrService.isTransfer(frame)) {
      transfer(ctx, frame);
      return;
    }
    ByteBuf reply = processor.process(frame, Transport.TCP, ctx.alloc());
    if (reply != null) {
      ctx.write(reply, ctx.voidPromise());
    }
  }

  private void transfer(ChannelHandlerContext ctx, ByteBuf frame) {
    ZoneSet zones = processor.holder().get();
    byte[] query = ByteBufUtil.getBytes(frame);
    InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    ctx.channel().config().setAutoRead(false);
    try {
      xfr.workers().execute(() -> {
        List<byte[]> messages = xfr.transfer(zones, query, client);
        if (messages == null) {
          ctx.executor().execute(() -> {
            ByteBuf q = Unpooled.wrappedBuffer(query);
            ByteBuf reply = processor.process(q, Transport.TCP, ctx.alloc());
            q.release();
            if (reply != null) {
              ctx.write(reply, ctx.voidPromise());
            }
            ctx.flush();
            ctx.channel().config().setAutoRead(true);
          });
          return;
        }
        for (int i = 0; i < messages.size() - 1; i++) {
          ctx.write(Unpooled.wrappedBuffer(messages.get(i)), ctx.voidPromise());
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(messages.get(messages.size() - 1)))
            .addListener((ChannelFutureListener) f -> f.channel().config().setAutoRead(true));
      });
    } catch (RejectedExecutionException e) {
      ctx.close(); // shutting down
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
