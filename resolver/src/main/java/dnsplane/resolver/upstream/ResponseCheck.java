package dnsplane.resolver.upstream;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * ResponseCheck decides (PURE) whether an upstream reply answers the query that was sent, and
 * strips records that the upstream has no authority to give (outside the zone it was asked as): the
 * classic cache-poisoning defences.
 */
public final class ResponseCheck {
  private ResponseCheck() {}

  /** Returns null when {@code reply} matches {@code query}, else why it does not. */
  public static String mismatch(Message query, Message reply) {
    if (reply.getHeader().getID() != query.getHeader().getID()) {
      return "wrong ID";
    }
    if (!reply.getHeader().getFlag(Flags.QR) || reply.getHeader().getOpcode() != Opcode.QUERY) {
      return "not a response to a query";
    }
    Record q = query.getQuestion();
    Record a = reply.getQuestion();
    if (a == null || reply.getHeader().getCount(Section.QUESTION) != 1) {
      return "no single question";
    }
    if (!a.getName().equals(q.getName())
        || a.getType() != q.getType()
        || a.getDClass() != q.getDClass()) {
      return "question differs: " + a.getName() + "/" + Type.string(a.getType());
    }
    return null;
  }

  /**
   * A copy of {@code reply} without records outside {@code zone}; the count of dropped records is
   * added to {@code dropped[0]}.
   */
  public static Message scrub(Message reply, Name zone, int[] dropped) {
    Message out = new Message(reply.getHeader().getID());
    for (int f = 0; f < 16; f++) {
      if (Flags.isFlag(f) && reply.getHeader().getFlag(f)) {
        out.getHeader().setFlag(f);
      }
    }
    out.getHeader().setRcode(reply.getHeader().getRcode());
    out.getHeader().setOpcode(reply.getHeader().getOpcode());
    out.addRecord(reply.getQuestion(), Section.QUESTION);
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record r : reply.getSection(s)) {
        if (r.getType() == Type.OPT) {
          continue;
        }
        if (r.getName().subdomain(zone)) {
          out.addRecord(r, s);
        } else {
          dropped[0]++;
        }
      }
    }
    return out;
  }
}
