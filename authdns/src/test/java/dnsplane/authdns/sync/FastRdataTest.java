package dnsplane.authdns.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * {@link FastRdata} against dnsjava's general parser ({@link Record#fromString}), on edge inputs
 * and on tens of thousands of random ones (valid values, the same values mutated with the
 * characters the tokenizer treats specially, random text): whenever the fast path gives a record,
 * the general parser gives an equal one (same class, rdata, wire form and presentation, TTL), and
 * whatever the general parser refuses, the fast path leaves to it.
 */
class FastRdataTest {

  private static final Name ZONE = Name.fromConstantString("a.test.");
  private static final Name OWNER = Name.fromConstantString("www.a.test.");
  private static final int[] TYPES = {
    Type.A, Type.AAAA, Type.TXT, Type.CNAME, Type.NS, Type.PTR, Type.MX, Type.SRV
  };
  private static final String TRICKY = " \t\"\\();@$#.:-_*/+=0123456789aAfFgZ\u00e9\u0000\n";

  @Test
  void theCommonFormsTakeTheFastPathAndMatch() {
    Object[][] cases = {
      {Type.A, "192.0.2.1"},
      {Type.AAAA, "2001:db8::1"},
      {Type.AAAA, "2001:DB8:0:0:0:0:0:FFFF"},
      {Type.AAAA, "::ffff:192.0.2.1"},
      {Type.AAAA, "::"},
      {Type.TXT, "\"generation=42 plan=7\""},
      {Type.TXT, "\"\""},
      {Type.TXT, "v=spf1"},
      {Type.CNAME, "target.a.test."},
      {Type.CNAME, "relative"},
      {Type.CNAME, "*.wild"},
      {Type.NS, "ns1.example.net."},
      {Type.PTR, "host.a.test."},
      {Type.MX, "10 mail.a.test."},
      {Type.MX, "0 ."},
      {Type.SRV, "0 5 5060 sip.a.test."},
      {Type.SRV, "65535 65535 65535 x"},
    };
    for (Object[] c : cases) {
      int type = (int) c[0];
      String text = (String) c[1];
      Record fast = FastRdata.parse(OWNER, type, 300, text, ZONE);
      assertNotNull(fast, Type.string(type) + " " + text + " should take the fast path");
      assertSameAsGeneral(type, text);
    }
  }

  @Test
  void edgeInputsMatchOrFallBack() {
    String[] texts = {
      "",
      " ",
      "1.2.3.4 ",
      " 1.2.3.4",
      "256.0.0.1",
      "1.2.3",
      "01.2.3.4",
      "1.2.3.4.5",
      "2001:db8::1::2",
      "2001:db8:::1",
      ":::",
      "12345::",
      "::ffff:1.2.3",
      "1:2:3:4:5:6:7:8:9",
      "2001:db8::1%eth0",
      "\"a\" \"b\"",
      "\"a",
      "a\"",
      "\"\\065\"",
      "\"tab\there\"",
      "a;b",
      "(a)",
      "@",
      "\\# 4 01020304",
      "a..b",
      ".",
      "..",
      "-",
      "*",
      "a.b.c.d.e.",
      "x".repeat(64),
      "x".repeat(63) + ".",
      "\"" + "x".repeat(255) + "\"",
      "\"" + "x".repeat(256) + "\"",
      "x".repeat(255),
      "x".repeat(256),
      "10  mail",
      "10 mail extra",
      " 10 mail",
      "10 mail ",
      "65536 mail",
      "-1 mail",
      "+1 mail",
      "00010 mail",
      "000010 mail",
      "1 2 3",
      "1 2 3 4 5",
      "1 2 70000 x",
      "1 2 3 x;",
      "10 @",
      "10 mail.a.test",
      "\u00e9",
      "caf\u00e9",
      "a\u0000b",
      "a\nb",
      String.join(".", java.util.Collections.nCopies(130, "a")),
    };
    for (int type : TYPES) {
      for (String text : texts) {
        assertSameAsGeneral(type, text);
      }
    }
  }

  @Test
  void randomInputsMatchOrFallBack() {
    Random random = new Random(20261129L);
    int fast = 0;
    for (int i = 0; i < 40_000; i++) {
      int type = TYPES[random.nextInt(TYPES.length)];
      String text = randomText(random, type);
      if (assertSameAsGeneral(type, text)) {
        fast++;
      }
    }
    // The generator must exercise the fast path, not only the fallback.
    assertTrue(fast > 10_000, "fast path taken " + fast + " times");
  }

