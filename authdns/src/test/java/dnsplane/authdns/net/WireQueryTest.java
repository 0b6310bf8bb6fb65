package dnsplane.authdns.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The fast parser accepts only what dnsjava reads the same way. */
class WireQueryTest {
  private static byte[] query(String name, int type, OPTRecord opt) throws Exception {
    Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    if (opt != null) {
      m.addRecord(opt, Section.ADDITIONAL);
    }
    return m.toWire();
  }

  private static WireQuery parse(byte[] wire, boolean expected) {
    WireQuery q = new WireQuery();
    ByteBuf b = Unpooled.wrappedBuffer(wire);
    assertEquals(expected, q.parse(b));
    return q;
  }

  @Test
  void readsAnOrdinaryQueryLowerCased() throws Exception {
    WireQuery q = parse(query("WwW.Example.ORG.", Type.AAAA, null), true);
    assertEquals(Type.AAAA, q.qtype);
    assertEquals(DClass.IN, q.qclass);
    assertEquals(WireQuery.NO_EDNS, q.ednsMode);
    assertEquals(512, q.limit(Transport.UDP, 1232));
    assertEquals(65535, q.limit(Transport.TCP, 1232));
    assertEquals(
        Name.fromString("www.example.org."),
        new Name(java.util.Arrays.copyOf(q.qname, q.qnameLength)));
  }

  @Test
  void readsEdnsSizeAndDo() throws Exception {
    WireQuery q =
        parse(query("a.example.", Type.A, new OPTRecord(4096, 0, 0, ExtendedFlags.DO)), true);
    assertEquals(WireQuery.EDNS_DO, q.ednsMode);
    assertEquals(1232, q.limit(Transport.UDP, 1232));
    WireQuery small = parse(query("a.example.", Type.A, new OPTRecord(100, 0, 0, 0)), true);
    assertEquals(WireQuery.EDNS, small.ednsMode);
    assertEquals(512, small.limit(Transport.UDP, 1232));
  }

  @Test
  void leavesTheUnusualToDnsjava() throws Exception {
    parse(query("a.example.", Type.A, new OPTRecord(1232, 0, 1, 0)), false); // EDNS version 1
    byte[] notify = query("a.example.", Type.SOA, null);
    notify[2] |= (byte) (Opcode.NOTIFY << 3);
    parse(notify, false);
    byte[] response = query("a.example.", Type.A, null);
    response[2] |= (byte) 0x80;
    parse(response, false);
    byte[] trailing = java.util.Arrays.copyOf(query("a.example.", Type.A, null), 40);
    parse(trailing, false);
  }

  @Test
  void agreesWithDnsjavaOnMutatedQueries() throws Exception {
    byte[] good = query("www.example.org.", Type.A, new OPTRecord(1232, 0, 0, 0));
    Random rnd = new Random(11);
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] m = good.clone();
      for (int k = 0; k < 1 + rnd.nextInt(2); k++) {
        m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256);
      }
      WireQuery q = new WireQuery();
      if (!q.parse(Unpooled.wrappedBuffer(m))) {
        continue;
      }
      accepted++;
      Message parsed;
      try {
        parsed = new Message(m);
      } catch (Exception e) {
        fail("fast path accepted what dnsjava rejects: " + java.util.HexFormat.of().formatHex(m));
        return;
      }
      Record question = parsed.getQuestion();
      assertEquals(question.getType(), q.qtype);
      assertEquals(question.getDClass(), q.qclass);
      assertEquals(question.getName(), new Name(java.util.Arrays.copyOf(q.qname, q.qnameLength)));
      assertEquals(parsed.getOPT() != null, q.ednsMode != WireQuery.NO_EDNS);
    }
    assertTrue(accepted > 1000, "the mutations leave many ordinary queries: " + accepted);
    assertFalse(accepted == 20_000);
  }
}
