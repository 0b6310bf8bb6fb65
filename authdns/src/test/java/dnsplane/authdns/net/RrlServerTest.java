package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.rrl.RrlConfig;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.db.net.Cidr;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Response rate limiting over real UDP sockets. Clients bind to different loopback addresses (Linux
 * routes all of 127/8 to lo) to be different /24 prefixes.
 */
class RrlServerTest {
  // Low enough that a burst of 200 is mostly limited, whatever the machine's speed.
  private static final int RATE = 10;

  private static AuthDnsServer start(RrlConfig rrl, QueryMetrics metrics) {
    return AuthDnsServer.start(
        new InetSocketAddress("127.0.0.1", 0),
        new SnapshotHolder(ZoneFixtures.load(TRICKY)),
        metrics,
        ServerOptions.defaults().withThreads(2).withRrl(rrl));
  }

  private static byte[] query(String name, int id) throws Exception {
    Message m = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
    m.getHeader().setID(id);
    return m.toWire();
  }

  /**
   * Sends {@code n} queries from {@code from} as fast as it can, then collects replies until none
   * has come for half a second (five for the first: a cold server is slow): the replies.
   */
  private static List<Message> flood(InetSocketAddress server, String from, int n)
      throws Exception {
    List<Message> replies = new ArrayList<>();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
      s.setReceiveBufferSize(1 << 20);
      for (int i = 0; i < n; i++) {
        byte[] q = query("www.tricky.test.", i);
        s.send(new DatagramPacket(q, q.length, server));
      }
      s.setSoTimeout(5000);
      byte[] buf = new byte[2048];
      while (true) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
          s.receive(p);
        } catch (SocketTimeoutException e) {
          return replies;
        }
        replies.add(new Message(Arrays.copyOf(buf, p.getLength())));
        s.setSoTimeout(500);
      }
    }
  }

  private static long count(List<Message> replies, boolean truncated) {
    return replies.stream().filter(m -> m.getHeader().getFlag(Flags.TC) == truncated).count();
  }

  @Test
  void aFloodingPrefixIsLimitedWhileAnotherIsAnswered() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    try (AuthDnsServer server = start(RrlConfig.OFF.withRate(RATE).withSlip(0), metrics)) {
      List<Message> flooded = flood(server.address(), "127.0.1.1", 200);
      // The burst allowance, plus what the run's duration refills at 10/s.
      assertTrue(flooded.size() >= RATE && flooded.size() < 100, "answered " + flooded.size());
      assertEquals(0, count(flooded, true), "slip 0 sends no truncated replies");
      // Another /24 is untouched; so is TCP from the flooding prefix.
      byte[] other = RawClient.udp(server.address(), query("www.tricky.test.", 1));
      assertNotNull(other, "127.0.0.1 is another /24 and is answered");
      assertEquals(Rcode.NOERROR, new Message(other).getRcode());
      assertEquals(
          Rcode.NOERROR,
          new Message(RawClient.tcp(server.address(), query("www.tricky.test.", 2))).getRcode());
      assertEquals(200 - flooded.size(), metrics.rrlDroppedTotal());
      StringBuilder text = new StringBuilder();
      metrics.writePrometheus(text);
      assertTrue(
          text.toString()
              .contains(
                  "dnsplane_authdns_rrl_dropped_total{class=\"normal\"} " + (200 - flooded.size())),
          text.toString());
      assertTrue(metrics.gaugeValue(AuthDnsServer.GAUGE_RRL_BUCKETS) >= 1);
    }
  }

  @Test
  void slipOneAnswersEveryLimitedQueryTruncated() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    try (AuthDnsServer server = start(RrlConfig.OFF.withRate(RATE).withSlip(1), metrics)) {
      List<Message> replies = flood(server.address(), "127.0.2.1", 100);
      long tc = count(replies, true);
      assertTrue(tc >= 50, "truncated replies: " + tc + " of " + replies.size());
      assertEquals(tc, metrics.rrlSlippedTotal());
      assertEquals(0, metrics.rrlDroppedTotal());
      for (Message m : replies) {
        if (m.getHeader().getFlag(Flags.TC)) {
          assertEquals(Name.fromString("www.tricky.test."), m.getQuestion().getName());
          assertTrue(m.getSection(Section.ANSWER).isEmpty());
          assertTrue(m.getSection(Section.AUTHORITY).isEmpty());
        }
      }
    }
  }

  @Test
  void whitelistedPrefixIsNotLimited() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    RrlConfig rrl =
        RrlConfig.OFF.withRate(RATE).withSlip(0).withWhitelist(List.of(Cidr.parse("127.0.3.0/24")));
    try (AuthDnsServer server = start(rrl, metrics)) {
      List<Message> replies = flood(server.address(), "127.0.3.9", 100);
      assertEquals(100, replies.size());
      assertEquals(0, metrics.rrlDroppedTotal());
      // The same flood from outside the whitelist is limited.
      assertTrue(flood(server.address(), "127.0.4.9", 100).size() < 100);
    }
  }

  @Test
  void offByDefault() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    try (AuthDnsServer server = start(RrlConfig.OFF, metrics)) {
      assertEquals(100, flood(server.address(), "127.0.5.1", 100).size());
      assertEquals(-1, metrics.gaugeValue(AuthDnsServer.GAUGE_RRL_BUCKETS));
    }
  }
}
