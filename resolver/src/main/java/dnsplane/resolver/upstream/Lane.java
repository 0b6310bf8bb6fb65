package dnsplane.resolver.upstream;

import dnsplane.resolver.metrics.Metrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Lane is the upstream I/O of one event loop: a pool of {@link #POOL} UDP sockets on random
 * ephemeral ports, the exchanges waiting on them, and TCP fallback connections. All of its state is
 * confined to that loop, so it needs no locks, and nothing in it ever waits: a reply, a timeout or
 * a connection is an event.
 *
 * <p>A reply is taken only if it comes from the server the query went to (address and port), on the
 * socket it left from, with the query's ID and question; anything else is counted in {@code
 * upstream_mismatched} and dropped, and the exchange keeps waiting for the real reply until its
 * timeout (the Kaminsky defence: a forger must guess port and ID, and get in before the server).
 */
final class Lane {
  /** Sockets per lane: a forger must guess which port, on top of the 16-bit ID. */
  static final int POOL = 8;

  /** A socket is replaced after this many queries (by default)… */
  static final int ROTATE_AFTER = 1000;

  /** …or this long, whichever comes first. */
  static final long ROTATE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private static final int EDNS_PAYLOAD = 1232;
  private static final int RCVBUF = 1024 * 1024;

  /** Replies are read whole: an upstream may exceed the payload size it was offered. */
  private static final int MAX_REPLY = 65535;

  private final EventLoop loop;
  private final boolean epoll;
  private final Metrics metrics;
  private final long timeoutMillis;
  private final int rotateAfter;
  private final UdpSocket[] sockets = new UdpSocket[POOL];
  private final SecureRandom random = new SecureRandom();
  private final byte[] randomBytes = new byte[512];
  private int randomPos = randomBytes.length;

  Lane(EventLoop loop, boolean epoll, Metrics metrics, long timeoutMillis, int rotateAfter) {
    this.rotateAfter = rotateAfter;
    this.loop = loop;
    this.epoll = epoll;
    this.metrics = metrics;
    this.timeoutMillis = timeoutMillis;
    for (int i = 0; i < POOL; i++) {
      UdpSocket s = new UdpSocket(this, i);
      open(s).syncUninterruptibly();
      sockets[i] = s;
    }
  }

  EventLoop loop() {
    return loop;
  }

