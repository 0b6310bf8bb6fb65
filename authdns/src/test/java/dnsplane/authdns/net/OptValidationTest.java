package dnsplane.authdns.net;

import static dnsplane.authdns.zone.ZoneFixtures.TRICKY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneFixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A malformed OPT gets the same answer whether or not a well-formed query for the same question
 * filled the response cache first (fuzz finding F1: an EDNS option whose length ran past the record
 * was served the cached answer, and FORMERR on a cold cache).
 */
class OptValidationTest {
  private static final HexFormat HEX = HexFormat.of();

  /** A malformed variant of {@link #good()} and what is wrong with it. */
  private record Case(String name, byte[] query) {}

  private static QueryProcessor processor(int cacheEntries) {
    return new QueryProcessor(
        new SnapshotHolder(ZoneFixtures.load(TRICKY)),
        new QueryMetrics(),
        1232,
        cacheEntries,
        Clock.systemUTC());
  }

  private static byte[] run(QueryProcessor p, byte[] query, Transport t) {
    ByteBuf out = p.process(Unpooled.wrappedBuffer(query), t, UnpooledByteBufAllocator.DEFAULT);
    if (out == null) {
      return null;
    }
    try {
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  /** www.tricky.test A with an empty OPT: its wire form ends with the OPT's RDLENGTH, 0. */
  private static byte[] good() throws Exception {
    Message m =
        Message.newQuery(Record.newRecord(Name.fromString("www.tricky.test."), Type.A, DClass.IN));
    m.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
    return m.toWire();
  }

  /** {@link #good()} with {@code rdata} as the OPT's RDATA and a matching RDLENGTH. */
  private static byte[] withOptRdata(String hex) throws Exception {
    byte[] g = good();
    byte[] rdata = HEX.parseHex(hex);
    byte[] q = Arrays.copyOf(g, g.length + rdata.length);
    System.arraycopy(rdata, 0, q, g.length, rdata.length);
    q[g.length - 2] = (byte) (rdata.length >>> 8);
    q[g.length - 1] = (byte) rdata.length;
    return q;
  }

  private static byte[] concat(byte[] a, String hex) {
    byte[] b = HEX.parseHex(hex);
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static List<Case> malformed() throws Exception {
    byte[] g = good();
    byte[] twoOpts = concat(g, "0000290400000000000000");
    twoOpts[11] = 2; // ARCOUNT
    byte[] notAtRoot = good();
    // The OPT's owner becomes "a." instead of the root: splice a label in before its type.
    int opt = notAtRoot.length - 11;
    notAtRoot =
        concat(
            Arrays.copyOf(notAtRoot, opt),
            "0161" + HEX.formatHex(notAtRoot, opt, notAtRoot.length));
    Message withA =
        Message.newQuery(Record.newRecord(Name.fromString("www.tricky.test."), Type.A, DClass.IN));
    withA.addRecord(
        new ARecord(
            Name.fromString("www.tricky.test."),
            DClass.IN,
            60,
            java.net.InetAddress.getByName("192.0.2.1")),
        Section.ADDITIONAL);
    byte[] truncatedWithTc = withOptRdata("000a0100" + "0101010101010101");
    truncatedWithTc[2] |= 0x02; // TC: dnsjava then keeps what it parsed and drops the OPT
    return List.of(
        // The fuzzer's input: ECS option claiming 256 octets in a 12-octet RDATA.
        new Case("option length past RDLENGTH", withOptRdata("000801000a01010101010101")),
        new Case("option length past RDLENGTH, TC set", truncatedWithTc),
        new Case("1 octet left for an option header", withOptRdata("00")),
        new Case("3 octets left for an option header", withOptRdata("000a00")),
        new Case("second option truncated", withOptRdata("000300000003")),
        new Case("ECS family 3", withOptRdata("0008000400031800")),
        new Case("ECS source prefix 33 for IPv4", withOptRdata("000800090001210001020304ff")),
        new Case("ECS address longer than the prefix", withOptRdata("0008000600010800" + "0102")),
        new Case("ECS bits set past the prefix", withOptRdata("00080005000107000b")),
        new Case(
            "ECS IPv4-mapped IPv6 with a /96 prefix",
            withOptRdata("0008001000026000" + "00000000000000000000ffff")),
        new Case("COOKIE of 7 octets", withOptRdata("000a000701020304050607")),
        new Case("COOKIE of 12 octets", withOptRdata("000a000c" + "01".repeat(12))),
        new Case("COOKIE of 41 octets", withOptRdata("000a0029" + "01".repeat(41))),
        new Case("TCP keepalive of 1 octet", withOptRdata("000b000101")),
        new Case("EDE of 1 octet", withOptRdata("000f000101")),
        new Case("two OPT records", twoOpts),
        new Case("OPT not owned by the root", notAtRoot),
        new Case("trailing octet after the OPT", concat(g, "00")),
        new Case("an A record instead of an OPT", withA.toWire()));
  }

  @Test
  void aMalformedOptIsAnsweredAlikeWithAWarmOrAColdCache() throws Exception {
    byte[] good = good();
    for (Transport t : Transport.values()) {
      for (Case c : malformed()) {
        // One processor per case, so each bad query follows exactly its good one.
        QueryProcessor cached = processor(100);
        QueryProcessor cold = processor(0);
        byte[] goodAnswer = run(cached, good, t);
        assertNotNull(goodAnswer, c.name());
        assertEquals(Rcode.NOERROR, new Message(goodAnswer).getRcode(), c.name());
        byte[] expected = run(cold, c.query(), t);
        byte[] got = run(cached, c.query(), t);
        assertArrayEquals(expected, got, t + " " + c.name() + ": " + HEX.formatHex(c.query()));
      }
    }
  }

  @Test
  void anOptTtlWithTheTopBitSetIsNotAnsweredFromTheDoCache() throws Exception {
    // dnsjava reads such a TTL as 0 (RFC 2181 §8): no DO bit, whatever the flags octets say.
    // Found by the fuzzer once options were checked: extended rcode 0xF8 and DO.
    byte[] withDo = good();
    withDo[withDo.length - 4] = (byte) 0x80; // the DO bit, in the OPT's TTL
    byte[] topBit = withDo.clone();
    topBit[topBit.length - 6] = (byte) 0xF8; // the extended rcode octet
    for (Transport t : Transport.values()) {
      QueryProcessor cached = processor(100);
      QueryProcessor cold = processor(0);
      run(cached, withDo, t);
      assertArrayEquals(run(cold, topBit, t), run(cached, topBit, t), t + " warm, then top bit");
      // And the other way round: the top-bit query first must not fill the DO entry.
      QueryProcessor other = processor(100);
      run(other, topBit, t);
      assertArrayEquals(run(cold, withDo, t), run(other, withDo, t), t + " top bit, then DO");
    }
  }

  @Test
  void anOptionRunningPastTheRecordIsFormerrAfterAGoodQuery() throws Exception {
    QueryProcessor p = processor(100);
    byte[] good = good();
    byte[] bad = withOptRdata("000801000a01010101010101");
    for (Transport t : Transport.values()) {
      assertEquals(Rcode.NOERROR, new Message(run(p, good, t)).getRcode(), t + " good");
      byte[] reply = run(p, bad, t);
      assertNotNull(reply, t + " bad");
      // A FORMERR for input dnsjava cannot parse carries the header only.
      assertEquals(Rcode.FORMERR, reply[3] & 0x0F, t + " bad: " + HEX.formatHex(reply));
      assertEquals(12, reply.length, t + " bad: header only");
    }
  }

  @Test
  void wellFormedOptionsGetTheAnswerOfTheQueryWithout() throws Exception {
    QueryMetrics metrics = new QueryMetrics();
    QueryProcessor p =
        new QueryProcessor(
            new SnapshotHolder(ZoneFixtures.load(TRICKY)), metrics, 1232, 100, Clock.systemUTC());
    byte[] good = good();
    byte[] expected = run(p, good, Transport.UDP);
    String[] options = {
      "000a0008" + "01".repeat(8), // client COOKIE, as dig sends
      "000a0018" + "01".repeat(24), // client and server COOKIE
      "00080007000118000a0b0c", // ECS 10.11.12.0/24
      "0008000400020000", // ECS ::/0
      "000b0000", // TCP keepalive, empty
      "00030000", // NSID request
      "000c0003000000", // padding
      "ff000000", // an unknown option
    };
    for (String o : options) {
      byte[] q = withOptRdata(o);
      q[0] = good[0];
      q[1] = good[1];
      assertArrayEquals(expected, run(p, q, Transport.UDP), o);
    }
  }
}
