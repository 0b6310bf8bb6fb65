package dnsplane.authdns.xfr;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * TransferSplitter packs a zone transfer's records into as few DNS messages as fit the limit (RFC
 * 5936 §2.2: many records per message; each message ≤ 65535 bytes over TCP). Pure: records in, wire
 * messages out.
 *
 * <p>A record's uncompressed wire length is an upper bound on what it adds to a message
 * (compression only shrinks), so a message is closed before the bound would pass the limit and the
 * rendered message always fits, without rendering anything twice.
 */
public final class TransferSplitter {
  /** The largest DNS message TCP framing allows. */
  public static final int TCP_LIMIT = 65535;

  private static final int HEADER = 12;

  private TransferSplitter() {}

  /**
   * The messages answering {@code query} with {@code records} in order: the first carries the
   * query's question, all carry its ID, AA is set and RD is copied (as NSD does).
   */
  public static List<byte[]> split(Message query, List<Record> records, int limit) {
    List<byte[]> out = new ArrayList<>();
    Message m = start(query, true);
    int size =
        HEADER
            + (query.getQuestion() == null
                ? 0
                : query.getQuestion().toWire(Section.QUESTION).length);
    int inMessage = 0;
    for (Record r : records) {
      int len = r.toWire(Section.ANSWER).length;
      if (inMessage > 0 && size + len > limit) {
        out.add(m.toWire());
        m = start(query, false);
        size = HEADER;
        inMessage = 0;
      }
      m.addRecord(r, Section.ANSWER);
      size += len;
      inMessage++;
    }
    out.add(m.toWire());
    return out;
  }

  /** The full-zone record sequence: the SOA, every other record, the SOA again (RFC 5936 §2.2). */
  public static List<Record> axfrSequence(List<Record> zoneRecords) {
    if (zoneRecords.isEmpty()) {
      return List.of();
    }
    List<Record> seq = new ArrayList<>(zoneRecords.size() + 1);
    seq.addAll(zoneRecords);
    seq.add(zoneRecords.get(0));
    return seq;
  }

  /** A response header for {@code query}; with its question when {@code first}. */
  static Message start(Message query, boolean first) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.getHeader().setOpcode(query.getHeader().getOpcode());
    if (query.getHeader().getFlag(Flags.RD)) {
      m.getHeader().setFlag(Flags.RD);
    }
    if (first && query.getQuestion() != null) {
      m.addRecord(query.getQuestion(), Section.QUESTION);
    }
    return m;
  }
}
