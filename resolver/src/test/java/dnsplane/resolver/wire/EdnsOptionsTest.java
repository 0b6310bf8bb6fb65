package dnsplane.resolver.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;

/**
 * The fast parser takes a query with EDNS options exactly when dnsjava reads it (fuzz findings
 * R1/R2): a query it took but dnsjava refused could not be answered, since every reply other than a
 * cache hit is built with dnsjava. Each case states dnsjava 3.7's verdict and checks it, so a
 * dnsjava upgrade that changes its mind shows up here.
 */
class EdnsOptionsTest {
  /** An OPT RDATA (hex) and whether dnsjava accepts it. */
  private record Case(String what, String rdata, boolean valid) {}

  private static final List<Case> CASES =
      List.of(
          new Case("no options", "", true),
          new Case("padding, empty", "000c0000", true),
          new Case("padding, 5 octets", "000c00050000000000", true),
          new Case("two options", "000c0000" + "000a0008" + "0102030405060708", true),
          new Case("unknown code, any data", "fde90003abcdef", true),
          new Case("DAU, any algorithms", "000500030d0e0f", true),
          // structure: 4 octets of code + length each, the lengths filling RDLENGTH exactly
          new Case("R1/R2: a lone octet", "0c", false),
          new Case("code without length", "000c", false),
          new Case("length cut short", "000c00", false),
          new Case("length past RDLENGTH", "000c0005" + "00000000", false),
          new Case("crash-df49: length 255 of 3", "620000ff7e12340167", false),
          new Case("crash-86be: 2 octets after an option", "620000037e12340167", false),
          new Case("crash-cbbb: 1 octet after two options", "62000000" + "00000000" + "0e", false),
          // COOKIE (RFC 7873): an 8-octet client cookie, optionally a server cookie of 8 to 32
          new Case("cookie, client only", "000a0008" + "0102030405060708", true),
          new Case("cookie, client 7", "000a0007" + "01020304050607", false),
          new Case("cookie, server 1", "000a0009" + "010203040506070809", false),
          new Case("cookie, server 8", "000a0010" + "01020304050607080102030405060708", true),
          new Case("cookie, server 32", "000a0028" + "00".repeat(40), true),
          new Case("cookie, server 33", "000a0029" + "00".repeat(41), false),
          // edns-tcp-keepalive (RFC 7828): empty in a query, 2 octets in a response
          new Case("keepalive, empty", "000b0000", true),
          new Case("keepalive, 2", "000b00020064", true),
          new Case("keepalive, 1", "000b000100", false),
          new Case("keepalive, 4", "000b000400000064", false),
          // Extended DNS Error (RFC 8914): an INFO-CODE, then optional text
          new Case("EDE, code only", "000f00020003", true),
          new Case("EDE, code and text", "000f0004000361ff", true),
          new Case("EDE, 1 octet", "000f000100", false),
          // ECS (RFC 7871): family, source and scope prefix, then (source + 7) / 8 address octets,
          // clean past the prefix
          new Case("ECS v4 /24", "00080007" + "0001" + "18" + "00" + "c00002", true),
          new Case("ECS v4 /0", "00080004" + "0001" + "00" + "00", true),
          new Case("ECS v4 /23, clean", "00080007" + "0001" + "17" + "00" + "c00002", true),
          new Case(
              "ECS v4 /23, bit past the prefix",
              "00080007" + "0001" + "17" + "00" + "c00003",
              false),
          new Case(
              "ECS v4 /24, 4 address octets",
              "00080008" + "0001" + "18" + "00" + "c0000200",
              false),
          new Case(
              "ECS v4 /24, 2 address octets", "00080006" + "0001" + "18" + "00" + "c000", false),
          new Case("ECS v4 /33", "00080009" + "0001" + "21" + "00" + "c000020000", false),
          new Case("ECS v4 scope 33", "00080004" + "0001" + "00" + "21", false),
          new Case("ECS v6 /56", "0008000b" + "0002" + "38" + "00" + "20010db8000000", true),
          new Case(
              "ECS v6 /128",
              "00080014" + "0002" + "80" + "00" + "20010db8000000000000000000000001",
              true),
          new Case(
              "ECS v6 /129",
              "00080015" + "0002" + "81" + "00" + "20010db800000000000000000000000100",
              false),
          new Case(
              "ECS v6 /96 not mapped",
              "00080010" + "0002" + "60" + "00" + "00000000000000000000fffe",
              true),
          // Java reads ::ffff:0:0/96 as IPv4, and dnsjava then throws IllegalArgumentException (not
          // an IOException)
          new Case(
              "ECS v6 /96 IPv4-mapped",
              "00080010" + "0002" + "60" + "00" + "00000000000000000000ffff",
              false),
          new Case(
              "ECS v6 /128 IPv4-mapped",
              "00080014" + "0002" + "80" + "00" + "00000000000000000000ffffc0000201",
              false),
          new Case("ECS family 3", "00080004" + "0003" + "00" + "00", false),
          new Case("ECS, 3 octets", "00080003" + "000100", false),
          new Case("ECS, empty", "00080000", false));

