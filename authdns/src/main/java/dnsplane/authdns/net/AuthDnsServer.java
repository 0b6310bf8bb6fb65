package dnsplane.authdns.net;

import dnsplane.authdns.net.QueryMetrics.TcpClose;
import dnsplane.authdns.rrl.RateLimiter;
import dnsplane.authdns.xfr.XfrService;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AuthDnsServer is the authoritative DNS edge: Netty UDP and TCP listeners on one address,
 * answering from whatever {@link SnapshotHolder#get()} holds at the moment each query arrives.
 *
 * <p>UDP is served by {@link NativeUdp} (a thread per socket calling recvmmsg/sendmmsg) where the
 * JVM allows it ({@link NativeUdpSupport}), else by Netty. Either way there is one UDP socket per
 * thread, bound with SO_REUSEPORT, so the kernel spreads datagrams over threads without a shared
 * socket lock. Every UDP socket asks for a 2 MB receive buffer (as NSD does): bursts at the start
 * of a load otherwise overflow the default buffer and are dropped before the server sees them.
 *
 * <p>Abuse resistance: UDP responses go through response rate limiting when {@link
 * ServerOptions#rrl()} is on (see {@link RateLimiter}); TCP connections are capped in number, in
 * time and in queued replies (see {@link TcpHandler}).
 */
public final class AuthDnsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuthDnsServer.class);
  static final int UDP_RECEIVE_BUFFER = 2 * 1024 * 1024;
  // Larger than any sane query; a bigger datagram arrives cut and is answered FORMERR.
  static final int UDP_MAX_QUERY = 4096;
  // With epoll, one recvmmsg call fills up to this many datagrams into one buffer.
  static final int UDP_DATAGRAMS_PER_READ = 16;
  private static final int BIND_ATTEMPTS = 5;
  // Replies queued on one TCP connection above this stop it reading queries; below the low mark
  // it reads again. 64 KiB holds one maximum-size reply, or hundreds of ordinary ones.
  private static final WriteBufferWaterMark TCP_WATER_MARK =
      new WriteBufferWaterMark(32 * 1024, 64 * 1024);
  static final String GAUGE_TCP_CONNECTIONS = "dnsplane_authdns_tcp_connections";
  static final String GAUGE_TCP_PENDING = "dnsplane_authdns_tcp_pending_bytes";
  static final String GAUGE_RRL_BUCKETS = "dnsplane_authdns_rrl_buckets_active";
  static final String GAUGE_RRL_LIMITING = "dnsplane_authdns_rrl_buckets_limiting";
  static final String GAUGE_CACHED_ANSWERS = "dnsplane_authdns_cached_answers";

  private final EventLoopGroup group;
  private final List<Channel> channels;
  // UDP through NativeUdp, or null when Netty serves UDP (in channels).
  private final NativeUdp nativeUdp;
  private final InetSocketAddress address;
  private final ChannelGroup tcpChildren;
  private final QueryMetrics metrics;
  private final QueryProcessor processor;
  private final List<Map.Entry<String, LongSupplier>> gauges = new ArrayList<>();

  private AuthDnsServer(
      EventLoopGroup group,
      List<Channel> channels,
      NativeUdp nativeUdp,
      InetSocketAddress address,
      ChannelGroup tcpChildren,
      QueryMetrics metrics,
      RateLimiter rrl,
      QueryProcessor processor) {
    this.group = group;
    this.processor = processor;
    this.channels = channels;
    this.nativeUdp = nativeUdp;
    this.address = address;
    this.tcpChildren = tcpChildren;
    this.metrics = metrics;
    gauge(GAUGE_TCP_CONNECTIONS, "Open TCP connections.", () -> tcpChildren.size());
    gauge(
        GAUGE_TCP_PENDING,
        "Reply bytes queued on TCP connections and not yet written.",
        this::tcpPendingBytes);
    gauge(GAUGE_CACHED_ANSWERS, "Rendered answers in the answer cache.", processor::cachedAnswers);
    if (rrl != null) {
      gauge(
          GAUGE_RRL_BUCKETS,
          "Rate-limit buckets that answered within the last second.",
          () -> rrl.census(System.nanoTime())[0]);
      gauge(
          GAUGE_RRL_LIMITING,
          "Rate-limit buckets over their rate now.",
          () -> rrl.census(System.nanoTime())[1]);
    }
  }

  /**
   * Called on the follower thread before {@code next} replaces {@code before}: the answer cache
   * drops what {@code changes} (null: a full load) touch, and keeps the rest.
   */
  public void beforeSwap(ZoneSet before, ZoneSet next, List<ZoneChange> changes) {
    processor.beforeSwap(before, next, changes);
  }

  private void gauge(String name, String help, LongSupplier value) {
    metrics.gauge(name, help, value);
    gauges.add(Map.entry(name, value));
  }

  /** Reply bytes queued on all TCP connections and not yet written to them. */
  long tcpPendingBytes() {
    long total = 0;
    for (Channel c : tcpChildren) {
      ChannelOutboundBuffer b = c.unsafe().outboundBuffer();
      if (b != null) {
        total += b.totalPendingWriteBytes();
      }
    }
    return total;
  }

  /** Starts listening on {@code listen} with {@link ServerOptions#defaults()}. */
  public static AuthDnsServer start(
      InetSocketAddress listen, SnapshotHolder holder, QueryMetrics metrics) {
    return start(listen, holder, metrics, ServerOptions.defaults());
  }

  /**
   * Starts listening on {@code listen}, UDP and TCP. Port 0 picks one free port used for both.
   *
   * @throws IllegalStateException when the address cannot be bound
   */
  public static AuthDnsServer start(
      InetSocketAddress listen, SnapshotHolder holder, QueryMetrics metrics, ServerOptions opts) {
    return start(listen, holder, metrics, opts, null);
  }

  /**
   * As {@link #start(InetSocketAddress, SnapshotHolder, QueryMetrics, ServerOptions)}, with zone
   * transfers (AXFR/IXFR) and NOTIFY handled by {@code xfr}; null offers no transfers. The caller
   * owns {@code xfr} and closes it after this server.
   */
  public static AuthDnsServer start(
      InetSocketAddress listen,
      SnapshotHolder holder,
      QueryMetrics metrics,
      ServerOptions opts,
      XfrService xfr) {
    Objects.requireNonNull(listen, "listen");
    return prepare(holder, metrics, opts, xfr).listen(listen);
  }

  /**
   * Everything of a server but its sockets: the event loops (Netty's native transport loaded, its
   * classes initialized) and the query processor. Made while the first full load runs, it takes the
   * half second or so that a cold JVM spends on it off the time to the first answer; {@link
   * #listen} then only binds.
   */
  public static Prepared prepare(
      SnapshotHolder holder, QueryMetrics metrics, ServerOptions opts, XfrService xfr) {
    Objects.requireNonNull(holder, "holder");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(opts, "opts");
    boolean epoll = opts.preferEpoll() && Epoll.isAvailable();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            opts.threads(), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    QueryProcessor processor =
        new QueryProcessor(
            holder,
            metrics,
            opts.maxPayload(),
            opts.cacheEntries(),
            opts.clock(),
            QueryProcessor.STANDARD,
            xfr);
    RateLimiter rrl = opts.rrl().enabled() ? new RateLimiter(opts.rrl()) : null;
    // The allocator's arenas and the first pooled buffer: made now, not by the first query.
    PooledByteBufAllocator.DEFAULT.directBuffer(UDP_MAX_QUERY).release();
    if (epoll && opts.nativeUdp() && NativeUdpSupport.unavailable() == null) {
      try {
        NativeUdp.warm();
      } catch (RuntimeException e) {
        // Only time is lost: listen() binds the real sockets and names what fails there.
        LOG.debug("warming the UDP socket calls failed", e);
      }
    }
    return new Prepared(group, epoll, processor, rrl, metrics, opts);
  }

  /** A server made by {@link #prepare}, not listening yet: {@link #listen} it or close it. */
  public static final class Prepared implements AutoCloseable {
    final EventLoopGroup group;
    final boolean epoll;
    final QueryProcessor processor;
    final RateLimiter rrl;
    final QueryMetrics metrics;
    final ServerOptions opts;

    private Prepared(
        EventLoopGroup group,
        boolean epoll,
        QueryProcessor processor,
        RateLimiter rrl,
        QueryMetrics metrics,
        ServerOptions opts) {
      this.group = group;
      this.epoll = epoll;
      this.processor = processor;
      this.rrl = rrl;
      this.metrics = metrics;
      this.opts = opts;
    }

    /**
     * Starts listening on {@code listen}, UDP and TCP; port 0 picks one free port used for both. On
     * failure the event loops are shut down.
     *
     * @throws IllegalStateException when the address cannot be bound
     */
    public AuthDnsServer listen(InetSocketAddress listen) {
      Objects.requireNonNull(listen, "listen");
      Exception last = null;
      int attempts = listen.getPort() == 0 ? BIND_ATTEMPTS : 1;
      for (int i = 0; i < attempts; i++) {
        List<Channel> channels = new ArrayList<>();
        List<NativeUdp> natives = new ArrayList<>(1);
        ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        try {
          InetSocketAddress bound = bind(listen, channels, natives, children);
          NativeUdp nativeUdp = natives.isEmpty() ? null : natives.get(0);
          LOG.info(
              "authdns listening on {} (udp x{} {}, tcp, {}, rrl {})",
              bound,
              nativeUdp != null ? nativeUdp.sockets() : channels.size() - 1,
              nativeUdp != null ? "recvmmsg threads" : "netty",
              epoll ? "epoll" : "nio",
              rrl == null
                  ? "off"
                  : opts.rrl().rate()
                      + "/s slip "
                      + opts.rrl().slip()
                      + " whitelist "
                      + opts.rrl().whitelist());
          return new AuthDnsServer(
              group, channels, nativeUdp, bound, children, metrics, rrl, processor);
        } catch (Exception e) {
          last = e;
          channels.forEach(c -> c.close().awaitUninterruptibly());
          natives.forEach(NativeUdp::close);
        }
      }
      close();
      throw new IllegalStateException("cannot listen on " + listen + ": " + last, last);
    }

    /**
     * Binds UDP and TCP on {@code listen}, adding what it opens to {@code channels}, {@code
     * natives} and (TCP connections) {@code children} so a failed listen can close it; the bound
     * address.
     */
    private InetSocketAddress bind(
        InetSocketAddress listen,
        List<Channel> channels,
        List<NativeUdp> natives,
        ChannelGroup children)
        throws Exception {
      InetSocketAddress bound = UdpListeners.bind(this, listen, channels, natives);
      AtomicInteger tcpConnections = new AtomicInteger();
      TcpLimits limits = TcpLimits.of(opts, tcpConnections, metrics);
      ServerBootstrap tcp =
          new ServerBootstrap()
              .group(group)
              .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
              .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, TCP_WATER_MARK)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      // A cap on connections keeps a flood of idle ones from exhausting
                      // descriptors.
                      if (tcpConnections.incrementAndGet() > opts.maxTcpConnections()) {
                        tcpConnections.decrementAndGet();
                        metrics.tcpClosed(TcpClose.REFUSED);
                        ch.close();
                        return;
                      }
                      ch.closeFuture().addListener(f -> tcpConnections.decrementAndGet());
                      children.add(ch);
                      ch.pipeline()
                          .addLast(new LengthFieldPrepender(2), new TcpHandler(processor, limits));
                    }
                  });
      try {
        channels.add(tcp.bind(bound).sync().channel());
      } catch (Exception e) {
        if (e instanceof BindException || e.getCause() instanceof BindException) {
          throw new BindException("tcp port " + bound.getPort() + " is taken: " + e.getMessage());
        }
        throw e;
      }
      return bound;
    }

    /** Shuts the event loops down; for a server that will not {@link #listen}. */
    @Override
    public void close() {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /** Whether UDP is served by {@link NativeUdp} (tests). */
  boolean servesUdpNatively() {
    return nativeUdp != null;
  }

  /** The bound address (UDP and TCP share it). */
  public InetSocketAddress address() {
    return address;
  }

  /** {@code option} as each epoll UDP socket has it (getsockopt), for tests. */
  List<Integer> udpSocketOption(IntegerUnixChannelOption option) {
    if (nativeUdp != null) {
      return nativeUdp.intOption(option.level(), option.optname());
    }
    return channels.stream()
        .filter(c -> c instanceof EpollDatagramChannel)
        .map(c -> c.config().getOption(option))
        .toList();
  }

  /** Closes the listeners and stops the event loops, waiting at most a second or two. */
  @Override
  public void close() {
    for (Map.Entry<String, LongSupplier> g : gauges) {
      metrics.removeGauge(g.getKey(), g.getValue());
    }
    if (nativeUdp != null) {
      nativeUdp.close();
    }
    for (Channel c : channels) {
      c.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }
}
