package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Broken input never crashes or wedges the server: after each attack a good query is answered. */
class MalformedInputTest {
  private static final QueryMetrics METRICS = new QueryMetrics();
  private static final int REPLY_WAIT_MS = 2000;
  private static AuthDnsServer server;

  @BeforeAll
  static void start() {
    server =
        AuthDnsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            new SnapshotHolder(ZoneFixtures.load(TRICKY)),
            METRICS,
            ServerOptions.defaults().withThreads(2).withTcpIdle(Duration.ofMillis(500)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void stillAnswers() throws Exception {
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString("www.tricky.test."), Type.A, DClass.IN));
    Message udp = new Message(RawClient.udp(server.address(), q.toWire()));
    assertEquals(Rcode.NOERROR, udp.getRcode(), "UDP still answers");
    Message tcp = new Message(RawClient.tcp(server.address(), q.toWire()));
    assertEquals(Rcode.NOERROR, tcp.getRcode(), "TCP still answers");
    StringBuilder sb = new StringBuilder();
    METRICS.writePrometheus(sb);
    assertTrue(
        sb.toString().contains("dnsplane_authdns_internal_errors_total 0\n"),
        "broken input is FORMERR or dropped, never an unexpected exception");
  }

  private static byte[] header(int id, int flags, int qd, int an, int ns, int ar) {
    return new byte[] {
      (byte) (id >>> 8), (byte) id, (byte) (flags >>> 8), (byte) flags,
      (byte) (qd >>> 8), (byte) qd, (byte) (an >>> 8), (byte) an,
      (byte) (ns >>> 8), (byte) ns, (byte) (ar >>> 8), (byte) ar
    };
  }

  private static byte[] concat(byte[]... parts) {
    int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  private static void assertFormErr(byte[] reply, int id) throws IOException {
    assertNotNull(reply, "a reply");
    Message m = new Message(reply);
    assertEquals(Rcode.FORMERR, m.getRcode());
    assertEquals(id, m.getHeader().getID());
  }

  @Test
  void randomBytesOverUdp() throws Exception {
    Random rnd = new Random(42);
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(REPLY_WAIT_MS);
      for (int i = 0; i < 3000; i++) {
        byte[] junk = new byte[rnd.nextInt(600)];
        rnd.nextBytes(junk);
        sendAndCheck(s, junk);
      }
      assertNoStrayReply(s);
    }
  }