  /**
   * A query (ID 0x1234, RD) for www.aws.test. A IN with an OPT record (payload 1232) holding {@code
   * rdata}.
   */
  static byte[] query(byte[] rdata) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(
        HexFormat.of()
            .parseHex("123401000001000000000001" + "0377777703617773047465737400" + "00010001"));
    b.writeBytes(HexFormat.of().parseHex("00002904d000000000"));
    b.write(rdata.length >>> 8);
    b.write(rdata.length);
    b.writeBytes(rdata);
    return b.toByteArray();
  }

  private static boolean dnsjavaReads(byte[] raw) {
    try {
      new Message(raw);
      return true;
    } catch (
        Exception
            e) { // IOException, and the IllegalArgumentException of an IPv4-mapped ECS address
      return false;
    }
  }

  @Test
  void theFastParserTakesExactlyTheOptionsDnsjavaReads() {
    for (Case c : CASES) {
      byte[] raw = query(HexFormat.of().parseHex(c.rdata()));
      assertEquals(c.valid(), dnsjavaReads(raw), c.what() + ": dnsjava's verdict");
      assertEquals(
          c.valid(), WireQuery.parse(raw) != null, c.what() + ": the fast parser's verdict");
    }
  }

  /**
   * Random option lists, biased to the codes dnsjava checks and to lengths near the edge, parse
   * alike in both parsers. The seed is fixed so a failure repeats.
   */
  @Test
  void randomOptionsParseAlikeInBothParsers() {
    Random rnd = new Random(20261129L);
    int[] codes = {8, 10, 11, 15, 3, 12, 0xfde9};
    for (int i = 0; i < 20_000; i++) {
      ByteArrayOutputStream rdata = new ByteArrayOutputStream();
      int options = rnd.nextInt(3);
      for (int o = 0; o < options; o++) {
        int code = codes[rnd.nextInt(codes.length)];
        int len =
            rnd.nextInt(4) == 0
                ? rnd.nextInt(48)
                : (code == 8 ? 4 + rnd.nextInt(17) : rnd.nextInt(42));
        int declared = rnd.nextInt(8) == 0 ? len + rnd.nextInt(5) - 2 : len;
        rdata.write(code >>> 8);
        rdata.write(code);
        rdata.write(declared >>> 8);
        rdata.write(declared);
        byte[] data = new byte[len];
        rnd.nextBytes(data);
        if (code == 8 && len >= 4) {
          data[0] = 0;
          data[1] = (byte) (1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 3 : 2));
          int max = data[1] == 1 ? 32 : 128;
          data[2] = (byte) Math.max(0, Math.min(max + 1, (len - 4) * 8 - rnd.nextInt(8)));
          data[3] = (byte) (rnd.nextInt(8) == 0 ? rnd.nextInt(256) : 0);
          if (rnd.nextBoolean() && len >= 4 + 12) { // an IPv4-mapped IPv6 prefix
            java.util.Arrays.fill(data, 4, 14, (byte) 0);
            data[14] = (byte) 0xff;
            data[15] = (byte) 0xff;
          }
        }
        rdata.writeBytes(data);
      }
      if (rnd.nextInt(16) == 0) {
        rdata.write(rnd.nextInt(256)); // a stray octet past the last option
      }
      byte[] raw = query(rdata.toByteArray());
      String what = HexFormat.of().formatHex(raw);
      assertEquals(dnsjavaReads(raw), WireQuery.parse(raw) != null, what);
    }
  }

  /** Shapes the fast parser never takes: dnsjava decides on them (normal form, or FORMERR). */
  @Test
  void otherOptShapesAreLeftToDnsjava() {
    byte[] ok = query(new byte[0]);
    byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 1);
    assertNull(WireQuery.parse(trailing), "an octet past the OPT record");
    byte[] twoOpts =
        HexFormat.of()
            .parseHex(
                "123401000001000000000002"
                    + "0377777703617773047465737400"
                    + "00010001"
                    + "00002904d0000000000000"
                    + "00002904d0000000000000");
    assertNull(WireQuery.parse(twoOpts), "two OPT records");
    byte[] notRoot =
        HexFormat.of()
            .parseHex(
                "123401000001000000000001"
                    + "0377777703617773047465737400"
                    + "00010001"
                    + "016100002904d0000000000000");
    assertNull(WireQuery.parse(notRoot), "an OPT record not owned by the root");
    byte[] version1 =
        HexFormat.of()
            .parseHex(
                "123401000001000000000001"
                    + "0377777703617773047465737400"
                    + "00010001"
                    + "00002904d0"
                    + "00010000"
                    + "0000");
    assertNull(WireQuery.parse(version1), "EDNS version 1");
  }
}
