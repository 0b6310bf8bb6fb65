package dnsplane.authdns.sync;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.lastSeq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.store.ZoneImporter;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.db.DbBootstrap;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A follower started from a persisted copy resumes through the change log when the copy came from
 * the database it connects to, and reloads in full when it did not: rows after the copy's position
 * in another database's log are not changes to that copy.
 */
@RequiresPostgres
class RestoredSnapshotTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final Name ZONE = ChangeLogFollowerTest.ZONE;

  @Test
  void resumesAfterTheCopysPositionOnTheSameDatabase() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ChangeLogFollowerTest.ZONE_TEXT, null);
    Copy copy = copyOf(db);
    exec(
        db,
        "UPDATE rrset SET rdata = '{192.0.2.77}' WHERE name = 'www.example.org.' AND type = 'A'");

    SnapshotHolder holder = new SnapshotHolder();
    try (ChangeLogFollower f = follower(db, holder)) {
      f.restore(copy.zones(), copy.seq(), Instant.EPOCH, copy.database());
      assertTrue(f.status().restored());
      assertEquals(List.of("192.0.2.10"), served(holder, "www"), "the copy, before any connection");
      f.start();
      assertTrue(f.awaitSeq(lastSeq(db), DEADLINE));
      Await.until("confirmed", DEADLINE, () -> !f.status().restored());
      assertEquals(List.of("192.0.2.77"), served(holder, "www"));
      assertEquals(0, f.status().fullReloads(), "resumed through the change log");
    }
  }

  @Test
  void reloadsInFullWhenRetentionPrunedTheRowsAfterTheCopy() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ChangeLogFollowerTest.ZONE_TEXT, null);
    Copy copy = copyOf(db);
    for (int i = 0; i < 3; i++) {
      exec(
          db,
          "UPDATE rrset SET rdata = '{192.0.2."
              + (60 + i)
              + "}' WHERE name = 'www.example.org.' AND type = 'A'");
    }
    // What the planner's retention does to rows older than its limits: the ones right after the
    // copy's position are gone, the newest stays.
    exec(db, "DELETE FROM change_log WHERE seq < (SELECT last_seq FROM change_log_counter)");

    SnapshotHolder holder = new SnapshotHolder();
    try (ChangeLogFollower f = follower(db, holder)) {
      f.restore(copy.zones(), copy.seq(), Instant.EPOCH, copy.database());
      f.start();
      assertTrue(f.awaitSeq(lastSeq(db), DEADLINE));
      Await.until("confirmed", DEADLINE, () -> !f.status().restored());
      assertEquals(List.of("192.0.2.62"), served(holder, "www"));
      assertEquals(1, f.status().fullReloads(), "the log no longer reaches the copy: reload");
    }
  }

  @Test
  void reloadsInFullWhenTheCopyCameFromAnotherDatabase() throws Exception {
    TestDb mine = TestPostgres.freshDatabase();
    ZoneImporter.importText(mine.settings(), ChangeLogFollowerTest.ZONE_TEXT, null);
    Copy copy = copyOf(mine);
    TestDb other = TestPostgres.freshDatabase();
    ZoneImporter.importText(
        other.settings(),
        ChangeLogFollowerTest.ZONE_TEXT.replace("192.0.2.10", "192.0.2.88"),
        null);
    // The other database's counter is ahead of the copy's position: it looks like "more changes".
    for (int i = 0; i < 3; i++) {
      exec(other, "UPDATE rrset SET ttl = " + (60 + i) + " WHERE name = 'ns1.example.org.'");
    }
    assertTrue(lastSeq(other) > copy.seq());

    SnapshotHolder holder = new SnapshotHolder();
    try (ChangeLogFollower f = follower(other, holder)) {
      f.restore(copy.zones(), copy.seq(), Instant.EPOCH, copy.database());
      f.start();
      assertTrue(f.awaitSeq(lastSeq(other), DEADLINE));
      Await.until("confirmed", DEADLINE, () -> !f.status().restored());
      assertEquals(List.of("192.0.2.88"), served(holder, "www"));
      assertEquals(1, f.status().fullReloads());
      assertFalse(copy.database().equals(f.database()));
    }
  }

  private record Copy(ZoneSet zones, long seq, String database) {}

  /** What a persister would have saved: a follower's snapshot, position and database. */
  private static Copy copyOf(TestDb db) throws Exception {
    SnapshotHolder holder = new SnapshotHolder();
    try (ChangeLogFollower f = follower(db, holder)) {
      f.start();
      assertTrue(f.awaitSeq(lastSeq(db), DEADLINE));
      return new Copy(holder.get(), f.status().appliedSeq(), f.database());
    }
  }

  /** A follower of {@code db} with the default options (FullLoadBudgetTest too). */
  static ChangeLogFollower follower(TestDb db, SnapshotHolder holder) {
    return new ChangeLogFollower(
        () -> DbBootstrap.connect(db.settings()),
        holder,
        java.time.Clock.systemUTC(),
        FollowerOptions.defaults());
  }

  /** The addresses {@code holder} serves for {@code label} in the test zone. */
  static List<String> served(SnapshotHolder holder, String label) throws Exception {
    Name owner = Name.fromString(label, ZONE);
    return holder.get().records(ZONE).stream()
        .filter(r -> r.getName().equals(owner) && r.getType() == Type.A)
        .map(Record::rdataToString)
        .toList();
  }
}
