package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static dnsplane.resolver.testing.ScriptedUpstream.nodata;
import static dnsplane.resolver.testing.ScriptedUpstream.nxdomain;
import static dnsplane.resolver.testing.ScriptedUpstream.soa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dnsplane.resolver.testing.Harness;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Positive and negative caching over real sockets, time moved by the test's clock. */
class CachingTest {
  static Record a(String name, long ttl, String ip) throws Exception {
    return new ARecord(Name.fromConstantString(name), DClass.IN, ttl, InetAddress.getByName(ip));
  }

  static long ttl(Message m, int section) {
    return m.getSection(section).get(0).getTTL();
  }

  @Test
  void ttlCountsDownInAnswersFromCache() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      Record rr = a("www.aws.test.", 300, "192.0.2.10");
      h.upstream.script(q -> List.of(answer(q, rr)));
      Message first = h.ask("www.aws.test.", Type.A);
      assertEquals(Rcode.NOERROR, first.getRcode());
      assertEquals(300, ttl(first, Section.ANSWER));
      h.clock.advance(Duration.ofSeconds(100));
      Message second = h.ask("WWW.aws.test.", Type.A);
      assertEquals(200, ttl(second, Section.ANSWER));
      assertEquals(
          "WWW.aws.test.", second.getQuestion().getName().toString(), "the query's case is echoed");
      Message overTcp = h.tcp(Harness.query("www.aws.test.", Type.A).toWire());
      assertEquals(200, ttl(overTcp, Section.ANSWER));
      assertEquals(1, h.upstream.queries(), "answered from cache");
      assertNull(Harness.ede(second));
      h.clock.advance(Duration.ofSeconds(200));
      Message refreshed = h.ask("www.aws.test.", Type.A);
      assertEquals(300, ttl(refreshed, Section.ANSWER));
      assertEquals(2, h.upstream.queries(), "expired: asked again");
      assertEquals(2, h.server.metrics().hits.sum());
      assertEquals(2, h.server.metrics().misses.sum());
    }
  }

  @Test
  void positiveTtlIsCappedByMaxTtl() throws Exception {
    try (Harness h = new Harness(Map.of("max-ttl", "60"))) {
      Record rr = a("capped.aws.test.", 86400, "192.0.2.11");
      h.upstream.script(q -> List.of(answer(q, rr)));
      assertEquals(60, ttl(h.ask("capped.aws.test.", Type.A), Section.ANSWER));
      h.clock.advance(Duration.ofSeconds(61));
      h.ask("capped.aws.test.", Type.A);
      assertEquals(2, h.upstream.queries());
    }
  }

  @Test
  void negativeAnswersAreCachedFromTheSoaAndCapped() throws Exception {
    try (Harness h = new Harness(Map.of("max-negative-ttl", "120"))) {
      h.upstream.script(
          q ->
              List.of(
                  q.getQuestion().getName().toString().startsWith("nx")
                      ? nxdomain(q, soa("aws.test.", 3600, 600))
                      : nodata(q, soa("aws.test.", 60, 600))));
      Message nx = h.ask("nx.aws.test.", Type.A);
      assertEquals(Rcode.NXDOMAIN, nx.getRcode());
      assertEquals(
          120, ttl(nx, Section.AUTHORITY), "min(3600, 600) capped by max-negative-ttl 120");
      Message nodata = h.ask("nodata.aws.test.", Type.AAAA);
      assertEquals(Rcode.NOERROR, nodata.getRcode());
      assertEquals(0, nodata.getSection(Section.ANSWER).size());
      assertEquals(60, ttl(nodata, Section.AUTHORITY), "min(SOA TTL 60, MINIMUM 600)");
      h.clock.advance(Duration.ofSeconds(59));
      assertEquals(Rcode.NXDOMAIN, h.ask("nx.aws.test.", Type.A).getRcode());
      assertEquals(61, ttl(h.ask("nx.aws.test.", Type.A), Section.AUTHORITY));
      assertEquals(1, ttl(h.ask("nodata.aws.test.", Type.AAAA), Section.AUTHORITY));
      assertEquals(2, h.upstream.queries(), "all from the negative cache");
      assertEquals(3, h.server.metrics().negativeHits.sum());
      h.clock.advance(Duration.ofSeconds(62));
      h.ask("nx.aws.test.", Type.A);
      assertEquals(3, h.upstream.queries(), "the capped negative TTL ran out");
    }
  }

  /**
   * The 2025 failure: with the guard off, an empty answer is believed and outlives the fix by its
   * negative TTL.
   */
  @Test
  void legacyModeCachesTheEmptyAnswerUntilItsNegativeTtl() throws Exception {
    try (Harness h = new Harness(Map.of("guard", "off"))) {
      Record rr = a("dynamodb.us-east-1.aws.test.", 60, "192.0.2.20");
      h.upstream.script(q -> List.of(answer(q, rr)));
      h.ask("dynamodb.us-east-1.aws.test.", Type.A);
      h.clock.advance(Duration.ofSeconds(61));
      h.upstream.script(q -> List.of(nodata(q, soa("aws.test.", 300, 300))));
      Message empty = h.ask("dynamodb.us-east-1.aws.test.", Type.A);
      assertEquals(0, empty.getSection(Section.ANSWER).size(), "the empty answer is served");
      assertNull(Harness.ede(empty));
      h.upstream.script(q -> List.of(answer(q, rr))); // the records are restored...
      h.clock.advance(Duration.ofSeconds(299));
      assertEquals(
          0,
          h.ask("dynamodb.us-east-1.aws.test.", Type.A).getSection(Section.ANSWER).size(),
          "...but the cache keeps the empty answer");
      assertEquals(2, h.upstream.queries());
      assertEquals(0, h.server.metrics().suspectEmpty.sum());
      h.clock.advance(Duration.ofSeconds(2));
      assertEquals(
          1, h.ask("dynamodb.us-east-1.aws.test.", Type.A).getSection(Section.ANSWER).size());
    }
  }
}
