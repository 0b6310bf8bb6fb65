package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.answer.Answerer;
import dnsplane.authdns.rrl.ResponseClass;
import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.authdns.zone.ZoneSet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Classification and slips on responses rendered by the real answer logic. */
class RrlWireTest {
  private static final ZoneSet ZONES = ZoneFixtures.load(TRICKY);

  private static ByteBuf answer(String name, int type) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    Message r = Answerer.answer(ZONES, q, 1232, false);
    return Unpooled.wrappedBuffer(r.toWire(1232));
  }

  private static long classify(String name, int type) throws Exception {
    return RrlWire.classify(answer(name, type));
  }

  @Test
  void classesFollowTheResponse() throws Exception {
    assertEquals(ResponseClass.NORMAL, RrlWire.classOf(classify("www.tricky.test.", Type.A)));
    assertEquals(ResponseClass.NODATA, RrlWire.classOf(classify("www.tricky.test.", Type.MX)));
    assertEquals(ResponseClass.NXDOMAIN, RrlWire.classOf(classify("nope.tricky.test.", Type.A)));
    assertEquals(
        ResponseClass.REFERRAL, RrlWire.classOf(classify("www.child.tricky.test.", Type.A)));
    assertEquals(ResponseClass.ERROR, RrlWire.classOf(classify("example.org.", Type.A)));
  }

  @Test
  void bucketNames() throws Exception {
    // Answers are keyed by qname, case-insensitively.
    assertEquals(classify("www.tricky.test.", Type.A), classify("WWW.Tricky.TEST.", Type.A));
    assertNotEquals(classify("www.tricky.test.", Type.A), classify("mx1.tricky.test.", Type.A));
    // NXDOMAIN by zone: a random-subdomain flood shares one bucket.
    assertEquals(classify("a1.tricky.test.", Type.A), classify("zz9.tricky.test.", Type.A));
    // Referrals by delegation point, whatever the name below it.
    assertEquals(
        classify("a.child.tricky.test.", Type.A), classify("b.c.child.tricky.test.", Type.TXT));
    // Every error shares one bucket.
    assertEquals(classify("example.org.", Type.A), classify("example.net.", Type.MX));
  }

  @Test
  void slipKeepsOnlyTheQuestionAndSetsTc() throws Exception {
    ByteBuf r = answer("WwW.tricky.test.", Type.A);
    Message m = new Message(io.netty.buffer.ByteBufUtil.getBytes(RrlWire.slip(r)));
    assertTrue(m.getHeader().getFlag(Flags.TC));
    assertTrue(m.getHeader().getFlag(Flags.QR));
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertEquals(Name.fromString("WwW.tricky.test."), m.getQuestion().getName());
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      assertTrue(m.getSection(s).isEmpty(), Section.string(s));
    }
  }

  @Test
  void brokenInputIsAnErrorNotAnException() {
    for (byte[] b :
        new byte[][] {
          {}, new byte[11], {0, 1, (byte) 0x84, 0, 0, 1, 0, 0, 0, 1, 0, 0, (byte) 0xC0, 12}
        }) {
      RrlWire.classify(Unpooled.wrappedBuffer(b));
      RrlWire.slip(Unpooled.wrappedBuffer(b.clone()));
    }
  }
}
