package dnsplane.planner.console;

import dnsplane.planner.endpoint.Addresses;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

/**
 * AnswerParser turns the replies to one endpoint's A, AAAA and {@code _plan} TXT questions into a
 * {@link DnsAnswer}. PURE.
 *
 * <p>The status is the worse of the A and AAAA rcodes (NOERROR only when both are): a SERVFAIL on
 * one family must not hide behind addresses of the other.
 */
public final class AnswerParser {

  /** RFC 8914 code 3: Stale Answer. */
  public static final int EDE_STALE = 3;

  private AnswerParser() {}

  /**
   * @param a the reply to A, or null when none came
   * @param aaaa the reply to AAAA, or null when none came
   * @param txt the reply to TXT {@code _plan.<endpoint>}, or null (not asked, or none came)
   * @param at when the questions were sent
   */
  public static DnsAnswer parse(Message a, Message aaaa, Message txt, String at) {
    if (a == null && aaaa == null) {
      return DnsAnswer.failed("no reply", at);
    }
    TreeSet<String> addresses = new TreeSet<>();
    List<Integer> ede = new ArrayList<>();
    String status = null;
    List<String> missing = new ArrayList<>();
    for (Message m : new Message[] {a, aaaa}) {
      if (m == null) {
        missing.add(m == a ? "A" : "AAAA");
        continue;
      }
      int rcode = m.getRcode();
      String name = Rcode.string(rcode);
      if (status == null || (rcode != Rcode.NOERROR && "NOERROR".equals(status))) {
        status = name;
      }
      for (Record r : m.getSection(Section.ANSWER)) {
        if (r instanceof ARecord ar) {
          addresses.add(ar.getAddress().getHostAddress());
        } else if (r instanceof AAAARecord ar) {
          addresses.add(canonicalV6(ar.getAddress().getHostAddress()));
        }
      }
      for (int code : edeCodes(m)) {
        if (!ede.contains(code)) {
          ede.add(code);
        }
      }
    }
    Long generation = txt == null ? null : planGeneration(txt);
    String error = missing.isEmpty() ? null : "no reply to " + String.join(" and ", missing);
    return new DnsAnswer(
        status,
        new ArrayList<>(addresses),
        addresses.size(),
        generation,
        ede.contains(EDE_STALE),
        ede,
        error,
        at);
  }

  /** The generation {@code _plan.<endpoint>} names ("generation=12" or "12"), or null. */
  static Long planGeneration(Message txt) {
    for (Record r : txt.getSection(Section.ANSWER)) {
      if (r instanceof TXTRecord t) {
        for (String s : t.getStrings()) {
          Long g = number(s);
          if (g != null) {
            return g;
          }
        }
      }
    }
    return null;
  }

  private static Long number(String s) {
    String digits = s.trim();
    int eq = digits.indexOf('=');
    if (eq >= 0) {
      digits = digits.substring(eq + 1).trim();
    }
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Long.parseLong(digits);
  }

  private static List<Integer> edeCodes(Message m) {
    List<Integer> codes = new ArrayList<>();
    OPTRecord opt = m.getOPT();
    if (opt == null) {
      return codes;
    }
    for (EDNSOption o : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)) {
      if (o instanceof ExtendedErrorCodeOption e) {
        codes.add(e.getErrorCode());
      }
    }
    return codes;
  }

  /** Java prints 2001:db8:0:0:0:0:0:1; the page shows 2001:db8::1, as the plan does. */
  static String canonicalV6(String text) {
    try {
      return Addresses.canonical(text);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }
}
