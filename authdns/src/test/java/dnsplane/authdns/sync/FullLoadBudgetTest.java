package dnsplane.authdns.sync;

import static dnsplane.db.testing.Sql.exec;
import static dnsplane.db.testing.Sql.lastSeq;
import static dnsplane.db.testing.Sql.longValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.store.ZoneImporter;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A full load holds to the most rrsets the heap can take ({@link
 * ChangeLogFollower#limitFullLoads}), against a real PostgreSQL: the first load of a database with
 * more serves nothing and says how far it read, then loads once the data fits; a reload that finds
 * more keeps the snapshot served before. Neither ends in an OutOfMemoryError.
 */
@RequiresPostgres
class FullLoadBudgetTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final Duration RETRY = Duration.ofMillis(100);

  @Test
  void aFirstLoadPastTheBudgetServesNothingThenLoadsOnceTheDataFits() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ChangeLogFollowerTest.ZONE_TEXT, null);
    long rrsets = longValue(db, "SELECT count(*) FROM rrset");
    SnapshotHolder holder = new SnapshotHolder();
    try (ChangeLogFollower f = RestoredSnapshotTest.follower(db, holder)) {
      f.limitFullLoads(rrsets - 1, RETRY);
      f.start();
      assertTrue(f.awaitLoadedOrRefused(DEADLINE));
      assertFalse(f.status().loaded(), "nothing of a load past the budget is served");
      assertEquals(rrsets, f.refusedAt(), "it stopped at the row past the budget");
      assertTrue(holder.get().zoneNames().isEmpty());

      exec(db, "DELETE FROM rrset WHERE name = 'old.example.org.'");
      assertTrue(f.awaitLoaded(DEADLINE), "tried again, and now it fits");
      assertEquals(-1, f.refusedAt());
      assertEquals(rrsets - 1, f.lastFullLoadRrsets());
      assertEquals(List.of("192.0.2.10"), RestoredSnapshotTest.served(holder, "www"));
      assertTrue(f.awaitSeq(lastSeq(db), DEADLINE));
    }
  }

  @Test
  void aReloadPastTheBudgetKeepsServingTheSnapshotBefore() throws Exception {
    TestDb mine = TestPostgres.freshDatabase();
    ZoneImporter.importText(mine.settings(), ChangeLogFollowerTest.ZONE_TEXT, null);
    SnapshotHolder first = new SnapshotHolder();
    ZoneSet copy;
    long seq;
    String from;
    try (ChangeLogFollower f = RestoredSnapshotTest.follower(mine, first)) {
      f.start();
      assertTrue(f.awaitSeq(lastSeq(mine), DEADLINE));
      copy = first.get();
      seq = f.status().appliedSeq();
      from = f.database();
    }
    // Another database, whose zone data has outgrown the budget: connecting to it reloads in full.
    TestDb other = TestPostgres.freshDatabase();
    ZoneImporter.importText(
        other.settings(),
        ChangeLogFollowerTest.ZONE_TEXT.replace("192.0.2.10", "192.0.2.88") + "more A 192.0.2.5\n",
        null);
    long rrsets = longValue(other, "SELECT count(*) FROM rrset");

    SnapshotHolder holder = new SnapshotHolder();
    try (ChangeLogFollower f = RestoredSnapshotTest.follower(other, holder)) {
      f.restore(copy, seq, Instant.EPOCH, from);
      f.limitFullLoads(rrsets - 1, RETRY);
      f.start();
      assertTrue(f.awaitLoadedOrRefused(DEADLINE));
      dnsplane.db.testing.Await.until("the reload refused", DEADLINE, () -> f.refusedAt() >= 0);
      assertEquals(rrsets, f.refusedAt());
      assertTrue(f.status().loaded());
      assertEquals(
          List.of("192.0.2.10"),
          RestoredSnapshotTest.served(holder, "www"),
          "the copy, still served");
      assertEquals(0, f.status().fullReloads());
    }
  }
}
