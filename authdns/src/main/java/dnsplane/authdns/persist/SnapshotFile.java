package dnsplane.authdns.persist;

import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSetBuilder;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * SnapshotFile is the on-disk form of a served {@link ZoneSet}: every zone with its serial and
 * every rrset (empty ones too: they are NODATA on the wire), the change-log position it holds, when
 * it was last confirmed current and which database it came from. Records are in DNS wire form, so a
 * copy reads back exactly as it was served.
 *
 * <pre>
 *   "DPSNAP" 0x00 0x01            magic and format version 1
 *   u64 seq, i64 confirmedAtMillis, UTF database
 *   u32 zones; per zone: name, u64 serial, u32 rrsets;
 *     per rrset: name, u16 type, u32 records; per record: u16 length, wire (uncompressed)
 *   "END!", u64 length of everything before "END!", u32 CRC-32C of everything before the CRC
 * </pre>
 *
 * <p>Nothing read is served before the trailer checks out: a truncated or corrupt copy is refused
 * whole ({@link CorruptSnapshotException}), never served in part.
 */
public final class SnapshotFile {

  private static final byte[] MAGIC = {'D', 'P', 'S', 'N', 'A', 'P', 0, 1};
  private static final int END = 0x454e4421; // "END!"

  /** What a copy holds besides the zones. */
  public record Header(long seq, Instant confirmedAt, String database) {
    public Header {
      database = database == null ? "" : database;
    }
  }

  /** A copy read back and checked. */
  public record Contents(Header header, ZoneSet zones, int rrsets) {}

  /** The copy is not a whole, intact snapshot; nothing of it may be served. */
  public static final class CorruptSnapshotException extends IOException {
    CorruptSnapshotException(String message) {
      super(message);
    }

    CorruptSnapshotException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private SnapshotFile() {}

