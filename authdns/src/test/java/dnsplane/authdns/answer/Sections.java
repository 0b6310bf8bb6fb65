package dnsplane.authdns.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dnsplane.authdns.zone.ZoneFileChanges;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Sections compares a response with a {@link Case}, each section sorted (SortAndCheck). */
final class Sections {
  private Sections() {}

  static void check(Case c, Message response, Name origin) {
    assertEquals(Rcode.string(c.rcode()), Rcode.string(response.getRcode()), c + ": rcode");
    assertEquals(c.aa(), response.getHeader().getFlag(Flags.AA), c + ": AA flag");
    assertEquals(
        expected(c.answer(), origin), actual(response, Section.ANSWER), c + ": answer section");
    assertEquals(
        expected(c.authority(), origin),
        actual(response, Section.AUTHORITY),
        c + ": authority section");
    assertEquals(
        expected(c.additional(), origin),
        actual(response, Section.ADDITIONAL),
        c + ": additional section");
  }

  static List<String> expected(List<String> lines, Name origin) {
    try {
      return ZoneFileChanges.parse("$TTL 3600\n" + String.join("\n", lines) + "\n", origin).stream()
          .map(Record::toString)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> actual(Message m, int section) {
    return m.getSection(section).stream()
        .filter(r -> r.getType() != Type.OPT)
        .map(Record::toString)
        .sorted()
        .toList();
  }
}
