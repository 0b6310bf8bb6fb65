package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static dnsplane.resolver.testing.ScriptedUpstream.nodata;
import static dnsplane.resolver.testing.ScriptedUpstream.nxdomain;
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
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Serve-stale (RFC 8767) and the empty-answer guard, over real sockets. */
class GuardAndStaleTest {
  static final String NAME = "dynamodb.us-east-1.aws.test.";

  @Test
  void servesStaleWithEde3AndTtl30WhenUpstreamTimesOut() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      Record rr = CachingTest.a(NAME, 60, "192.0.2.30");
      h.upstream.script(q -> List.of(answer(q, rr)));
      h.ask(NAME, Type.A);
      h.clock.advance(Duration.ofSeconds(3600));
      h.upstream.script(q -> List.of()); // upstream stops answering
      Message stale = h.ask(NAME, Type.A);
      assertEquals(Rcode.NOERROR, stale.getRcode());
      assertEquals("192.0.2.30", stale.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(30, stale.getSection(Section.ANSWER).get(0).getTTL());
      ExtendedErrorCodeOption ede = Harness.ede(stale);
      assertNotNull(ede, "EDE in the OPT record");
      assertEquals(ExtendedErrorCodeOption.STALE_ANSWER, ede.getErrorCode());
      assertEquals(1, h.server.metrics().staleServed.sum());
      // the refresh failed: for stale-recheck the stale answer comes at once, without asking
      // upstream
      int asked = h.upstream.queries();
      assertNotNull(Harness.ede(h.ask(NAME, Type.A)));
      assertEquals(asked, h.upstream.queries());
      // past stale-max (1 day) nothing is served: SERVFAIL
      h.clock.advance(Duration.ofDays(1));
      assertEquals(Rcode.SERVFAIL, h.ask(NAME, Type.A).getRcode());
    }
  }

  @Test
  void guardKeepsThePositiveAnswerThroughAnEmptyAuthoritativeAnswer() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      Record rr = CachingTest.a(NAME, 60, "192.0.2.40");
      h.upstream.script(q -> List.of(answer(q, rr)));
      h.ask(NAME, Type.A);
      h.clock.advance(Duration.ofSeconds(61));
      h.upstream.script(
          q -> List.of(nodata(q, soa("aws.test.", 300, 300)))); // the endpoint was emptied
      Message kept = h.ask(NAME, Type.A);
      assertEquals("192.0.2.40", kept.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(30, kept.getSection(Section.ANSWER).get(0).getTTL());
      ExtendedErrorCodeOption ede = Harness.ede(kept);
      assertEquals(ExtendedErrorCodeOption.STALE_ANSWER, ede.getErrorCode());
      assertTrue(ede.getText().contains("suspect"), ede.getText());
      assertEquals(1, h.server.metrics().suspectEmpty.sum());
      assertEquals(1, h.scheduler.pending(), "a re-ask is scheduled with backoff");
      // the records come back; the scheduled re-ask picks them up
      h.upstream.script(q -> List.of(answer(q, rr)));
      h.clock.advance(Duration.ofSeconds(2));
      h.scheduler.runAll();
      Await.until(
          "positive answer cached again",
          Duration.ofSeconds(5),
          () ->
              h.server.resolver().cache().get(key()) != null
                  && h.server.resolver().cache().get(key()).guard() == null);
      Message back = h.ask(NAME, Type.A);
      assertNull(Harness.ede(back));
      assertEquals(60, back.getSection(Section.ANSWER).get(0).getTTL());
    }
  }

  @Test
  void guardLetsAConfirmedDeletionThroughAfterGuardConfirm() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      Record rr = CachingTest.a(NAME, 60, "192.0.2.50");
      h.upstream.script(q -> List.of(answer(q, rr)));
      h.ask(NAME, Type.A);
      h.clock.advance(Duration.ofSeconds(61));
      h.upstream.script(q -> List.of(nxdomain(q, soa("aws.test.", 300, 300))));
      assertEquals(1, h.ask(NAME, Type.A).getSection(Section.ANSWER).size(), "suspect: kept");
      h.clock.advance(Duration.ofMinutes(2));
      Message still =
          h.ask(
              NAME, Type.A); // a retry is due: asked again, still empty, still inside guard-confirm
      assertEquals(1, still.getSection(Section.ANSWER).size());
      assertNotNull(Harness.ede(still));
      assertEquals(2, h.server.metrics().suspectEmpty.sum());
      h.clock.advance(Duration.ofMinutes(3).plusSeconds(30));
      Message gone = h.ask(NAME, Type.A);
      assertEquals(
          Rcode.NXDOMAIN, gone.getRcode(), "seen empty for guard-confirm (5m): a real deletion");
      assertNull(Harness.ede(gone));
      assertEquals(1, h.server.metrics().guardConfirmed.sum());
    }
  }

  @Test
  void emptyAnswersOutsideGuardedSuffixesPassAtOnce() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      Record rr = CachingTest.a("www.example.test.", 60, "192.0.2.60");
      h.upstream.script(q -> List.of(answer(q, rr)));
      h.ask("www.example.test.", Type.A);
      h.clock.advance(Duration.ofSeconds(61));
      h.upstream.script(q -> List.of(nodata(q, soa("example.test.", 300, 300))));
      Message empty = h.ask("www.example.test.", Type.A);
      assertEquals(0, empty.getSection(Section.ANSWER).size());
      assertEquals(0, h.server.metrics().suspectEmpty.sum());
    }
  }

  static dnsplane.resolver.wire.QuestionKey key() {
    return dnsplane.resolver.wire.WireQuery.parse(Harness.query(NAME, Type.A).toWire()).key();
  }
}
