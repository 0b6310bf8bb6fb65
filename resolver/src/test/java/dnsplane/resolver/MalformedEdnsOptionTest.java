package dnsplane.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dnsplane.resolver.testing.Harness;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * Fuzz findings R1 and R2: a query whose OPT record carries a malformed option TLV (RFC 6891
 * §6.1.2; here a lone octet where a 4-octet code + length must start) is FORMERR, at once and with
 * nothing in the log, wherever its name would have gone. The fast parser used to take such a query
 * and dnsjava refused it only when the reply was built: SERVFAIL and an ERROR with a stack trace
 * per packet for a name with no route (R1), and no reply at all once the upstream had failed (R2:
 * the SERVFAIL fallback threw as well).
 */
class MalformedEdnsOptionTest {
  private final Logger dnsplane = (Logger) LoggerFactory.getLogger("dnsplane");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  /**
   * A repro from the fuzz run (also in the regression corpus as finding-r1-/finding-r2-…), its ID
   * and route.
   */
  private record Case(String what, String hex, int id) {
    byte[] wire() {
      return HexFormat.of().parseHex(hex);
    }
  }

  private static final List<Case> CASES =
      List.of(
          // example.com. A IN: no stub zone or forwarder covers it
          new Case(
              "R1 no route",
              "123401000001000000000001076578616d706c6503636f6d000001000100002904d00000000000010c",
              0x1234),
          // a.sub.aws.test. A IN: routed to the scripted upstream, which never answers
          new Case(
              "R2 upstream fails",
              "123501000001000000000001016103737562036177730474657374000001000100002904d00000000000010c",
              0x1235));

  @BeforeEach
  void attach() {
    lines.start();
    dnsplane.addAppender(lines);
  }

  @AfterEach
  void detach() {
    dnsplane.detachAppender(lines);
  }

  @Test
  void aMalformedOptionIsFormerrOverUdpAndTcp() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      h.upstream.script(
          q -> List.of()); // the upstream fails by silence: before the fix, R2's client heard
      // nothing
      int asked = 0;
      for (Case c : CASES) {
        // 3 s is the deadline: a FORMERR chosen at the edge is immediate, the upstream timeout is 1
        // s
        Message udp = Harness.udp(h.server.dnsAddress(), c.wire(), null, 3000);
        assertNotNull(udp, c.what() + " over UDP: no reply within 3 s");
        assertFormerr(c, udp, "UDP");
        assertFormerr(c, h.tcp(c.wire()), "TCP");
        asked += 2;
      }
      assertEquals(asked, h.server.metrics().formerr.sum());
      assertEquals(0, h.server.metrics().errors.sum());
      assertEquals(0, h.server.metrics().servfail.sum());
      assertEquals(0, h.upstream.queries(), "a malformed query never goes upstream");
      assertEquals(List.of(), lines.list, "nothing logged, no stack trace in particular");
    }
  }

  private static void assertFormerr(Case c, Message reply, String transport) {
    String what = c.what() + " over " + transport;
    assertEquals(Rcode.FORMERR, reply.getRcode(), what);
    assertEquals(c.id(), reply.getHeader().getID(), what + ": the query's ID");
    assertTrue(reply.getHeader().getFlag(Flags.QR), what + ": QR");
  }
}
