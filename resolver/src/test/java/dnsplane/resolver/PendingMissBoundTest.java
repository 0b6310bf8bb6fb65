package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dnsplane.db.testing.Await;
import dnsplane.resolver.metrics.Metrics;
import dnsplane.resolver.testing.Harness;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * max-pending-misses: behind an upstream that never answers, distinct misses beyond the bound are
 * turned away at once (SERVFAIL, or stale when there is something to serve) instead of queueing,
 * while hits keep being answered.
 */
class PendingMissBoundTest {
  private static final int BOUND = 8;

  /** Answers only the names given; every other question is met with silence. */
  private static Harness silentExcept(String... answered) throws Exception {
    Harness h =
        new Harness(
            Map.of(
                "max-pending-misses",
                String.valueOf(BOUND),
                "upstream-timeout",
                "30s",
                "client-timeout",
                "30s"));
    Set<String> names = Set.of(answered);
    h.upstream.script(
        q -> {
          String n = q.getQuestion().getName().toString();
          return names.contains(n)
              ? List.of(answer(q, UpstreamMismatchTest.a(n, 60, "192.0.2.140")))
              : List.of();
        });
    return h;
  }

  @Test
  void missesBeyondTheBoundGetServfailAtOnceWhileHitsAreAnswered() throws Exception {
    try (Harness h = silentExcept("cached.aws.test.");
        DatagramSocket stuck = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket excess = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      assertEquals(Rcode.NOERROR, h.ask("cached.aws.test.", Type.A).getRcode());
      Metrics m = h.server.metrics();

      for (int i = 0; i < BOUND; i++) {
        send(stuck, h, Harness.query("slow" + i + ".aws.test.", Type.A));
      }
      Await.until(
          BOUND + " resolutions outstanding",
          Duration.ofSeconds(10),
          () -> m.gaugeValue("pending_misses") == BOUND);

      // in-flight dedup still works at the bound: the same question joins, it takes no slot
      send(stuck, h, Harness.query("slow0.aws.test.", Type.A));
      Await.until(
          "the repeat joined the outstanding query",
          Duration.ofSeconds(10),
          () -> m.coalesced.sum() == 1);
      assertEquals(0, m.overloaded.sum());

      int extra = 12;
      Set<Integer> ids = new HashSet<>();
      for (int i = 0; i < extra; i++) {
        Message q = Harness.query("flood" + i + ".aws.test.", Type.A);
        ids.add(q.getHeader().getID());
        send(excess, h, q);
      }
      excess.setSoTimeout(5000); // a deadline, not a speed requirement: queued work would wait 30 s
      for (int i = 0; i < extra; i++) {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        excess.receive(p);
        Message r = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
        assertEquals(Rcode.SERVFAIL, r.getRcode(), r.toString());
        ids.remove(r.getHeader().getID());
      }
      assertEquals(Set.of(), ids, "every excess query answered");
      assertEquals(extra, m.overloaded.sum());
      assertEquals(
          BOUND, m.gaugeValue("pending_misses"), "the outstanding ones are still outstanding");

      Message hit = h.ask("cached.aws.test.", Type.A);
      assertEquals("192.0.2.140", hit.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(BOUND, h.upstream.queries() - 1, "nothing beyond the bound reached upstream");
    }
  }

  @Test
  void anExpiredEntryIsServedStaleAtOnceWhenTheBoundIsReached() throws Exception {
    try (Harness h = silentExcept("old.aws.test.");
        DatagramSocket stuck = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      assertEquals(Rcode.NOERROR, h.ask("old.aws.test.", Type.A).getRcode());
      h.clock.advance(Duration.ofSeconds(120)); // expired, still within stale-max
      for (int i = 0; i < BOUND; i++) {
        send(stuck, h, Harness.query("slow" + i + ".aws.test.", Type.A));
      }
      Await.until(
          BOUND + " resolutions outstanding",
          Duration.ofSeconds(10),
          () -> h.server.metrics().gaugeValue("pending_misses") == BOUND);

      Message r =
          Harness.udp(
              h.server.dnsAddress(), Harness.query("old.aws.test.", Type.A).toWire(), null, 5000);
      assertNotNull(r, "answered before client-timeout (30 s)");
      assertEquals(Rcode.NOERROR, r.getRcode());
      assertEquals(ExtendedErrorCodeOption.STALE_ANSWER, Harness.ede(r).getErrorCode());
      assertEquals(1, h.server.metrics().overloaded.sum());
    }
  }

  private static void send(DatagramSocket s, Harness h, Message q) throws Exception {
    byte[] b = q.toWire();
    s.send(new DatagramPacket(b, b.length, h.server.dnsAddress()));
  }
}
