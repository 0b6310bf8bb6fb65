package dnsplane.authdns.net;

import dnsplane.authdns.net.QueryMetrics.TcpClose;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * TcpHandler frames and answers the queries on one TCP connection, in order (RFC 7766 pipelining:
 * several queries per connection). It sits after a {@code LengthFieldPrepender(2)}, which frames
 * the replies.
 *
 * <p>Back-pressure: a query is taken from the bytes read only while the connection can take its
 * reply, that is while it is writable (under the channel's write-buffer high-water mark) and fewer
 * than {@link TcpLimits#maxInFlight()} replies are queued and unwritten; otherwise the connection
 * stops reading ({@code autoRead} off) and resumes as replies drain. So a client that pipelines
 * queries and never reads holds at most one read's worth of queries and about the high-water mark
 * of replies, not memory without bound. It does the framing itself, instead of Netty's
 * LengthFieldBasedFrameDecoder, because that decoder hands on every frame of a read at once,
 * however many replies are already queued.
 *
 * <p>Timeouts, one timer per connection: closed when idle (no whole query received and no reply
 * written) for {@link TcpLimits#currentIdleNanos()}; when a query started more than the I/O timeout
 * ago has still not fully arrived (a slowloris trickling bytes, or a length prefix with nothing
 * after it); and at the connection's lifetime. The timer looks at least once per I/O timeout, so
 * each of these acts within that much of its deadline. While a zone transfer is running none of
 * these apply, and a lifetime reached during one closes the connection when it ends.
 *
 * <p>Frames the {@link TransferRouter} takes as zone transfers go to it: the snapshot is read here,
 * once, and the transfer is rendered on the transfer threads; taking queries pauses until its last
 * message is written, so replies stay in query order.
 */
final class TcpHandler extends ChannelInboundHandlerAdapter {
  private static final long NONE = Long.MIN_VALUE;
  // The timer never fires more often than this, whatever the configured timeouts.
  private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final QueryProcessor processor;
  private final TcpLimits limits;

  // Everything below is confined to the channel's event loop.
  private ChannelHandlerContext ctx;
  private ByteBuf buffered; // bytes read and not yet taken as queries
  private int inFlight; // replies written and not yet on the wire
  private boolean transferring;
  private boolean expired; // lifetime reached during a transfer: close when it ends
  private boolean closing;
  private boolean decoding;
  private boolean paused;
  private long openedAt;
  private long lastActivity;
  private long partialSince = NONE; // when the first byte of a still-incomplete query arrived
  private ScheduledFuture<?> timer;

  private final ChannelFutureListener replyWritten =
      f -> {
        inFlight--;
        lastActivity = System.nanoTime();
        if (!decoding) {
          resume();
        }
      };

  // Called on a transfer thread: writes may come from any thread, the rest runs on the event loop.
  private final TransferRouter.TransferSink transferSink =
      new TransferRouter.TransferSink() {
        @Override
        public void messages(List<byte[]> messages) {
          for (int i = 0; i < messages.size() - 1; i++) {
            ctx.write(Unpooled.wrappedBuffer(messages.get(i)), ctx.voidPromise());
          }
          ctx.writeAndFlush(Unpooled.wrappedBuffer(messages.get(messages.size() - 1)))
              .addListener((ChannelFutureListener) f -> transferDone());
        }

        @Override
        public void notATransfer(byte[] query) {
          ctx.executor().execute(() -> ordinaryAnswer(query));
        }

        @Override
        public void failed(byte[] query, Throwable t) {
          ctx.executor().execute(() -> transferFailed(query, t));
        }
      };

  TcpHandler(QueryProcessor processor) {
    this(processor, TcpLimits.defaults());
  }

  TcpHandler(QueryProcessor processor, TcpLimits limits) {
    this.processor = processor;
    this.limits = limits;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    openedAt = System.nanoTime();
    lastActivity = openedAt;
    schedule(nextDeadline(openedAt) - openedAt);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
    }
    if (buffered != null) {
      buffered.release();
      buffered = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (closing) {
      in.release();
      return;
    }
    buffered =
        buffered == null
            ? in
            : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), buffered, in);
    decode();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    resume();
    ctx.fireChannelWritabilityChanged();
  }

  /** True when the next query's reply may be queued now. */
  private boolean mayTake() {
    return !transferring
        && !closing
        && inFlight < limits.maxInFlight()
        && ctx.channel().isWritable();
  }

  private void resume() {
    if (ctx.channel().isActive()) {
      decode();
    }
  }

  /** Takes and answers whole queries from {@link #buffered} while replies may be queued. */
  private void decode() {
    if (decoding) {
      return;
    }
    decoding = true;
    try {
      while (true) {
        int answered = 0;
        ByteBuf frame;
        while (mayTake() && (frame = nextFrame()) != null) {
          answer(frame);
          answered++;
        }
        if (answered == 0) {
          break;
        }
        // Writes that complete during the flush free in-flight slots: loop to use them.
        ctx.flush();
      }
    } finally {
      decoding = false;
    }
    if (buffered != null) {
      if (!buffered.isReadable()) {
        buffered.release();
        buffered = null;
      } else {
        buffered.discardSomeReadBytes();
        if (partialSince == NONE && mayTake()) {
          partialSince = System.nanoTime(); // what is left is an incomplete query
        }
      }
    }
    boolean read = mayTake();
    if (read == paused) {
      paused = !read;
      if (paused && !transferring && !closing) {
        limits.metrics().tcpReadPaused();
      }
      ctx.channel().config().setAutoRead(read);
    }
  }

  /** The next whole query in {@link #buffered} (a slice of it), or null. */
  private ByteBuf nextFrame() {
    if (buffered == null || buffered.readableBytes() < 2) {
      return null;
    }
    int len = buffered.getUnsignedShort(buffered.readerIndex());
    if (buffered.readableBytes() < 2 + len) {
      return null;
    }
    buffered.skipBytes(2);
    partialSince = NONE;
    lastActivity = System.nanoTime();
    return buffered.readSlice(len);
  }

  private void answer(ByteBuf frame) {
    if (processor.transfers().isTransfer(frame)) {
      transfer(frame);
      return;
    }
    ByteBuf reply = processor.process(frame, Transport.TCP, ctx.alloc(), client());
    if (reply != null) {
      inFlight++;
      ctx.write(reply, ctx.newPromise().addListener(replyWritten));
    }
  }

  /** The peer's address; null for a channel that has none (an embedded one in tests). */
  private InetAddress client() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  /**
   * Has the transfer {@code frame} asks for rendered on the transfer threads; taking queries pauses
   * until its answer is written. Whatever happens there ends with {@link #transferDone}: a failure
   * (a bug) is answered SERVFAIL, as on the ordinary path, instead of leaving the client without a
   * reply and this connection with reading paused until the idle timeout.
   */
  private void transfer(ByteBuf frame) {
    ZoneSet zones = processor.holder().get();
    byte[] query = ByteBufUtil.getBytes(frame);
    transferring = true;
    if (!processor.transfers().startTransfer(zones, query, client(), transferSink)) {
      ctx.close(); // shutting down
    }
  }

  /** Not a transfer after all (it does not parse as one): the ordinary path answers. */
  private void ordinaryAnswer(byte[] query) {
    ByteBuf q = Unpooled.wrappedBuffer(query);
    ByteBuf reply = processor.process(q, Transport.TCP, ctx.alloc());
    q.release();
    writeLast(reply);
  }

  private void transferFailed(byte[] query, Throwable t) {
    writeLast(processor.errors().transferFailed(query, Transport.TCP, ctx.alloc(), t));
  }

  private void writeLast(ByteBuf reply) {
    if (reply != null) {
      ctx.write(reply, ctx.voidPromise());
    }
    ctx.flush();
    transferDone();
  }

  private void transferDone() {
    transferring = false;
    lastActivity = System.nanoTime();
    if (expired) {
      close(TcpClose.LIFETIME);
      return;
    }
    resume();
  }

  private long nextDeadline(long now) {
    long next = lastActivity + limits.currentIdleNanos();
    if (partialSince != NONE) {
      next = Math.min(next, partialSince + limits.ioNanos());
    }
    if (limits.lifetimeNanos() > 0) {
      next = Math.min(next, openedAt + limits.lifetimeNanos());
    }
    return next;
  }

  private void schedule(long delayNanos) {
    // At least once per I/O timeout: a query started, or the server filling up, since the last
    // check is then noticed within twice that timeout, with no rescheduling on the read path.
    long d = Math.max(MIN_TICK_NANOS, Math.min(delayNanos, limits.ioNanos()));
    timer = ctx.executor().schedule(this::check, d, TimeUnit.NANOSECONDS);
  }

  private void check() {
    if (!ctx.channel().isActive() || closing) {
      return;
    }
    long now = System.nanoTime();
    if (!transferring) {
      if (limits.lifetimeNanos() > 0 && now - openedAt >= limits.lifetimeNanos()) {
        close(TcpClose.LIFETIME);
        return;
      }
      if (partialSince != NONE && now - partialSince >= limits.ioNanos()) {
        close(TcpClose.IO_TIMEOUT);
        return;
      }
      if (now - lastActivity >= limits.currentIdleNanos()) {
        close(TcpClose.IDLE);
        return;
      }
    } else if (limits.lifetimeNanos() > 0 && now - openedAt >= limits.lifetimeNanos()) {
      expired = true;
    }
    // While transferring, look again after the idle period: the transfer's end resets activity.
    long next = transferring ? now + limits.idleNanos() : nextDeadline(now);
    schedule(next - now);
  }

  private void close(TcpClose why) {
    closing = true;
    limits.metrics().tcpClosed(why);
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
