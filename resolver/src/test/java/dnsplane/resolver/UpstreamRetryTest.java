package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.resolver.testing.Harness;
import dnsplane.resolver.testing.ScriptedUpstream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Upstream attempts are retried (with backoff), and names outside every stub zone go to the
 * forwarder.
 */
class UpstreamRetryTest {
  @Test
  void aLostUpstreamQueryIsRetried() throws Exception {
    try (Harness h =
        new Harness(
            Map.of(
                "upstream-attempts", "3", "upstream-timeout", "200ms", "client-timeout", "5s"))) {
      AtomicInteger seen = new AtomicInteger();
      h.upstream.script(
          q ->
              seen.incrementAndGet() == 1
                  ? List.of() // the first attempt is lost
                  : List.of(answer(q, UpstreamMismatchTest.a("retry.aws.test.", "192.0.2.130"))));
      Message m = h.ask("retry.aws.test.", Type.A);
      assertEquals("192.0.2.130", m.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(2, h.upstream.queries());
      assertEquals(2, h.server.metrics().upstreamQueries.sum());
      assertEquals(0, h.server.metrics().upstreamFailures.sum());
    }
  }

  @Test
  void upstreamQueriesHaveRandomIdsAndSpreadOverSourcePorts() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      h.upstream.script(
          q ->
              List.of(
                  answer(
                      q,
                      UpstreamMismatchTest.a(
                          q.getQuestion().getName().toString(), "192.0.2.133"))));
      for (int i = 0; i < 8; i++) {
        h.ask("n" + i + ".aws.test.", Type.A);
      }
      List<int[]> seen = h.upstream.idsAndPorts();
      assertEquals(8, seen.size());
      // a pool of 8 sockets on random ports, one picked at random per query (upstream.Lane): all 8
      // queries on one port would be a 1 in 8^7 draw
      assertTrue(
          seen.stream().map(x -> x[1]).distinct().count() > 1, "queries spread over source ports");
      // 8 IDs drawn from 65536: all equal (a counter or a constant would be) is essentially
      // impossible
      assertTrue(seen.stream().map(x -> x[0]).distinct().count() > 1, "random IDs");
      assertTrue(
          seen.stream().anyMatch(x -> Math.abs(x[0] - seen.get(0)[0]) > 8),
          "IDs are not a sequence");
    }
  }

  @Test
  void everyAttemptLostIsServfailAndCounted() throws Exception {
    try (Harness h = new Harness(Map.of("upstream-attempts", "2", "upstream-timeout", "100ms"))) {
      h.upstream.script(q -> List.of());
      assertEquals(Rcode.SERVFAIL, h.ask("lost.aws.test.", Type.A).getRcode());
      assertEquals(2, h.upstream.queries());
      assertEquals(1, h.server.metrics().upstreamFailures.sum());
    }
  }

  @Test
  void namesOutsideTheStubZonesGoToTheForwarder() throws Exception {
    try (ScriptedUpstream forwarder = new ScriptedUpstream();
        Harness h = new Harness(Map.of("forwarder", "127.0.0.1:" + forwarder.port()))) {
      forwarder.script(
          q -> List.of(answer(q, UpstreamMismatchTest.a("www.example.org.", "192.0.2.131"))));
      h.upstream.script(
          q -> List.of(answer(q, UpstreamMismatchTest.a("www.aws.test.", "192.0.2.132"))));
      assertEquals(
          "192.0.2.131",
          h.ask("www.example.org.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(
          "192.0.2.132",
          h.ask("www.aws.test.", Type.A).getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(1, forwarder.queries());
      assertEquals(1, h.upstream.queries());
    }
  }
}
