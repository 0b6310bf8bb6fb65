package dnsplane.resolver.wire;

import io.netty.buffer.ByteBuf;

/**
 * ReplyWriter stamps the reply to one query from a {@link StoredReply}: it copies the bytes and
 * patches the ID, RD and CD, the question's case and the TTLs counted down, and adds an OPT when
 * the client sent one. Nothing is parsed or rendered again: this is the cache-hit path.
 */
public final class ReplyWriter {
  /** EDNS payload size this resolver advertises and honours at most (DNS flag day 2020). */
  public static final int MAX_UDP = 1232;

  static final int OPT_LEN = 11;

  private ReplyWriter() {}

  /** The most a reply to {@code q} may hold: 64 KiB over TCP, else the client's UDP size. */
  public static int limit(WireQuery q, boolean tcp) {
    return tcp ? 65535 : q.edns() ? Math.min(q.udpSize(), MAX_UDP) : 512;
  }

  /**
   * The reply to {@code q} with TTLs counted down to {@code now}, or a truncated (TC) reply when it
   * does not fit the client's UDP size.
   */
  public static byte[] render(StoredReply stored, WireQuery q, long now, boolean tcp) {
    byte[] wire = stored.wire();
    int size = wire.length + (q.edns() ? OPT_LEN : 0);
    if (size > limit(q, tcp)) {
      return truncated(q, wire[3]);
    }
    byte[] out = new byte[size];
    System.arraycopy(wire, 0, out, 0, wire.length);
    out[0] = (byte) (q.id() >>> 8);
    out[1] = (byte) q.id();
    out[2] = (byte) ((out[2] & ~0x01) | (q.rd() ? 0x01 : 0));
    out[3] = (byte) ((out[3] & ~0x10) | (q.cd() ? 0x10 : 0));
    // The question has our question's length (the same name modulo case): copying it echoes the
    // client's case.
    System.arraycopy(
        q.raw(), WireQuery.HEADER, out, WireQuery.HEADER, q.questionEnd() - WireQuery.HEADER);
    int[] offsets = stored.ttlOffsets();
    int[] ttls = stored.ttls();
    long elapsed = elapsedSeconds(stored, now);
    for (int i = 0; i < offsets.length; i++) {
      writeU32(out, offsets[i], Math.max(0, ttls[i] - elapsed));
    }
    if (q.edns()) {
      appendOpt(out, wire.length);
    }
    return out;
  }

  /**
   * Like {@link #render} over UDP, but written straight into {@code out} (a pooled direct buffer on
   * the hit path, so the reply is copied once, into the memory the kernel sends from). Returns
   * false, writing nothing, when the reply needs truncation: the caller then uses {@link #render}.
   */
  public static boolean writeInto(StoredReply stored, WireQuery q, long now, ByteBuf out) {
    byte[] wire = stored.wire();
    if (wire.length + (q.edns() ? OPT_LEN : 0) > limit(q, false)) {
      return false;
    }
    int base = out.writerIndex();
    out.writeBytes(wire);
    out.setShort(base, q.id());
    out.setByte(base + 2, (wire[2] & ~0x01) | (q.rd() ? 0x01 : 0));
    out.setByte(base + 3, (wire[3] & ~0x10) | (q.cd() ? 0x10 : 0));
    out.setBytes(
        base + WireQuery.HEADER, q.raw(), WireQuery.HEADER, q.questionEnd() - WireQuery.HEADER);
    int[] offsets = stored.ttlOffsets();
    int[] ttls = stored.ttls();
    long elapsed = elapsedSeconds(stored, now);
    for (int i = 0; i < offsets.length; i++) {
      out.setInt(base + offsets[i], (int) Math.max(0, ttls[i] - elapsed));
    }
    if (q.edns()) {
      int additional = (((wire[10] & 0xff) << 8) | (wire[11] & 0xff)) + 1;
      out.setShort(base + 10, additional);
      out.writeByte(0).writeShort(41).writeShort(MAX_UDP).writeInt(0).writeShort(0);
    }
    return true;
  }

  /** Writes {@code v} as an unsigned 32-bit big-endian number (a TTL) at {@code off}. */
  public static void writeU32(byte[] b, int off, long v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  private static long elapsedSeconds(StoredReply stored, long now) {
    return Math.max(0, (now - stored.storedAtMillis()) / 1000);
  }

  private static byte[] truncated(WireQuery q, byte flags2) {
    int questionEnd = q.questionEnd();
    byte[] out = new byte[questionEnd + (q.edns() ? OPT_LEN : 0)];
    System.arraycopy(q.raw(), 0, out, 0, questionEnd);
    out[2] = (byte) (0x80 | 0x02 | (q.rd() ? 0x01 : 0)); // QR, TC
    out[3] = (byte) ((flags2 & 0x8f) | (q.cd() ? 0x10 : 0));
    out[5] = 1;
    for (int i = 6; i < WireQuery.HEADER; i++) {
      out[i] = 0;
    }
    if (q.edns()) {
      appendOpt(out, questionEnd);
    }
    return out;
  }

  private static void appendOpt(byte[] out, int at) {
    int additional = ((out[10] & 0xff) << 8 | (out[11] & 0xff)) + 1;
    out[10] = (byte) (additional >>> 8);
    out[11] = (byte) additional;
    out[at] = 0; // root owner
    out[at + 1] = 0;
    out[at + 2] = 41;
    out[at + 3] = (byte) (MAX_UDP >>> 8);
    out[at + 4] = (byte) MAX_UDP;
    // extended rcode, version, flags and rdlength stay zero
  }
}
