package dnsplane.authdns.answer;

import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answerer turns a parsed query and the zones served into the response message. PURE: no Netty, no
 * JDBC, no clock, no logging; the same (zones, query) always gives the same response, which is what
 * lets the edge cache rendered responses per snapshot.
 *
 * <p>Rcodes are chosen here for every query that parses, except those {@code net.TransferRouter}
 * sends elsewhere when transfers are offered: AXFR/IXFR over TCP, IXFR over UDP and NOTIFY get
 * theirs from {@code xfr.XfrResponder}, a TSIG that does not verify from {@code tsig.TsigKeys}.
 * Input that never reaches an answerer gets its rcode from {@code net.ErrorReplies}: bytes that do
 * not parse (FORMERR) and a bug while answering (SERVFAIL). Without transfers offered, the table
 * holds for transfers and NOTIFY too:
 *
 * <pre>
 *  condition (checked in this order)                  response
 *  -------------------------------------------------  --------------------------------------
 *  QR set (a response, not a query)                   none: drop it
 *  opcode other than QUERY (NOTIFY: see above)        NOTIMP
 *  not exactly one question, or answer/authority set  FORMERR
 *  more than one OPT, or an OPT not owned by root     FORMERR
 *  EDNS version other than 0                          BADVERS (16, via the OPT extended rcode)
 *  qtype OPT, TSIG or TKEY (meta types)               FORMERR
 *  AXFR over UDP                                      NOTIMP (as NSD; AXFR needs TCP)
 *  AXFR over TCP / IXFR                               REFUSED (transfers are not offered)
 *  class other than IN / ANY, or no zone of ours      REFUSED
 *  zone without SOA                                   SERVFAIL
 *  lookup: SUCCESS / NODATA                           NOERROR, AA (NODATA: SOA in authority)
 *  lookup: NXDOMAIN                                   NXDOMAIN, AA, SOA in authority
 *  lookup: DELEGATION                                 NOERROR, no AA, NS + glue (referral)
 * </pre>
 */
public final class Answerer {
  /** Our EDNS UDP payload size: the DNS Flag Day 2020 value, small enough to avoid fragments. */
  public static final int DEFAULT_PAYLOAD = 1232;

  /** Largest response over TCP: the 2-byte length prefix allows no more. */
  public static final int TCP_MAX = 65535;

  /** Classic DNS UDP limit, used for queries without EDNS. */
  public static final int CLASSIC_UDP = 512;

  private Answerer() {}

  /** {@link #answer(ZoneSet, Message, int, boolean)} for a query that came over UDP. */
  public static Message answer(ZoneSet zones, Message query, int maxPayload) {
    return answer(zones, query, maxPayload, false);
  }

