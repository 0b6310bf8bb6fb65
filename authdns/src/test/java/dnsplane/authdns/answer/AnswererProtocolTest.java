package dnsplane.authdns.answer;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.authdns.zone.ZoneSet;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Header, EDNS and validation behaviour of the pure {@link Answerer}. */
class AnswererProtocolTest {
  private static final ZoneSet ZONES = ZoneFixtures.load(TRICKY);

  private static Message query(String name, int type) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
  }

  private static Message answer(Message q) {
    return Answerer.answer(ZONES, q, Answerer.DEFAULT_PAYLOAD);
  }

  @Test
  void echoesTheQueryCaseInTheQuestion() throws Exception {
    Message r = answer(query("WwW.TrIcKy.TeSt.", Type.A));
    assertEquals("WwW.TrIcKy.TeSt.", r.getQuestion().getName().toString());
    assertEquals(Rcode.NOERROR, r.getRcode());
    assertEquals(1, r.getSection(Section.ANSWER).size());
  }

  @Test
  void copiesIdAndRdAndSetsQr() throws Exception {
    Message q = query("www.tricky.test.", Type.A);
    Message r = answer(q);
    assertEquals(q.getHeader().getID(), r.getHeader().getID());
    assertTrue(r.getHeader().getFlag(Flags.QR));
    assertTrue(r.getHeader().getFlag(Flags.RD));
    q.getHeader().unsetFlag(Flags.RD);
    assertFalse(answer(q).getHeader().getFlag(Flags.RD));
  }

  @Test
  void dropsResponses() throws Exception {
    Message q = query("www.tricky.test.", Type.A);
    q.getHeader().setFlag(Flags.QR);
    assertNull(answer(q));
  }

  @Test
  void notImplementedForOtherOpcodes() throws Exception {
    for (int opcode : new int[] {Opcode.NOTIFY, Opcode.UPDATE, Opcode.STATUS, 3}) {
      Message q = query("www.tricky.test.", Type.A);
      q.getHeader().setOpcode(opcode);
      Message r = answer(q);
      assertEquals(Rcode.NOTIMP, r.getRcode(), "opcode " + opcode);
      assertEquals(opcode, r.getHeader().getOpcode());
    }
  }

  @Test
  void formErrForTwoQuestionsOrNoneOrAnAnswerSection() throws Exception {
    Message two = query("www.tricky.test.", Type.A);
    two.addRecord(Record.newRecord(Name.fromString("ns1.tricky.test."), Type.A, DClass.IN), 0);
    assertEquals(Rcode.FORMERR, answer(two).getRcode());

    Message none = new Message();
    assertEquals(Rcode.FORMERR, answer(none).getRcode());

    Message withAnswer = query("www.tricky.test.", Type.A);
    withAnswer.addRecord(
        Record.fromString(
            Name.fromString("www.tricky.test."), Type.A, DClass.IN, 60, "192.0.2.1", Name.root),
        Section.ANSWER);
    assertEquals(Rcode.FORMERR, answer(withAnswer).getRcode());
  }

  @Test
  void formErrForMetaQtypes() throws Exception {
    assertEquals(Rcode.FORMERR, answer(query("www.tricky.test.", Type.OPT)).getRcode());
    assertEquals(Rcode.FORMERR, answer(query("www.tricky.test.", Type.TSIG)).getRcode());
  }

  @Test
  void refusesTransfersAndOtherClasses() throws Exception {
    Message axfr = query("tricky.test.", Type.AXFR);
    assertEquals(Rcode.NOTIMP, answer(axfr).getRcode(), "AXFR cannot go over UDP");
    assertEquals(
        Rcode.REFUSED,
        Answerer.answer(ZONES, axfr, Answerer.DEFAULT_PAYLOAD, true).getRcode(),
        "no transfers offered over TCP either");
    assertEquals(Rcode.REFUSED, answer(query("tricky.test.", Type.IXFR)).getRcode());
    Message chaos =
        Message.newQuery(Record.newRecord(Name.fromString("tricky.test."), Type.TXT, DClass.CH));
    Message r = answer(chaos);
    assertEquals(Rcode.REFUSED, r.getRcode());
    assertFalse(r.getHeader().getFlag(Flags.AA));
  }

  @Test
  void echoesOptWithOurPayloadAndCopiesDo() throws Exception {
    Message q = query("www.tricky.test.", Type.A);
    q.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
    Message r = answer(q);
    OPTRecord opt = r.getOPT();
    assertNotNull(opt);
    assertEquals(Answerer.DEFAULT_PAYLOAD, opt.getPayloadSize());
    assertEquals(ExtendedFlags.DO, opt.getFlags() & ExtendedFlags.DO);
    assertEquals(0, opt.getVersion());
  }

  @Test
  void noOptWithoutEdns() throws Exception {
    assertNull(answer(query("www.tricky.test.", Type.A)).getOPT());
  }

  @Test
  void badVersForEdnsVersionOne() throws Exception {
    Message q = query("www.tricky.test.", Type.A);
    q.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
    Message r = answer(q);
    assertEquals(Rcode.BADVERS, r.getRcode());
    assertEquals(0, r.getSection(Section.ANSWER).size());
    assertEquals(0, r.getOPT().getVersion());
  }

  @Test
  void formErrForTwoOpts() throws Exception {
    Message q = query("www.tricky.test.", Type.A);
    q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    assertEquals(Rcode.FORMERR, answer(q).getRcode());
  }

  @Test
  void udpLimitFollowsTheClientCappedAtOurs() throws Exception {
    Message plain = query("www.tricky.test.", Type.A);
    assertEquals(512, Answerer.udpLimit(plain, 1232));
    Message big = query("www.tricky.test.", Type.A);
    big.addRecord(new OPTRecord(4096, 0, 0, 0), Section.ADDITIONAL);
    assertEquals(1232, Answerer.udpLimit(big, 1232));
    Message tiny = query("www.tricky.test.", Type.A);
    tiny.addRecord(new OPTRecord(100, 0, 0, 0), Section.ADDITIONAL);
    assertEquals(512, Answerer.udpLimit(tiny, 1232));
    Message mid = query("www.tricky.test.", Type.A);
    mid.addRecord(new OPTRecord(800, 0, 0, 0), Section.ADDITIONAL);
    assertEquals(800, Answerer.udpLimit(mid, 1232));
  }

  @Test
  void largeRrsetTruncatesAt512ButFitsInEdnsSize() throws Exception {
    Message plain = query("big.tricky.test.", Type.TXT);
    Message r = answer(plain);
    assertEquals(10, r.getSection(Section.ANSWER).size());
    Message at512 = new Message(r.toWire(512));
    assertTrue(at512.getHeader().getFlag(Flags.TC), "TC at 512");

    Message edns = query("big.tricky.test.", Type.TXT);
    edns.addRecord(new OPTRecord(4096, 0, 0, 0), Section.ADDITIONAL);
    Message full = new Message(answer(edns).toWire(Answerer.udpLimit(edns, 1232)));
    assertFalse(full.getHeader().getFlag(Flags.TC));
    assertEquals(10, full.getSection(Section.ANSWER).size());
    assertNotNull(full.getOPT(), "OPT survives rendering");
  }

  @Test
  void truncatedResponseKeepsOpt() throws Exception {
    Message q = query("big.tricky.test.", Type.TXT);
    q.addRecord(new OPTRecord(512, 0, 0, 0), Section.ADDITIONAL);
    Message cut = new Message(answer(q).toWire(512));
    assertTrue(cut.getHeader().getFlag(Flags.TC));
    assertNotNull(cut.getOPT(), "OPT kept when truncating (RFC 6891 §7)");
  }
}
