package dnsplane.authdns.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
