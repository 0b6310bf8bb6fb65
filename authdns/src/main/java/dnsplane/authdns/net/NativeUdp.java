package dnsplane.authdns.net;

import static dnsplane.authdns.net.Libc.IOVEC;
import static dnsplane.authdns.net.Libc.MMSGHDR;
import static dnsplane.authdns.net.Libc.MSG_IOV;
import static dnsplane.authdns.net.Libc.MSG_IOVLEN;
import static dnsplane.authdns.net.Libc.MSG_LEN;
import static dnsplane.authdns.net.Libc.MSG_NAME;
import static dnsplane.authdns.net.Libc.MSG_NAMELEN;
import static dnsplane.authdns.net.Libc.SOCKADDR;

import dnsplane.authdns.rrl.RateLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NativeUdp serves DNS over UDP the way NSD does, one thread per socket blocked in the kernel, but
 * a burst at a time: each thread owns a SO_REUSEPORT socket, reads up to {@link #BATCH} queries
 * with one recvmmsg, answers them through the {@link QueryProcessor} (reading ahead their zone data
 * first, as {@link UdpHandler} does) and sends the replies with one sendmmsg, straight from the
 * reply buffers and to the very sockaddr each query came from.
 *
 * <p>Why not Netty's epoll channel, which makes the same two calls: per datagram it creates a
 * packet, a sender address and a pipeline event, then reads each of them back through JNI to send;
 * with the answer itself about as cheap, that was most of authdns's own time per query (issue 13).
 * Here a query costs no object but its reply buffer; the client's address is made only for the
 * answers that read it (rate limiting, zone-transfer ACLs).
 *
 * <p>A datagram longer than {@link #MAX_QUERY} arrives cut short, as with Netty; one the processor
 * fails on costs that answer only. {@link #close} shuts each socket down, which wakes its thread.
 */
final class NativeUdp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NativeUdp.class);

  /** Datagrams one recvmmsg reads, and one sendmmsg sends, at most. */
  static final int BATCH = AuthDnsServer.UDP_DATAGRAMS_PER_READ;

  /** The largest query read whole. */
  static final int MAX_QUERY = AuthDnsServer.UDP_MAX_QUERY;

  private final List<Loop> loops = new ArrayList<>();
  private final RateLimitedLog failures =
      new RateLimitedLog(LOG, java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(10));
  private final InetSocketAddress bound;
  private volatile boolean closing;

  /**
   * Binds {@code sockets} sockets to {@code listen} (port 0: one free port for all) and starts a
   * thread serving each.
   *
   * @throws IllegalStateException when a socket cannot be opened or bound
   */
  NativeUdp(
      InetSocketAddress listen,
      int sockets,
      int receiveBuffer,
      QueryProcessor processor,
      ByteBufAllocator alloc,
      RateLimiter rrl,
      QueryMetrics metrics) {
    InetSocketAddress at = listen;
    try {
      for (int i = 0; i < sockets; i++) {
        int fd = Libc.openUdp(at, receiveBuffer);
        loops.add(new Loop(fd, i, processor, alloc, rrl, metrics));
        if (i == 0) {
          at = new InetSocketAddress(listen.getAddress(), Libc.boundPort(fd));
        }
      }
    } catch (RuntimeException e) {
      loops.forEach(l -> Libc.close(l.fd));
      throw e;
    }
    bound = at;
    loops.forEach(l -> l.thread.start());
  }

  /**
   * Links the socket calls and runs each that binding makes once, on a throwaway loopback socket:
   * the foreign linker's first use of each (the handles, then the code behind their first call)
   * takes a cold JVM a tenth of a second or more, which {@link AuthDnsServer#prepare} spends while
   * the first load runs rather than before the first answer.
   */
  static void warm() {
    int fd = Libc.openUdp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    try {
      Libc.boundPort(fd);
    } finally {
      Libc.close(fd);
    }
  }

  /** The address the sockets are bound to. */
  InetSocketAddress localAddress() {
    return bound;
  }

  /** An int socket option of each socket (getsockopt), for tests. */
  List<Integer> intOption(int level, int name) {
    return loops.stream().map(l -> Libc.intOption(l.fd, level, name)).toList();
  }

  /** Sockets (and threads) serving. */
  int sockets() {
    return loops.size();
  }

  /** Stops every thread and closes every socket; waits up to a few seconds for the threads. */
  @Override
  public void close() {
    closing = true;
    loops.forEach(l -> Libc.shutdown(l.fd));
    for (Loop l : loops) {
      try {
        l.thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (l.thread.isAlive()) {
        LOG.warn("UDP thread {} did not stop; its socket stays open", l.thread.getName());
      } else {
        Libc.close(l.fd);
      }
    }
  }

  /** One socket's thread; everything in it is touched by that thread only. */
  private final class Loop implements Runnable, Supplier<InetAddress> {
    final int fd;
    final Thread thread;
    private final QueryProcessor processor;
    private final ByteBufAllocator alloc;
    private final RateLimiter rrl;
    private final QueryMetrics metrics;
    // Made by the thread when it starts, in its own scope, and touched by it only.
    private MemorySegment names; // each query's sockaddr, where its reply goes back to
    private long namesBase; // its address
    private MemorySegment received; // recvmmsg's headers
    private MemorySegment replies; // sendmmsg's headers
    private MemorySegment replyIov;
    private final ByteBuf[] queries = new ByteBuf[BATCH]; // over the receive buffers
    private final ByteBuf[] sent = new ByteBuf[BATCH]; // replies until sendmmsg returns
    private int current; // the slot whose sender get() gives

    Loop(
        int fd,
        int index,
        QueryProcessor processor,
        ByteBufAllocator alloc,
        RateLimiter rrl,
        QueryMetrics metrics) {
      this.fd = fd;
      this.processor = processor;
      this.alloc = alloc;
      this.rrl = rrl;
      this.metrics = metrics;
      // A FastThreadLocalThread: the processor keeps its per-thread parsers in FastThreadLocals.
      this.thread = new FastThreadLocalThread(this, "authdns-udp-" + index);
      thread.setDaemon(true);
    }

    /** The sender of the query being answered (for the answers that ask). */
    @Override
    public InetAddress get() {
      return Libc.address(names, (long) current * SOCKADDR);
    }

    @Override
    public void run() {
      try (ResourceScope scope = ResourceScope.newConfinedScope()) {
        serve(scope);
      } catch (RuntimeException | Error e) {
        if (!closing) {
          LOG.error("UDP thread {} failed; this socket no longer answers", thread.getName(), e);
        }
      }
    }

    private void serve(ResourceScope scope) {
      MemorySegment buffers = MemorySegment.allocateNative((long) BATCH * MAX_QUERY, 64, scope);
      names = MemorySegment.allocateNative((long) BATCH * SOCKADDR, 8, scope);
      namesBase = raw(names.address());
      received = headers(scope);
      replies = headers(scope);
      MemorySegment receiveIov = MemorySegment.allocateNative((long) BATCH * IOVEC, 8, scope);
      replyIov = MemorySegment.allocateNative((long) BATCH * IOVEC, 8, scope);
      for (int i = 0; i < BATCH; i++) {
        MemorySegment buffer = buffers.asSlice((long) i * MAX_QUERY, MAX_QUERY);
        MemoryAccess.setLongAtOffset(receiveIov, (long) i * IOVEC, raw(buffer.address()));
        MemoryAccess.setLongAtOffset(receiveIov, (long) i * IOVEC + 8, MAX_QUERY);
        point(received, i, namesBase + (long) i * SOCKADDR, receiveIov);
        point(replies, i, 0, replyIov);
        queries[i] = Unpooled.wrappedBuffer(buffer.asByteBuffer());
      }
      while (!closing) {
        try {
          serveBatch();
        } catch (RuntimeException e) {
          // A bug must cost this batch, not the socket: SO_REUSEPORT keeps sending this thread
          // its share of the clients, who would get no answer at all from a dead one.
          for (int i = 0; i < BATCH && sent[i] != null; i++) {
            sent[i].release();
            sent[i] = null;
          }
          failures.error("UDP batch failed on " + thread.getName(), e);
        }
      }
    }

    /** Reads one burst of queries, answers them, sends the replies. */
    private void serveBatch() {
      for (int i = 0; i < BATCH; i++) {
        MemoryAccess.setIntAtOffset(received, (long) i * MMSGHDR + MSG_NAMELEN, SOCKADDR);
      }
      int got = Libc.recvmmsg(fd, received.address(), BATCH, Libc.MSG_WAITFORONE);
      if (got <= 0) {
        return; // interrupted by a signal, or shut down by close()
      }
      for (int i = 0; i < got; i++) {
        // A longer datagram comes cut to MAX_QUERY bytes, as into Netty's buffer.
        queries[i].setIndex(0, MemoryAccess.getIntAtOffset(received, (long) i * MMSGHDR + MSG_LEN));
      }
      try {
        processor.warm(queries, got);
      } catch (RuntimeException e) {
        // Reading ahead only reads: the answers are made as without it.
      }
      int count = 0;
      for (int i = 0; i < got; i++) {
        ByteBuf reply = answer(queries[i], i);
        if (reply == null) {
          continue;
        }
        sent[count] = reply;
        long h = (long) count * MMSGHDR;
        MemoryAccess.setLongAtOffset(replies, h + MSG_NAME, namesBase + (long) i * SOCKADDR);
        MemoryAccess.setIntAtOffset(
            replies,
            h + MSG_NAMELEN,
            MemoryAccess.getIntAtOffset(received, (long) i * MMSGHDR + MSG_NAMELEN));
        MemoryAccess.setLongAtOffset(
            replyIov, (long) count * IOVEC, reply.memoryAddress() + reply.readerIndex());
        MemoryAccess.setLongAtOffset(replyIov, (long) count * IOVEC + 8, reply.readableBytes());
        count++;
      }
      send(count);
      for (int i = 0; i < count; i++) {
        sent[i].release();
        sent[i] = null;
      }
    }

    /** The reply to the query in slot {@code slot}, in a buffer with a memory address, or null. */
    private ByteBuf answer(ByteBuf query, int slot) {
      current = slot;
      ByteBuf reply;
      try {
        reply = processor.process(query, Transport.UDP, alloc, this);
        if (reply != null && rrl != null) {
          reply = UdpHandler.limit(reply, get(), rrl, metrics);
        }
      } catch (RuntimeException e) {
        return null; // as UdpHandler: one query's failure costs its answer only
      }
      if (reply != null && !reply.hasMemoryAddress()) {
        ByteBuf direct = alloc.directBuffer(reply.readableBytes()).writeBytes(reply);
        reply.release();
        reply = direct;
      }
      return reply;
    }

    /** Sends the first {@code count} replies; one the kernel refuses is skipped, not retried. */
    private void send(int count) {
      int done = 0;
      while (done < count) {
        int n = Libc.sendmmsg(fd, replies.address().addOffset((long) done * MMSGHDR), count - done);
        done += n > 0 ? n : 1;
      }
    }

    private MemorySegment headers(ResourceScope scope) {
      return MemorySegment.allocateNative((long) BATCH * MMSGHDR, 8, scope);
    }

    /** Sets header {@code i}'s name buffer and its one iovec (the i-th of {@code iov}). */
    private void point(MemorySegment headers, int i, long name, MemorySegment iov) {
      long h = (long) i * MMSGHDR;
      MemoryAccess.setLongAtOffset(headers, h + MSG_NAME, name);
      MemoryAccess.setLongAtOffset(headers, h + MSG_IOV, raw(iov.address()) + (long) i * IOVEC);
      MemoryAccess.setLongAtOffset(headers, h + MSG_IOVLEN, 1);
    }

    private long raw(MemoryAddress a) {
      return a.toRawLongValue();
    }
  }
}
