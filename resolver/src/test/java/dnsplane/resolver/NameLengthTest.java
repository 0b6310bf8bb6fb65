package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dnsplane.db.testing.Await;
import dnsplane.resolver.testing.Harness;
import dnsplane.resolver.wire.WireQuery;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * RFC 1035 §3.1: a name is at most 255 octets in wire form, the root label's zero included. The
 * longest legal name is answered; one octet more is FORMERR, and a flood of them leaves the log
 * alone.
 */
class NameLengthTest {
  private final Logger dnsplane = (Logger) LoggerFactory.getLogger("dnsplane");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void attach() {
    lines.start();
    dnsplane.addAppender(lines);
  }

  @AfterEach
  void detach() {
    dnsplane.detachAppender(lines);
  }

  /**
   * A wire-form name of exactly {@code octets} octets ending in aws.test. (10 octets with the
   * root).
   */
  static byte[] wireName(int octets) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int left = octets - 10;
    while (left > 0) {
      int len = Math.min(63, left - 1);
      b.write(len);
      for (int i = 0; i < len; i++) {
        b.write('a' + i % 26);
      }
      left -= len + 1;
    }
    b.writeBytes(new byte[] {3, 'a', 'w', 's', 4, 't', 'e', 's', 't', 0});
    byte[] out = b.toByteArray();
    assertEquals(octets, out.length);
    return out;
  }

  /**
   * A query (ID 0x4242, RD, EDNS 1232) for {@code name} type A, built by hand: dnsjava refuses to
   * build a long one.
   */
  static byte[] query(byte[] name) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {0x42, 0x42, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 1});
    b.writeBytes(name);
    b.writeBytes(new byte[] {0, 1, 0, 1});
    b.writeBytes(new byte[] {0, 0, 41, 0x04, (byte) 0xd0, 0, 0, 0, 0, 0, 0});
    return b.toByteArray();
  }

  @Test
  void theLongestLegalNameIsAnsweredAndOneOctetMoreIsFormerr() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      h.upstream.script(
          q ->
              List.of(
                  answer(
                      q,
                      UpstreamMismatchTest.a(
                          q.getQuestion().getName().toString(), "192.0.2.160"))));
      byte[] legal = query(wireName(255));
      assertNotNull(WireQuery.parse(legal), "255 octets: the fast parser takes it");
      Message ok = h.udp(legal, null);
      assertEquals(Rcode.NOERROR, ok.getRcode());
      assertEquals(255, ok.getQuestion().getName().length());
      assertEquals("192.0.2.160", ok.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(Rcode.NOERROR, h.udp(legal, null).getRcode(), "and again, from the cache");

      byte[] tooLong = query(wireName(256));
      assertEquals(null, WireQuery.parse(tooLong), "256 octets: left to dnsjava");
      Message formerr = h.udp(tooLong, null);
      assertEquals(Rcode.FORMERR, formerr.getRcode());
      assertEquals(0x4242, formerr.getHeader().getID());
      assertEquals(1, h.upstream.queries(), "the long one never went upstream");
      assertEquals(1, h.server.metrics().formerr.sum());
      assertEquals(List.of(), lines.list, "nothing logged");
    }
  }

  @Test
  void aFloodOfOverlongNamesLeavesTheLogAlone() throws Exception {
    try (Harness h = new Harness(Map.of());
        DatagramSocket s = new DatagramSocket()) {
      byte[] bad = query(wireName(256));
      int n = 500;
      for (int i = 0; i < n; i++) {
        bad[1] = (byte) i;
        s.send(new DatagramPacket(bad, bad.length, h.server.dnsAddress()));
        if (i % 100 == 99) {
          int sent = i + 1;
          Await.until(
              sent + " received",
              Duration.ofSeconds(10),
              () -> h.server.metrics().queries.sum() == sent);
        }
      }
      assertTrue(lines.list.size() <= 1, "log lines: " + lines.list.size());
      assertTrue(
          lines.list.stream().allMatch(e -> e.getThrowableProxy() == null), "no stack traces");
      assertEquals(n, h.server.metrics().formerr.sum());
      assertEquals(0, h.server.metrics().errors.sum());
    }
  }
}
