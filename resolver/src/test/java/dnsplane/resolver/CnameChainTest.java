package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.reply;
import static dnsplane.resolver.testing.ScriptedUpstream.soa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.Await;
import dnsplane.resolver.testing.Harness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * CNAME chains, over real sockets: a regional endpoint behind an alias. A chain that ends in data
 * of the asked type is a positive answer; a chain that ends without it (the target emptied: only
 * the CNAME and the SOA come back) is an empty answer, for the guard and for negative caching (RFC
 * 2308 §2.1, §2.2, §5).
 */
class CnameChainTest {
  static final String ALIAS = "dynamodb.us-east-1.aws.test.";
  static final String TARGET = "dynamodb.us-east-1.regional.aws.test.";

  static Record cname(String owner, long ttl, String target) {
    return new CNAMERecord(
        Name.fromConstantString(owner), DClass.IN, ttl, Name.fromConstantString(target));
  }

  /** The alias with its target's addresses: the chain ends in data. */
  static Message chainWithData(Message q, long cnameTtl, Record... targetData) {
    List<Record> answer = new java.util.ArrayList<>(List.of(cname(ALIAS, cnameTtl, TARGET)));
    answer.addAll(List.of(targetData));
    return reply(q, Rcode.NOERROR, answer, List.of());
  }

  /**
   * The alias whose target has nothing of the asked type: only the CNAME, and the SOA in authority.
   */
  static Message chainEndingEmpty(
      Message q, int rcode, long cnameTtl, long soaTtl, long soaMinimum) {
    return reply(
        q,
        rcode,
        List.of(cname(ALIAS, cnameTtl, TARGET)),
        List.of(soa("aws.test.", soaTtl, soaMinimum)));
  }

  @Test
  void chainIsPositiveOnlyWhenItEndsInDataOfTheAskedType() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      Record a = UpstreamMismatchTest.a(TARGET, 60, "192.0.2.80");
      h.upstream.script(
          q ->
              List.of(
                  q.getQuestion().getType() == Type.A
                      ? chainWithData(q, 300, a)
                      : chainEndingEmpty(
                          q, Rcode.NOERROR, 300, 300, 120))); // the target has A but no AAAA
      Message viaAlias = h.ask(ALIAS, Type.A);
      assertEquals(Rcode.NOERROR, viaAlias.getRcode());
      assertEquals(2, viaAlias.getSection(Section.ANSWER).size(), "the CNAME and the target's A");
      assertEquals(60, viaAlias.getSection(Section.ANSWER).get(1).getTTL());
      h.clock.advance(Duration.ofSeconds(30));
      Message cached = h.ask(ALIAS, Type.A);
      assertEquals("192.0.2.80", cached.getSection(Section.ANSWER).get(1).rdataToString());
      assertEquals(
          30, cached.getSection(Section.ANSWER).get(1).getTTL(), "from the cache, counting down");
      assertNull(Harness.ede(cached));
      assertEquals(1, h.upstream.queries());
      assertEquals(1, h.server.metrics().hits.sum());
      assertEquals(
          0, h.server.metrics().negativeHits.sum(), "a chain that ends in an A set is positive");

