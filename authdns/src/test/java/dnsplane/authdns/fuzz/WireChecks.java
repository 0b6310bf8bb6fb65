package dnsplane.authdns.fuzz;

import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** WireChecks holds the properties every authdns response must have, whatever the query was. */
final class WireChecks {
  private WireChecks() {}

  /** {@code wire} parsed by dnsjava; failing to parse is a finding, not a skip. */
  static Message parseResponse(byte[] wire, String what) {
    try {
      return new Message(wire);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(what + ": response does not parse with dnsjava: " + hex(wire), e);
    }
  }

  /** The query as dnsjava reads it, or null when it does not parse. */
  static Message parseQuery(byte[] wire) {
    try {
      return new Message(wire);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static int id(byte[] wire) {
    return ((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF);
  }

  /** The header of a response to {@code query}: QR set, the query's ID and opcode. */
  static void checkHeader(byte[] query, Message r, String what) {
    check(r.getHeader().getFlag(Flags.QR), what, "QR not set");
    check(
        r.getHeader().getID() == id(query),
        what,
        "ID " + r.getHeader().getID() + " does not echo the query's " + id(query));
    int opcode = (query[2] >>> 3) & 0x0F;
    check(r.getHeader().getOpcode() == opcode, what, "opcode not echoed");
  }

  /**
   * When the response carries a question it is the query's, in the query's case (0x20): same wire
   * bytes for the name, same type and class.
   */
  static void checkQuestionEcho(Message q, Message r, String what) {
    Record rq = r.getQuestion();
    if (rq == null) {
      return;
    }
    check(
        q != null && q.getQuestion() != null,
        what,
        "a question in the response to a query without one");
    Record qq = q.getQuestion();
    check(
        rq.getName().toString().equals(qq.getName().toString()),
        what,
        "question " + rq.getName() + " does not echo " + qq.getName());
    check(
        rq.getType() == qq.getType() && rq.getDClass() == qq.getDClass(),
        what,
        "question type/class not echoed");
    check(r.getHeader().getCount(Section.QUESTION) == 1, what, "more than one question");
  }

  /**
   * The zone that answers {@code qname}/{@code qtype}: the longest match, except that DS at a child
   * apex is the parent's (RFC 4035 §3.1.4.1); empty when none of ours.
   */
  static Optional<ZoneSnapshot> answeringZone(ZoneSet zones, Name qname, int qtype) {
    Optional<ZoneSnapshot> z = zones.findZone(qname);
    if (qtype == Type.DS && z.isPresent() && z.get().origin().equals(qname) && qname.labels() > 1) {
      Optional<ZoneSnapshot> parent = zones.findZone(new Name(qname, 1));
      if (parent.isPresent()) {
        return parent;
      }
    }
    return z;
  }

  /**
   * No record is ever served from outside the answering zone: answer, authority and additional
   * owners are all at or below its origin, and a name that is not ours gets no records at all.
   */
  static void checkInZone(ZoneSet zones, Message q, Message r, String what) {
    Record qq = q == null ? null : q.getQuestion();
    if (qq == null) {
      for (int s : new int[] {Section.ANSWER, Section.AUTHORITY}) {
        check(r.getSection(s).isEmpty(), what, "records in a response to a query without question");
      }
      return;
    }
    Optional<ZoneSnapshot> zone = answeringZone(zones, qq.getName(), qq.getType());
    for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      for (Record rec : r.getSection(s)) {
        if (rec.getType() == Type.OPT) {
          continue;
        }
        check(
            zone.isPresent(),
            what,
            Section.string(s) + " record " + rec + " in a response for a name outside every zone");
        check(
            rec.getName().subdomain(zone.get().origin()),
            what,
            Section.string(s) + " record " + rec + " is outside the zone " + zone.get().origin());
      }
    }
    List<Record> answer = r.getSection(Section.ANSWER);
    if (!answer.isEmpty()) {
      // A CNAME chain starts at the question; a wildcard is synthesised at the question's name.
      check(
          answer.get(0).getName().equals(qq.getName()),
          what,
          "the first answer " + answer.get(0) + " is not owned by the question " + qq.getName());
    }
  }

  static void check(boolean ok, String what, String message) {
    if (!ok) {
      throw new AssertionError(what + ": " + message);
    }
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 2);
    for (byte x : b) {
      sb.append(Character.forDigit((x >>> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
    }
    return sb.toString();
  }
}
