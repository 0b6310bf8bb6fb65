package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.net.QueryMetrics.TcpClose;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.db.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** TCP back-pressure and timeouts, over real sockets, with short configured limits. */
class TcpLimitsTest {
  // The write-buffer high-water mark, plus one maximum-size reply queued past it.
  private static final long PENDING_BOUND = 64 * 1024 + 65537;

  private static AuthDnsServer start(ServerOptions opts, QueryMetrics metrics) {
    return AuthDnsServer.start(
        new InetSocketAddress("127.0.0.1", 0),
        new SnapshotHolder(ZoneFixtures.load(TRICKY)),
        metrics,
        opts.withThreads(1));
  }

  private static byte[] query(String name, int type) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)).toWire();
  }

  /** Reads until end-of-stream or reset: true; false when the deadline passes first. */
  private static boolean closedWithin(Socket s, Duration max) throws IOException {
    long deadline = System.nanoTime() + max.toNanos();
    s.setSoTimeout(100);
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    while (System.nanoTime() < deadline) {
      try {
        if (in.read(buf) == -1) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        // keep reading until the deadline
      } catch (IOException e) {
        return true; // reset
      }
    }
    return false;
  }

  @Test
  void aClientThatNeverReadsHoldsBoundedMemoryAndOthersAreServed() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    try (AuthDnsServer server = start(ServerOptions.defaults(), metrics)) {
      Socket hog = new Socket();
      hog.setReceiveBufferSize(4096); // before connect, so the window is small
      hog.connect(server.address(), 3000);
      // The big TXT answer fills the server's queue fastest.
      byte[] frame = RawClient.frame(query("big.tricky.test.", Type.TXT));
      int n = 20_000;
      AtomicInteger written = new AtomicInteger();
      Thread writer =
          new Thread(
              () -> {
                try {
                  OutputStream out = hog.getOutputStream();
                  for (int i = 0; i < n; i++) {
                    out.write(frame);
                    written.incrementAndGet();
                  }
                } catch (IOException e) {
                  // closed at the end of the test while blocked on a full window
                }
              });
      writer.setDaemon(true);
      writer.start();
      // The server stops reading: the writer blocks well before all its queries are sent.
      Await.until(
          "the connection to pause", Duration.ofSeconds(10), () -> metrics.tcpReadPauses() > 0);
      long maxPending = 0;
      long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
      while (System.nanoTime() < end) {
        maxPending = Math.max(maxPending, server.tcpPendingBytes());
        Thread.onSpinWait();
      }
      assertTrue(maxPending > 0, "replies are queued for the non-reader");
      assertTrue(maxPending <= PENDING_BOUND, "queued reply bytes " + maxPending);
      // Loopback socket buffers may swallow every query; the server just does not take them.
      long answered = metrics.totalQueries();
      assertTrue(answered < written.get() / 2, "answered " + answered + " of " + written.get());
      assertEquals(
          maxPending > 0, metrics.gaugeValue(AuthDnsServer.GAUGE_TCP_PENDING) >= 0, "gauge");
      // Meanwhile others are served, over TCP and UDP.
      byte[] q = query("www.tricky.test.", Type.A);
      assertEquals(Rcode.NOERROR, new Message(RawClient.tcp(server.address(), q)).getRcode());
      byte[] udp = RawClient.udp(server.address(), q);
      assertNotNull(udp);
      assertEquals(Rcode.NOERROR, new Message(udp).getRcode());
      hog.close();
      Await.until(
          "the hog's replies to be freed",
          Duration.ofSeconds(10),
          () -> server.tcpPendingBytes() == 0);
    }
  }

  @Test
  void aConnectionIsClosedAtItsLifetime() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    ServerOptions opts =
        ServerOptions.defaults()
            .withTcpIdle(Duration.ofSeconds(30))
            .withTcpLifetime(Duration.ofMillis(400));
    try (AuthDnsServer server = start(opts, metrics);
        Socket s = RawClient.connect(server.address())) {
      RawClient.writeFrame(s.getOutputStream(), query("www.tricky.test.", Type.A));
      assertEquals(Rcode.NOERROR, new Message(RawClient.readFrame(s)).getRcode());
      // Well before the 30 s idle timeout: it is the lifetime that closes it.
      assertTrue(closedWithin(s, Duration.ofSeconds(10)));
      assertEquals(1, metrics.tcpClosedTotal(TcpClose.LIFETIME));
      assertEquals(0, metrics.tcpClosedTotal(TcpClose.IDLE));
    }
  }

  @Test
  void aSlowlorisIsClosedAtTheIoTimeoutThoughItKeepsSending() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    ServerOptions opts =
        ServerOptions.defaults()
            .withTcpIdle(Duration.ofSeconds(30))
            .withTcpIoTimeout(Duration.ofMillis(300));
    try (AuthDnsServer server = start(opts, metrics);
        Socket s = RawClient.connect(server.address())) {
      byte[] frame = RawClient.frame(query("www.tricky.test.", Type.A));
      Thread trickle =
          new Thread(
              () -> {
                try {
                  OutputStream out = s.getOutputStream();
                  // One byte every 100 ms: steady traffic, never a whole query in time.
                  for (byte b : frame) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(100);
                  }
                } catch (IOException | InterruptedException e) {
                  // closed by the server, as intended
                }
              });
      trickle.setDaemon(true);
      trickle.start();
      assertTrue(closedWithin(s, Duration.ofSeconds(10)));
      assertEquals(1, metrics.tcpClosedTotal(TcpClose.IO_TIMEOUT));
      trickle.interrupt();
    }
  }

  @Test
  void idleTimeoutShortensWhenOverHalfTheSlotsAreTaken() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    ServerOptions opts =
        ServerOptions.defaults()
            .withTcpIdle(Duration.ofSeconds(30))
            .withTcpIoTimeout(Duration.ofMillis(300))
            .withMaxTcpConnections(4);
    List<Socket> idle = new ArrayList<>();
    try (AuthDnsServer server = start(opts, metrics)) {
      for (int i = 0; i < 3; i++) {
        idle.add(RawClient.connect(server.address()));
      }
      // Three of four slots taken: idle ones are closed at the short timeout, long before 30 s,
      // until no more than half are open.
      Await.until(
          "an idle connection closed",
          Duration.ofSeconds(10),
          () -> metrics.tcpClosedTotal(TcpClose.IDLE) >= 1);
      Await.until(
          "the count to drop",
          Duration.ofSeconds(10),
          () -> metrics.gaugeValue(AuthDnsServer.GAUGE_TCP_CONNECTIONS) == 2);
      assertTrue(
          !closedWithin(idle.get(0), Duration.ofMillis(100))
              || !closedWithin(idle.get(1), Duration.ofMillis(100))
              || !closedWithin(idle.get(2), Duration.ofMillis(100)));
      assertEquals(1, metrics.tcpClosedTotal(TcpClose.IDLE), "two of four are not over half");
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  @Test
  void oneIdleConnectionUnderHalfTheSlotsKeepsTheLongTimeout() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    ServerOptions opts =
        ServerOptions.defaults()
            .withTcpIdle(Duration.ofSeconds(30))
            .withTcpIoTimeout(Duration.ofMillis(300))
            .withMaxTcpConnections(4);
    try (AuthDnsServer server = start(opts, metrics);
        Socket s = RawClient.connect(server.address())) {
      // Several I/O timeouts pass and it stays open.
      assertTrue(!closedWithin(s, Duration.ofMillis(1500)), "still open");
      RawClient.writeFrame(s.getOutputStream(), query("www.tricky.test.", Type.A));
      assertEquals(Rcode.NOERROR, new Message(RawClient.readFrame(s)).getRcode());
    }
  }
}
