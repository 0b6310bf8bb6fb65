package dnsplane.authdns.persist;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.lastSeq;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.AuthDns;
import dnsplane.authdns.store.ZoneImporter;
import dnsplane.authdns.testing.TestServers;
import dnsplane.authdns.testing.TestZones;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.checkpoint.Checkpoints;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written from the rows (what {@code zone import} does after a bulk import) holds
 * exactly the zones a full load of the same rows builds, and a server that starts empty serves it;
 * a row a full load would not serve whole, a database with no zone or a role without the right
 * stores nothing.
 */
@RequiresPostgres
class RowsCheckpointTest {

  // Two zones; rrsets of several records, an empty one (NODATA), names of several depths, rdata
  // that names others relative to the origin, a TXT with spaces.
  private static final String EXAMPLE_NET =
      """
      $ORIGIN example.net.
      $TTL 600
      @        SOA ns1.example.org. hostmaster 7 7200 3600 1209600 60
      @        NS  ns1.example.org.
      @        MX  10 mail
      @        MX  20 mail.backup.example.org.
      mail     A   192.0.2.25
      mail     AAAA 2001:db8::25
      a.b.c    TXT "one two" "three"
      multi    A   192.0.2.1
      multi    A   192.0.2.2
      multi    A   192.0.2.3
      alias    CNAME mail
      ;dnsplane-empty nothing.example.net. 300 A
      """;

  private TestDb db;

  @TempDir java.nio.file.Path tmp;

