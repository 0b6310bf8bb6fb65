package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneFixtures;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The server over real UDP and TCP sockets on 127.0.0.1. */
class AuthDnsServerTest {
  private static final SnapshotHolder HOLDER = new SnapshotHolder(ZoneFixtures.load(TRICKY));
  private static final QueryMetrics METRICS = new QueryMetrics();
  private static AuthDnsServer server;

  @BeforeAll
  static void start() {
    server =
        AuthDnsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            HOLDER,
            METRICS,
            ServerOptions.defaults().withThreads(2));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static SimpleResolver resolver(boolean tcp) {
    SimpleResolver r = new SimpleResolver(server.address());
    r.setTCP(tcp);
    r.setIgnoreTruncation(true);
    r.setTimeout(Duration.ofSeconds(3));
    return r;
  }

  static Message query(String name, int type) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
  }

  @Test
  void udpAndTcpShareOnePort() {
    assertTrue(server.address().getPort() > 0);
  }

  @Test
  void anIpv4AddressGetsIpv4UdpSocketsNotDualStackOnes() throws Exception {
    Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "epoll (Linux) only");
    // The kernel's socket tables: a dual-stack socket bound to 127.0.0.1 is listed in udp6 (as
    // ::ffff:127.0.0.1), an AF_INET one in udp. Local address column: hex address, colon, hex port.
    String port = String.format(":%04X ", server.address().getPort());
    long inet = udpSockets("/proc/net/udp", port);
    long inet6 = udpSockets("/proc/net/udp6", port);
    assertEquals(2, inet, "one AF_INET socket per event-loop thread");
    assertEquals(0, inet6, "no dual-stack socket: each datagram would take the IPv6 path");
  }

  @Test
  void udpRepliesIgnoreLearntPathMtusAsNsdsDo() throws Exception {
    Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "epoll (Linux) only");
    assertEquals(
        List.of(PathMtuDiscovery.OMIT, PathMtuDiscovery.OMIT),
        server.udpSocketOption(PathMtuDiscovery.IPV4),
        "IP_PMTUDISC_OMIT on every UDP socket");
    InetAddress v6 = InetAddress.getByName("::1");
    try (var probe = new java.net.DatagramSocket(new InetSocketAddress(v6, 0))) {
      // Bound: this host has IPv6 loopback.
    } catch (java.net.SocketException e) {
      Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
    }
    try (AuthDnsServer dual =
        AuthDnsServer.start(
            new InetSocketAddress(v6, 0), HOLDER, new QueryMetrics(), ServerOptions.defaults())) {
      int sockets = dual.udpSocketOption(PathMtuDiscovery.IPV6).size();
      assertTrue(sockets > 0);
      assertEquals(
          java.util.Collections.nCopies(sockets, PathMtuDiscovery.OMIT),
          dual.udpSocketOption(PathMtuDiscovery.IPV6));
      assertEquals(
          java.util.Collections.nCopies(sockets, PathMtuDiscovery.OMIT),
          dual.udpSocketOption(PathMtuDiscovery.IPV4));
      Message r = new SimpleResolver(dual.address()).send(query("www.tricky.test.", Type.A));
      assertEquals(Rcode.NOERROR, r.getRcode());
    }
  }

  private static long udpSockets(String table, String port) throws Exception {
    Path path = Path.of(table);
    if (!Files.exists(path)) {
      return 0;
    }
    try (var lines = Files.lines(path)) {
      return lines
          .skip(1)
          .map(l -> l.trim().split("\\s+")[1] + " ")
          .filter(a -> a.endsWith(port))
          .count();
    }
  }

  @Test
  void answersOverUdpAndTcpWithAa() throws Exception {
    for (boolean tcp : new boolean[] {false, true}) {
      Message r = resolver(tcp).send(query("www.tricky.test.", Type.A));
      assertEquals(Rcode.NOERROR, r.getRcode());
      assertTrue(r.getHeader().getFlag(Flags.AA));
      assertEquals(
          "192.0.2.1",
          ((ARecord) r.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
    }
  }

  @Test
  void echoesEachQuerysOwnCaseAndIdEvenFromTheCache() throws Exception {
    for (String name : List.of("www.tricky.test.", "WWW.tricky.test.", "wWw.TrIcKy.TeSt.")) {
      Message q = query(name, Type.A);
      Message r = new Message(RawClient.udp(server.address(), q.toWire()));
      assertEquals(name, r.getQuestion().getName().toString());
      assertEquals(q.getHeader().getID(), r.getHeader().getID());
      assertTrue(r.getHeader().getFlag(Flags.RD));
      Message noRd = query(name, Type.A);
      noRd.getHeader().unsetFlag(Flags.RD);
      Message r2 = new Message(RawClient.udp(server.address(), noRd.toWire()));
      assertFalse(r2.getHeader().getFlag(Flags.RD), "RD copied from the query, not the cache");
    }
  }

  @Test
  void truncatesOverUdpThenAnswersInFullOverTcp() throws Exception {
    Message q = query("big.tricky.test.", Type.TXT);
    Message udp = new Message(RawClient.udp(server.address(), q.toWire()));
    assertTrue(udp.getHeader().getFlag(Flags.TC), "TC=1 over UDP without EDNS");
    Message tcp = new Message(RawClient.tcp(server.address(), q.toWire()));
    assertFalse(tcp.getHeader().getFlag(Flags.TC));
    assertEquals(10, tcp.getSection(Section.ANSWER).size());

    Message edns = query("big.tricky.test.", Type.TXT);
    edns.addRecord(new OPTRecord(4096, 0, 0, 0), Section.ADDITIONAL);
    Message big = new Message(RawClient.udp(server.address(), edns.toWire()));
    assertFalse(big.getHeader().getFlag(Flags.TC), "fits in 1232");
    assertEquals(10, big.getSection(Section.ANSWER).size());
    assertEquals(1232, big.getOPT().getPayloadSize());
  }

  @Test
  void refusedFormErrNotImp() throws Exception {
    assertEquals(Rcode.REFUSED, resolver(false).send(query("example.org.", Type.A)).getRcode());

    Message notify = query("tricky.test.", Type.SOA);
    notify.getHeader().setOpcode(Opcode.NOTIFY);
    Message r = new Message(RawClient.udp(server.address(), notify.toWire()));
    assertEquals(Rcode.NOTIMP, r.getRcode());

    Message two = query("www.tricky.test.", Type.A);
    two.addRecord(Record.newRecord(Name.fromString("ns1.tricky.test."), Type.A, DClass.IN), 0);
    Message f = new Message(RawClient.tcp(server.address(), two.toWire()));
    assertEquals(Rcode.FORMERR, f.getRcode());
    assertEquals(two.getHeader().getID(), f.getHeader().getID());
  }

  @Test
  void nxdomainAndNodataCarryTheSoa() throws Exception {
    Message nx = resolver(false).send(query("nothere.tricky.test.", Type.A));
    assertEquals(Rcode.NXDOMAIN, nx.getRcode());
    assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
    Message nodata = resolver(false).send(query("www.tricky.test.", Type.MX));
    assertEquals(Rcode.NOERROR, nodata.getRcode());
    assertEquals(0, nodata.getSection(Section.ANSWER).size());
    assertEquals(300, nodata.getSection(Section.AUTHORITY).get(0).getTTL());
  }

  @Test
  void aSwappedSnapshotIsServedAtOnce() throws Exception {
    Name n = Name.fromString("swap.tricky.test.");
    Message q = query("swap.tricky.test.", Type.A);
    assertEquals(
        Rcode.NXDOMAIN, new Message(RawClient.udp(server.address(), q.toWire())).getRcode());
    HOLDER.set(
        HOLDER
            .get()
            .apply(
                List.of(
                    new ZoneChange.RrsetReplaced(
                        TRICKY,
                        n,
                        Type.A,
                        List.of(new ARecord(n, DClass.IN, 60, InetAddress.getByName("192.0.2.77"))),
                        8))));
    Message r = new Message(RawClient.udp(server.address(), q.toWire()));
    assertEquals(Rcode.NOERROR, r.getRcode(), "the cached NXDOMAIN belonged to the old snapshot");
    assertEquals(1, r.getSection(Section.ANSWER).size());
    // The emptied rrset: the name exists with no data.
    HOLDER.set(
        HOLDER.get().apply(List.of(new ZoneChange.RrsetReplaced(TRICKY, n, Type.A, List.of(), 9))));
    Message empty = new Message(RawClient.udp(server.address(), q.toWire()));
    assertEquals(Rcode.NOERROR, empty.getRcode());
    assertEquals(0, empty.getSection(Section.ANSWER).size());
    assertEquals(
        9, ((org.xbill.DNS.SOARecord) empty.getSection(Section.AUTHORITY).get(0)).getSerial());
  }

  @Test
  void pipelinedTcpQueriesAreAnsweredInOrderOnOneConnection() throws Exception {
    List<String> names =
        List.of("www.tricky.test.", "ns1.tricky.test.", "mx1.tricky.test.", "nothere.tricky.test.");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    int[] ids = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      Message q = query(names.get(i), Type.A);
      ids[i] = q.getHeader().getID();
      all.write(RawClient.frame(q.toWire()));
    }
    try (Socket s = RawClient.connect(server.address())) {
      OutputStream out = s.getOutputStream();
      out.write(all.toByteArray());
      out.flush();
      for (int i = 0; i < names.size(); i++) {
        Message r = new Message(RawClient.readFrame(s));
        assertEquals(ids[i], r.getHeader().getID());
        assertEquals(names.get(i), r.getQuestion().getName().toString());
      }
    }
  }

  @Test
  void metricsCountQueriesNodataAndTruncation() throws Exception {
    resolver(false).send(query("www.tricky.test.", Type.A));
    resolver(false).send(query("www.tricky.test.", Type.MX));
    RawClient.udp(server.address(), query("big.tricky.test.", Type.TXT).toWire());
    StringBuilder sb = new StringBuilder();
    METRICS.writePrometheus(sb);
    String text = sb.toString();
    assertTrue(
        text.contains(
            "dnsplane_authdns_queries_total{transport=\"udp\",qtype=\"A\",rcode=\"NOERROR\"}"),
        text);
    assertTrue(text.contains("dnsplane_authdns_nodata_total{qtype=\"MX\"}"), text);
    assertFalse(text.contains("dnsplane_authdns_truncated_total{transport=\"udp\"} 0"), text);
  }

  @Test
  void nioTransportAnswersToo() throws Exception {
    try (AuthDnsServer nio =
        AuthDnsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            HOLDER,
            new QueryMetrics(),
            ServerOptions.defaults().withEpoll(false).withThreads(1))) {
      Message q = query("www.tricky.test.", Type.A);
      byte[] udp = RawClient.udp(nio.address(), q.toWire());
      byte[] tcp = RawClient.tcp(nio.address(), q.toWire());
      assertNotNull(udp);
      assertArrayEquals(udp, tcp, "same bytes over both transports for a small answer");
    }
  }
}
