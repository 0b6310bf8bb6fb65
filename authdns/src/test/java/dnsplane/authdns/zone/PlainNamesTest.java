package dnsplane.authdns.zone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * PlainNames makes the Name dnsjava's {@link Name#fromString} makes, by every public view, and
 * hashes a name as {@link WireNames#hash} of its canonical wire form; text that is not plain gets
 * dnsjava's answer or error.
 */
class PlainNamesTest {

  private static final String PLAIN =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_*";

  @Test
  void theFastPathIsTakenWithThisDnsjava() throws TextParseException {
    // Otherwise every name goes through dnsjava's parser again: correct, and slow.
    assertTrue(PlainNames.fast(), "dnsjava's Name fields are not as PlainNames expects");
    Name n = PlainNames.fromString("h1.bench.test.");
    assertEquals(Name.fromString("h1.bench.test."), n);
  }

  @Test
  void randomPlainNamesAreDnsjavasNames() throws TextParseException {
    Random random = new Random(20261203);
    List<Name> mine = new ArrayList<>();
    List<Name> theirs = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      String text = randomName(random);
      Name m = PlainNames.fromString(text);
      Name t = Name.fromString(text, Name.root);
      assertSame(t, m, text);
      mine.add(m);
      theirs.add(t);
    }
    // Compared with each other as dnsjava compares its own (canonical order, subdomains).
    for (int i = 1; i < mine.size(); i++) {
      Name a = mine.get(i - 1);
      Name b = mine.get(i);
      Name ta = theirs.get(i - 1);
      Name tb = theirs.get(i);
      assertEquals(Integer.signum(ta.compareTo(tb)), Integer.signum(a.compareTo(b)), a + " " + b);
      assertEquals(ta.subdomain(tb), a.subdomain(b), a + " under " + b);
      assertEquals(ta.equals(tb), a.equals(tb), a + " = " + b);
    }
  }

  @Test
  void namesOfManyLabelsKeepEveryLabelsOffset() throws TextParseException {
    // dnsjava keeps the offsets of the first labels in a long and walks to the others.
    StringBuilder text = new StringBuilder();
    for (int labels = 1; labels <= 40; labels++) {
      text.insert(0, "l" + labels + ".");
      assertSame(Name.fromString(text.toString()), PlainNames.fromString(text.toString()), text);
    }
    String longest =
        "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61) + ".";
    assertEquals(254, longest.length());
    assertSame(Name.fromString(longest), PlainNames.fromString(longest), longest);
  }

  @Test
  void textThatIsNotPlainGetsDnsjavasAnswerOrError() throws TextParseException {
    String[] answered = {
      ".",
      "a.",
      "a",
      "a.b",
      "@",
      "\\065.example.",
      "a\\.b.test.",
      "caf\u00e9.test.",
      "a b.test.",
      "x/y.test.",
      "A.B.",
      "1.2.3.4.in-addr.arpa.",
    };
    for (String text : answered) {
      assertSame(Name.fromString(text, Name.root), PlainNames.fromString(text), text);
    }
    String[] refused = {
      "", "a..b.", ".a.", "..", "x." + "y".repeat(64) + ".", ("a".repeat(60) + ".").repeat(5),
    };
    for (String text : refused) {
      assertThrows(
          TextParseException.class, () -> Name.fromString(text, Name.root), "dnsjava: " + text);
      assertThrows(TextParseException.class, () -> PlainNames.fromString(text), text);
    }
  }

  @Test
  void theHashIsTheCanonicalWireFormsWhateverTheCase() throws TextParseException {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      String text = randomName(random);
      byte[] canonical = Name.fromString(text).toWireCanonical();
      int expected = WireNames.hash(canonical, 0, canonical.length);
      assertEquals(expected, PlainNames.hash(PlainNames.fromString(text)), text);
      assertEquals(expected, PlainNames.hash(Name.fromString(text)), text);
      // A suffix made by dnsjava (its own array) hashes as itself too.
      Name t = Name.fromString(text);
      if (t.labels() > 2) {
        Name suffix = new Name(t, 1);
        byte[] c = suffix.toWireCanonical();
        assertEquals(WireNames.hash(c, 0, c.length), PlainNames.hash(suffix), suffix.toString());
      }
    }
  }

  /** Equal by every public view of a Name. */
  private static void assertSame(Name expected, Name actual, Object what) {
    String m = String.valueOf(what);
    assertEquals(expected, actual, m);
    assertEquals(expected.hashCode(), actual.hashCode(), m);
    assertEquals(expected.labels(), actual.labels(), m);
    assertEquals(expected.length(), actual.length(), m);
    assertEquals(expected.isAbsolute(), actual.isAbsolute(), m);
    assertEquals(expected.isWild(), actual.isWild(), m);
    assertEquals(expected.toString(), actual.toString(), m);
    assertEquals(expected.toString(true), actual.toString(true), m);
    assertEquals(0, expected.compareTo(actual), m);
    assertArrayEquals(expected.toWireCanonical(), actual.toWireCanonical(), m);
    if (expected.isAbsolute()) {
      assertArrayEquals(expected.toWire(), actual.toWire(), m);
    }
    for (int i = 0; i < expected.labels(); i++) {
      assertEquals(expected.getLabelString(i), actual.getLabelString(i), m + " label " + i);
      assertEquals(new Name(expected, i), new Name(actual, i), m + " suffix " + i);
      assertEquals(new Name(expected, i).toString(), new Name(actual, i).toString(), m);
    }
    assertEquals(expected.canonicalize(), actual.canonicalize(), m);
    assertTrue(actual.subdomain(expected) && expected.subdomain(actual), m);
  }

  private static String randomName(Random random) {
    int labels = 1 + random.nextInt(random.nextInt(10) == 0 ? 14 : 5);
    StringBuilder s = new StringBuilder();
    for (int l = 0; l < labels; l++) {
      int length = 1 + random.nextInt(random.nextInt(20) == 0 ? 63 : 10);
      if (s.length() + length + 1 > 254) {
        break;
      }
      for (int i = 0; i < length; i++) {
        s.append(PLAIN.charAt(random.nextInt(PLAIN.length())));
      }
      s.append('.');
    }
    return s.length() == 0 ? "a." : s.toString();
  }
}
