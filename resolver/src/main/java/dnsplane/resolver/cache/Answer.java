package dnsplane.resolver.cache;

import dnsplane.resolver.wire.ReplyWriter;
import dnsplane.resolver.wire.StoredReply;
import dnsplane.resolver.wire.WireScan;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answer is one upstream response as the cache keeps it: already rendered to wire form (ID 0,
 * QR+RA, no OPT) with the offset of every TTL, so a hit only copies bytes and patches the ID, the
 * question's case and the TTLs ({@link ReplyWriter} does that: the bytes on the wire are its
 * business, freshness is ours).
 *
 * @param wire the rendered response
 * @param ttlOffsets where each record's TTL lives in {@code wire}
 * @param ttls each record's TTL when stored (already capped)
 * @param kind positive or negative
 * @param rcode NOERROR or NXDOMAIN
 * @param storedAtMillis clock time the answer arrived
 * @param ttlSeconds how long it is fresh
 */
public record Answer(
    byte[] wire,
    int[] ttlOffsets,
    int[] ttls,
    Kind kind,
    int rcode,
    long storedAtMillis,
    int ttlSeconds)
    implements StoredReply {

  /** Positive answers hold data; negative ones are NXDOMAIN or NODATA (RFC 2308). */
  public enum Kind {
    POSITIVE,
    NEGATIVE
  }

  /**
   * Renders {@code upstream}'s sections with every TTL set by {@code ttlFor}; the OPT record is
   * dropped, AA cleared (a cache is not authoritative) and RA set.
   */
  public static Answer of(
      Message upstream, Kind kind, long now, int ttl, ToIntFunction<Record> ttlFor) {
    Message m = new Message(0);
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.RA);
    m.getHeader().setRcode(upstream.getRcode());
    m.addRecord(upstream.getQuestion(), Section.QUESTION);
    List<Record> kept = new ArrayList<>();
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      List<Record> records = upstream.getSection(section);
      for (Record r : records) {
        if (r.getType() != Type.OPT) {
          m.addRecord(r, section);
          kept.add(r);
        }
      }
    }
    byte[] wire = m.toWire();
    // records keep their order on the wire, so the i-th TTL offset belongs to the i-th kept record
    int[] offsets = WireScan.ttlOffsets(wire);
    int[] ttls = new int[offsets.length];
    for (int i = 0; i < offsets.length; i++) {
      ttls[i] = Math.max(0, ttlFor.applyAsInt(kept.get(i)));
      ReplyWriter.writeU32(wire, offsets[i], ttls[i]);
    }
    return new Answer(wire, offsets, ttls, kind, upstream.getRcode(), now, ttl);
  }

  public long expiresAtMillis() {
    return storedAtMillis + ttlSeconds * 1000L;
  }

  public boolean freshAt(long now) {
    return now < expiresAtMillis();
  }

  /** Approximate heap footprint, used by the cache weigher and the bytes gauge. */
  public int size() {
    return wire.length + ttlOffsets.length * 8 + 96;
  }
}
