package dnsplane.authdns.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFileChanges;
import dnsplane.authdns.zone.ZoneSet;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * UDP through {@link NativeUdp}, the default wherever the JVM allows it (these tests run with the
 * launcher's flags, see the authdns pom): it serves here, answers what Netty's path answers byte
 * for byte, sends each reply back to the socket that asked, survives what it cannot parse, and
 * gives its port and threads back on close.
 */
class NativeUdpTest {
  private static SnapshotHolder holder;

  @BeforeAll
  static void zone() throws Exception {
    Name origin = Name.fromString("native.test.");
    StringBuilder z = new StringBuilder("$TTL 300\n@ SOA ns1 host 1 7200 3600 1209600 60\n");
    z.append("@ NS ns1\n@ NS ns2.elsewhere.example.\nns1 A 192.0.2.53\nns1 AAAA 2001:db8::53\n");
    z.append("www A 192.0.2.1\nwww A 192.0.2.2\nwww AAAA 2001:db8::1\nwww TXT \"hello\"\n");
    z.append("alias CNAME www\n*.wild A 192.0.2.9\nsub NS ns.sub\nns.sub A 192.0.2.77\n");
    for (int i = 0; i < 200; i++) {
      z.append("h").append(i).append(" A 198.51.100.").append(i % 250).append('\n');
    }
    holder =
        new SnapshotHolder(ZoneSet.empty().apply(ZoneFileChanges.changes(z.toString(), origin)));
  }

  private static AuthDnsServer start(boolean nativeUdp) {
    return AuthDnsServer.start(
        new InetSocketAddress("127.0.0.1", 0),
        holder,
        new QueryMetrics(),
        ServerOptions.defaults().withThreads(2).withNativeUdp(nativeUdp));
  }

  @Test
  void servesUdpInTheseTestsAsTheLauncherRunsIt() {
    assertNull(NativeUdpSupport.unavailable(), "the surefire JVM runs with the launcher's flags");
    try (AuthDnsServer on = start(true);
        AuthDnsServer off = start(false)) {
      assertTrue(on.servesUdpNatively());
      assertFalse(off.servesUdpNatively(), "withNativeUdp(false) keeps Netty's channel");
    }
  }

  @Test
  void answersByteForByteAsNettysPathDoes() throws Exception {
    List<byte[]> queries = new ArrayList<>();
    String[] names = {
      "www.native.test.", "WwW.Native.TEST.", "alias.native.test.", "absent.native.test.",
      "x.wild.native.test.", "deep.sub.native.test.", "native.test.", "h7.native.test."
    };
    int[] types = {Type.A, Type.AAAA, Type.TXT, Type.NS, Type.SOA, Type.MX, Type.ANY};
    int id = 1;
    for (String n : names) {
      for (int t : types) {
        for (boolean edns : new boolean[] {false, true}) {
          Message q = Message.newQuery(Record.newRecord(Name.fromString(n), t, DClass.IN));
          q.getHeader().setID(id++);
          if (edns) {
            q.addRecord(new OPTRecord(1232, 0, 0, Flags.DO, List.<EDNSOption>of()), 3);
          }
          queries.add(q.toWire());
        }
      }
    }
    queries.add(new byte[] {1, 2, 3}); // too short for a header: no answer either way
    queries.add(Arrays.copyOf(queries.get(0), 40)); // a question cut short: FORMERR
    try (AuthDnsServer on = start(true);
        AuthDnsServer off = start(false)) {
      for (byte[] q : queries) {
        assertArrayEquals(ask(off.address(), q), ask(on.address(), q), Arrays.toString(q));
      }
    }
  }

  @Test
  void eachReplyGoesBackToTheSocketThatAsked() throws Exception {
    int clients = 8;
    int each = 60;
    try (AuthDnsServer server = start(true)) {
      List<DatagramSocket> sockets = new ArrayList<>();
      try {
        for (int c = 0; c < clients; c++) {
          DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
          s.setReceiveBufferSize(1 << 20);
          s.setSoTimeout(5000);
          sockets.add(s);
        }
        // Interleaved, so one recvmmsg batch holds queries of several clients.
        for (int i = 0; i < each; i++) {
          for (int c = 0; c < clients; c++) {
            byte[] q = query("h" + (c * each + i) % 200 + ".native.test.", c * 1000 + i);
            sockets.get(c).send(new DatagramPacket(q, q.length, server.address()));
          }
        }
        for (int c = 0; c < clients; c++) {
          Set<Integer> ids = new HashSet<>();
          byte[] buf = new byte[4096];
          for (int i = 0; i < each; i++) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            sockets.get(c).receive(p); // a reply lost or sent elsewhere times out here
            Message r = new Message(Arrays.copyOf(buf, p.getLength()));
            int got = r.getHeader().getID();
            assertEquals(c, got / 1000, "a reply for client " + got / 1000 + " came to " + c);
            assertTrue(ids.add(got), "a second reply to " + got);
            assertEquals(
                "h" + (c * each + got % 1000) % 200 + ".native.test.",
                r.getQuestion().getName().toString());
            assertEquals(Rcode.NOERROR, r.getRcode());
          }
        }
      } finally {
        sockets.forEach(DatagramSocket::close);
      }
    }
  }

  @Test
  void anOversizedDatagramCostsOnlyItsOwnAnswer() throws Exception {
    try (AuthDnsServer server = start(true);
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(3000);
      byte[] big = Arrays.copyOf(query("www.native.test.", 77), NativeUdp.MAX_QUERY + 900);
      s.send(new DatagramPacket(big, big.length, server.address()));
      byte[] q = query("www.native.test.", 78);
      s.send(new DatagramPacket(q, q.length, server.address()));
      byte[] buf = new byte[4096];
      boolean answered = false;
      while (!answered) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        Message r = new Message(Arrays.copyOf(buf, p.getLength()));
        if (r.getHeader().getID() != 78) {
          // Read cut to MAX_QUERY bytes, as Netty's buffer cuts it, and answered as that.
          assertEquals(77, r.getHeader().getID());
        } else {
          assertEquals(78, r.getHeader().getID());
          assertEquals(Rcode.NOERROR, r.getRcode());
          answered = true;
        }
      }
    }
  }

  @Test
  void closeGivesThePortAndTheThreadsBack() throws Exception {
    long before = udpThreads();
    AuthDnsServer server = start(true);
    int port = server.address().getPort();
    assertEquals(before + 2, udpThreads(), "a thread per socket");
    server.close();
    assertEquals(before, udpThreads(), "every UDP thread of this server stopped");
    try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
      byte[] q = query("www.native.test.", 5);
      again.send(new DatagramPacket(q, q.length, again.getLocalSocketAddress()));
      again.setSoTimeout(2000);
      DatagramPacket p = new DatagramPacket(new byte[512], 512);
      again.receive(p); // our own datagram: nothing else holds the port
      assertEquals(q.length, p.getLength());
    }
  }

  @Test
  void aPortHeldByAnotherProgramIsNamedAsTaken() throws Exception {
    // A socket without SO_REUSEPORT, as another DNS server's would be, holds the port alone.
    try (DatagramSocket other = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      InetSocketAddress taken = new InetSocketAddress("127.0.0.1", other.getLocalPort());
      IllegalStateException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalStateException.class,
              () ->
                  AuthDnsServer.start(
                      taken, holder, new QueryMetrics(), ServerOptions.defaults().withThreads(1)));
      assertTrue(e.getMessage().contains("address already in use"), e.getMessage());
    }
  }

  @Test
  void warmingLinksTheCallsAndLeavesNoSocketOpen() throws Exception {
    long before = openDescriptors();
    for (int i = 0; i < 50; i++) {
      NativeUdp.warm();
    }
    // A leak would add fifty; other threads of this JVM may open or close a few meanwhile.
    long after = openDescriptors();
    assertTrue(after < before + 25, "each throwaway socket closed: " + before + " -> " + after);
  }

  private static long openDescriptors() throws java.io.IOException {
    try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long udpThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("authdns-udp-") && t.isAlive())
        .count();
  }

  private static byte[] query(String name, int id) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
    q.getHeader().setID(id);
    return q.toWire();
  }

  /** The reply to {@code q}, or an empty array when none comes within a second. */
  private static byte[] ask(InetSocketAddress server, byte[] q) throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(1000);
      s.send(new DatagramPacket(q, q.length, server));
      DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
      try {
        s.receive(p);
      } catch (SocketTimeoutException e) {
        return new byte[0];
      }
      return Arrays.copyOf(p.getData(), p.getLength());
    }
  }
}
