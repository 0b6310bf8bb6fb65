package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.resolver.testing.Harness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Upstream replies that do not answer the question are discarded; records outside the zone are
 * dropped.
 */
class UpstreamMismatchTest {
  static Message withId(Message m, int id) {
    Message copy = m.clone();
    copy.getHeader().setID(id);
    return copy;
  }

  @Test
  void aReplyWithTheWrongIdIsIgnoredAndTheRealOneUsed() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      h.upstream.script(
          q -> {
            Message spoof = answer(q, a("id.aws.test.", "203.0.113.66"));
            Message real = answer(q, a("id.aws.test.", "192.0.2.100"));
            return List.of(withId(spoof, (q.getHeader().getID() + 1) & 0xffff), real);
          });
      Message m = h.ask("id.aws.test.", Type.A);
      assertEquals("192.0.2.100", m.getSection(Section.ANSWER).get(0).rdataToString());
      assertEquals(1, h.server.metrics().upstreamMismatched.sum());
    }
  }

  @Test
  void aReplyForAnotherQuestionIsDiscarded() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      h.upstream.script(
          q -> {
            Message other =
                Message.newQuery(
                    Record.newRecord(Name.fromConstantString("evil.aws.test."), Type.A, DClass.IN));
            other.getHeader().setID(q.getHeader().getID());
            return List.of(answer(other, a("evil.aws.test.", "203.0.113.66")));
          });
      Message m = h.ask("name.aws.test.", Type.A);
      assertEquals(Rcode.SERVFAIL, m.getRcode(), "nothing usable arrived before the timeout");
      assertEquals(1, h.server.metrics().upstreamMismatched.sum());
    }
  }

  @Test
  void recordsOutsideTheZoneAreDropped() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      h.upstream.script(
          q -> {
            Message m =
                answer(q, a("www.aws.test.", "192.0.2.101"), a("www.example.org.", "203.0.113.67"));
            m.addRecord(a("ns.example.net.", "203.0.113.68"), Section.ADDITIONAL);
            return List.of(m);
          });
      Message m = h.ask("www.aws.test.", Type.A);
      assertEquals(1, m.getSection(Section.ANSWER).size());
      assertEquals("192.0.2.101", m.getSection(Section.ANSWER).get(0).rdataToString());
      assertTrue(m.getSection(Section.ADDITIONAL).stream().noneMatch(r -> r.getType() == Type.A));
      assertEquals(2, h.server.metrics().upstreamScrubbed.sum());
    }
  }

  static Record a(String name, String ip) {
    return a(name, 60, ip);
  }

  static Record a(String name, long ttl, String ip) {
    try {
      return CachingTest.a(name, ttl, ip);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
