package dnsplane.authdns.xfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.ZoneSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class TransferSplitterTest {
  static final Name ZONE = Name.fromConstantString("big.test.");

  /** A zone of {@code n} A records plus SOA and NS, as master text. */
  static String zoneText(int n) {
    StringBuilder sb = new StringBuilder("$ORIGIN big.test.\n$TTL 300\n");
    sb.append("@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.1\n");
    for (int i = 0; i < n; i++) {
      sb.append("host").append(i).append(" A 10.").append(i / 65536 % 256).append('.');
      sb.append(i / 256 % 256).append('.').append(i % 256).append('\n');
    }
    return sb.toString();
  }

  @Test
  void splitsWithinTheLimitSoaFirstAndLastQuestionOnlyInTheFirst() throws Exception {
    ZoneSet zones = ZoneSet.fromMasterText(zoneText(3000), ZONE);
    List<Record> seq = TransferSplitter.axfrSequence(zones.records(ZONE));
    Message query = Message.newQuery(Record.newRecord(ZONE, Type.AXFR, DClass.IN));
    for (int limit : new int[] {512, 4096, TransferSplitter.TCP_LIMIT}) {
      List<byte[]> wire = TransferSplitter.split(query, seq, limit);
      List<Record> got = new ArrayList<>();
      for (int i = 0; i < wire.size(); i++) {
        assertTrue(wire.get(i).length <= limit, "message " + i + " within " + limit);
        Message m = new Message(wire.get(i));
        assertEquals(query.getHeader().getID(), m.getHeader().getID());
        assertTrue(m.getHeader().getFlag(Flags.QR) && m.getHeader().getFlag(Flags.AA));
        if (i == 0) {
          assertEquals(query.getQuestion(), m.getQuestion());
        } else {
          assertNull(m.getQuestion(), "question only in the first message");
        }
        got.addAll(m.getSection(Section.ANSWER));
      }
      assertEquals(seq, got, "every record, in order, at limit " + limit);
      assertEquals(Type.SOA, got.get(0).getType());
      assertEquals(Type.SOA, got.get(got.size() - 1).getType());
      if (limit == TransferSplitter.TCP_LIMIT) {
        // Packed: 3003 records of ~33 bytes uncompressed (the bound used) fill two messages.
        assertTrue(wire.size() <= 2, "packed into " + wire.size());
      } else {
        assertTrue(wire.size() > 1);
      }
    }
  }

  @Test
  void anEmptyZoneGivesOneEmptyMessage() {
    Message query = Message.newQuery(Record.newRecord(ZONE, Type.AXFR, DClass.IN));
    assertEquals(List.of(), TransferSplitter.axfrSequence(List.of()));
    assertEquals(1, TransferSplitter.split(query, List.of(), 512).size());
  }

  @Test
  void aclMatchesPrefixes() {
    TransferAcl acl = TransferAcl.parse("127.0.0.1/32, 10.1.0.0/17,2001:db8::/33");
    assertTrue(acl.allows(addr("127.0.0.1")));
    assertTrue(!acl.allows(addr("127.0.0.2")));
    assertTrue(acl.allows(addr("10.1.127.255")));
    assertTrue(!acl.allows(addr("10.1.128.0")));
    assertTrue(acl.allows(addr("2001:db8:7fff::1")));
    assertTrue(!acl.allows(addr("2001:db8:8000::1")));
    assertTrue(TransferAcl.loopback().allows(addr("127.9.9.9")));
    assertTrue(TransferAcl.loopback().allows(addr("::1")));
    assertTrue(!TransferAcl.loopback().allows(addr("192.0.2.1")));
    for (String bad : new String[] {"example.com", "10.0.0.0/33", "10.0.0.0/x"}) {
      try {
        TransferAcl.parse(bad);
        throw new AssertionError("accepted " + bad);
      } catch (IllegalArgumentException expected) {
        // refused, as it should be
      }
    }
  }

  private static java.net.InetAddress addr(String s) {
    try {
      return java.net.InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
