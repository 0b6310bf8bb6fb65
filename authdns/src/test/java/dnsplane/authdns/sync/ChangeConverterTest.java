package dnsplane.authdns.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The converter reads a plain dotted-quad A record without the general parser: whatever the text,
 * the outcome (the record, or the refusal) is the general parser's.
 */
class ChangeConverterTest {

  private static final Name ZONE = Name.fromConstantString("a.test.");

  @Test
  void anAddressReadsAsTheGeneralParserReadsIt() {
    List<String> texts =
        List.of(
            "192.0.2.1",
            "0.0.0.0",
            "255.255.255.255",
            "10.1.2.3",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1..3.4",
            ".1.2.3",
            "1.2.3.",
            "",
            "1.2.3.4 ",
            " 1.2.3.4",
            "1.2.3.4 ; comment",
            "\\# 4 01020304",
            "999999999999999",
            "1.2.3.4444",
            "a.b.c.d");
    for (String text : texts) {
      assertEquals(general(text, Type.A), converted(text, "A"), "A \"" + text + "\"");
    }
    assertEquals(general("192.0.2.1", Type.TXT), converted("192.0.2.1", "TXT"), "TXT");
  }

  @Test
  void aTtlTheGeneralParserRefusesIsRefused() {
    ChangeConverter.ParsedRrset p =
        ChangeConverter.parse(ZONE, "www.a.test.", "A", -1, List.of("192.0.2.1"), 1);
    assertEquals(1, p.problems().size(), p.problem());
  }

  @Test
  void aLoneRecordIsParsedAndRefusedAsOneOfSeveral() {
    // A one-record rrset takes a path of its own (no list to grow): same records, same words.
    ChangeConverter.ParsedRrset lone =
        ChangeConverter.parse(ZONE, "www.a.test.", "A", 300, List.of("192.0.2.9"), 7);
    ChangeConverter.ParsedRrset pair =
        ChangeConverter.parse(ZONE, "www.a.test.", "A", 300, List.of("192.0.2.9", "x"), 7);
    assertTrue(lone.complete(), lone.problem());
    assertEquals(pair.rrset().records(), lone.rrset().records());
    assertEquals(7, lone.rrset().serial());
    ChangeConverter.ParsedRrset bad =
        ChangeConverter.parse(ZONE, "www.a.test.", "A", 300, List.of("x"), 7);
    assertEquals(List.of(), bad.rrset().records());
    assertEquals(pair.problems(), bad.problems());
  }

  /** The record as text, or "refused". */
  private static String converted(String text, String type) {
    ChangeConverter.ParsedRrset p =
        ChangeConverter.parse(ZONE, "www.a.test.", type, 300, List.of(text), 1);
    return p.complete() ? p.rrset().records().get(0).toString() : "refused";
  }

  private static String general(String text, int type) {
    try {
      Record r =
          Record.fromString(Name.fromString("www.a.test."), type, DClass.IN, 300, text, ZONE);
      return r.toString();
    } catch (IOException | RuntimeException e) {
      return "refused";
    }
  }
}
