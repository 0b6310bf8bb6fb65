package dnsplane.resolver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dnsplane.resolver.cache.Answer;
import dnsplane.resolver.cache.CacheEntry;
import dnsplane.resolver.testing.Harness;
import dnsplane.resolver.wire.QuestionKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A reply that cannot be built is still a reply: SERVFAIL with the query's ID, every failure
 * counted in {@code errors}, at most one ERROR line per interval however many packets fail. The
 * failure here is a cached answer whose bytes do not parse, served stale at once (STALE_NOW): the
 * resolver used to throw out of {@code answer} itself, and the client heard nothing.
 */
class ReplyFailureTest {
  private static final String NAME = "broken.aws.test.";
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
   * Caches, for NAME A, an answer expired a minute ago whose wire form claims a question it does
   * not hold.
   */
  private static void cacheBrokenStaleAnswer(Harness h) {
    long now = h.clock.millis();
    byte[] headerOnly = {0, 0, (byte) 0x81, (byte) 0x80, 0, 1, 0, 0, 0, 0, 0, 0};
    Answer broken =
        new Answer(
            headerOnly,
            new int[0],
            new int[0],
            Answer.Kind.POSITIVE,
            Rcode.NOERROR,
            now - 120_000,
            60);
    // a refresh failed recently (recheck not yet due), so the plan is STALE_NOW: no upstream,
    // straight to stale
    QuestionKey key =
        QuestionKey.of(Name.fromConstantString(NAME).toWireCanonical(), Type.A, DClass.IN);
    h.server.resolver().cache().put(key, new CacheEntry(broken, null, now + 60_000));
  }

  @Test
  void aReplyThatCannotBeBuiltIsServfailCountedAndLoggedOnce() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      cacheBrokenStaleAnswer(h);
      int n = 20;
      for (int i = 0; i < n; i++) {
        Message q = Harness.query(NAME, Type.A);
        q.getHeader().setID(0x5000 + i);
        Message r = i % 2 == 0 ? h.udp(q.toWire(), null) : h.tcp(q.toWire());
        assertNotNull(r, "query " + i + ": no reply within 3 s");
        assertEquals(Rcode.SERVFAIL, r.getRcode(), "query " + i);
        assertEquals(0x5000 + i, r.getHeader().getID(), "query " + i);
      }
      assertEquals(0, h.upstream.queries());
      assertEquals(n, h.server.metrics().errors.sum(), "each failure counted");
      assertEquals(n, h.server.metrics().servfail.sum());
      // the harness clock stands still, so the rate-limited log speaks once
      List<ILoggingEvent> errors =
          lines.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
      assertEquals(1, errors.size(), "ERROR lines: " + errors);
      assertTrue(lines.list.size() == 1, "other lines: " + lines.list);
    }
  }
}