  private ChannelFuture open(UdpSocket s) {
    ChannelFuture f =
        new Bootstrap()
            .group(loop)
            .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
            .option(ChannelOption.SO_RCVBUF, RCVBUF)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_REPLY))
            .handler(s)
            .bind(new InetSocketAddress(0)); // port 0: the kernel picks a random ephemeral port
    s.channel = f.channel();
    return f;
  }

  /** Sends the query of {@code x} over UDP and waits (without blocking) for its reply. */
  void send(Exchange x) {
    try {
      sendUdp(x);
    } catch (RuntimeException e) {
      forget(x); // a bug: end the exchange, and leave nothing behind that waits for it
      x.crash(e);
    }
  }

  private void sendUdp(Exchange x) {
    UdpSocket s = sockets[nextRandom16() % POOL];
    int id;
    do {
      id = nextRandom16();
    } while (s.pending.containsKey(id));
    Message q = new Message(id);
    q.getHeader().setFlag(Flags.RD);
    q.addRecord(Record.newRecord(x.qname, x.qtype, DClass.IN), Section.QUESTION);
    q.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0), Section.ADDITIONAL);
    byte[] wire = q.toWire();
    x.query = q;
    x.startNanos = System.nanoTime();
    x.socket = s;
    x.id = id;
    s.pending.put(id, x);
    s.sent++;
    metrics.upstreamQueries.increment();
    x.timer = loop.schedule(() -> timedOut(x), timeoutMillis, TimeUnit.MILLISECONDS);
    s.channel
        .writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(wire), x.server))
        .addListener(
            f -> {
              if (!f.isSuccess() && forget(x)) {
                x.fail(describe(f.cause()));
              }
            });
    maybeRotate(s);
  }

  private void timedOut(Exchange x) {
    x.timer = null;
    if (forget(x)) {
      x.fail("timeout");
    }
  }

  /** Takes {@code x} off its socket; false if it was no longer waiting there. */
  private boolean forget(Exchange x) {
    UdpSocket s = x.socket;
    if (s == null) {
      return false;
    }
    x.socket = null;
    s.pending.remove(x.id);
    closeIfDrained(s);
    return true;
  }

  void received(UdpSocket s, DatagramPacket p) {
    ByteBuf c = p.content();
    Exchange x =
        c.readableBytes() >= 12 ? s.pending.get(c.getUnsignedShort(c.readerIndex())) : null;
    if (x == null || !sameEndpoint(p.sender(), x.server)) {
      metrics.upstreamMismatched.increment();
      return;
    }
    Message reply = parse(ByteBufUtil.getBytes(c));
    if (reply == null || ResponseCheck.mismatch(x.query, reply) != null) {
      metrics.upstreamMismatched.increment(); // keep waiting: a forgery must not end the wait
      return;
    }
    forget(x);
    if (x.timer != null) {
      x.timer.cancel(false);
      x.timer = null;
    }
    if (reply.getHeader().getFlag(Flags.TC)) {
      tcp(x);
    } else {
      x.succeed(reply);
    }
  }

  void socketError(Throwable cause) {
    // nothing to do: a read error belongs to no exchange, and each one has its timeout
  }

  /** Asks again over TCP, as RFC 7766 wants after a truncated UDP reply. */
  private void tcp(Exchange x) {
    byte[] wire = x.query.toWire();
    new Bootstrap()
        .group(loop)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(new LengthFieldBasedFrameDecoder(2 + 65535, 0, 2, 0, 2))
                    .addLast(new ReadTimeoutHandler(timeoutMillis, TimeUnit.MILLISECONDS))
                    .addLast(new TcpReply(x, metrics));
              }
            })
        .connect(x.server)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                x.fail(describe(f.cause()));
                return;
              }
              ByteBuf out = f.channel().alloc().buffer(wire.length + 2);
              out.writeShort(wire.length).writeBytes(wire);
              f.channel().writeAndFlush(out);
            });
  }

  private void maybeRotate(UdpSocket s) {
    if (s.replacing || s.sent < rotateAfter && System.nanoTime() - s.bornNanos < ROTATE_NANOS) {
      return;
    }
    s.replacing = true;
    UdpSocket fresh = new UdpSocket(this, s.slot);
    open(fresh)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                s.replacing = false; // keep the old one for now; the next query tries again
                return;
              }
              sockets[s.slot] = fresh;
              s.retired = true;
              closeIfDrained(s);
            });
  }

  private static void closeIfDrained(UdpSocket s) {
    if (s.retired && s.pending.isEmpty()) {
      s.channel.close();
    }
  }

  private int nextRandom16() {
    if (randomPos + 2 > randomBytes.length) {
      random.nextBytes(randomBytes);
      randomPos = 0;
    }
    int v = (randomBytes[randomPos] & 0xFF) << 8 | randomBytes[randomPos + 1] & 0xFF;
    randomPos += 2;
    return v;
  }

  /** Same port and address; an IPv4 address seen through an IPv6 socket counts as itself. */
  static boolean sameEndpoint(InetSocketAddress a, InetSocketAddress b) {
    if (a == null || a.getPort() != b.getPort()) {
      return false;
    }
    InetAddress x = a.getAddress();
    InetAddress y = b.getAddress();
    return x != null
        && y != null
        && (x.equals(y) || Arrays.equals(plain(x.getAddress()), plain(y.getAddress())));
  }

  private static byte[] plain(byte[] addr) {
    try {
      // getByAddress turns an IPv4-mapped IPv6 address into the IPv4 one
      return InetAddress.getByAddress(addr).getAddress();
    } catch (UnknownHostException e) {
      return addr;
    }
  }

  static Message parse(byte[] wire) {
    try {
      return new Message(wire);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static String describe(Throwable cause) {
    return cause instanceof ReadTimeoutException
            || cause instanceof ConnectTimeoutException
            || cause instanceof SocketTimeoutException
        ? "timeout"
        : cause.toString();
  }
}
