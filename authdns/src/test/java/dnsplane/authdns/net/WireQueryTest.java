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
    // DO set, so a mutation that makes dnsjava read the OPT's flags differently shows.
    byte[] good = query("www.example.org.", Type.A, new OPTRecord(1232, 0, 0, ExtendedFlags.DO));
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
      if (parsed.getOPT() != null) {
        String hex = java.util.HexFormat.of().formatHex(m);
        assertEquals(
            (parsed.getOPT().getFlags() & ExtendedFlags.DO) != 0,
            q.ednsMode == WireQuery.EDNS_DO,
            hex);
        assertEquals(parsed.getOPT().getPayloadSize(), q.payload, hex);
      }
    }
    assertTrue(accepted > 1000, "the mutations leave many ordinary queries: " + accepted);
    assertFalse(accepted == 20_000);
  }

  /** {@code good} with {@code rdata} as its OPT's RDATA: the OPT is the last record. */
  private static byte[] withOptRdata(byte[] good, byte[] rdata) {
    byte[] q = java.util.Arrays.copyOf(good, good.length + rdata.length);
    System.arraycopy(rdata, 0, q, good.length, rdata.length);
    q[good.length - 2] = (byte) (rdata.length >>> 8);
    q[good.length - 1] = (byte) rdata.length;
    return q;
  }

  private static boolean dnsjavaReads(byte[] m) {
    try {
      new Message(m);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static void agree(byte[] m) {
    boolean fast = new WireQuery().parse(Unpooled.wrappedBuffer(m));
    assertEquals(dnsjavaReads(m), fast, java.util.HexFormat.of().formatHex(m));
  }

  @Test
  void acceptsEdnsOptionsExactlyWhenDnsjavaReadsThem() throws Exception {
    byte[] good = query("www.example.org.", Type.A, new OPTRecord(1232, 0, 0, 0));
    // Every ECS family, prefix pair, address length and last octet around the edges.
    for (int family = 0; family <= 3; family++) {
      for (int source : new int[] {0, 1, 7, 8, 9, 24, 31, 32, 33, 89, 96, 127, 128, 129}) {
        for (int scope : new int[] {0, source, 129}) {
          int need = (source + 7) / 8;
          for (int octets = Math.max(0, need - 1); octets <= need + 1; octets++) {
            for (int last : new int[] {0x00, 0x01, 0x80, 0xFF}) {
              byte[] rdata = new byte[8 + octets];
              rdata[1] = 8;
              rdata[3] = (byte) (4 + octets);
              rdata[5] = (byte) family;
              rdata[6] = (byte) source;
              rdata[7] = (byte) scope;
              if (octets > 0) {
                rdata[8 + octets - 1] = (byte) last;
              }
              if (octets >= 12 && last == 0xFF) {
                rdata[8 + 10] = (byte) 0xFF; // ::ffff:…, IPv4-mapped
              }
              agree(withOptRdata(good, rdata));
            }
          }
        }
      }
    }
    // Every option code dnsjava decodes, at every length up to 42, then random TLV sequences.
    for (int code : new int[] {3, 5, 8, 10, 11, 12, 15, 0xFFFF}) {
      for (int len = 0; len <= 42; len++) {
        byte[] rdata = new byte[4 + len];
        rdata[0] = (byte) (code >>> 8);
        rdata[1] = (byte) code;
        rdata[3] = (byte) len;
        agree(withOptRdata(good, rdata));
        agree(withOptRdata(good, java.util.Arrays.copyOf(rdata, rdata.length - 1)));
      }
    }
    Random rnd = new Random(7);
    int[] codes = {3, 8, 10, 11, 12, 15, 99};
    for (int i = 0; i < 20_000; i++) {
      java.io.ByteArrayOutputStream rdata = new java.io.ByteArrayOutputStream();
      for (int n = rnd.nextInt(4); n > 0; n--) {
        int code = codes[rnd.nextInt(codes.length)];
        int len = rnd.nextInt(12) == 0 ? rnd.nextInt(300) : rnd.nextInt(20);
        int actual = rnd.nextInt(8) == 0 ? rnd.nextInt(20) : len;
        rdata.write(code >>> 8);
        rdata.write(code);
        rdata.write(len >>> 8);
        rdata.write(len);
        if (code == 8 && actual >= 4) {
          rdata.write(0);
          rdata.write(1 + rnd.nextInt(2));
          rdata.write(rnd.nextInt(40));
          rdata.write(0);
          actual -= 4;
        }
        for (int k = 0; k < actual; k++) {
          rdata.write(rnd.nextInt(4) == 0 ? rnd.nextInt(256) : 0);
        }
      }
      agree(withOptRdata(good, rdata.toByteArray()));
    }
  }
}
