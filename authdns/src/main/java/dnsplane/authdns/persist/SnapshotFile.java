package dnsplane.authdns.persist;

import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSnapshot;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
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
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
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

  /** Writes {@code zones} with {@code header} to {@code out} (buffered here; not closed). */
  public static void write(ZoneSet zones, Header header, OutputStream out) throws IOException {
    CRC32C crc = new CRC32C();
    CountingStream counted = new CountingStream(new BufferedOutputStream(out, 1 << 16));
    DataOutputStream data = new DataOutputStream(new CheckedOutputStream(counted, crc));
    data.write(MAGIC);
    data.writeLong(header.seq());
    data.writeLong(header.confirmedAt().toEpochMilli());
    data.writeUTF(header.database());
    data.writeInt(zones.zoneNames().size());
    for (Name origin : zones.zoneNames()) {
      ZoneSnapshot zone = zones.zone(origin).orElseThrow();
      writeName(data, origin);
      data.writeLong(zone.serial());
      // Two walks of the immutable snapshot, in the zone's own (hash) order, which reading does
      // not need sorted: the count comes first in the file, and a list of a million entries to
      // hold the first walk would be garbage the size of a zone per save.
      int[] rrsets = new int[1];
      zone.forEachNode((name, node) -> rrsets[0] += node.types().size());
      data.writeInt(rrsets[0]);
      try {
        zone.forEachNode(
            (name, node) -> {
              try {
                for (int type : node.types()) {
                  List<Record> records = node.rrset(type);
                  writeName(data, name);
                  data.writeShort(type);
                  data.writeInt(records.size());
                  for (Record r : records) {
                    byte[] wire = r.toWire(Section.ANSWER);
                    data.writeShort(wire.length);
                    data.write(wire);
                  }
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
    }
    data.writeInt(END);
    data.writeLong(counted.count - 4);
    data.flush();
    new DataOutputStream(counted).writeInt((int) crc.getValue());
    counted.flush();
  }

  /** Reads and checks a copy written by {@link #write}. */
  public static Contents read(InputStream in) throws IOException {
    CRC32C crc = new CRC32C();
    CountingInput counted = new CountingInput(new BufferedInputStream(in, 1 << 16));
    DataInputStream data = new DataInputStream(new CheckedInputStream(counted, crc));
    try {
      byte[] magic = new byte[MAGIC.length];
      data.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new CorruptSnapshotException("not a dnsplane snapshot (bad magic or format version)");
      }
      Header header =
          new Header(data.readLong(), Instant.ofEpochMilli(data.readLong()), data.readUTF());
      int zoneCount = data.readInt();
      // Each rrset goes into the snapshot as it is read: the file's records are never all held
      // twice, once as changes and once as the snapshot.
      ZoneSet.Builder zones = new ZoneSet.Builder();
      int rrsetCount = 0;
      for (int z = 0; z < zoneCount; z++) {
        Name origin = readName(data);
        long serial = data.readLong();
        zones.add(new ZoneChange.ZoneCreated(origin, serial));
        int rrsets = data.readInt();
        for (int i = 0; i < rrsets; i++) {
          byte[] nameWire = readNameWire(data);
          Name name = name(nameWire);
          int type = data.readUnsignedShort();
          int count = data.readInt();
          List<Record> records = new ArrayList<>(Math.min(count, 64));
          for (int k = 0; k < count; k++) {
            byte[] wire = new byte[data.readUnsignedShort()];
            data.readFully(wire);
            Record r = Record.fromWire(wire, Section.ANSWER);
            // The owner as written (same octets, same case) is the rrset's name: share that one
            // object, as a load from the database does, rather than keep a copy per record.
            if (Arrays.equals(wire, 0, nameWire.length, nameWire, 0, nameWire.length)) {
              r = r.withName(name);
            }
            records.add(r);
          }
          zones.add(new ZoneChange.RrsetReplaced(origin, name, type, records, serial));
          rrsetCount++;
        }
      }
      long before = counted.count;
      if (data.readInt() != END || data.readLong() != before) {
        throw new CorruptSnapshotException("bad end marker: truncated or corrupt");
      }
      long expected = crc.getValue();
      int stored = new DataInputStream(counted).readInt();
      if ((int) expected != stored) {
        throw new CorruptSnapshotException(
            String.format("checksum mismatch (stored %08x, computed %08x)", stored, expected));
      }
      if (counted.read() != -1) {
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

  private static void writeName(DataOutputStream data, Name name) throws IOException {
    DNSOutput out = new DNSOutput(64);
    name.toWire(out, null);
    byte[] wire = out.toByteArray();
    data.writeByte(wire.length);
    data.write(wire);
  }

  private static Name readName(DataInputStream data) throws IOException {
    return name(readNameWire(data));
  }

  private static byte[] readNameWire(DataInputStream data) throws IOException {
    byte[] wire = new byte[data.readUnsignedByte()];
    data.readFully(wire);
    return wire;
  }

  private static Name name(byte[] wire) throws IOException {
    Name name = new Name(new DNSInput(wire));
    if (!name.isAbsolute()) {
      throw new CorruptSnapshotException("relative name " + name);
    }
    return name;
  }

  /** Counts the bytes written through it (the trailer records the length). */
  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  /** Counts the bytes read through it. */
  private static final class CountingInput extends java.io.FilterInputStream {
    long count;

    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
