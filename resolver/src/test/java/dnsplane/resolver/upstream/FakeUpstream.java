package dnsplane.resolver.upstream;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.xbill.DNS.Message;

/**
 * FakeUpstream is a DNS server on 127.0.0.1 that answers nothing by itself over UDP: the test takes
 * each query it received ({@link #next}) and decides what goes back, when, and from which port.
 * Over TCP it answers with {@link #tcpAnswer}.
 */
final class FakeUpstream implements AutoCloseable {
  /** A UDP query as received, with where it came from. */
  record Query(Message message, SocketAddress from) {}

  private final DatagramSocket udp;
  private final DatagramSocket other;
  private final ServerSocket tcp;
  private final BlockingQueue<Query> received = new LinkedBlockingQueue<>();
  private final AtomicInteger udpQueries = new AtomicInteger();
  private final AtomicInteger tcpQueries = new AtomicInteger();
  volatile UnaryOperator<Message> tcpAnswer = q -> null;

  FakeUpstream() throws IOException {
    DatagramSocket u = null;
    ServerSocket t = null;
    for (int attempt = 1; t == null; attempt++) {
      u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try {
        t = new ServerSocket(u.getLocalPort(), 16, InetAddress.getLoopbackAddress());
      } catch (java.net.BindException e) {
        u.close();
        if (attempt >= 10) {
          throw e;
        }
      }
    }
    udp = u;
    tcp = t;
    other = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    daemon(this::serveUdp);
    daemon(this::serveTcp);
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "fake-upstream");
    t.setDaemon(true);
    t.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
  }

  int udpQueries() {
    return udpQueries.get();
  }

  int tcpQueries() {
    return tcpQueries.get();
  }

  /** The next UDP query received, waiting up to 5 s for it. */
  Query next() throws InterruptedException {
    Query q = received.poll(5, TimeUnit.SECONDS);
    if (q == null) {
      throw new AssertionError("no query reached the fake upstream within 5 s");
    }
    return q;
  }

  /** Whether a further UDP query arrives within {@code millis}. */
  boolean anotherWithin(long millis) throws InterruptedException {
    return received.poll(millis, TimeUnit.MILLISECONDS) != null;
  }

  /** Sends {@code m} to whoever sent {@code q}, from the port queries go to. */
  void reply(Query q, Message m) throws IOException {
    byte[] out = m.toWire();
    udp.send(new DatagramPacket(out, out.length, q.from()));
  }

  /** Sends {@code m} to whoever sent {@code q}, from another port (a forger's). */
  void replyFromOtherPort(Query q, Message m) throws IOException {
    byte[] out = m.toWire();
    other.send(new DatagramPacket(out, out.length, q.from()));
  }

  private void serveUdp() {
    byte[] buf = new byte[65535];
    while (!udp.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        Message q = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
        udpQueries.incrementAndGet();
        received.add(new Query(q, p.getSocketAddress()));
      } catch (IOException e) {
        if (udp.isClosed()) {
          return;
        }
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket s = tcp.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] b = new byte[in.readUnsignedShort()];
        in.readFully(b);
        tcpQueries.incrementAndGet();
        Message reply = tcpAnswer.apply(new Message(b));
        if (reply != null) {
          byte[] out = reply.toWire();
          OutputStream os = s.getOutputStream();
          os.write(new byte[] {(byte) (out.length >>> 8), (byte) out.length});
          os.write(out);
          os.flush();
        }
      } catch (IOException e) {
        if (tcp.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    udp.close();
    other.close();
    tcp.close();
  }
}
