package dnsplane.authdns.net;

import dnsplane.authdns.rrl.RateLimiter;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UdpListeners opens {@link AuthDnsServer}'s UDP side: {@link NativeUdp}'s threads where the JVM
 * allows them and they are wanted, else Netty's channels (epoll, or NIO off Linux) with a {@link
 * UdpHandler} each. With epoll there is one socket per thread, bound with SO_REUSEPORT.
 */
final class UdpListeners {
  private static final Logger LOG = LoggerFactory.getLogger(UdpListeners.class);
  private static volatile boolean toldWhyNotNative;

  private UdpListeners() {}

  /**
   * Binds UDP on {@code listen} (port 0: a free port, the same for every socket), adding what it
   * opens to {@code channels} or {@code natives} so a failed listen can close it; the bound
   * address.
   */
  static InetSocketAddress bind(
      AuthDnsServer.Prepared server,
      InetSocketAddress listen,
      List<Channel> channels,
      List<NativeUdp> natives)
      throws InterruptedException {
    EventLoopGroup group = server.group;
    boolean epoll = server.epoll;
    QueryProcessor processor = server.processor;
    ServerOptions opts = server.opts;
    RateLimiter rrl = server.rrl;
    QueryMetrics metrics = server.metrics;
    if (epoll && opts.nativeUdp() && nativeUdpUsable()) {
      NativeUdp udp =
          new NativeUdp(
              listen,
              opts.threads(),
              AuthDnsServer.UDP_RECEIVE_BUFFER,
              processor,
              PooledByteBufAllocator.DEFAULT,
              rrl,
              metrics);
      natives.add(udp);
      return udp.localAddress();
    }
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .option(ChannelOption.SO_RCVBUF, AuthDnsServer.UDP_RECEIVE_BUFFER)
            // The pooled allocator measured about twice as fast as 4.2's default adaptive one
            // for this pattern (small response buffers allocated and freed per query).
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(
                ChannelOption.RCVBUF_ALLOCATOR,
                new FixedRecvByteBufAllocator(AuthDnsServer.UDP_MAX_QUERY))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new UdpHandler(processor, rrl, metrics));
                  }
                });
    int sockets = 1;
    if (!epoll) {
      b.channel(NioDatagramChannel.class);
    } else if (listen.getAddress() instanceof Inet4Address) {
      // An IPv4 socket for an IPv4 address, as NSD opens: Netty's default is a dual-stack IPv6
      // socket, whose every datagram takes the kernel's IPv6 path and a mapped 16-byte address.
      b.channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET));
      b.option(PathMtuDiscovery.IPV4, PathMtuDiscovery.OMIT);
    } else {
      b.channel(EpollDatagramChannel.class);
      // A dual-stack socket: IPv4-mapped peers go by the IPv4 option.
      b.option(PathMtuDiscovery.IPV6, PathMtuDiscovery.OMIT);
      b.option(PathMtuDiscovery.IPV4, PathMtuDiscovery.OMIT);
    }
    if (epoll) {
      b.option(EpollChannelOption.SO_REUSEPORT, true);
      // recvmmsg: one system call reads a burst of queries instead of one each.
      b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, AuthDnsServer.UDP_MAX_QUERY);
      b.option(
          ChannelOption.RCVBUF_ALLOCATOR,
          new FixedRecvByteBufAllocator(
              AuthDnsServer.UDP_MAX_QUERY * AuthDnsServer.UDP_DATAGRAMS_PER_READ));
      sockets = opts.threads();
    }
    Channel first = b.bind(listen).sync().channel();
    channels.add(first);
    InetSocketAddress bound = (InetSocketAddress) first.localAddress();
    for (int i = 1; i < sockets; i++) {
      channels.add(b.bind(bound).sync().channel());
    }
    return bound;
  }

  /** Whether {@link NativeUdp} can serve here; says why not, once, when it cannot. */
  private static boolean nativeUdpUsable() {
    String why = NativeUdpSupport.unavailable();
    if (why != null && !toldWhyNotNative) {
      toldWhyNotNative = true;
      LOG.info("UDP served through Netty's epoll channel: recvmmsg threads unavailable ({})", why);
    }
    return why == null;
  }
}
