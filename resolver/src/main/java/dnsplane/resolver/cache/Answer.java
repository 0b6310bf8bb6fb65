package dnsplane.resolver.cache;

import dnsplane.resolver.wire.WireQuery;
import io.netty.buffer.ByteBuf;
import dnsplane.resolver.wire.WireScan;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Answer is one upstream response as the cache keeps it: already rendered to wire form (ID 0, QR+RA, no OPT) with
 * the offset of every TTL, so a hit only copies bytes and patches the ID, the question's case and the TTLs.
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
    byte[] wire, int[] ttlOffsets, int[] ttls, Kind kind, int rcode, long storedAtMillis, int ttlSeconds) {

  /** Positive answers hold data; negative ones are NXDOMAIN or NODATA (RFC 2308). */
  public enum Kind {
    POSITIVE,
    NEGATIVE
  }

  /** EDNS payload size this resolver advertises and honours at most (DNS flag day 2020). */
  public static final int MAX_UDP = 1232;

  static final int OPT_LEN = 11;

  /**
   * Renders {@code upstream}'s sections with every TTL set by {@code ttlFor}; the OPT record is dropped, AA cleared
   * (a cache is not authoritative) and RA set.
   */
  public static Answer of(Message upstream, Kind kind, long now, int ttl, java.util.function.ToIntFunction<Record> ttlFor) {
    Message m = new Message(0);
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.RA);
    m.getHeader().setRcode(upstream.getRcode());
    m.addRecord(upstream.getQuestion(), Section.QUESTION);
    List<Record> kept = new java.util.ArrayList<>();
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
      List<Record> records = upstream.getSection(section);
      for (Record r : records) {
        if (r.getType() != org.xbill.DNS.Type.OPT) {
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
      writeU32(wire, offsets[i], ttls[i]);
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

  /**
   * The answer for {@code q} with TTLs counted down to {@code now}, or a truncated (TC) reply when it does not fit
   * the client's UDP size.
   */
  public byte[] render(WireQuery q, long now, boolean tcp) {
    int limit = tcp ? 65535 : q.edns() ? Math.min(q.udpSize(), MAX_UDP) : 512;
    int size = wire.length + (q.edns() ? OPT_LEN : 0);
    if (size > limit) {
      return truncated(q, wire[3]);
    }
    byte[] out = new byte[size];
    System.arraycopy(wire, 0, out, 0, wire.length);
    header(out, q);
    // the question has the same length as ours (same name modulo case): copy it to echo the client's case
    System.arraycopy(q.raw(), 12, out, 12, q.questionEnd() - 12);
    long elapsed = Math.max(0, (now - storedAtMillis) / 1000);
    for (int i = 0; i < ttlOffsets.length; i++) {
      writeU32(out, ttlOffsets[i], Math.max(0, ttls[i] - elapsed));
    }
    if (q.edns()) {
      appendOpt(out, wire.length);
    }
    return out;
  }

  /**
   * Like {@link #render}, but written straight into {@code out} (a pooled direct buffer on the hit path, so the
   * answer is copied once, into the memory the kernel sends from). Returns false, writing nothing, when the answer
   * needs truncation: the caller then uses {@link #render}.
   */
  public boolean renderInto(WireQuery q, long now, ByteBuf out) {
    int limit = q.edns() ? Math.min(q.udpSize(), MAX_UDP) : 512;
    if (wire.length + (q.edns() ? OPT_LEN : 0) > limit) {
      return false;
    }
    int base = out.writerIndex();
    out.writeBytes(wire);
    out.setShort(base, q.id());
    out.setByte(base + 2, (wire[2] & ~0x01) | (q.rd() ? 0x01 : 0));
    out.setByte(base + 3, (wire[3] & ~0x10) | (q.cd() ? 0x10 : 0));
    out.setBytes(base + 12, q.raw(), 12, q.questionEnd() - 12);
    long elapsed = Math.max(0, (now - storedAtMillis) / 1000);
    for (int i = 0; i < ttlOffsets.length; i++) {
      out.setInt(base + ttlOffsets[i], (int) Math.max(0, ttls[i] - elapsed));
    }
    if (q.edns()) {
      int ar = (((wire[10] & 0xff) << 8) | (wire[11] & 0xff)) + 1;
      out.setShort(base + 10, ar);
      out.writeByte(0).writeShort(41).writeShort(MAX_UDP).writeInt(0).writeShort(0);
    }
    return true;
  }

  private static void header(byte[] out, WireQuery q) {
    out[0] = (byte) (q.id() >>> 8);
    out[1] = (byte) q.id();
    out[2] = (byte) ((out[2] & ~0x01) | (q.rd() ? 0x01 : 0));
    out[3] = (byte) ((out[3] & ~0x10) | (q.cd() ? 0x10 : 0));
  }

  private static byte[] truncated(WireQuery q, byte flags2) {
    int qEnd = q.questionEnd();
    byte[] out = new byte[qEnd + (q.edns() ? OPT_LEN : 0)];
    System.arraycopy(q.raw(), 0, out, 0, qEnd);
    out[2] = (byte) (0x80 | 0x02 | (q.rd() ? 0x01 : 0)); // QR, TC
    out[3] = (byte) ((flags2 & 0x8f) | (q.cd() ? 0x10 : 0));
    out[5] = 1;
    for (int i = 6; i < 12; i++) {
      out[i] = 0;
    }
    if (q.edns()) {
      appendOpt(out, qEnd);
    }
    return out;
  }

  private static void appendOpt(byte[] out, int at) {
    int ar = ((out[10] & 0xff) << 8 | (out[11] & 0xff)) + 1;
    out[10] = (byte) (ar >>> 8);
    out[11] = (byte) ar;
    out[at] = 0; // root owner
    out[at + 1] = 0;
    out[at + 2] = 41;
    out[at + 3] = (byte) (MAX_UDP >>> 8);
    out[at + 4] = (byte) MAX_UDP;
    // extended rcode, version, flags and rdlength stay zero
  }

  static long readU32(byte[] b, int off) {
    return ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8) | (b[off + 3] & 0xffL);
  }

  static void writeU32(byte[] b, int off, long v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
