package dnsplane.resolver.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DnsServer is the UDP and TCP listener (Netty, epoll where available). Both framings feed the same {@link
 * QueryHandler}; TCP uses the 2-byte length prefix of RFC 1035 §4.2.2 and closes connections idle for 10 s.
 */
public final class DnsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
  /** A large receive buffer absorbs bursts instead of dropping them (NSD uses 2 MB too). */
  private static final int RCVBUF = 2 * 1024 * 1024;
  private static final int TCP_IDLE_SECONDS = 10;
  /** Largest UDP query read in a batch; longer ones are cut and answered FORMERR, as no real query is that big. */
  private static final int MAX_QUERY = 1232;
  private static final int BATCH = 32;
  /** Open TCP connections at most; each costs a file descriptor and buffers. */
  private static final int MAX_TCP_CONNECTIONS = 1024;

  private final java.util.concurrent.atomic.AtomicInteger tcpConnections = new java.util.concurrent.atomic.AtomicInteger();

  private final QueryHandler handler;
  private final EventLoopGroup group;
  private final boolean epoll = Epoll.isAvailable();
  private Channel udp;
  private Channel tcp;

  public DnsServer(QueryHandler handler, int threads) {
    this.handler = handler;
    this.group = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /** Binds UDP and TCP on {@code listen} (port 0: any free port, the same for both); returns the bound address. */
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
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
        .option(ChannelOption.SO_RCVBUF, RCVBUF)
        .handler(new UdpHandler());
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
        .childHandler(new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                if (tcpConnections.incrementAndGet() > MAX_TCP_CONNECTIONS) {
                  tcpConnections.decrementAndGet();
                  ch.close(); // too many open: shed the newcomer rather than run out of file descriptors
                  return;
                }
                ch.closeFuture().addListener(f -> tcpConnections.decrementAndGet());
                ch.pipeline()
                    .addLast(new ReadTimeoutHandler(TCP_IDLE_SECONDS, TimeUnit.SECONDS))
                    .addLast(new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2))
                    .addLast(new LengthFieldPrepender(2))
                    .addLast(new TcpHandler());
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
      handler.handle(raw, sender.getAddress(), false, out -> {
            DatagramPacket reply = new DatagramPacket(Unpooled.wrappedBuffer(out), sender);
            if (ctx.executor().inEventLoop()) {
              // answered during this read: flushed once in channelReadComplete, one syscall per batch
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
      log.warn("UDP: {}", cause.toString());
    }
  }

  private final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
      byte[] raw = ByteBufUtil.getBytes(frame);
      InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
      handler.handle(raw, remote.getAddress(), true, out -> ctx.writeAndFlush(Unpooled.wrappedBuffer(out)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("TCP {}: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
