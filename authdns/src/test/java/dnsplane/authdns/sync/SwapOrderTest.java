package dnsplane.authdns.sync;

import static dnsplane.db.testing.Sql.exec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.authdns.store.ZoneImporter;
import dnsplane.authdns.zone.SnapshotHolder;
import dnsplane.authdns.zone.ZoneSet;
import dnsplane.db.DbBootstrap;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.db.testing.TestDb;
import dnsplane.db.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A {@code beforeSwap} listener (the IXFR journal) hears of every swap while the old snapshot is
 * still served, an {@code onSwap} listener (NOTIFY, the snapshot file) once the new one is: so no
 * client can be served a serial the journal has not recorded. When it could, a secondary that was
 * current with the journal but behind the snapshot got a whole-zone IXFR answer (Knot did).
 */
@RequiresPostgres
class SwapOrderTest {

  @Test
  void theJournalHearsOfASwapBeforeItIsServedAndNotifyAfter() throws Exception {
    TestDb db = TestPostgres.freshDatabase();
    ZoneImporter.importText(db.settings(), ChangeLogFollowerTest.ZONE_TEXT, null);
    SnapshotHolder holder = new SnapshotHolder();
    List<String> problems = new CopyOnWriteArrayList<>();
    List<Long> seen = new CopyOnWriteArrayList<>();
    try (ChangeLogFollower f =
        new ChangeLogFollower(
            () -> DbBootstrap.connect(db.settings()),
            holder,
            Clock.systemUTC(),
            FollowerOptions.defaults())) {
      f.beforeSwap(
          s -> {
            if (holder.get() != s.before()) {
              problems.add("before-swap listener called after the swap at " + s.seq());
            }
          });
      f.onSwap(
          s -> {
            ZoneSet served = holder.get();
            if (served != s.after()) {
              problems.add("swap listener called before the swap at " + s.seq());
            }
            seen.add(s.seq());
          });
      f.start();
      for (int i = 1; i <= 5; i++) {
        exec(
            db,
            "UPDATE rrset SET rdata = ?::text[] WHERE name = 'www.example.org.'",
            "{192.0.2." + (40 + i) + "}");
      }
      Await.until(
          "all swaps heard",
          Duration.ofSeconds(10),
          () -> seen.size() >= 2 && f.status().appliedSeq() == seen.get(seen.size() - 1));
    }
    assertTrue(problems.isEmpty(), problems.toString());
    assertTrue(seen.size() >= 2, "the full load and at least one incremental swap: " + seen);
    assertEquals(List.copyOf(seen), seen.stream().sorted().toList(), "in order");
  }
}
