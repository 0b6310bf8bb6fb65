package dnsplane.authdns.answer;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.ZoneFixtures;
import dnsplane.authdns.zone.ZoneSet;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Rendering within a size limit: optional sections give way before TC is set. */
class RenderTest {
  private static final ZoneSet ZONES = ZoneFixtures.load(TRICKY);

  private static Message bigTxt() throws Exception {
    Message q =
        Message.newQuery(
            Record.newRecord(Name.fromString("big.tricky.test."), Type.TXT, DClass.IN));
    q.addRecord(new OPTRecord(4096, 0, 0, 0), Section.ADDITIONAL);
    return Answerer.answer(ZONES, q, 4096);
  }

  @Test
  void optionalAuthorityIsDroppedInsteadOfSettingTc() throws Exception {
    Message full = bigTxt();
    assertEquals(2, full.getSection(Section.AUTHORITY).size(), "apex NS present when it fits");
    Message minimal = full.clone();
    minimal.removeAllRecords(Section.AUTHORITY);
    minimal.removeAllRecords(Section.ADDITIONAL);
    minimal.addRecord(full.getOPT(), Section.ADDITIONAL);
    int answerOnly = minimal.toWire().length + 1;
    assertTrue(answerOnly < full.toWire().length, "the limit must cut the optional sections");
    Message cut = new Message(Render.toWire(full, answerOnly));
    assertFalse(cut.getHeader().getFlag(Flags.TC), "the answer fits: no TC");
    assertEquals(10, cut.getSection(Section.ANSWER).size());
    assertEquals(0, cut.getSection(Section.AUTHORITY).size());
    assertNotNull(cut.getOPT(), "OPT kept");
  }

  @Test
  void tcWhenTheAnswerItselfDoesNotFit() throws Exception {
    Message cut = new Message(Render.toWire(bigTxt(), 512));
    assertTrue(cut.getHeader().getFlag(Flags.TC));
    assertNotNull(cut.getOPT());
  }

  @Test
  void everythingFitsUntouched() throws Exception {
    Message m = new Message(Render.toWire(bigTxt(), 4096));
    assertFalse(m.getHeader().getFlag(Flags.TC));
    assertEquals(2, m.getSection(Section.AUTHORITY).size());
  }

  @Test
  void aResponseOfExactlyTheLimitIsNotTruncated() throws Exception {
    Message full = bigTxt();
    int exact = full.toWire().length;
    Message m = new Message(Render.toWire(full, exact));
    assertFalse(m.getHeader().getFlag(Flags.TC));
    assertEquals(2, m.getSection(Section.AUTHORITY).size());
  }
}
