package dnsplane.resolver.net;

import dnsplane.resolver.metrics.Metrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TcpHandler answers one connection's queries, at most {@code tcp-pipeline} at once, in the order
 * they came; it reads only while nothing waits and its unsent replies stay under the high water
 * mark. Event-loop confined.
 */
final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
  private final QueryHandler handler;
  private final DnsServer.TcpLimits limits;
  private final Metrics metrics;
  private final AtomicInteger tcpQueries;
  private final AtomicInteger tcpPaused;
  private final RateLimitedLog problems;
  private final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
  private int answering;
  private boolean draining;
  private boolean flushDue;
  private boolean paused;
  private ScheduledFuture<?> lifetime;

  /**
   * A handler for one connection; {@code tcpQueries} and {@code tcpPaused} count over all
   * connections (the server's gauges).
   */
  TcpHandler(
      QueryHandler handler,
      DnsServer.TcpLimits limits,
      Metrics metrics,
      AtomicInteger tcpQueries,
      AtomicInteger tcpPaused,
      RateLimitedLog problems) {
    this.handler = handler;
    this.limits = limits;
    this.metrics = metrics;
    this.tcpQueries = tcpQueries;
    this.tcpPaused = tcpPaused;
    this.problems = problems;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    lifetime =
        ctx.executor()
            .schedule(
                () -> {
                  metrics.tcpTimeouts.increment();
                  ctx.close();
                },
                limits.maxLifetime().toMillis(),
                TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (lifetime != null) {
      lifetime.cancel(false);
    }
    tcpQueries.addAndGet(
        -waiting.size()); // never to be answered; those being answered count down on reply
    waiting.clear();
    if (paused) {
      paused = false;
      tcpPaused.decrementAndGet();
    }
    ctx.fireChannelInactive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
    if (!ctx.channel().isActive()) {
      return; // the decoder's leftovers after the close: nobody to answer
    }
    tcpQueries.incrementAndGet();
    waiting.add(ByteBufUtil.getBytes(frame));
    drain(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    drain(ctx);
    ctx.fireChannelWritabilityChanged();
  }

  /**
   * Starts waiting queries while the pipeline and the write buffer allow, then reads again only if
   * all started.
   */
  private void drain(ChannelHandlerContext ctx) {
    if (draining) {
      return; // a hit answered inside the loop below: the loop goes on by itself
    }
    draining = true;
    try {
      Channel ch = ctx.channel();
      while (!waiting.isEmpty()
          && answering < limits.pipeline()
          && ch.isWritable()
          && ch.isActive()) {
        answering++;
        InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
        handler.handle(
            waiting.poll(),
            remote.getAddress(),
            true,
            out -> {
              if (ctx.executor().inEventLoop()) {
                answered(ctx, out);
              } else {
                ctx.executor().execute(() -> answered(ctx, out));
              }
            });
      }
    } finally {
      draining = false;
    }
    if (flushDue) {
      flushDue = false;
      ctx.flush();
    }
    boolean pause =
        !waiting.isEmpty() || answering >= limits.pipeline() || !ctx.channel().isWritable();
    if (pause != paused) {
      paused = pause;
      tcpPaused.addAndGet(pause ? 1 : -1);
      ctx.channel().config().setAutoRead(!pause); // back on: Netty reads at once
    }
  }

  private void answered(ChannelHandlerContext ctx, byte[] out) {
    answering--;
    tcpQueries.decrementAndGet();
    if (out != null && ctx.channel().isActive()) {
      ctx.write(Unpooled.wrappedBuffer(out), ctx.voidPromise());
      flushDue = true;
    }
    drain(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof ReadTimeoutException) {
      metrics.tcpTimeouts.increment();
    } else {
      problems.debug("TCP {}: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    ctx.close();
  }
}
