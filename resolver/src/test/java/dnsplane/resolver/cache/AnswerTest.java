package dnsplane.resolver.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.resolver.testing.Harness;
import dnsplane.resolver.testing.ScriptedUpstream;
import dnsplane.resolver.wire.ReplyWriter;
import dnsplane.resolver.wire.WireQuery;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class AnswerTest {
  static final long T0 = 5_000_000L;

  static Record a(String name, long ttl, String ip) throws Exception {
    return new ARecord(Name.fromConstantString(name), DClass.IN, ttl, InetAddress.getByName(ip));
  }

  @Test
  void hitPatchesIdCaseAndTtlsAndAddsOpt() throws Exception {
    Message up =
        ScriptedUpstream.answer(
            Harness.query("www.aws.test.", Type.A), a("www.aws.test.", 300, "192.0.2.1"));
    Answer ans = Answer.of(up, Answer.Kind.POSITIVE, T0, 300, r -> (int) r.getTTL());
    assertFalse(Harness.aa(new Message(ans.wire())), "a cache does not claim authority");

    Message q = Harness.query("WwW.AwS.tEsT.", Type.A);
    WireQuery wq = WireQuery.parse(q.toWire());
    assertNotNull(wq);
    Message out = new Message(ReplyWriter.render(ans, wq, T0 + 100_500, false));
    assertEquals(q.getHeader().getID(), out.getHeader().getID());
    assertTrue(out.getHeader().getFlag(Flags.RD));
    assertTrue(out.getHeader().getFlag(Flags.RA));
    assertEquals("WwW.AwS.tEsT.", out.getQuestion().getName().toString());
    assertEquals(200, out.getSection(Section.ANSWER).get(0).getTTL());
    assertNotNull(out.getOPT());
  }

  @Test
  void tooBigForUdpIsTruncatedWithTc() throws Exception {
    Message q = Harness.query("big.aws.test.", Type.A);
    List<Record> many = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      many.add(a("big.aws.test.", 60, "192.0.2." + i));
    }
    Message up = ScriptedUpstream.answer(q, many.toArray(new Record[0]));
    Answer ans = Answer.of(up, Answer.Kind.POSITIVE, T0, 60, r -> 60);
    Message noEdns =
        Message.newQuery(
            Record.newRecord(Name.fromConstantString("big.aws.test."), Type.A, DClass.IN));
    Message udp = new Message(ReplyWriter.render(ans, WireQuery.parse(noEdns.toWire()), T0, false));
    assertTrue(udp.getHeader().getFlag(Flags.TC));
    assertTrue(udp.getSection(Section.ANSWER).isEmpty());
    assertNull(udp.getOPT());
    Message tcp = new Message(ReplyWriter.render(ans, WireQuery.parse(noEdns.toWire()), T0, true));
    assertEquals(100, tcp.getSection(Section.ANSWER).size());
  }

  @Test
  void fastParserLeavesOddQueriesToDnsjava() throws Exception {
    Message q = Harness.query("x.aws.test.", Type.A);
    byte[] w = q.toWire();
    assertNotNull(WireQuery.parse(w));
    assertNull(WireQuery.parse(java.util.Arrays.copyOf(w, w.length - 3)), "truncated");
    byte[] resp = w.clone();
    resp[2] |= (byte) 0x80;
    assertNull(WireQuery.parse(resp), "a response");
    assertNull(WireQuery.parse(new byte[] {1, 2, 3}));
  }
}
