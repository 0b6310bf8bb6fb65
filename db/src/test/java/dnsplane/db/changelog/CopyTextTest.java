package dnsplane.db.changelog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** COPY's text format and PostgreSQL's array output, read without a database (pure). */
class CopyTextTest {

  private static byte[] row(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String field(String text, int i, int of) {
    byte[] row = row(text);
    int[] f = CopyText.split(row, of);
    return CopyText.text(row, f[i], f[i + 1] - 1);
  }

  @Test
  void spellsIsTrueOnlyForTheSameOctetsWithoutEscapes() {
    byte[] row = row("A\tAAAA\tA\\tB\t\\N");
    assertTrue(CopyText.spells(row, 0, 1, "A"));
    assertTrue(CopyText.spells(row, 2, 6, "AAAA"));
    assertFalse(CopyText.spells(row, 2, 6, "AAA"));
    assertFalse(CopyText.spells(row, 0, 1, "a"), "octets, not case-folded");
    assertFalse(CopyText.spells(row, 7, 10, "A\\t"), "a text with a backslash never matches");
    assertFalse(CopyText.spells(row, 11, 13, "\\N"));
  }

  @Test
  void aDecoderKeptAcrossRowsReadsEachAsAFreshOneDoes() {
    // The decoder hands on the row before's type when the octets match: a row of another type,
    // an escaped one or a NULL one after it must read as it does alone.
    String[] rows = {
      "1\th1.z.\tA\t300\t192.0.2.1\t\\N\n",
      "1\th2.z.\tA\t300\t192.0.2.2\t\\N\n",
      "1\th3.z.\tAAAA\t300\t2001:db8::1\t\\N\n",
      "1\th4.z.\tA\\tB\t300\tx\t\\N\n",
      "1\th5.z.\tA\\tB\t300\tx\t\\N\n",
      "1\th6.z.\tA\t60\t\\N\t{192.0.2.3,192.0.2.4}\n",
      "2\th7.y.\tTXT\t60\t\\N\t{}\n",
      "2\th8.y.\tTXT\t60\t\\N\t\\N\n",
      "2\th9.y.\tA\t1\t192.0.2.9\t\\N\n",
    };
    ChangeLogReader.CopiedRows kept = new ChangeLogReader.CopiedRows();
    for (String r : rows) {
      assertEquals(ChangeLogReader.copiedRrsetRow(row(r)), kept.decode(row(r)), r);
    }
    assertEquals("A\tB", ChangeLogReader.copiedRrsetRow(row(rows[3])).type());
  }

  @Test
  void splitFindsEachFieldAndRefusesARowOfAnotherWidth() {
    byte[] row = row("1\tab\t\t\\N\n");
    assertArrayEquals(new int[] {0, 2, 5, 6, 9}, CopyText.split(row, 4));
    assertEquals("ab", field("1\tab\t\t\\N\n", 1, 4));
    assertEquals("", field("1\tab\t\t\\N\n", 2, 4), "an empty field is the empty string");
    assertNull(field("1\tab\t\t\\N\n", 3, 4), "\\N is NULL");
    assertEquals("z", field("x\ty\tz", 2, 3), "the newline is optional");
    assertThrows(IllegalArgumentException.class, () -> CopyText.split(row("a\tb\n"), 3));
    assertThrows(IllegalArgumentException.class, () -> CopyText.split(row("a\tb\tc\n"), 2));
  }

  @Test
  void textUndoesEveryEscapeCopyWrites() {
    assertEquals("a\tb\nc\rd\\e", field("a\\tb\\nc\\rd\\\\e\n", 0, 1));
    assertEquals("\b\f\u000b", field("\\b\\f\\v\n", 0, 1));
    assertEquals("\\N", field("\\\\N\n", 0, 1), "an escaped backslash then N is text, not NULL");
    assertEquals("A!B", field("\\101\\41\\x42\n", 0, 1), "octal and hex, as COPY FROM reads them");
    assertEquals("x", field("\\x\n", 0, 1), "\\x without digits is an x");
    assertEquals("é𝄞", field("é𝄞\n", 0, 1));
    assertEquals("é\t", field("é\\t\n", 0, 1), "UTF-8 around an escape");
    assertThrows(IllegalArgumentException.class, () -> field("a\\\n", 0, 1));
  }

  @Test
  void numberReadsIntegersAndRefusesAnythingElse() {
    byte[] row = row("0\t-7\t9223372036854775807\t-9223372036854775807");
    int[] f = CopyText.split(row, 4);
    assertEquals(0, CopyText.number(row, f[0], f[1] - 1));
    assertEquals(-7, CopyText.number(row, f[1], f[2] - 1));
    assertEquals(Long.MAX_VALUE, CopyText.number(row, f[2], f[3] - 1));
    assertEquals(-Long.MAX_VALUE, CopyText.number(row, f[3], f[4] - 1));
    for (String bad :
        List.of("", "-", "1a", "\\N", "9223372036854775808", "12345678901234567890")) {
      byte[] b = row(bad);
      assertThrows(
          IllegalArgumentException.class, () -> CopyText.number(b, 0, b.length), "'" + bad + "'");
    }
  }

  @Test
  void textArrayReadsPlainQuotedAndNullElements() {
    assertEquals(List.of(), CopyText.textArray("{}"));
    assertEquals(List.of("192.0.2.1", "192.0.2.2"), CopyText.textArray("{192.0.2.1,192.0.2.2}"));
    assertEquals(
        List.of("a,b \"c\"", "", "NULL", "back\\slash", "{}"),
        CopyText.textArray("{\"a,b \\\"c\\\"\",\"\",\"NULL\",\"back\\\\slash\",\"{}\"}"));
    assertEquals(Arrays.asList("x", null, "y"), CopyText.textArray("{x,NULL,y}"));
    assertEquals(Arrays.asList((String) null), CopyText.textArray("{null}"));
    assertEquals(List.of("a", "b"), CopyText.textArray("[0:1]={a,b}"), "other bounds, in order");
  }

  @Test
  void textArrayRefusesWhatArrayOutputNeverWrites() {
    for (String bad :
        List.of(
            "",
            "x",
            "{",
            "{a",
            "a}",
            "{a,}",
            "{,a}",
            "{\"a}",
            "{\"a\"b}",
            "{{a},{b}}",
            "[1:2]{a}")) {
      assertThrows(IllegalArgumentException.class, () -> CopyText.textArray(bad), bad);
    }
  }

  @Test
  void theListsCannotBeChanged() {
    List<String> list = CopyText.textArray("{a,b}");
    assertThrows(UnsupportedOperationException.class, () -> list.add("c"));
    assertTrue(CopyText.isNull(row("\\N"), 0, 2));
    assertFalse(CopyText.isNull(row("\\n"), 0, 2));
  }
}