      Message noAaaa = h.ask(ALIAS, Type.AAAA);
      assertEquals(Rcode.NOERROR, noAaaa.getRcode());
      assertEquals(Type.CNAME, noAaaa.getSection(Section.ANSWER).get(0).getType());
      assertEquals(
          120, noAaaa.getSection(Section.AUTHORITY).get(0).getTTL(), "min(SOA TTL, MINIMUM)");
      h.ask(ALIAS, Type.AAAA);
      assertEquals(2, h.upstream.queries());
      assertEquals(
          1, h.server.metrics().negativeHits.sum(), "a chain that ends without AAAA is NODATA");
    }
  }

  @Test
  void guardKeepsTheAddressesWhenTheAliasTargetGoesEmpty() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      Record a = UpstreamMismatchTest.a(TARGET, 60, "192.0.2.81");
      h.upstream.script(q -> List.of(chainWithData(q, 300, a)));
      h.ask(ALIAS, Type.A);
      h.clock.advance(Duration.ofSeconds(61));
      // the regional endpoint behind the alias is emptied: NOERROR, only the CNAME, the SOA in
      // authority
      h.upstream.script(q -> List.of(chainEndingEmpty(q, Rcode.NOERROR, 300, 300, 300)));
      Message kept = h.ask(ALIAS, Type.A);
      assertEquals(Rcode.NOERROR, kept.getRcode());
      assertEquals(2, kept.getSection(Section.ANSWER).size(), "the kept chain with its A set");
      assertEquals("192.0.2.81", kept.getSection(Section.ANSWER).get(1).rdataToString());
      assertEquals(30, kept.getSection(Section.ANSWER).get(1).getTTL(), "stale-ttl");
      ExtendedErrorCodeOption ede = Harness.ede(kept);
      assertNotNull(ede, "EDE in the OPT record");
      assertEquals(ExtendedErrorCodeOption.STALE_ANSWER, ede.getErrorCode());
      assertTrue(ede.getText().contains("suspect"), ede.getText());
      assertEquals(1, h.server.metrics().suspectEmpty.sum());
      assertEquals(1, h.scheduler.pending(), "a re-ask is scheduled with backoff");

      // still suspect when the re-ask finds the target gone altogether (NXDOMAIN at the end of the
      // chain)
      h.upstream.script(q -> List.of(chainEndingEmpty(q, Rcode.NXDOMAIN, 300, 300, 300)));
      h.clock.advance(Duration.ofSeconds(2));
      h.scheduler.runAll();
      Await.until(
          "the re-ask counted as suspect",
          Duration.ofSeconds(5),
          () -> h.server.metrics().suspectEmpty.sum() == 2);
      Message still = h.ask(ALIAS, Type.A);
      assertEquals(Rcode.NOERROR, still.getRcode());
      assertEquals("192.0.2.81", still.getSection(Section.ANSWER).get(1).rdataToString());
      assertNotNull(Harness.ede(still));
    }
  }

  @Test
  void withTheGuardOffAChainEndingEmptyIsCachedNegativeForTheSoaNegativeTtl() throws Exception {
    try (Harness h = new Harness(Map.of("guard", "off"))) {
      Record a = UpstreamMismatchTest.a(TARGET, 60, "192.0.2.82");
      h.upstream.script(q -> List.of(chainWithData(q, 3600, a)));
      h.ask(ALIAS, Type.A);
      h.clock.advance(Duration.ofSeconds(61));
      // SOA TTL 300, MINIMUM 60: the negative TTL is 60; as a positive answer it would live
      // min(3600, 300)
      h.upstream.script(q -> List.of(chainEndingEmpty(q, Rcode.NOERROR, 3600, 300, 60)));
      Message empty = h.ask(ALIAS, Type.A);
      assertEquals(Rcode.NOERROR, empty.getRcode());
      assertEquals(
          1, empty.getSection(Section.ANSWER).size(), "the CNAME only: the A set is not kept");
      assertEquals(60, empty.getSection(Section.AUTHORITY).get(0).getTTL());
      assertNull(Harness.ede(empty));
      h.upstream.script(q -> List.of(chainWithData(q, 3600, a))); // the target is restored...
      h.clock.advance(Duration.ofSeconds(59));
      assertEquals(
          1,
          h.ask(ALIAS, Type.A).getSection(Section.ANSWER).size(),
          "...the empty chain is cached");
      assertEquals(1, h.server.metrics().negativeHits.sum(), "cached as a negative answer");
      assertEquals(2, h.upstream.queries());
      h.clock.advance(Duration.ofSeconds(2));
      assertEquals(
          2,
          h.ask(ALIAS, Type.A).getSection(Section.ANSWER).size(),
          "the negative TTL (60) ran out");
      assertEquals(3, h.upstream.queries());
      assertEquals(0, h.server.metrics().suspectEmpty.sum());
    }
  }

  @Test
  void nxdomainAtTheEndOfAChainIsCachedNegativeNoLongerThanTheChain() throws Exception {
    try (Harness h = new Harness(Map.of("guard", "off"))) {
      // RFC 2308 §2.1: the CNAME is cached with its own TTL; the answer built on it cannot outlive
      // it
      h.upstream.script(q -> List.of(chainEndingEmpty(q, Rcode.NXDOMAIN, 30, 300, 300)));
      Message nx = h.ask(ALIAS, Type.A);
      assertEquals(Rcode.NXDOMAIN, nx.getRcode());
      assertEquals(Type.CNAME, nx.getSection(Section.ANSWER).get(0).getType());
      assertEquals(Type.SOA, nx.getSection(Section.AUTHORITY).get(0).getType());
      h.clock.advance(Duration.ofSeconds(29));
      Message cached = h.ask(ALIAS, Type.A);
      assertEquals(Rcode.NXDOMAIN, cached.getRcode());
      assertEquals(1, cached.getSection(Section.ANSWER).get(0).getTTL());
      assertEquals(1, h.server.metrics().negativeHits.sum());
      assertEquals(1, h.upstream.queries());
      h.clock.advance(Duration.ofSeconds(2));
      assertEquals(Rcode.NXDOMAIN, h.ask(ALIAS, Type.A).getRcode());
      assertEquals(
          2, h.upstream.queries(), "the CNAME's TTL (30) ran out before the negative TTL (300)");
    }
  }
}
