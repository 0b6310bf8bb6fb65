package dnsplane.authdns.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.zone.ZoneChange;
import dnsplane.authdns.zone.ZoneSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class SnapshotFileTest {

  static final Name ORG = Name.fromConstantString("example.org.");
  static final Name NET = Name.fromConstantString("example.net.");
  static final SnapshotFile.Header HEADER =
      new SnapshotFile.Header(
          4711, Instant.parse("2026-11-29T06:00:00Z"), "7713471354607347831:16384");

  @TempDir Path dir;

  /** Two zones; an emptied rrset (NODATA); TXT with odd bytes; a zone created and not filled. */
  static ZoneSet zones() throws IOException {
    ZoneSet org =
        ZoneSet.fromMasterText(
            """
            $ORIGIN example.org.
            $TTL 300
            @      SOA ns1 hostmaster 1 7200 3600 1209600 60
            @      NS  ns1
            ns1    A   192.0.2.1
            www    A   192.0.2.10
            www    A   192.0.2.11
            www    AAAA 2001:db8::1
            Mixed  TXT "caf\\195\\169" "a\\"b"
            *.wild MX  10 mail
            """,
            ORG);
    return org.apply(
        List.of(
            new ZoneChange.RrsetReplaced(
                ORG, Name.fromConstantString("gone.example.org."), Type.A, List.of(), 9),
            new ZoneChange.ZoneCreated(NET, 3)));
  }

  static byte[] bytes(ZoneSet zones) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotFile.write(zones, HEADER, out);
    return out.toByteArray();
  }

  @Test
  void readsBackExactlyWhatWasServed() throws IOException {
    ZoneSet zones = zones();
    SnapshotFile.Contents back = SnapshotFile.read(new ByteArrayInputStream(bytes(zones)));
    assertEquals(HEADER, back.header());
    assertEquals(zones.zoneNames(), back.zones().zoneNames());
    for (Name z : zones.zoneNames()) {
      assertEquals(zones.serial(z), back.zones().serial(z), "serial of " + z);
      assertEquals(wire(zones.records(z)), wire(back.zones().records(z)), "records of " + z);
    }
    Name gone = Name.fromConstantString("gone.example.org.");
    assertEquals(
        List.of(),
        back.zones().zone(ORG).orElseThrow().node(gone).rrset(Type.A),
        "an emptied rrset stays: the name answers NODATA, not NXDOMAIN");
  }

  @Test
  void aRestoredRecordSharesItsOwnerNameWithItsNode() throws IOException {
    // One Name per owner, not one more per record: what a full load builds, a restore builds too.
    SnapshotFile.Contents back = SnapshotFile.read(new ByteArrayInputStream(bytes(zones())));
    int records = 0;
    for (Name origin : back.zones().zoneNames()) {
      for (var e : back.zones().zone(origin).orElseThrow().nodes()) {
        for (int type : e.getValue().types()) {
          if (type == Type.SOA) {
            continue; // restamped with the serial after the build: one per zone, not per name
          }
          // The node's key is the owner of the rrset read first; another rrset of the name shares
          // one owner among its records.
          Name owner = e.getValue().types().size() == 1 ? e.getKey() : null;
          for (Record r : e.getValue().rrset(type)) {
            owner = owner == null ? r.getName() : owner;
            assertTrue(r.getName() == owner, r + " has an owner of its own");
            records++;
          }
        }
      }
    }
    assertTrue(records >= 6, "the fixture's records were all looked at: " + records);
  }

  @Test
  void everyTruncationIsRefused() throws IOException {
    byte[] whole = bytes(zones());
    for (int len = 0; len < whole.length; len++) {
      byte[] cut = Arrays.copyOf(whole, len);
      assertThrows(
          SnapshotFile.CorruptSnapshotException.class,
          () -> SnapshotFile.read(new ByteArrayInputStream(cut)),
          "a copy cut at " + len + " of " + whole.length + " bytes");
    }
  }

  @Test
  void everyFlippedByteIsRefused() throws IOException {
    byte[] whole = bytes(zones());
    for (int i = 0; i < whole.length; i++) {
      byte[] bad = whole.clone();
      bad[i] ^= 0x01;
      assertThrows(
          SnapshotFile.CorruptSnapshotException.class,
          () -> SnapshotFile.read(new ByteArrayInputStream(bad)),
          "a bit flipped in byte " + i);
    }
  }

  /**
   * A copy whose checksum holds but which names an rrset outside its zone (a writer's bug, not a
   * disk's) is refused whole.
   */
  @Test
  void anRrsetOutsideItsZoneIsRefusedEvenWithAGoodChecksum() throws Exception {
    byte[] whole = bytes(zones());
    byte[] inOrg = Name.fromConstantString("www.example.org.").toWire();
    byte[] inNet = Name.fromConstantString("www.example.net.").toWire();
    int replaced = 0;
    for (int i = 0; i + inOrg.length <= whole.length; i++) {
      if (Arrays.equals(whole, i, i + inOrg.length, inOrg, 0, inOrg.length)) {
        System.arraycopy(inNet, 0, whole, i, inNet.length); // owners and records alike
        replaced++;
      }
    }
    assertTrue(replaced >= 2, "the rrset's owner and its records' owners");
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(whole, 0, whole.length - 4);
    java.nio.ByteBuffer.wrap(whole).putInt(whole.length - 4, (int) crc.getValue());
    SnapshotFile.CorruptSnapshotException e =
        assertThrows(
            SnapshotFile.CorruptSnapshotException.class,
            () -> SnapshotFile.read(new ByteArrayInputStream(whole)));
    assertTrue(e.getMessage().contains("is not in zone"), e.getMessage());
  }

  @Test
  void aCopyLargerThanTheReadBufferReadsBackThroughAStreamOfSmallReads() throws IOException {
    // ~40 bytes a name: several times the reader's 128 KiB buffer, so fields straddle refills,
    // and a stream that hands over at most 7 bytes a call splits every one of them somewhere.
    StringBuilder text = new StringBuilder("$ORIGIN big.test.\n$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n");
    for (int i = 0; i < 20_000; i++) {
      text.append("name-").append(i).append(" A 192.0.2.").append(i % 250 + 1).append('\n');
    }
    Name big = Name.fromConstantString("big.test.");
    ZoneSet zones = ZoneSet.fromMasterText(text.toString(), big);
    byte[] whole = bytes(zones);
    assertTrue(whole.length > 4 * (1 << 17), "bigger than the buffer: " + whole.length);
    InputStream trickle =
        new java.io.FilterInputStream(new ByteArrayInputStream(whole)) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 7));
          }
        };
    SnapshotFile.Contents back = SnapshotFile.read(trickle);
    assertEquals(20_001, back.rrsets());
    assertEquals(wire(zones.records(big)), wire(back.zones().records(big)));
  }

  @Test
  void anRrsetIsStoredAsItsOwnerAndEachRecordsWireFormAsDnsjavaWritesThem() throws IOException {
    // The plain-rdata types are built from the owner's bytes; every type must come out as
    // Record.toWire wrote it, the owner's spelling and a record spelled otherwise included.
    Name name = Name.fromConstantString("MiXed.Example.org.");
    Name other = Name.fromConstantString("mixed.example.ORG.");
    List<List<Record>> rrsets =
        List.of(
            List.of(
                Record.fromString(name, Type.A, DClass.IN, 60, "192.0.2.7", ORG),
                Record.fromString(other, Type.A, DClass.IN, 60, "192.0.2.8", ORG)),
            List.of(Record.fromString(name, Type.AAAA, DClass.IN, 3600, "2001:db8::1", ORG)),
            List.of(
                Record.fromString(
                    name, Type.TXT, DClass.IN, 5, "\"caf\\195\\169\" \"A,b \\\"C\"", ORG)),
            List.of(Record.fromString(name, Type.MX, DClass.IN, 60, "10 Mail.Example.org.", ORG)),
            List.of(Record.fromString(name, Type.CNAME, DClass.IN, 60, "Target.Example.NET.", ORG)),
            List.of());
    for (List<Record> records : rrsets) {
      int type = records.isEmpty() ? Type.A : records.get(0).getType();
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      java.io.DataOutputStream e = new java.io.DataOutputStream(expected);
      byte[] owner = name.toWire();
      e.writeByte(owner.length);
      e.write(owner);
      e.writeShort(type);
      e.writeInt(records.size());
      for (Record r : records) {
        byte[] wire = r.toWire(org.xbill.DNS.Section.ANSWER);
        e.writeShort(wire.length);
        e.write(wire);
      }
      ByteArrayOutputStream actual = new ByteArrayOutputStream();
      SnapshotFile.encodeRrset(name, type, records, new java.io.DataOutputStream(actual));
      assertEquals(
          Arrays.toString(expected.toByteArray()),
          Arrays.toString(actual.toByteArray()),
          Type.string(type) + " " + records);
    }
  }

  @Test
  void aRecordWhoseOwnerIsSpelledOtherwiseKeepsItsSpelling() throws IOException {
    Name name = Name.fromConstantString("case.example.org.");
    Name shouted = Name.fromConstantString("CASE.example.org.");
    ZoneSet zones =
        zones()
            .apply(
                List.of(
                    new ZoneChange.RrsetReplaced(
                        ORG,
                        name,
                        Type.A,
                        List.of(
                            new ARecord(name, DClass.IN, 60, InetAddress.getByName("192.0.2.7")),
                            new ARecord(
                                shouted, DClass.IN, 60, InetAddress.getByName("192.0.2.8"))),
                        11)));
    SnapshotFile.Contents back = SnapshotFile.read(new ByteArrayInputStream(bytes(zones)));
    List<Record> rrset = back.zones().zone(ORG).orElseThrow().node(name).rrset(Type.A);
    assertEquals(
        List.of("case.example.org.", "CASE.example.org."),
        rrset.stream().map(r -> r.getName().toString()).toList());
    assertEquals(wire(zones.records(ORG)), wire(back.zones().records(ORG)));
  }

  @Test
  void bytesAfterTheChecksumAreRefused() throws IOException {
    byte[] whole = bytes(zones());
    byte[] longer = Arrays.copyOf(whole, whole.length + 1);
    assertThrows(
        SnapshotFile.CorruptSnapshotException.class,
        () -> SnapshotFile.read(new ByteArrayInputStream(longer)));
  }

  @Test
  void theStoreFallsBackToThePreviousCopyAndRemovesUnfinishedSaves() throws IOException {
    SnapshotStore store = SnapshotStore.open(dir);
    ZoneSet first = zones();
    store.save(first, HEADER);
    ZoneSet second =
        first.apply(
            List.of(
                new ZoneChange.RrsetRemoved(
                    ORG, Name.fromConstantString("www.example.org."), Type.A, 10)));
    store.save(second, new SnapshotFile.Header(4712, HEADER.confirmedAt(), HEADER.database()));
    assertEquals(4712, store.load().orElseThrow().contents().header().seq());

    Path current = dir.resolve(SnapshotStore.CURRENT);
    byte[] b = Files.readAllBytes(current);
    Files.write(current, Arrays.copyOf(b, b.length - 3));
    SnapshotStore.Loaded loaded = store.load().orElseThrow();
    assertEquals(dir.resolve(SnapshotStore.PREVIOUS), loaded.path());
    assertEquals(4711, loaded.contents().header().seq());

    Files.write(dir.resolve(SnapshotStore.PREVIOUS), new byte[] {'D', 'P'});
    assertTrue(store.load().isEmpty(), "no whole copy: nothing at all is served from disk");

    Path unfinished = dir.resolve("authdns-snapshot.123.tmp");
    Files.write(unfinished, new byte[] {1, 2, 3});
    SnapshotStore.open(dir);
    assertTrue(Files.notExists(unfinished));
  }

  static List<String> wire(List<Record> records) {
    return records.stream().map(r -> Arrays.toString(r.toWireCanonical()) + r.getTTL()).toList();
  }
}
