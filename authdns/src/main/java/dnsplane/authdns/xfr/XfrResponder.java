package dnsplane.authdns.xfr;

import dnsplane.authdns.journal.Difference;
import dnsplane.authdns.journal.IxfrJournal;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Serial;
import org.xbill.DNS.Type;

/**
 * XfrResponder decides the answer to transfer requests (AXFR, IXFR) and to NOTIFY; pure: a
 * snapshot, the IXFR journal and a parsed query in, messages out. The caller reads the snapshot
 * holder once, so a whole transfer comes from one snapshot and a concurrent change cannot tear it;
 * an incremental answer comes from the journal's immutable history of that zone alone.
 *
 * <pre>
 *  TSIG present and not verifying (see TsigKeys)          NOTAUTH + TSIG error (XfrService)
 *  AXFR/IXFR over TCP, no --allow-transfer entry matches   REFUSED (as NSD: "no acl matches")
 *    the client's address and key
 *  ... for a name that is not the apex of one of our zones REFUSED (as NSD)
 *  IXFR without the client's SOA in the authority section FORMERR (RFC 1995 §3)
 *  IXFR, client serial ≥ ours (RFC 1982)                   the SOA alone: up to date
 *  IXFR, client older, the journal reaches its serial      SOA, one difference sequence (the
 *                                                          client's SOA, removed, our SOA, added),
 *                                                          SOA: incremental (RFC 1995 §4), the
 *                                                          versions in between condensed
 *  IXFR, client older, the journal does not reach it;      SOA, all records, SOA (RFC 1995 §4)
 *    AXFR
 *  IXFR over UDP, up to date                               the SOA alone
 *  IXFR over UDP, incremental and fits the datagram        the incremental answer, inline
 *  IXFR over UDP, otherwise                                TC=1, so the client retries over TCP
 *  NOTIFY (any transport)                                  REFUSED: we are the primary (as NSD)
 * </pre>
 */
public final class XfrResponder {

  /** What a TCP transfer request gets: wire messages, and labels for metrics. */
  public record Transfer(List<byte[]> messages, String type, String result, int records) {}

  /** The smallest UDP payload every client takes (RFC 1035 §4.2.1). */
  static final int MIN_UDP = 512;

  /**
   * The least a record adds to a message: a compressed owner (2), type, class, TTL and rdlength
   * (10). A difference of more records than limit / 12 cannot fit, and is not rendered to find out.
   */
  private static final int MIN_RECORD = 12;

  private static final IxfrJournal NO_JOURNAL = IxfrJournal.disabled();

  private XfrResponder() {}

  /** The answer to AXFR or IXFR {@code query} over TCP from {@code client}, unsigned. */
  public static Transfer tcp(
      ZoneSet zones, Message query, InetAddress client, TransferAcl acl, int limit) {
    return tcp(zones, query, acl.allows(client), limit);
  }

  /** As {@link #tcp(ZoneSet, IxfrJournal, Message, boolean, int)} without a journal. */
  public static Transfer tcp(ZoneSet zones, Message query, boolean allowed, int limit) {
    return tcp(zones, NO_JOURNAL, query, allowed, limit);
  }

  /**
   * The answer to AXFR or IXFR {@code query} over TCP; {@code allowed} is the ACL's verdict on the
   * client (and its key). An IXFR is answered from {@code journal} when it reaches from the
   * client's serial to the snapshot's. The messages leave room for a TSIG when {@code limit} does.
   */
  public static Transfer tcp(
      ZoneSet zones, IxfrJournal journal, Message query, boolean allowed, int limit) {
    Record q = query.getQuestion();
    String type = Type.string(q.getType());
    if (!allowed || q.getDClass() != DClass.IN) {
      return error(query, type, Rcode.REFUSED, "refused");
    }
    Optional<ZoneSnapshot> zone = zones.zone(q.getName());
    if (zone.isEmpty()) {
      return error(query, type, Rcode.REFUSED, "refused");
    }
    SOARecord soa = zone.get().soa();
    if (soa == null) {
      // A zone created and not yet filled has nothing a secondary could load.
      return error(query, type, Rcode.SERVFAIL, "servfail");
    }
    if (q.getType() == Type.IXFR) {
      SOARecord theirs = clientSoa(query);
      if (theirs == null) {
        return error(query, type, Rcode.FORMERR, "formerr");
      }
      if (upToDate(theirs, soa)) {
        return new Transfer(
            TransferSplitter.split(query, List.of(soa), limit), type, "uptodate", 1);
      }
      Optional<Difference> diff = journal.difference(q.getName(), theirs.getSerial(), soa);
      if (diff.isPresent()) {
        List<Record> seq = diff.get().ixfrSequence();
        return new Transfer(
            TransferSplitter.split(query, seq, limit), type, "incremental", seq.size());
      }
    }
    // One read of the zone: the records and the SOA come from the same snapshot.
    List<Record> seq = TransferSplitter.axfrSequence(zone.get().records());
    return new Transfer(TransferSplitter.split(query, seq, limit), type, "full", seq.size());
  }

