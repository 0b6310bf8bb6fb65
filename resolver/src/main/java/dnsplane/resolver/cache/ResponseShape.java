package dnsplane.resolver.cache;

import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * ResponseShape says (PURE) what an upstream reply to (qname, qtype) is. The answer section is read
 * as a chain: from qname, follow CNAMEs (and DNAMEs) until a name holds data of the asked type or
 * the chain stops.
 *
 * <pre>
 *  rcode    | chain from qname                           | SOA in authority | AA  | shape
 *  ---------+--------------------------------------------+------------------+-----+---------
 *  NXDOMAIN | any (none, or a chain to a missing name)   | -                | -   | EMPTY
 *  NOERROR  | ends in data of qtype                      | -                | -   | POSITIVE
 *  NOERROR  | ends without it (none, or a whole chain)   | yes              | -   | EMPTY
 *  NOERROR  | a chain that ends without data             | no               | -   | POSITIVE
 *  NOERROR  | no answer at all                           | no               | yes | EMPTY
 *  NOERROR  | no answer at all                           | no               | no  | UNUSABLE
 *  other    |                                            |                  |     | UNUSABLE
 * </pre>
 *
 * A chain ending with the SOA is the upstream saying "the target has no such data" (RFC 2308 §2.2
 * NODATA after a CNAME): an alias whose regional endpoint was emptied. It is an empty answer like
 * any other, for the guard and for negative caching. A chain ending without the SOA stops where the
 * upstream stops being authoritative (a target in another zone, or a referral after the CNAME, RFC
 * 1034 §4.3.2): a partial answer the client continues, cached as the upstream sent it. NXDOMAIN
 * describes the last name of the chain (RFC 6604).
 */
public final class ResponseShape {
  private ResponseShape() {}

  /** What a reply is. */
  public enum Shape {
    /** Data of the asked type, possibly at the end of a chain: cache it positively. */
    POSITIVE,
    /** NXDOMAIN or NODATA, possibly at the end of a chain: RFC 2308, and the guard. */
    EMPTY,
    /** Neither: a referral, a lame answer or an error rcode; handled as a failed refresh. */
    UNUSABLE
  }

  public static Shape of(Message reply, Name qname, int qtype) {
    int rcode = reply.getRcode();
    if (rcode == Rcode.NXDOMAIN) {
      return Shape.EMPTY;
    }
    if (rcode != Rcode.NOERROR) {
      return Shape.UNUSABLE;
    }
    List<Record> answer = reply.getSection(Section.ANSWER);
    if (chainEndsInData(answer, qname, qtype)) {
      return Shape.POSITIVE;
    }
    if (TtlRules.soa(reply) != null) {
      return Shape.EMPTY;
    }
    if (!answer.isEmpty()) {
      return Shape.POSITIVE;
    }
    // RFC 2308 §2.2 NODATA type 3 (no SOA) is only an answer when it is authoritative; else a
    // referral or lame
    return reply.getHeader().getFlag(Flags.AA) ? Shape.EMPTY : Shape.UNUSABLE;
  }

  /**
   * Whether following CNAME and DNAME records from {@code qname} through {@code answer} reaches a
   * record of {@code qtype} (any record, for ANY). A CNAME or DNAME question is answered by the
   * record itself.
   */
  static boolean chainEndsInData(List<Record> answer, Name qname, int qtype) {
    Name current = qname;
    // every link uses up a record, so more steps than records means a loop
    for (int step = 0; step <= answer.size() && current != null; step++) {
      for (Record r : answer) {
        if (r.getName().equals(current) && (r.getType() == qtype || qtype == Type.ANY)) {
          return true;
        }
      }
      current = next(answer, current);
    }
    return false;
  }

  /**
   * Where the chain goes from {@code name}: its CNAME's target, else a DNAME above it rewritten;
   * null at the end.
   */
  private static Name next(List<Record> answer, Name name) {
    for (Record r : answer) {
      if (r instanceof CNAMERecord c && c.getName().equals(name)) {
        return c.getTarget();
      }
    }
    for (Record r : answer) {
      if (r instanceof DNAMERecord d && name.subdomain(d.getName()) && !name.equals(d.getName())) {
        try {
          return name.fromDNAME(d);
        } catch (NameTooLongException e) {
          return null; // RFC 6672 §2.2: a substitution too long is YXDOMAIN, the end of the chain
        }
      }
    }
    return null;
  }
}