  /**
   * Writes {@code zones} with {@code header} to {@code out} (buffered here; not closed); returns
   * the rrsets written.
   */
  public static long write(ZoneSet zones, Header header, OutputStream out) throws IOException {
    Writer w = new Writer(header, zones.zoneCount(), out);
    for (Name origin : zones.zoneNames()) {
      ZoneSnapshot zone = zones.zone(origin).orElseThrow();
      // Two walks of the immutable snapshot, in the zone's own (hash) order, which reading does
      // not need sorted: the count comes first in the file, and a list of a million entries to
      // hold the first walk would be garbage the size of a zone per save.
      int[] rrsets = new int[1];
      zone.forEachNode((name, node) -> rrsets[0] += node.types().size());
      w.zone(origin, zone.serial(), rrsets[0]);
      try {
        zone.forEachNode(
            (name, node) -> {
              try {
                for (int type : node.types()) {
                  w.rrset(name, type, node.rrset(type));
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
    }
    return w.finish();
  }

  /**
   * Writes a copy as its parts come, holding none of them: the header, then each zone with its
   * rrset count, then that many rrsets, then {@link #finish}. A zone given fewer or more rrsets
   * than it declared, or fewer zones than declared, is an {@link IllegalStateException}: such a
   * copy would be refused when read, so it is never finished.
   */
  public static final class Writer {
    private final ChecksummedBuffer counted;
    private final DataOutputStream data;
    private final int zones;
    private int zonesWritten;
    private long zoneRrsetsLeft;
    private long total;

    public Writer(Header header, int zones, OutputStream out) throws IOException {
      this.zones = zones;
      counted = new ChecksummedBuffer(out);
      data = new DataOutputStream(counted);
      data.write(MAGIC);
      data.writeLong(header.seq());
      data.writeLong(header.confirmedAt().toEpochMilli());
      data.writeUTF(header.database());
      data.writeInt(zones);
    }

    /** Starts zone {@code origin} at {@code serial}, which {@code rrsets} rrsets follow. */
    public void zone(Name origin, long serial, long rrsets) throws IOException {
      if (zoneRrsetsLeft != 0 || zonesWritten == zones || rrsets > Integer.MAX_VALUE) {
        throw new IllegalStateException(
            "zone " + origin + " cannot start: " + zoneRrsetsLeft + " rrsets of the last one due");
      }
      zonesWritten++;
      zoneRrsetsLeft = rrsets;
      writeName(data, origin);
      data.writeLong(serial);
      data.writeInt((int) rrsets);
    }

    /** One rrset (empty: no records) of the zone last started. */
    public void rrset(Name name, int type, List<Record> records) throws IOException {
      counted(name);
      encodeRrset(name, type, records, data);
    }

    /** One rrset of the zone last started, as {@link #encodeRrset} wrote it. */
    void encoded(byte[] rrset, int offset, int length) throws IOException {
      counted(null);
      data.write(rrset, offset, length);
    }

    private void counted(Name name) {
      if (zoneRrsetsLeft-- <= 0) {
        throw new IllegalStateException(
            "rrset " + (name == null ? "" : name + " ") + "past its zone's declared count");
      }
      total++;
    }

    /** Writes the trailer and flushes; returns the rrsets written. */
    public long finish() throws IOException {
      if (zoneRrsetsLeft != 0 || zonesWritten != zones) {
        throw new IllegalStateException(
            "copy ends with "
                + zoneRrsetsLeft
                + " rrsets of a zone and "
                + (zones - zonesWritten)
                + " zones not written");
      }
      data.writeInt(END);
      data.writeLong(counted.count() - 4);
      data.flush();
      counted.finish();
      return total;
    }
  }

  /** Reads and checks a copy written by {@link #write}. */
  public static Contents read(InputStream in) throws IOException {
    FileInput data = new FileInput(in);
    try {
      if (!Arrays.equals(data.bytes(MAGIC.length), MAGIC)) {
        throw new CorruptSnapshotException("not a dnsplane snapshot (bad magic or format version)");
      }
      Header header = new Header(data.i64(), Instant.ofEpochMilli(data.i64()), data.utf());
      int zoneCount = data.i32();
      // Each rrset goes into the snapshot as it is read: the file's records are never all held
      // twice, once as changes and once as the snapshot.
      ZoneSetBuilder zones = new ZoneSetBuilder();
      int rrsetCount = 0;
      for (int z = 0; z < zoneCount; z++) {
        Name origin = name(data.bytes(data.u8()));
        long serial = data.i64();
        int rrsets = data.i32();
        // Written in the zone's own order: straight into the arrays its trie is built from.
        ZoneSetBuilder.Ordered zone = zones.ordered(origin, serial, rrsets);
        for (int i = 0; i < rrsets; i++) {
          byte[] nameWire = data.bytes(data.u8());
          Name name = name(nameWire);
          int type = data.u16();
          int count = data.i32();
          List<Record> records;
          if (count == 1) {
            records = List.of(data.record(name, nameWire));
          } else {
            records = new ArrayList<>(Math.min(count, 64));
            for (int k = 0; k < count; k++) {
              records.add(data.record(name, nameWire));
            }
          }
          zone.add(name, nameWire, type, records);
          rrsetCount++;
        }
        zone.done();
      }
      long before = data.position();
      if (data.i32() != END || data.i64() != before) {
        throw new CorruptSnapshotException("bad end marker: truncated or corrupt");
      }
      int expected = data.crc();
      int stored = data.i32();
      if (expected != stored) {
        throw new CorruptSnapshotException(
            String.format("checksum mismatch (stored %08x, computed %08x)", stored, expected));
      }
      if (!data.atEnd()) {
        throw new CorruptSnapshotException("data after the checksum");
      }
      return new Contents(header, zones.build(), rrsetCount);
    } catch (EOFException e) {
      throw new CorruptSnapshotException("truncated", e);
    } catch (WireParseException | java.io.UTFDataFormatException | IllegalArgumentException e) {
      // A damaged header string is as unreadable as a damaged record (whether a flipped bit
      // shows as bad UTF-8 depends on the bytes that follow it).
      throw new CorruptSnapshotException("unreadable: " + e.getMessage(), e);
    }
  }

  /**
   * One rrset in the form a copy stores it: owner (length octet, uncompressed wire octets), type,
   * record count, then each record's length and uncompressed wire form.
   */
  static void encodeRrset(Name name, int type, List<Record> records, DataOutput data)
      throws IOException {
    byte[] owner = wire(name);
    data.writeByte(owner.length);
    data.write(owner);
    data.writeShort(type);
    data.writeInt(records.size());
    for (Record r : records) {
      if (NO_NAMES_IN_RDATA.contains(r.getType())) {
        // Record.toWire's bytes, built from the owner's already at hand: a save writes a million
        // records, and toWire renders each owner afresh (with a Name object per label).
        byte[] recordOwner = r.getName() == name ? owner : wire(r.getName());
        byte[] rdata = r.rdataToWireCanonical(); // no names in it: canonical is plain
        data.writeShort(recordOwner.length + 10 + rdata.length);
        data.write(recordOwner);
        data.writeShort(r.getType());
        data.writeShort(r.getDClass());
        data.writeInt((int) r.getTTL());
        data.writeShort(rdata.length);
        data.write(rdata);
      } else {
        byte[] wire = r.toWire(Section.ANSWER);
        data.writeShort(wire.length);
        data.write(wire);
      }
    }
  }

  /** Types whose rdata holds no domain name, so that its canonical form is its plain one. */
  private static final java.util.Set<Integer> NO_NAMES_IN_RDATA =
      java.util.Set.of(Type.A, Type.AAAA, Type.TXT);

  private static void writeName(DataOutput data, Name name) throws IOException {
    byte[] wire = wire(name);
    data.writeByte(wire.length);
    data.write(wire);
  }

  /** {@code name}'s uncompressed wire form, as {@code Name.toWire()} gives it, label by label. */
  private static byte[] wire(Name name) {
    byte[] wire = new byte[name.length()];
    int at = 0;
    for (int i = 0; i < name.labels(); i++) {
      byte[] label = name.getLabel(i); // with its length octet; the root's is the final 0
      System.arraycopy(label, 0, wire, at, label.length);
      at += label.length;
    }
    return wire;
  }

  private static Name name(byte[] wire) throws IOException {
    Name name = new Name(new DNSInput(wire));
    if (!name.isAbsolute()) {
      throw new CorruptSnapshotException("relative name " + name);
    }
    return name;
  }

  /**
   * The writing side of {@link FileInput}: a buffer of its own, its CRC-32C updated and its bytes
   * counted a buffer at a time. A save writes a million rrsets in a few small fields each, and the
   * stream of streams it replaced (checksum, count, buffer) cost a call chain, a checksum update
   * and a lock per byte.
   */
  private static final class ChecksummedBuffer extends OutputStream {
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private final CRC32C crc = new CRC32C();
    private int pos;
    private long drained;

    ChecksummedBuffer(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      if (pos == buf.length) {
        drain();
      }
      buf[pos++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (pos == buf.length) {
          drain();
        }
        int n = Math.min(len, buf.length - pos);
        System.arraycopy(b, off, buf, pos, n);
        pos += n;
        off += n;
        len -= n;
      }
    }

    /** Bytes written so far. */
    long count() {
      return drained + pos;
    }

    @Override
    public void flush() throws IOException {
      drain();
      out.flush();
    }

    /** Writes the CRC-32C of everything written before it, outside the checksum, and flushes. */
    void finish() throws IOException {
      drain();
      int value = (int) crc.getValue();
      out.write(
          new byte[] {
            (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
          });
      out.flush();
    }

    private void drain() throws IOException {
      if (pos > 0) {
        crc.update(buf, 0, pos);
        out.write(buf, 0, pos);
        drained += pos;
        pos = 0;
      }
    }
  }

  /**
   * The file's fields, read from a buffer of its own: a restart reads a million rrsets, and a
   * stream of streams (data, checksum, count, buffer) costs a call chain and a lock per field.
   * Keeps the CRC-32C of every byte consumed, updated a buffer at a time.
   */
  private static final class FileInput {
    // Room for the largest field: a record's wire form, at most 255 + 10 + 65,535 octets.
    private final byte[] buf = new byte[1 << 17];
    private final InputStream in;
    private final CRC32C crc = new CRC32C();
    private int pos;
    private int limit;
    private int crcFrom;
    private long consumedBefore;

    FileInput(InputStream in) {
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
     * One record (u16 length, then its uncompressed wire form) of the rrset {@code name}, whose
     * wire form is {@code nameWire}. The owner as written (same octets, same case) is the rrset's
     * name: that one object is shared, as a load from the database does, rather than a copy kept
     * per record.
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
}
