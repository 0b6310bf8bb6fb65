package dnsplane.authdns.answer;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Render turns a response into wire bytes within a size limit. PURE. dnsjava's {@code
 * toWire(limit)} drops whole rrsets that do not fit and sets TC when the answer or authority
 * section lost any; the OPT record is always kept. The authority NS and the additional records of a
 * positive answer are optional (RFC 2181 §9): when only they do not fit, they are dropped and TC
 * stays clear, as NSD does.
 */
public final class Render {
  private Render() {}

  /** The wire form of {@code response} in at most {@code limit} bytes. */
  public static byte[] toWire(Message response, int limit) {
    byte[] wire = fitting(response, limit);
    if ((wire[2] & 0x02) == 0 || !optionalSectionsPresent(response)) {
      return wire;
    }
    Message minimal = response.clone();
    OPTRecord opt = response.getOPT();
    minimal.removeAllRecords(Section.AUTHORITY);
    minimal.removeAllRecords(Section.ADDITIONAL);
    if (opt != null) {
      minimal.addRecord(opt, Section.ADDITIONAL);
    }
    return fitting(minimal, limit);
  }

  /**
   * dnsjava's truncating {@code toWire(limit)} reserves room for the OPT more than once, so a
   * response within a dozen octets of the limit would get TC needlessly; render it whole first and
   * truncate only what really does not fit.
   */
  private static byte[] fitting(Message m, int limit) {
    byte[] whole = m.toWire();
    return whole.length <= limit ? whole : m.toWire(limit);
  }

  private static boolean optionalSectionsPresent(Message m) {
    return m.getRcode() == Rcode.NOERROR
        && m.getHeader().getFlag(Flags.AA)
        && !m.getSection(Section.ANSWER).isEmpty()
        && !m.getSection(Section.AUTHORITY).isEmpty()
        && m.getSection(Section.AUTHORITY).get(0).getType() == Type.NS;
  }
}