  /**
   * The response to {@code query} from {@code zones}, or null when the query must be dropped (it is
   * itself a response). {@code maxPayload} is our EDNS payload size, echoed in the OPT; {@code
   * overTcp} matters only for zone transfers, which UDP cannot carry.
   */
  public static Message answer(ZoneSet zones, Message query, int maxPayload, boolean overTcp) {
    Header qh = query.getHeader();
    if (qh.getFlag(Flags.QR)) {
      return null;
    }
    Record question = query.getQuestion();
    int opcode = qh.getOpcode();
    if (opcode != Opcode.QUERY) {
      return error(query, qh.getCount(Section.QUESTION) == 1 ? question : null, Rcode.NOTIMP);
    }
    if (qh.getCount(Section.QUESTION) != 1
        || qh.getCount(Section.ANSWER) != 0
        || qh.getCount(Section.AUTHORITY) != 0) {
      return error(query, null, Rcode.FORMERR);
    }
    List<Record> additional = query.getSection(Section.ADDITIONAL);
    OPTRecord opt = null;
    for (Record r : additional) {
      if (r instanceof OPTRecord o) {
        if (opt != null || !o.getName().equals(Name.root)) {
          return error(query, question, Rcode.FORMERR);
        }
        opt = o;
      }
    }
    Message response = start(query, question, opt, maxPayload);
    if (opt != null && opt.getVersion() != 0) {
      return withRcode(response, Rcode.BADVERS, opt, maxPayload);
    }
    int qtype = question.getType();
    if (qtype == Type.OPT || qtype == Type.TSIG || qtype == Type.TKEY) {
      return withRcode(response, Rcode.FORMERR, opt, maxPayload);
    }
    if (qtype == Type.AXFR && !overTcp) {
      return withRcode(response, Rcode.NOTIMP, opt, maxPayload);
    }
    int qclass = question.getDClass();
    if (qtype == Type.AXFR || qtype == Type.IXFR || qclass != DClass.IN && qclass != DClass.ANY) {
      return withRcode(response, Rcode.REFUSED, opt, maxPayload);
    }
    Name qname = question.getName();
    Optional<ZoneSnapshot> zone = zoneFor(zones, qname, qtype);
    if (zone.isEmpty()) {
      return withRcode(response, Rcode.REFUSED, opt, maxPayload);
    }
    LookupResult result = ZoneLookup.lookup(zone.get(), qname, qtype);
    int rcode =
        switch (result.outcome()) {
          case SUCCESS, NODATA, DELEGATION -> Rcode.NOERROR;
          case NXDOMAIN -> Rcode.NXDOMAIN;
          case BROKEN_ZONE -> Rcode.SERVFAIL;
        };
    if (result.outcome() != Outcome.DELEGATION && result.outcome() != Outcome.BROKEN_ZONE) {
      response.getHeader().setFlag(Flags.AA);
    }
    result.answer().forEach(r -> response.addRecord(r, Section.ANSWER));
    result.authority().forEach(r -> response.addRecord(r, Section.AUTHORITY));
    result.additional().forEach(r -> response.addRecord(r, Section.ADDITIONAL));
    return withRcode(response, rcode, opt, maxPayload);
  }

  /**
   * The UDP size limit for the response to {@code query}: the client's EDNS size capped at {@code
   * maxPayload}, never below 512; 512 without EDNS.
   */
  public static int udpLimit(Message query, int maxPayload) {
    OPTRecord opt = query.getOPT();
    if (opt == null) {
      return CLASSIC_UDP;
    }
    return Math.max(CLASSIC_UDP, Math.min(opt.getPayloadSize(), maxPayload));
  }

  /** A DS question at a zone apex is about the delegation, which the parent zone holds. */
  private static Optional<ZoneSnapshot> zoneFor(ZoneSet zones, Name qname, int qtype) {
    Optional<ZoneSnapshot> zone = zones.findZone(qname);
    if (qtype == Type.DS
        && zone.isPresent()
        && zone.get().origin().equals(qname)
        && qname.labels() > 1) {
      Optional<ZoneSnapshot> parent = zones.findZone(new Name(qname, 1));
      if (parent.isPresent()) {
        return parent;
      }
    }
    return zone;
  }

  private static Message start(Message query, Record question, OPTRecord opt, int maxPayload) {
    Message response = new Message(query.getHeader().getID());
    Header h = response.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(query.getHeader().getOpcode());
    if (query.getHeader().getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    // CD is not copied: we do no DNSSEC processing, and NSD (our reference) leaves it clear.
    if (question != null) {
      // The query's own record: its name keeps the client's case (0x20 echo).
      response.addRecord(question, Section.QUESTION);
    }
    return response;
  }

  private static Message error(Message query, Record question, int rcode) {
    OPTRecord opt = query.getOPT();
    Message response = start(query, question, opt, DEFAULT_PAYLOAD);
    return withRcode(response, rcode, opt, DEFAULT_PAYLOAD);
  }

  private static Message withRcode(Message response, int rcode, OPTRecord opt, int maxPayload) {
    response.getHeader().setRcode(rcode & 0xF);
    if (opt != null) {
      // RFC 3225: the DO bit is copied from the query.
      int flags = opt.getFlags() & ExtendedFlags.DO;
      response.addRecord(new OPTRecord(maxPayload, rcode >>> 4, 0, flags), Section.ADDITIONAL);
    }
    return response;
  }
}