  @Test
  void mutatedQueriesOverUdp() throws Exception {
    // Flip bytes of a real query: exercises both the fast parser and dnsjava's.
    byte[] good =
        Message.newQuery(Record.newRecord(Name.fromString("www.tricky.test."), Type.A, DClass.IN))
            .toWire();
    Random rnd = new Random(7);
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(REPLY_WAIT_MS);
      for (int i = 0; i < 3000; i++) {
        byte[] m = good.clone();
        for (int k = 0; k < 1 + rnd.nextInt(3); k++) {
          m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
        }
        sendAndCheck(s, Arrays.copyOf(m, rnd.nextInt(m.length + 1)));
      }
      assertNoStrayReply(s);
    }
  }

  /**
   * Sends {@code packet} and checks that the server did with it what its rules say, one packet at a
   * time so that each reply and each count belongs to it: no query's header (shorter than one, or
   * QR set) is dropped and counted so; anything else is answered with its ID, FORMERR when dnsjava
   * cannot parse it. What dnsjava cannot parse is counted malformed, and nothing else is.
   */
  private static void sendAndCheck(DatagramSocket s, byte[] packet) throws Exception {
    String what = HexFormat.of().formatHex(packet);
    boolean parses = parses(packet);
    long malformed = METRICS.malformedTotal(Transport.UDP);
    long dropped = METRICS.droppedTotal(Transport.UDP);
    s.send(new DatagramPacket(packet, packet.length, server.address()));
    if (packet.length < 12 || (packet[2] & 0x80) != 0) {
      long deadline = System.nanoTime() + Duration.ofMillis(REPLY_WAIT_MS).toNanos();
      while (METRICS.droppedTotal(Transport.UDP) == dropped && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertEquals(dropped + 1, METRICS.droppedTotal(Transport.UDP), "dropped: " + what);
    } else {
      byte[] buf = new byte[65535];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      s.receive(p); // a timeout fails the test: this packet deserved a reply
      byte[] reply = Arrays.copyOf(buf, p.getLength());
      int id = ((packet[0] & 0xFF) << 8) | (packet[1] & 0xFF);
      if (parses) {
        assertEquals(id, new Message(reply).getHeader().getID(), "the reply to " + what);
      } else {
        assertFormErr(reply, id);
      }
    }
    assertEquals(
        malformed + (parses ? 0 : 1),
        METRICS.malformedTotal(Transport.UDP),
        "malformed count after " + what);
  }

  private static boolean parses(byte[] packet) {
    try {
      new Message(packet);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** A reply to a packet that should have had none would arrive here, late. */
  private static void assertNoStrayReply(DatagramSocket s) throws IOException {
    s.setSoTimeout(200);
    byte[] buf = new byte[65535];
    try {
      s.receive(new DatagramPacket(buf, buf.length));
    } catch (SocketTimeoutException expected) {
      return;
    }
    throw new AssertionError("a reply nothing asked for");
  }

  @Test
  void truncatedHeadersAreDropped() throws Exception {
    for (int len = 0; len < 12; len++) {
      byte[] reply = RawClient.udp(server.address(), new byte[len], 200);
      assertNull(reply, "no reply to a " + len + "-byte datagram");
    }
  }

  @Test
  void lyingSectionCountsGetFormErr() throws Exception {
    // Says one question and three answers, carries nothing.
    assertFormErr(RawClient.udp(server.address(), header(0x1234, 0x0100, 1, 3, 0, 0)), 0x1234);
    // Says 65535 questions, carries one.
    byte[] q =
        concat(header(0x2345, 0, 0xFFFF, 0, 0, 0), new byte[] {3, 'w', 'w', 'w', 0, 0, 1, 0, 1});
    assertFormErr(RawClient.udp(server.address(), q), 0x2345);
  }

  @Test
  void compressionLoopsGetFormErr() throws Exception {
    // The question name is a pointer to itself (offset 12).
    byte[] self = concat(header(0x3456, 0, 1, 0, 0, 0), new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1});
    assertFormErr(RawClient.udp(server.address(), self), 0x3456);
    // Two labels pointing at each other.
    byte[] pair =
        concat(
            header(0x4567, 0, 1, 0, 0, 0),
            new byte[] {1, 'a', (byte) 0xC0, 16, 1, 'b', (byte) 0xC0, 12, 0, 1, 0, 1});
    assertFormErr(RawClient.tcp(server.address(), pair), 0x4567);
  }

  @Test
  void responsesAreNeverAnswered() throws Exception {
    byte[] q =
        Message.newQuery(Record.newRecord(Name.fromString("www.tricky.test."), Type.A, DClass.IN))
            .toWire();
    q[2] |= (byte) 0x80;
    assertNull(RawClient.udp(server.address(), q, 300), "QR=1 is dropped (no reflection loops)");
  }

  @Test
  void oversizedAndEmptyTcpFrames() throws Exception {
    // A maximal 65535-byte frame of junk after a valid header: FORMERR, connection still usable.
    byte[] body = new byte[65535];
    new Random(3).nextBytes(body);
    System.arraycopy(header(0x5678, 0, 1, 0, 0, 0), 0, body, 0, 12);
    try (Socket s = RawClient.connect(server.address())) {
      RawClient.writeFrame(s.getOutputStream(), body);
      assertFormErr(RawClient.readFrame(s), 0x5678);
      // A zero-length frame gets no reply; the next query on the same connection does.
      s.getOutputStream().write(new byte[] {0, 0});
      byte[] good =
          Message.newQuery(Record.newRecord(Name.fromString("ns1.tricky.test."), Type.A, DClass.IN))
              .toWire();
      RawClient.writeFrame(s.getOutputStream(), good);
      assertEquals(Rcode.NOERROR, new Message(RawClient.readFrame(s)).getRcode());
    }
  }

  @Test
  void halfOpenTcpConnectionsNeitherWedgeTheServerNorStayOpen() throws Exception {
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Socket s = RawClient.connect(server.address());
        OutputStream out = s.getOutputStream();
        // Promise 300 bytes, send 10, then go quiet.
        out.write(new byte[] {1, 44, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        out.flush();
        idle.add(s);
      }
      stillAnswers();
      // The idle timeout (500 ms here) closes them: each read sees end-of-stream within the
      // deadline.
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      for (Socket s : idle) {
        s.setSoTimeout(200);
        InputStream in = s.getInputStream();
        int r = -2;
        while (r != -1 && System.nanoTime() < deadline) {
          try {
            r = in.read();
          } catch (SocketTimeoutException e) {
            r = -2;
          } catch (IOException e) {
            r = -1; // reset counts as closed
          }
        }
        assertEquals(-1, r, "half-open connection closed by the server");
      }
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  @Test
  void malformedInputIsCounted() throws Exception {
    RawClient.udp(server.address(), header(0x1111, 0, 1, 0, 0, 0), 300);
    StringBuilder sb = new StringBuilder();
    METRICS.writePrometheus(sb);
    assertTrue(
        sb.toString()
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("dnsplane_authdns_malformed_total{transport=\"udp\"}")
                        && !l.endsWith(" 0")),
        sb.toString());
  }

  @Test
  void connectionsBeyondTheCapAreClosedAndTheCapFreesUp() throws Exception {
    try (AuthDnsServer capped =
        AuthDnsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            new SnapshotHolder(ZoneFixtures.load(TRICKY)),
            new QueryMetrics(),
            ServerOptions.defaults().withThreads(1).withMaxTcpConnections(2))) {
      byte[] q =
          Message.newQuery(Record.newRecord(Name.fromString("www.tricky.test."), Type.A, DClass.IN))
              .toWire();
      Socket a = RawClient.connect(capped.address());
      Socket b = RawClient.connect(capped.address());
      RawClient.writeFrame(a.getOutputStream(), q);
      RawClient.readFrame(a); // both admitted connections are live
      RawClient.writeFrame(b.getOutputStream(), q);
      RawClient.readFrame(b);
      try (Socket c = RawClient.connect(capped.address())) {
        assertEquals(-1, readOrClosed(c), "the third connection is closed on accept");
      }
      a.close();
      b.close();
      // Once the server has seen the closes, new connections are admitted again.
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      boolean served = false;
      while (!served && System.nanoTime() < deadline) {
        try (Socket d = RawClient.connect(capped.address())) {
          RawClient.writeFrame(d.getOutputStream(), q);
          served = new Message(RawClient.readFrame(d)).getRcode() == Rcode.NOERROR;
        } catch (IOException e) {
          served = false;
        }
      }
      assertTrue(served, "a connection is admitted after others closed");
    }
  }

  private static int readOrClosed(Socket s) throws IOException {
    try {
      return s.getInputStream().read();
    } catch (IOException e) {
      return -1; // reset counts as closed
    }
  }
}
