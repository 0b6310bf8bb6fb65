package dnsplane.authdns.persist;

import dnsplane.authdns.zone.ZoneSet;
import dnsplane.authdns.zone.ZoneSetBuilder;
import dnsplane.authdns.zone.ZoneSnapshot;
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
    private final SnapshotOutput counted;
    private final DataOutputStream data;
    private final int zones;
    private int zonesWritten;
    private long zoneRrsetsLeft;
    private long total;

    public Writer(Header header, int zones, OutputStream out) throws IOException {
      this.zones = zones;
      counted = new SnapshotOutput(out);
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
    SnapshotInput data = new SnapshotInput(in);
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
}