  /** Asserts the fast path agrees with the general parser; true when it gave a record. */
  private static boolean assertSameAsGeneral(int type, String text) {
    String what = Type.string(type) + " \"" + text + "\"";
    Record fast;
    try {
      fast = FastRdata.parse(OWNER, type, 300, text, ZONE);
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": the fast path threw instead of falling back", e);
    }
    if (fast == null) {
      return false;
    }
    Record general;
    try {
      general = Record.fromString(OWNER, type, DClass.IN, 300, text, ZONE);
    } catch (Exception e) {
      throw new AssertionError(what + ": fast path accepted what the general parser refuses", e);
    }
    assertEquals(general.getClass(), fast.getClass(), what);
    assertEquals(general, fast, what);
    assertEquals(general.toString(), fast.toString(), what);
    assertEquals(general.getTTL(), fast.getTTL(), what);
    assertArrayEquals(general.toWireCanonical(), fast.toWireCanonical(), what);
    return true;
  }

  private static String randomText(Random random, int type) {
    String valid = valid(random, type);
    return switch (random.nextInt(4)) {
      case 0, 1 -> valid;
      case 2 -> mutate(random, valid);
      default -> junk(random);
    };
  }

  private static String valid(Random random, int type) {
    return switch (type) {
      case Type.A ->
          random.nextInt(256)
              + "."
              + random.nextInt(256)
              + "."
              + random.nextInt(300)
              + "."
              + random.nextInt(256);
      case Type.AAAA -> ipv6(random);
      case Type.TXT ->
          random.nextBoolean()
              ? "\"" + printable(random, random.nextInt(270)) + "\""
              : printable(random, 1 + random.nextInt(20)).replace(' ', 'x');
      case Type.MX -> random.nextInt(70_000) + " " + name(random);
      case Type.SRV ->
          random.nextInt(70_000)
              + " "
              + random.nextInt(100)
              + " "
              + random.nextInt(70_000)
              + " "
              + name(random);
      default -> name(random);
    };
  }

  private static String ipv6(Random random) {
    List<String> groups = new ArrayList<>();
    int n = 1 + random.nextInt(8);
    for (int i = 0; i < n; i++) {
      String g = Integer.toHexString(random.nextInt(0x10000));
      groups.add(random.nextBoolean() ? g.toUpperCase(java.util.Locale.ROOT) : g);
    }
    String s = String.join(":", groups);
    if (n < 8) {
      int at = random.nextInt(s.length() + 1);
      s = s.substring(0, at) + "::" + s.substring(at);
    }
    if (random.nextInt(5) == 0) {
      s = "::ffff:" + random.nextInt(256) + ".0.2." + random.nextInt(256);
    }
    return s;
  }

  private static String name(Random random) {
    StringBuilder b = new StringBuilder();
    int labels = random.nextInt(4);
    for (int i = 0; i < labels; i++) {
      if (i > 0) {
        b.append('.');
      }
      int len = random.nextInt(10) == 0 ? 60 + random.nextInt(8) : 1 + random.nextInt(8);
      for (int j = 0; j < len; j++) {
        b.append("abcXYZ019-_*".charAt(random.nextInt(12)));
      }
    }
    if (labels == 0 || random.nextBoolean()) {
      b.append('.');
    }
    return b.toString();
  }

  private static String printable(Random random, int len) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < len; i++) {
      b.append((char) (0x20 + random.nextInt(0x5f)));
    }
    return b.toString().replace("\"", "q").replace("\\", "b");
  }

  private static String mutate(Random random, String text) {
    StringBuilder b = new StringBuilder(text);
    int edits = 1 + random.nextInt(3);
    for (int i = 0; i < edits; i++) {
      int at = random.nextInt(b.length() + 1);
      char ch = TRICKY.charAt(random.nextInt(TRICKY.length()));
      switch (random.nextInt(3)) {
        case 0 -> b.insert(at, ch);
        case 1 -> {
          if (at < b.length()) {
            b.deleteCharAt(at);
          }
        }
        default -> {
          if (at < b.length()) {
            b.setCharAt(at, ch);
          }
        }
      }
    }
    return b.toString();
  }

  private static String junk(Random random) {
    StringBuilder b = new StringBuilder();
    int len = random.nextInt(12);
    for (int i = 0; i < len; i++) {
      b.append(TRICKY.charAt(random.nextInt(TRICKY.length())));
    }
    return b.toString();
  }
}
