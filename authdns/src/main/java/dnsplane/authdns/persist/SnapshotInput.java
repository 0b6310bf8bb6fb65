package dnsplane.authdns.persist;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * A snapshot copy's fields ({@link SnapshotFile}), read from a buffer of its own: a restart reads a
 * million rrsets, and a stream of streams (data, checksum, count, buffer) costs a call chain and a
 * lock per field. Keeps the CRC-32C of every byte consumed, updated a buffer at a time.
 */
final class SnapshotInput {
  // Room for the largest field: a record's wire form, at most 255 + 10 + 65,535 octets.
  private final byte[] buf = new byte[1 << 17];
  private final InputStream in;
  private final CRC32C crc = new CRC32C();
  private int pos;
  private int limit;
  private int crcFrom;
  private long consumedBefore;

  SnapshotInput(InputStream in) {
    this.in = in;
  }

  /** Makes {@code n} bytes readable at {@code pos}; EOF when the file has fewer. */
  private void need(int n) throws IOException {
    if (limit - pos >= n) {
      return;
    }
    crc.update(buf, crcFrom, pos - crcFrom);
    consumedBefore += pos;
    System.arraycopy(buf, pos, buf, 0, limit - pos);
    limit -= pos;
    pos = 0;
    crcFrom = 0;
    while (limit < n) {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        throw new EOFException();
      }
      limit += r;
    }
  }

  int u8() throws IOException {
    need(1);
    return buf[pos++] & 0xff;
  }

  int u16() throws IOException {
    need(2);
    int v = (buf[pos] & 0xff) << 8 | buf[pos + 1] & 0xff;
    pos += 2;
    return v;
  }

  int i32() throws IOException {
    need(4);
    int v = i32At(pos);
    pos += 4;
    return v;
  }

  long i64() throws IOException {
    need(8);
    long v = (long) i32At(pos) << 32 | i32At(pos + 4) & 0xffffffffL;
    pos += 8;
    return v;
  }

  private int i32At(int at) {
    return (buf[at] & 0xff) << 24
        | (buf[at + 1] & 0xff) << 16
        | (buf[at + 2] & 0xff) << 8
        | buf[at + 3] & 0xff;
  }

  byte[] bytes(int n) throws IOException {
    need(n);
    byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  /** A string as {@link DataOutputStream#writeUTF} wrote it. */
  String utf() throws IOException {
    int n = u16();
    byte[] encoded = new byte[n + 2];
    encoded[0] = (byte) (n >>> 8);
    encoded[1] = (byte) n;
    need(n);
    System.arraycopy(buf, pos, encoded, 2, n);
    pos += n;
    return new DataInputStream(new java.io.ByteArrayInputStream(encoded)).readUTF();
  }

  /**
   * One record (u16 length, then its uncompressed wire form) of the rrset {@code name}, whose wire
   * form is {@code nameWire}. The owner as written (same octets, same case) is the rrset's name:
   * that one object is shared, as a load from the database does, rather than a copy kept per
   * record.
   */
  Record record(Name name, byte[] nameWire) throws IOException {
    int length = u16();
    need(length);
    int at = pos;
    pos += length;
    int owner = nameWire.length;
    // Anything unusual (another owner, a TTL above 2^31 - 1) takes dnsjava's own way.
    if (length < owner + 10
        || !Arrays.equals(buf, at, at + owner, nameWire, 0, owner)
        || (buf[at + owner + 4] & 0x80) != 0) {
      return Record.fromWire(Arrays.copyOfRange(buf, at, at + length), Section.ANSWER);
    }
    int fixed = at + owner;
    int type = (buf[fixed] & 0xff) << 8 | buf[fixed + 1] & 0xff;
    int dclass = (buf[fixed + 2] & 0xff) << 8 | buf[fixed + 3] & 0xff;
    long ttl = i32At(fixed + 4) & 0xffffffffL;
    int rdlength = (buf[fixed + 8] & 0xff) << 8 | buf[fixed + 9] & 0xff;
    if (rdlength != length - owner - 10) {
      throw new WireParseException("record length " + length + " and rdata length disagree");
    }
    byte[] rdata = Arrays.copyOfRange(buf, fixed + 10, fixed + 10 + rdlength);
    Record r = Record.newRecord(name, type, dclass, ttl, rdlength, rdata);
    if (r == null) {
      throw new WireParseException("unreadable " + Type.string(type) + " rdata of " + name);
    }
    return r;
  }

  /** Bytes consumed so far. */
  long position() {
    return consumedBefore + pos;
  }

  /** The CRC-32C of every byte consumed so far. */
  int crc() {
    crc.update(buf, crcFrom, pos - crcFrom);
    crcFrom = pos;
    return (int) crc.getValue();
  }

  /** Whether every byte has been consumed and the file has no more. */
  boolean atEnd() throws IOException {
    return pos == limit && in.read() == -1;
  }
}
