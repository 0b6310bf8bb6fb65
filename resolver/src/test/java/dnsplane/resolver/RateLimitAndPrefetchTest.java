package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dnsplane.db.testing.Await;
import dnsplane.resolver.testing.Harness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The per-client rate limit and prefetch, with time moved only by the test's clock. */
class RateLimitAndPrefetchTest {
  @Test
  void aClientOverItsRateIsDroppedUntilTokensRefill() throws Exception {
    try (Harness h = new Harness(Map.of("rate-limit", "3"))) {
      h.upstream.script(
          q -> List.of(answer(q, UpstreamMismatchTest.a("r.aws.test.", "192.0.2.120"))));
      byte[] q = Harness.query("r.aws.test.", Type.A).toWire();
      for (int i = 0; i < 3; i++) {
        assertNotNull(
            Harness.udp(h.server.dnsAddress(), q, null, 3000), "query " + i + " within the burst");
      }
      assertNull(Harness.udp(h.server.dnsAddress(), q, null, 300), "over the limit: dropped");
      assertEquals(1, h.server.metrics().rateLimited.sum());
      h.clock.advance(Duration.ofSeconds(1)); // three tokens back
      assertNotNull(Harness.udp(h.server.dnsAddress(), q, null, 3000));
    }
  }

  @Test
  void aPopularEntryIsRefreshedBeforeItExpires() throws Exception {
    try (Harness h = new Harness(Map.of("prefetch", "3"))) {
      h.upstream.script(
          q -> List.of(answer(q, UpstreamMismatchTest.a("hot.aws.test.", 100, "192.0.2.121"))));
      h.ask("hot.aws.test.", Type.A);
      h.ask("hot.aws.test.", Type.A);
      h.ask("hot.aws.test.", Type.A);
      assertEquals(1, h.upstream.queries(), "early in the TTL: no prefetch");
      h.clock.advance(Duration.ofSeconds(95)); // 5% of the TTL left
      Message stillCached = h.ask("hot.aws.test.", Type.A);
      assertEquals(
          5, stillCached.getSection(Section.ANSWER).get(0).getTTL(), "served from cache at once");
      Await.until(
          "prefetch reached upstream", Duration.ofSeconds(5), () -> h.upstream.queries() == 2);
      Await.until(
          "refreshed entry cached",
          Duration.ofSeconds(5),
          () -> h.server.metrics().prefetches.sum() == 1 && ttlNow(h) == 100);
      h.clock.advance(
          Duration.ofSeconds(10)); // past the first answer's expiry: still a hit, no new query
      assertEquals(90, h.ask("hot.aws.test.", Type.A).getSection(Section.ANSWER).get(0).getTTL());
      assertEquals(2, h.upstream.queries());
    }
  }

  private static long ttlNow(Harness h) {
    try {
      return h.ask("hot.aws.test.", Type.A).getSection(Section.ANSWER).get(0).getTTL();
    } catch (Exception e) {
      return -1;
    }
  }
}
