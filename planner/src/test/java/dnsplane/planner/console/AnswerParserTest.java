package dnsplane.planner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The parser reads real dnsjava messages, round-tripped through the wire format. */
class AnswerParserTest {

  private static final String AT = "2026-11-29T18:00:00Z";
  private static final Name NAME = name("dynamodb.us-east-1.aws.test.");

  @Test
  void addressesOfBothFamiliesAndThePlanGeneration() throws Exception {
    Message a = reply(Type.A, Rcode.NOERROR, new ARecord(NAME, DClass.IN, 60, ip("192.0.2.11")));
    a.addRecord(new ARecord(NAME, DClass.IN, 60, ip("192.0.2.10")), Section.ANSWER);
    Message aaaa =
        reply(Type.AAAA, Rcode.NOERROR, new AAAARecord(NAME, DClass.IN, 60, ip("2001:db8::1")));
    Name marker = Name.concatenate(name("_plan"), NAME);
    Message txt =
        reply(marker, Type.TXT, Rcode.NOERROR, new TXTRecord(marker, DClass.IN, 60, "42"));

    DnsAnswer r = AnswerParser.parse(wire(a), wire(aaaa), wire(txt), AT);

    assertEquals("NOERROR", r.status());
    assertEquals(List.of("192.0.2.10", "192.0.2.11", "2001:db8::1"), r.addresses());
    assertEquals(3, r.count());
    assertEquals(42L, r.planGeneration());
    assertFalse(r.stale());
    assertFalse(r.empty());
    assertNull(r.error());
  }

  @Test
  void noerrorWithoutAddressesIsEmpty() throws Exception {
    DnsAnswer r =
        AnswerParser.parse(
            wire(reply(Type.A, Rcode.NOERROR)), wire(reply(Type.AAAA, Rcode.NOERROR)), null, AT);
    assertEquals("NOERROR", r.status());
    assertEquals(0, r.count());
    assertTrue(r.empty());
    assertNull(r.planGeneration());
  }

  @Test
  void ede3MarksAnAnswerStale() throws Exception {
    Message a = reply(Type.A, Rcode.NOERROR, new ARecord(NAME, DClass.IN, 30, ip("192.0.2.10")));
    a.addRecord(
        new OPTRecord(
            1232, 0, 0, 0, List.of(new ExtendedErrorCodeOption(3, "suspect empty upstream"))),
        Section.ADDITIONAL);
    DnsAnswer r = AnswerParser.parse(wire(a), wire(reply(Type.AAAA, Rcode.NOERROR)), null, AT);
    assertTrue(r.stale());
    assertEquals(List.of(3), r.ede());
    assertEquals(1, r.count());
  }

  @Test
  void aFailureOnOneFamilyIsNotHiddenByTheOther() throws Exception {
    Message a = reply(Type.A, Rcode.NOERROR, new ARecord(NAME, DClass.IN, 30, ip("192.0.2.10")));
    DnsAnswer r = AnswerParser.parse(wire(a), wire(reply(Type.AAAA, Rcode.SERVFAIL)), null, AT);
    assertEquals("SERVFAIL", r.status());
    assertEquals(1, r.count());
  }

  @Test
  void aMissingReplyIsNamed() throws Exception {
    DnsAnswer one = AnswerParser.parse(wire(reply(Type.A, Rcode.NXDOMAIN)), null, null, AT);
    assertEquals("NXDOMAIN", one.status());
    assertEquals("no reply to AAAA", one.error());
    DnsAnswer none = AnswerParser.parse(null, null, null, AT);
    assertNull(none.status());
    assertEquals("no reply", none.error());
  }

  @Test
  void theMarkerIsReadInEitherSpelling() throws Exception {
    Name marker = Name.concatenate(name("_plan"), NAME);
    for (String text : new String[] {"17", "generation=17"}) {
      Message txt =
          reply(marker, Type.TXT, Rcode.NOERROR, new TXTRecord(marker, DClass.IN, 60, text));
      assertEquals(17L, AnswerParser.planGeneration(wire(txt)), text);
    }
    Message junk =
        reply(marker, Type.TXT, Rcode.NOERROR, new TXTRecord(marker, DClass.IN, 60, "hello"));
    assertNull(AnswerParser.planGeneration(wire(junk)));
  }

  static Message reply(int type, int rcode, Record... answers) {
    return reply(NAME, type, rcode, answers);
  }

  static Message reply(Name name, int type, int rcode, Record... answers) {
    Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
    Message m = new Message(q.getHeader().getID());
    m.getHeader().setFlag(org.xbill.DNS.Flags.QR);
    m.getHeader().setRcode(rcode);
    m.addRecord(q.getQuestion(), Section.QUESTION);
    for (Record r : answers) {
      m.addRecord(r, Section.ANSWER);
    }
    return m;
  }

  private static Message wire(Message m) throws Exception {
    return new Message(m.toWire());
  }

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  private static Name name(String s) {
    try {
      return Name.fromString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
