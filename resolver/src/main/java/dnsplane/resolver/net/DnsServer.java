package dnsplane.resolver.net;

import dnsplane.resolver.metrics.Metrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DnsServer is the UDP and TCP listener (Netty, epoll where available). Both framings feed the same
 * {@link QueryHandler}; TCP uses the 2-byte length prefix of RFC 1035 §4.2.2.
 *
 * <p>TCP is where one client can tie up the server, so each connection is bounded
 * (resolver/README.md, "Limits"):
 *
 * <ol>
 *   <li>at most {@code tcp-pipeline} of its queries are answered at once; further ones wait, and
 *       reading stops while any wait;
 *   <li>reading also stops while its replies pile up unsent (more than {@link #WRITE_HIGH} bytes: a
 *       client that does not read), and resumes once they drain below {@link #WRITE_LOW};
 *   <li>it is closed after {@code tcp-idle-timeout} without a complete query (a byte now and then
 *       is not a query: slowloris), and after {@code tcp-max-lifetime} whatever it does;
 *   <li>at most {@code tcp-max-connections} are open; more are closed at once.
 * </ol>
 */
public final class DnsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

  /** A large receive buffer absorbs bursts instead of dropping them (NSD uses 2 MB too). */
  private static final int RCVBUF = 2 * 1024 * 1024;

  /**
   * Largest UDP query read in a batch; longer ones are cut and answered FORMERR, as no real query
   * is that big.
   */
  private static final int MAX_QUERY = 1232;

  private static final int BATCH = 32;

  /**
   * Unsent reply bytes per TCP connection above which reading stops, and below which it resumes.
   */
  static final int WRITE_HIGH = 64 * 1024;

  static final int WRITE_LOW = 32 * 1024;

  /**
   * Largest TCP read: what one read can bring in beyond the pipeline limit before reading stops.
   */
  static final int TCP_READ_MAX = 16 * 1024;

  /** The TCP bounds, from the configuration. */
  public record TcpLimits(
      Duration idleTimeout, Duration maxLifetime, int maxConnections, int pipeline) {}

  private final AtomicInteger tcpConnections = new AtomicInteger();

  /**
   * Queries read from TCP clients and not yet answered (answering or waiting), over all
   * connections.
   */
  private final AtomicInteger tcpQueries = new AtomicInteger();

  private final AtomicInteger tcpPaused = new AtomicInteger();
  private final ChannelGroup tcpChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final RateLimitedLog problems =
      new RateLimitedLog(log, Clock.systemUTC(), QueryHandler.LOG_INTERVAL);

  private final QueryHandler handler;
  private final TcpLimits limits;
  private final Metrics metrics;
  private final EventLoopGroup group;
  private final boolean epoll = Epoll.isAvailable();
  private Channel udp;
  private Channel tcp;

  public DnsServer(QueryHandler handler, int threads, TcpLimits limits, Metrics metrics) {
    this.handler = handler;
    this.limits = limits;
    this.metrics = metrics;
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    metrics.gauge(
        "tcp_connections",
        "Open TCP connections (bounded by tcp-max-connections)",
        tcpConnections::get);
    metrics.gauge(
        "tcp_queries_in_flight",
        "TCP queries read and not yet answered, over all connections",
        tcpQueries::get);
    metrics.gauge(
        "tcp_pending_write_bytes",
        "Reply bytes queued for TCP clients and not yet sent",
        this::tcpPendingWriteBytes);
    metrics.gauge(
        "tcp_reads_paused",
        "TCP connections not being read: replies unsent or pipeline full",
        tcpPaused::get);
  }

  private long tcpPendingWriteBytes() {
    long sum = 0;
    for (Channel ch : tcpChannels) {
      ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
      if (b != null) {
        sum += b.totalPendingWriteBytes();
      }
    }
    return sum;
  }

  /**
   * Binds UDP and TCP on {@code listen} (port 0: any free port, the same for both); returns the
   * bound address.
   */
  public InetSocketAddress start(InetSocketAddress listen) throws InterruptedException {
    // with port 0 the kernel picks the UDP port; TCP may find it taken, so try a few
    for (int attempt = 1; ; attempt++) {
      udp = bindUdp(listen);
      InetSocketAddress bound = (InetSocketAddress) udp.localAddress();
      try {
        tcp = bindTcp(bound);
        log.info("resolver listening on {} (UDP+TCP, {})", bound, epoll ? "epoll" : "nio");
        return bound;
      } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
        udp.close().syncUninterruptibly();
        if (listen.getPort() != 0 || attempt >= 10) {
          throw new IllegalStateException("cannot bind TCP " + bound + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private Channel bindUdp(InetSocketAddress listen) throws InterruptedException {
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .option(ChannelOption.SO_RCVBUF, RCVBUF)
            .handler(new UdpHandler());
    if (epoll && listen.getAddress() instanceof Inet4Address) {
      // An AF_INET socket for an IPv4 address (as authdns): Netty's default is a dual-stack IPv6
      // socket, whose every datagram takes the kernel's IPv6 path and a mapped 16-byte address.
      b.channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET));
    } else {
      b.channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class);
    }
    if (epoll) {
      // recvmmsg: up to BATCH queries per system call instead of one
      b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
          .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_QUERY * BATCH));
    }
    return b.bind(listen).sync().channel();
  }

  private Channel bindTcp(InetSocketAddress bound) throws InterruptedException {
    return new ServerBootstrap()
        .group(group)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(
            ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(WRITE_LOW, WRITE_HIGH))
        .childOption(
            ChannelOption.RCVBUF_ALLOCATOR,
            new AdaptiveRecvByteBufAllocator(64, 1024, TCP_READ_MAX))
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                if (tcpConnections.incrementAndGet() > limits.maxConnections()) {
                  tcpConnections.decrementAndGet();
                  metrics.tcpShed.increment();
                  ch.close(); // too many open: shed the newcomer rather than run out of file
                  // descriptors
                  return;
                }
                ch.closeFuture().addListener(f -> tcpConnections.decrementAndGet());
                tcpChannels.add(ch);
                ch.pipeline()
                    .addLast(new LengthFieldBasedFrameDecoder(2 + 65535, 0, 2, 0, 2))
                    // after the decoder, so only a complete query counts as activity: a slowloris
                    // trickling
                    // bytes never completes one and is closed like an idle client
                    .addLast(
                        new ReadTimeoutHandler(
                            limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                    .addLast(new LengthFieldPrepender(2))
                    .addLast(
                        new TcpHandler(handler, limits, metrics, tcpQueries, tcpPaused, problems));
              }
            })
        .bind(bound)
        .sync()
        .channel();
  }

  @Override
  public void close() {
    if (udp != null) {
      udp.close().syncUninterruptibly();
    }
    if (tcp != null) {
      tcp.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private boolean pending;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      byte[] raw = ByteBufUtil.getBytes(p.content());
      InetSocketAddress sender = p.sender();
      ByteBuf hit = handler.tryUdpHit(raw, sender.getAddress(), ctx.alloc());
      if (hit != null) {
        if (hit.isReadable()) {
          ctx.write(new DatagramPacket(hit, sender), ctx.voidPromise());
          pending = true;
        }
        return;
      }
      handler.handle(
          raw,
          sender.getAddress(),
          false,
          out -> {
            if (out == null) {
              return;
            }
            DatagramPacket reply = new DatagramPacket(Unpooled.wrappedBuffer(out), sender);
            if (ctx.executor().inEventLoop()) {
              // answered during this read: flushed once in channelReadComplete, one syscall per
              // batch
              ctx.write(reply, ctx.voidPromise());
              pending = true;
            } else {
              ctx.writeAndFlush(reply, ctx.voidPromise());
            }
          });
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (pending) {
        pending = false;
        ctx.flush();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      problems.warn("UDP: {}", cause.toString());
    }
  }
}
