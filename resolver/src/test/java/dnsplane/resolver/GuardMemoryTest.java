package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static dnsplane.resolver.testing.ScriptedUpstream.nodata;
import static dnsplane.resolver.testing.ScriptedUpstream.soa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.resolver.testing.Harness;
import dnsplane.resolver.wire.QuestionKey;
import dnsplane.resolver.wire.WireQuery;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The guard remembers the last positive answer of guarded names apart from the cache, so neither a
 * flush nor an eviction reopens the 2025 failure; over real sockets and real HTTP.
 */
class GuardMemoryTest {
  static final String NAME = "dynamodb.us-east-1.aws.test.";

  static QuestionKey key(String name) {
    return WireQuery.parse(Harness.query(name, Type.A).toWire()).key();
  }

  /** Upstream answers every name with one A record, its last octet given. */
  static void upstreamHasAddresses(Harness h, int lastOctet) {
    h.upstream.script(
        q ->
            List.of(
                answer(
                    q,
                    UpstreamMismatchTest.a(
                        q.getQuestion().getName().toString(), "192.0.2." + lastOctet))));
  }

  static void upstreamIsEmpty(Harness h) {
    h.upstream.script(q -> List.of(nodata(q, soa("aws.test.", 300, 300))));
  }

  static void assertKept(Message m, String ip) {
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertEquals(1, m.getSection(Section.ANSWER).size(), "the remembered answer is served");
    assertEquals(ip, m.getSection(Section.ANSWER).get(0).rdataToString());
    assertEquals(30, m.getSection(Section.ANSWER).get(0).getTTL(), "stale-ttl");
    ExtendedErrorCodeOption ede = Harness.ede(m);
    assertNotNull(ede, "EDE in the OPT record");
    assertEquals(ExtendedErrorCodeOption.STALE_ANSWER, ede.getErrorCode());
    assertTrue(ede.getText().contains("suspect"), ede.getText());
  }

  static void assertPassedThrough(Message m) {
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertEquals(0, m.getSection(Section.ANSWER).size(), "the empty answer is believed");
    assertNull(Harness.ede(m));
  }

  @Test
  void fullFlushKeepsTheGuardMemoryButANamedFlushForgetsIt() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      upstreamHasAddresses(h, 90);
      h.ask(NAME, Type.A);
      HttpResponse<String> flushed = h.http("POST", "/cache/flush");
      assertEquals("{\"flushed\":1}", flushed.body());
      assertFalse(h.server.resolver().cache().contains(key(NAME)), "the main cache is empty");

      upstreamIsEmpty(h);
      assertKept(h.ask(NAME, Type.A), "192.0.2.90");
      assertEquals(2, h.upstream.queries(), "the flush made the resolver ask upstream again");
      assertEquals(1, h.server.metrics().suspectEmpty.sum());

      // a named flush is the operator's way to make a real deletion take effect at once
      h.http("POST", "/cache/flush?name=" + NAME);
      assertPassedThrough(h.ask(NAME, Type.A));
      assertEquals(1, h.server.metrics().suspectEmpty.sum());
    }
  }

  @Test
  void guardSurvivesEvictionFromATinyCache() throws Exception {
    // cache-max-entries 1: every entry weighs the whole 64m, so one entry fills the cache
    try (Harness h = new Harness(Map.of("cache-max-entries", "1"))) {
      upstreamHasAddresses(h, 91);
      h.ask(NAME, Type.A);
      assertTrue(h.server.resolver().cache().contains(key(NAME)));
      // other names crowd it out; TinyLFU admits a newcomer once it is asked more often than the
      // incumbent
      for (int i = 0; i < 200 && h.server.resolver().cache().contains(key(NAME)); i++) {
        h.ask("other" + (i % 3) + ".example.test.", Type.A);
      }
      assertFalse(h.server.resolver().cache().contains(key(NAME)), "evicted from the main cache");

      upstreamIsEmpty(h);
      assertKept(h.ask(NAME, Type.A), "192.0.2.91");
      assertEquals(1, h.server.metrics().suspectEmpty.sum());
    }
  }

  @Test
  void guardMemoryIsBoundedAndForgetsTheOldestNames() throws Exception {
    try (Harness h = new Harness(Map.of("guard-memory", "2"))) {
      upstreamHasAddresses(h, 92);
      for (String n : List.of("a.aws.test.", "b.aws.test.", "c.aws.test.")) {
        h.ask(n, Type.A);
      }
      assertTrue(
          h.http("GET", "/metrics").body().contains("dnsplane_resolver_guard_memory_entries 2\n"));
      h.http("POST", "/cache/flush");
      upstreamIsEmpty(h);
      assertPassedThrough(h.ask("a.aws.test.", Type.A)); // the oldest: forgotten
      assertKept(h.ask("b.aws.test.", Type.A), "192.0.2.92");
      assertKept(h.ask("c.aws.test.", Type.A), "192.0.2.92");
      assertEquals(2, h.server.metrics().suspectEmpty.sum());
    }
  }
}
