package dnsplane.resolver.net;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Await;
import dnsplane.resolver.metrics.Metrics;
import dnsplane.resolver.testing.Harness;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The TCP bounds: back-pressure on clients that do not read, idle and lifetime timeouts, the
 * connection cap.
 */
class TcpLimitsTest {
  private static final String NAME = "t.aws.test.";
  private static final int PIPELINE = 16;

  private static Harness harness(Map<String, Object> cfg) throws Exception {
    Map<String, Object> all = new java.util.HashMap<>(cfg);
    all.put("rate-limit", "0"); // the per-client limit would hold these clients back on its own
    Harness h = new Harness(all);
    h.upstream.script(q -> List.of(answer(q, a(q.getQuestion().getName()))));
    return h;
  }

  private static ARecord a(Name n) {
    try {
      return new ARecord(n, DClass.IN, 3600, InetAddress.getByName("192.0.2.180"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] framed(byte[] q) {
    byte[] f = new byte[q.length + 2];
    f[0] = (byte) (q.length >>> 8);
    f[1] = (byte) q.length;
    System.arraycopy(q, 0, f, 2, q.length);
    return f;
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Whether the server closed {@code s} within {@code timeoutMillis}: EOF or a reset while reading.
   */
  private static boolean closedByServer(Socket s, int timeoutMillis) throws IOException {
    s.setSoTimeout(timeoutMillis);
    InputStream in = s.getInputStream();
    try {
      while (in.read() >= 0) {
        // replies to earlier queries may still be there: read past them
      }
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  @Test
  void aClientThatPipelinesButNeverReadsIsStalledAndOthersAreStillAnswered() throws Exception {
    try (Harness h =
        harness(Map.of("tcp-pipeline", String.valueOf(PIPELINE), "tcp-idle-timeout", "60s"))) {
      Metrics m = h.server.metrics();
      byte[] q = Harness.query(NAME, Type.A).toWire();
      assertEquals(Rcode.NOERROR, h.tcp(q).getRcode()); // cached: every query below is a hit

      // 1000 queries per write, 200 writes: far more replies than the kernel buffers in between can
      // hold
      byte[] one = framed(q);
      byte[] block = new byte[one.length * 1000];
      for (int i = 0; i < 1000; i++) {
        System.arraycopy(one, 0, block, i * one.length, one.length);
      }
      try (Socket hog = new Socket()) {
        hog.setReceiveBufferSize(4096);
        hog.connect(h.server.dnsAddress(), 3000);
        OutputStream os = hog.getOutputStream();
        Thread writer =
            daemon(
                "non-reading-client",
                () -> {
                  try {
                    for (int i = 0; i < 200; i++) {
                      os.write(block);
                    }
                  } catch (IOException closed) {
                    // the test closed the socket while this write was blocked: expected
                  }
                });

        Await.until(
            "the server to stop reading the non-reading client",
            Duration.ofSeconds(20),
            () -> m.gaugeValue("tcp_reads_paused") == 1);
        assertBounded(m);
        assertTrue(
            writer.isAlive(),
            "the client's writes are blocked too: the server is not reading them");

        // meanwhile, everyone else is served
        for (int i = 0; i < 20; i++) {
          Message viaUdp = Harness.udp(h.server.dnsAddress(), q, null, 3000);
          assertEquals(Rcode.NOERROR, viaUdp == null ? -1 : viaUdp.getRcode(), "UDP client " + i);
          assertEquals(Rcode.NOERROR, h.tcp(q).getRcode(), "TCP client " + i);
        }
        assertBounded(m);
        assertEquals(1, m.gaugeValue("tcp_reads_paused"), "the hog is still held off");
      }
      Await.until(
          "the hog's connection and its queries to go",
          Duration.ofSeconds(10),
          () -> m.gaugeValue("tcp_connections") == 0 && m.gaugeValue("tcp_queries_in_flight") == 0);
    }
  }

  /**
   * What one stalled connection may hold: a write buffer's worth of replies, one read's worth of
   * queries.
   */
  private static void assertBounded(Metrics m) {
    long pending = m.gaugeValue("tcp_pending_write_bytes");
    long inFlight = m.gaugeValue("tcp_queries_in_flight");
    assertTrue(
        pending >= 0 && pending <= DnsServer.WRITE_HIGH + 2048, "pending reply bytes " + pending);
    // the shortest query is 17 octets + 2 of length prefix
    assertTrue(
        inFlight >= 0 && inFlight <= PIPELINE + DnsServer.TCP_READ_MAX / 19,
        "queries held " + inFlight);
  }

  @Test
  void aSlowlorisTricklingBytesIsClosedAfterTheIdleTimeout() throws Exception {
    try (Harness h = harness(Map.of("tcp-idle-timeout", "500ms"));
        Socket slow = new Socket()) {
      slow.connect(h.server.dnsAddress(), 3000);
      OutputStream os = slow.getOutputStream();
      AtomicBoolean stop = new AtomicBoolean();
      // a length prefix promising 255 octets, then one octet every 100 ms: bytes arrive, a query
      // does not for 25 s
      Thread trickle =
          daemon(
              "slowloris",
              () -> {
                try {
                  os.write(new byte[] {0, (byte) 0xff});
                  while (!stop.get()) {
                    os.write(0);
                    os.flush();
                    LockSupport.parkNanos(100_000_000L); // the attack's pace, not a synchronisation
                  }
                } catch (IOException closed) {
                  // the server hung up: the point of the test
                }
              });
      try {
        assertTrue(
            closedByServer(slow, 10_000), "closed well before the trickle would complete a query");
      } finally {
        stop.set(true);
        trickle.join(5000);
      }
      assertEquals(1, h.server.metrics().tcpTimeouts.sum());
    }
  }

  @Test
  void aBusyConnectionIsClosedAtTheEndOfItsLifetime() throws Exception {
    try (Harness h = harness(Map.of("tcp-idle-timeout", "60s", "tcp-max-lifetime", "1s"));
        Socket s = new Socket()) {
      byte[] q = framed(Harness.query(NAME, Type.A).toWire());
      s.connect(h.server.dnsAddress(), 3000);
      s.setSoTimeout(5000);
      OutputStream os = s.getOutputStream();
      DataInputStream in = new DataInputStream(s.getInputStream());
      int answered = 0;
      try {
        for (int i = 0; i < 100_000; i++) { // busy, never idle: one query, one answer, again
          os.write(q);
          byte[] b = new byte[in.readUnsignedShort()];
          in.readFully(b);
          answered++;
        }
      } catch (java.io.EOFException | java.net.SocketException closed) {
        // the lifetime ran out
      }
      assertTrue(answered > 0 && answered < 100_000, "answered " + answered + " before the close");
      assertEquals(1, h.server.metrics().tcpTimeouts.sum());
    }
  }

  @Test
  void connectionsBeyondTheCapAreClosedAtOnce() throws Exception {
    try (Harness h = harness(Map.of("tcp-max-connections", "3"))) {
      Socket[] open = new Socket[3];
      try {
        for (int i = 0; i < open.length; i++) {
          open[i] = new Socket();
          open[i].connect(h.server.dnsAddress(), 3000);
        }
        Await.until(
            "three connections",
            Duration.ofSeconds(5),
            () -> h.server.metrics().gaugeValue("tcp_connections") == 3);
        try (Socket fourth = new Socket()) {
          fourth.connect(h.server.dnsAddress(), 3000);
          assertTrue(closedByServer(fourth, 5000));
        }
        assertEquals(1, h.server.metrics().tcpShed.sum());
      } finally {
        for (Socket s : open) {
          if (s != null) {
            s.close();
          }
        }
      }
      Await.until(
          "the slots to free",
          Duration.ofSeconds(5),
          () -> h.server.metrics().gaugeValue("tcp_connections") == 0);
      assertEquals(Rcode.NOERROR, h.tcp(Harness.query(NAME, Type.A).toWire()).getRcode());
    }
  }
}
