package dnsplane.resolver;

import static dnsplane.resolver.testing.ScriptedUpstream.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dnsplane.resolver.testing.Harness;
import dnsplane.resolver.wire.WireQuery;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A question gets the same answer whichever parser reads it: the fast one (plain queries) or
 * dnsjava (everything else, here a query with a stray authority record). Non-IN classes and zone
 * transfers are REFUSED, meta types FORMERR (Responses.policyRcode), and none of them reaches
 * upstream or the cache.
 */
class FastPathParityTest {
  private static final String NAME = "www.aws.test.";

  /** class, type, the rcode both paths must give. */
  private record Case(int dclass, int type, int rcode) {}

  private static final List<Case> CASES =
      List.of(
          new Case(DClass.IN, Type.A, Rcode.NOERROR),
          new Case(DClass.CH, Type.A, Rcode.REFUSED),
          new Case(DClass.CH, Type.TXT, Rcode.REFUSED),
          new Case(DClass.HS, Type.A, Rcode.REFUSED),
          new Case(DClass.NONE, Type.A, Rcode.REFUSED),
          new Case(DClass.ANY, Type.A, Rcode.REFUSED),
          new Case(DClass.IN, Type.AXFR, Rcode.REFUSED),
          new Case(DClass.IN, Type.IXFR, Rcode.REFUSED),
          new Case(DClass.IN, Type.MAILA, Rcode.FORMERR),
          new Case(DClass.IN, Type.MAILB, Rcode.FORMERR),
          new Case(DClass.IN, Type.TSIG, Rcode.FORMERR),
          new Case(DClass.IN, Type.TKEY, Rcode.FORMERR),
          new Case(DClass.IN, Type.OPT, Rcode.FORMERR),
          new Case(DClass.IN, 128, Rcode.FORMERR),
          new Case(DClass.IN, 248, Rcode.FORMERR));

  /** The plain shape: one question and an OPT record. */
  private static byte[] fast(Case c) {
    Message q = new Message(0x1234);
    q.getHeader().setFlag(Flags.RD);
    q.addRecord(
        Record.newRecord(Name.fromConstantString(NAME), c.type(), c.dclass()), Section.QUESTION);
    q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    return q.toWire();
  }

  /** The same question with a record in the authority section, which only dnsjava reads. */
  private static byte[] slow(Case c) throws Exception {
    Message q =
        Message.newQuery(Record.newRecord(Name.fromConstantString(NAME), c.type(), c.dclass()));
    q.getHeader().setID(0x1234);
    q.addRecord(
        new ARecord(
            Name.fromConstantString(NAME),
            DClass.IN,
            60,
            java.net.InetAddress.getByName("192.0.2.1")),
        Section.AUTHORITY);
    q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    return q.toWire();
  }

  @Test
  void bothPathsAnswerEveryQuestionAlike() throws Exception {
    try (Harness h = new Harness(Map.of())) {
      h.upstream.script(q -> List.of(answer(q, UpstreamMismatchTest.a(NAME, "192.0.2.170"))));
      // the IN A answer is cached: every other question about the name is a hit candidate on the
      // fast path
      assertEquals(Rcode.NOERROR, h.ask(NAME, Type.A).getRcode());
      for (Case c : CASES) {
        String what = DClass.string(c.dclass()) + " " + Type.string(c.type());
        byte[] fast = fast(c);
        byte[] slow = slow(c);
        assertNotNull(WireQuery.parse(fast), what + ": the fast parser reads the plain query");
        assertNull(WireQuery.parse(slow), what + ": the fast parser leaves the other to dnsjava");
        for (int round = 0;
            round < 2;
            round++) { // twice: a second ask would find anything the first cached
          Message viaFast = h.udp(fast, null);
          Message viaSlow = h.udp(slow, null);
          assertEquals(c.rcode(), viaFast.getRcode(), what + " (fast)");
          assertEquals(c.rcode(), viaSlow.getRcode(), what + " (slow)");
          for (int flag :
              new int[] {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.CD, Flags.AD}) {
            assertEquals(
                viaSlow.getHeader().getFlag(flag),
                viaFast.getHeader().getFlag(flag),
                what + ": flag " + Flags.string(flag));
          }
          assertEquals(viaSlow.getQuestion(), viaFast.getQuestion(), what + ": question echoed");
          assertEquals(viaSlow.getOPT() != null, viaFast.getOPT() != null, what + ": OPT");
          for (int s : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            assertEquals(
                viaSlow.getSection(s), viaFast.getSection(s), what + ": " + Section.string(s));
          }
        }
      }
      assertEquals(1, h.upstream.queries(), "only IN A ever went upstream");
      assertEquals(1, h.server.resolver().cache().entries(), "and only it was cached");
    }
  }
}
