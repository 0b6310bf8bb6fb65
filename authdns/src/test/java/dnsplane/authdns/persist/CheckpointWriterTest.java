package dnsplane.authdns.persist;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.lastSeq;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.store.ZoneImporter;
import dnsplane.authdns.sync.ChangeLogFollower;
import dnsplane.authdns.sync.FollowerOptions;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.db.DbBootstrap;
import dnsplane.db.DbSettings;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A server's checkpoints against a real PostgreSQL: written once the snapshot is loaded, again once
 * enough has changed, never while an rrset is rejected, and not at all by a role without the right
 * (which still reads them).
 */
@RequiresPostgres
class CheckpointWriterTest {

  static final String ZONE = dnsplane.authdns.testing.TestZones.EXAMPLE_ORG;
  private static final Name ORIGIN = Name.fromConstantString("example.org.");
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  // Every second change is due, with no wait between writes: a test sees each step at once.
  private static final CheckpointWriter.Policy EAGER =
      new CheckpointWriter.Policy(Duration.ZERO, 2, 1_000_000, 2);

  private ChangeLogFollower follower;
  private CheckpointWriter writer;

  @AfterEach
  void stop() {
    if (writer != null) {
      writer.close();
    }
    if (follower != null) {
      follower.close();
    }
  }

  private void start(TestDb db, DbSettings writeAs) {
    follower =
        new ChangeLogFollower(
            () -> DbBootstrap.connect(db.settings()),
            new SnapshotHolder(),
            Clock.systemUTC(),
            FollowerOptions.defaults());
    writer =
        new CheckpointWriter(
            () -> DbBootstrap.connect(writeAs), EAGER, follower::status, follower::database, "t");
    follower.onSwap(writer);
    follower.start();
    writer.start();
  }

  /** The addresses of {@code label} in the newest checkpoint, read as a starting server would. */
  private static List<String> inNewestCheckpoint(TestDb db, String label) throws Exception {
    try (Connection c = DbBootstrap.connect(db.settings())) {
      String id = dnsplane.db.changelog.ChangeLogReader.databaseIdentity(c);
      Optional<dnsplane.authdns.sync.CheckpointSource.Copy> copy =
          new CheckpointReader().read(c, id, lastSeq(db), Long.MAX_VALUE);
      Name owner = Name.fromString(label, ORIGIN);
      return copy.orElseThrow().zones().records(ORIGIN).stream()
          .filter(r -> r.getName().equals(owner) && r.getType() == Type.A)
          .map(Record::rdataToString)
          .toList();
    }
  }

  private static long checkpoints(TestDb db) throws Exception {
    return longValue(db, "SELECT count(*) FROM snapshot_checkpoint");
  }

  @Test
  void aFirstCheckpointAfterTheLoadThenAnotherOnceEnoughHasChanged() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE, null);
    start(db, db.settings());
    Await.until("a first checkpoint", DEADLINE, () -> checkpoints(db) == 1);
    assertEquals(lastSeq(db), longValue(db, "SELECT seq FROM snapshot_checkpoint"));
    assertEquals(List.of("192.0.2.10"), inNewestCheckpoint(db, "www"));

    exec(db, "UPDATE rrset SET rdata = ARRAY['192.0.2.20'] WHERE name = 'www.example.org.'");
    assertTrue(follower.awaitSeq(lastSeq(db), DEADLINE));
    assertEquals(1, checkpoints(db), "one change is not enough for this policy");
    exec(db, "UPDATE rrset SET rdata = ARRAY['192.0.2.21'] WHERE name = 'www.example.org.'");
    Await.until("a second checkpoint", DEADLINE, () -> checkpoints(db) == 2);
    assertEquals(lastSeq(db), longValue(db, "SELECT max(seq) FROM snapshot_checkpoint"));
    assertEquals(List.of("192.0.2.21"), inNewestCheckpoint(db, "www"));
    assertEquals(2, writer.stats().writes());
    assertEquals(0, writer.stats().failures());
  }

  @Test
  void aDatabaseWithNoZoneGetsNoCheckpointUntilItHasOne() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    start(db, db.settings());
    assertTrue(follower.awaitLoaded(DEADLINE));
    ZoneImporter.importText(db.settings(), ZONE, null);
    Await.until("a checkpoint of the zone", DEADLINE, () -> checkpoints(db) == 1);
    assertEquals(List.of("192.0.2.10"), inNewestCheckpoint(db, "www"));
    assertEquals(
        1, longValue(db, "SELECT count(*) FROM snapshot_checkpoint WHERE seq > 0"), "none at 0");
  }

  @Test
  void noCheckpointWhileAnRrsetIsRejected() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    // Without V9's address CHECK, bad rdata can reach the table, as from an older writer.
    exec(db, "ALTER TABLE rrset DROP CONSTRAINT IF EXISTS rrset_address_rdata_valid");
    ZoneImporter.importText(db.settings(), ZONE, null);
    exec(db, "UPDATE rrset SET rdata = ARRAY['192.0.2.300'] WHERE name = 'www.example.org.'");
    start(db, db.settings());
    Await.until("the writer looked", DEADLINE, () -> writer.stats().declined() >= 1);
    assertEquals(0, checkpoints(db), "a start from it would not raise the rejection");

    exec(db, "UPDATE rrset SET rdata = ARRAY['192.0.2.30'] WHERE name = 'www.example.org.'");
    Await.until("a checkpoint once it is cleared", DEADLINE, () -> checkpoints(db) == 1);
    assertEquals(List.of("192.0.2.30"), inNewestCheckpoint(db, "www"));
  }

  @Test
  void aRoleWithoutTheRightWritesNoneAndSaysSoWithoutFailing() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ZONE, null);
    // Roles belong to the cluster: made once, in the group V6 grants serving's read rights to.
    exec(
        db,
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dnsplane_test_ro')"
            + " THEN CREATE ROLE dnsplane_test_ro LOGIN IN ROLE dnsplane_reader; END IF; END $$");
    DbSettings readOnly = new DbSettings(db.settings().jdbcUrl(), "dnsplane_test_ro", "");
    start(db, readOnly);
    Await.until("the writer was refused", DEADLINE, () -> writer.stats().declined() >= 1);
    assertEquals(0, checkpoints(db));
    assertEquals(0, writer.stats().failures(), "not a failure: a role without the right");
    assertTrue(follower.status().loaded());
  }
}