  /**
   * The answer to a UDP (or non-transfer TCP) query that is ours to answer: IXFR over UDP and
   * NOTIFY. Null means "not a transfer matter": the ordinary answerer handles it (AXFR over UDP
   * stays NOTIMP there, as NSD).
   */
  public static Message datagram(ZoneSet zones, Message query, XfrMetrics metrics) {
    return datagram(zones, query, true, metrics);
  }

  /** As {@link #datagram(ZoneSet, IxfrJournal, Message, boolean, int, XfrMetrics)}, no journal. */
  public static Message datagram(
      ZoneSet zones, Message query, boolean allowed, XfrMetrics metrics) {
    return datagram(zones, NO_JOURNAL, query, allowed, MIN_UDP, metrics);
  }

  /**
   * As {@link #datagram(ZoneSet, Message, XfrMetrics)}; when {@code allowed} is false an IXFR for
   * one of our zones is REFUSED, as NSD checks {@code provide-xfr} for IXFR over UDP too. An IXFR
   * the journal answers incrementally is answered inline when the whole answer renders within
   * {@code limit} bytes (the client's UDP size, less room for a TSIG); else TC=1 (RFC 1995 §2).
   */
  public static Message datagram(
      ZoneSet zones,
      IxfrJournal journal,
      Message query,
      boolean allowed,
      int limit,
      XfrMetrics metrics) {
    Record q = query.getQuestion();
    if (q == null) {
      return null;
    }
    int opcode = query.getHeader().getOpcode();
    if (opcode == Opcode.NOTIFY) {
      return header(query, Rcode.REFUSED);
    }
    if (opcode != Opcode.QUERY || q.getType() != Type.IXFR || q.getDClass() != DClass.IN) {
      return null;
    }
    Optional<ZoneSnapshot> zone = zones.zone(q.getName());
    if (zone.isEmpty() || zone.get().soa() == null) {
      return null;
    }
    if (!allowed) {
      metrics.transfer("IXFR", "refused", 0);
      return header(query, Rcode.REFUSED);
    }
    SOARecord soa = zone.get().soa();
    SOARecord theirs = clientSoa(query);
    if (theirs == null) {
      metrics.transfer("IXFR", "formerr", 0);
      return header(query, Rcode.FORMERR);
    }
    Message m = TransferSplitter.start(query, true);
    if (upToDate(theirs, soa)) {
      m.addRecord(soa, Section.ANSWER);
      metrics.transfer("IXFR", "uptodate", 1);
      return m;
    }
    Optional<Difference> diff = journal.difference(q.getName(), theirs.getSerial(), soa);
    if (diff.isPresent() && diff.get().size() * MIN_RECORD <= limit) {
      Message inline = TransferSplitter.start(query, true);
      for (Record r : diff.get().ixfrSequence()) {
        inline.addRecord(r, Section.ANSWER);
      }
      // Rendered once here to decide; an IXFR cut short would be a broken difference, so it goes
      // whole or not at all.
      if (inline.toWire().length <= limit) {
        metrics.transfer("IXFR", "incremental", diff.get().size());
        return inline;
      }
    }
    m.getHeader().setFlag(Flags.TC);
    metrics.transfer("IXFR", "truncated", 0);
    return m;
  }

  /** RFC 1995: up to date when the client's serial is not older than ours (RFC 1982 order). */
  static boolean upToDate(SOARecord theirs, SOARecord ours) {
    return Serial.compare(theirs.getSerial(), ours.getSerial()) >= 0;
  }

  private static SOARecord clientSoa(Message query) {
    for (Record r : query.getSection(Section.AUTHORITY)) {
      if (r instanceof SOARecord s) {
        return s;
      }
    }
    return null;
  }

  private static Transfer error(Message query, String type, int rcode, String result) {
    return new Transfer(List.of(header(query, rcode).toWire()), type, result, 0);
  }

  private static Message header(Message query, int rcode) {
    Message m = TransferSplitter.start(query, true);
    m.getHeader().unsetFlag(Flags.AA);
    m.getHeader().setRcode(rcode);
    return m;
  }
}