  @BeforeEach
  void twoZones() throws Exception {
    db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), TestZones.EXAMPLE_ORG, null);
    ZoneImporter.importText(db.settings(), EXAMPLE_NET, null);
  }

  private RowsCheckpoint.Outcome write(DbSettings as) throws Exception {
    try (Connection read = DbBootstrap.connect(as);
        Connection write = DbBootstrap.connect(as)) {
      return RowsCheckpoint.write(read, write, "test", CheckpointWriter.Policy.defaults());
    }
  }

  private static AuthDns start(TestDb db, PersistConfig.Checkpoints mode) throws Exception {
    return TestServers.withCheckpoints(db, mode);
  }

  /** The zones in their stored form, under one header: equal bytes are equal snapshots. */
  private static byte[] stored(ZoneSet zones) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotFile.write(zones, new SnapshotFile.Header(1, Instant.EPOCH, "x"), out);
    return out.toByteArray();
  }

  /** A small heap sorts in smaller runs: the run's last doubling must find its room in a row. */
  @Test
  void aSmallHeapSortsInRunsOfASixteenthOfIt() {
    assertEquals(16 << 20, RowsCheckpoint.runBytes(512L << 20), "the launcher's heap");
    assertEquals(16 << 20, RowsCheckpoint.runBytes(4L << 30));
    assertEquals(4 << 20, RowsCheckpoint.runBytes(64L << 20), "SmallHeapImportTest's heap");
    assertEquals(1 << 20, RowsCheckpoint.runBytes(8L << 20), "never below a megabyte");
  }

  @Test
  void holdsWhatAFullLoadBuildsAndAServerStartsFromIt() throws Exception {
    RowsCheckpoint.Written w = assertInstanceOf(RowsCheckpoint.Written.class, write(db.settings()));
    assertEquals(lastSeq(db), w.checkpoint().seq());
    assertEquals(longValue(db, "SELECT count(*) FROM rrset"), w.checkpoint().rrsets());
    byte[] fullLoad;
    try (AuthDns full = start(db, PersistConfig.Checkpoints.OFF)) {
      assertEquals(-1, full.startedFromCheckpoint());
      fullLoad = stored(full.snapshot().get());
    }
    try (AuthDns fresh = start(db, PersistConfig.Checkpoints.READ)) {
      assertEquals(w.checkpoint().seq(), fresh.startedFromCheckpoint());
      assertArrayEquals(fullLoad, stored(fresh.snapshot().get()));
    }
  }

  @Test
  void sortedInRunsOnDiskItIsInTrieOrderAndServedAsAFullLoadIs() throws Exception {
    // Enough names that the two zones' rrsets go through many runs of 200 octets.
    exec(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT z.id, 'h' || i ||"
            + " '.example.net.', 'A', 300, ARRAY['192.0.2.' || (i % 250 + 1)] FROM zone z,"
            + " generate_series(1, 3000) i WHERE z.name = 'example.net.'");
    RowsCheckpoint.Written w;
    try (Connection read = DbBootstrap.connect(db.settings());
        Connection write = DbBootstrap.connect(db.settings())) {
      w =
          assertInstanceOf(
              RowsCheckpoint.Written.class,
              RowsCheckpoint.write(
                  read, write, "test", CheckpointWriter.Policy.defaults(), 200, tmp));
    }
    try (java.util.stream.Stream<java.nio.file.Path> left = java.nio.file.Files.list(tmp)) {
      assertEquals(0, left.count(), "run files deleted");
    }
    byte[] stored;
    try (Connection c = DbBootstrap.connect(db.settings())) {
      stored = Checkpoints.read(c, w.checkpoint().id(), java.io.InputStream::readAllBytes);
    }
    assertEquals(List.of(4L, 3009L), inTrieOrder(stored), "rrsets per zone, each in trie order");
    byte[] fullLoad;
    try (AuthDns full = start(db, PersistConfig.Checkpoints.OFF)) {
      fullLoad = stored(full.snapshot().get());
    }
    try (AuthDns fresh = start(db, PersistConfig.Checkpoints.READ)) {
      assertEquals(w.checkpoint().seq(), fresh.startedFromCheckpoint());
      assertArrayEquals(fullLoad, stored(fresh.snapshot().get()));
    }
  }

  /**
   * Walks a stored copy (format in {@link SnapshotFile}) and checks each zone's rrsets come in its
   * trie's order: owner hash ascending, unsigned, each owner's rrsets together. Returns the rrsets
   * of each zone.
   */
  private static List<Long> inTrieOrder(byte[] copy) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(copy);
    b.position(8 + 8 + 8);
    b.position(b.position() + 2 + (b.getShort() & 0xffff)); // the database's name
    int zones = b.getInt();
    // Parsed by hand rather than by SnapshotFile.read, which accepts any order.
    List<Long> counts = new java.util.ArrayList<>();
    for (int z = 0; z < zones; z++) {
      b.position(b.position() + 1 + (b.get(b.position()) & 0xff) + 8); // origin, serial
      int rrsets = b.getInt();
      counts.add((long) rrsets);
      java.util.Set<String> done = new java.util.HashSet<>();
      String last = null;
      int lastHash = 0;
      for (int i = 0; i < rrsets; i++) {
        int nameLength = b.get() & 0xff;
        byte[] owner = new byte[nameLength];
        b.get(owner);
        int hash = dnsplane.authdns.zone.WireNames.hash(owner, 0, nameLength);
        String name = java.util.Arrays.toString(owner);
        if (!name.equals(last)) {
          assertTrue(last == null || Integer.compareUnsigned(lastHash, hash) < 0, "order at " + i);
          assertTrue(done.add(name), "an owner's rrsets together");
          last = name;
          lastHash = hash;
        }
        b.getShort(); // type
        int records = b.getInt();
        for (int r = 0; r < records; r++) {
          int length = b.getShort() & 0xffff;
          b.position(b.position() + length);
        }
      }
    }
    return counts;
  }

  @Test
  void writesNoneWhileTheNewestIsRecentEnough() throws Exception {
    assertInstanceOf(RowsCheckpoint.Written.class, write(db.settings()));
    RowsCheckpoint.Outcome again = write(db.settings());
    assertInstanceOf(RowsCheckpoint.NotWritten.class, again);
    assertTrue(again.describe().contains("recent enough"), again.describe());
    assertEquals(1, longValue(db, "SELECT count(*) FROM snapshot_checkpoint"));
  }

  @Test
  void aRowAFullLoadCannotServeWholeStoresNothing() throws Exception {
    exec(
        db,
        "INSERT INTO rrset (zone_id, name, type, ttl, rdata) SELECT id, 'bad.example.net.', 'MX',"
            + " 300, ARRAY['10 mail', 'not a preference'] FROM zone WHERE name = 'example.net.'");
    RowsCheckpoint.Outcome o = write(db.settings());
    assertInstanceOf(RowsCheckpoint.Refused.class, o);
    assertTrue(o.describe().contains("not a preference"), o.describe());
    assertEquals(0, longValue(db, "SELECT count(*) FROM snapshot_checkpoint"));
    assertEquals(0, longValue(db, "SELECT count(*) FROM snapshot_checkpoint_chunk"));
  }

  @Test
  void aDatabaseWithNoZoneGetsNone() throws Exception {
    TestDb empty = TestPostgres.freshDatabase();
    RowsCheckpoint.Outcome o = write(empty.settings());
    assertEquals(new RowsCheckpoint.NotWritten("the database has no zone"), o);
  }

  @Test
  void aRoleWithoutTheRightStoresNothingAndSaysWhy() throws Exception {
    exec(
        db,
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dnsplane_test_ro')"
            + " THEN CREATE ROLE dnsplane_test_ro LOGIN IN ROLE dnsplane_reader; END IF; END $$");
    RowsCheckpoint.Outcome o =
        write(new DbSettings(db.settings().jdbcUrl(), "dnsplane_test_ro", ""));
    assertInstanceOf(RowsCheckpoint.Refused.class, o);
    assertTrue(o.describe().contains("dnsplane_checkpoint_writer"), o.describe());
    assertEquals(0, longValue(db, "SELECT count(*) FROM snapshot_checkpoint"));
  }
}
