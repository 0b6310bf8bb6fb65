package dnsplane.enactor.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.plan.PlanDeletes;
import dnsplane.db.plan.PlanLocks;
import dnsplane.db.rrset.ZoneIndex;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.store.PlanStore;
import dnsplane.enactor.store.RrsetStore;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Safe cleanup against a safe write of the same plan, on the real database, in both orders. Each
 * test holds one side's transaction open on its own connection and runs the other side's real code
 * on a thread; PostgreSQL itself says when that thread is blocked (pg_stat_activity), so the
 * interleaving is exact. The endpoints are unguarded: safe mode must not need the database guard.
 */
@RequiresPostgres
class CleanupWriteOrderTest {

  static final String X = "cloudfront.aws.test.";
  static final String Y = "dynamodb.us-east-1.aws.test.";

  @Test
  void safeCleanupWaitsForAnInFlightWriteOfThePlanAndThenKeepsIt() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Stack s = new Stack(List.of(X, Y), false);
        Connection writer = s.db.connect()) {
      long g1 = s.publish(Map.of(X, List.of("198.51.100.1")));
      s.publish(Map.of(Y, List.of("192.0.2.2")));
      List<PlanEntry> entries = new PlanStore(s.pool).load(g1).orElseThrow().entries();

      // A delayed safe enactor writes plan g1 to X, as RrsetWriter does (plan lock, then the
      // compare-and-set), and has not committed yet.
      writer.setAutoCommit(false);
      assertTrue(PlanLocks.lockForWrite(writer, g1));
      new RrsetStore()
          .write(
              writer,
              Mode.SAFE,
              EnactorDbTest.writes(Mode.SAFE, entries.toArray(PlanEntry[]::new)),
              ZoneIndex.load(writer));

      // Another enactor's safe cleanup (keep 1) sees g1 as old and, in its snapshot, unreferenced.
      Backends cleanupDb = new Backends(s.db);
      Cleaner cleaner = new Cleaner("az-b", cleanupDb, new PlanStore(cleanupDb));
      Future<Cleaner.Tally> cleanup = pool.submit(() -> cleaner.cleanup(Mode.SAFE, 1));
      Await.until(
          "cleanup blocks on a lock or finishes",
          () -> cleanupDb.blockedOnALock() || cleanup.isDone());
      String blockedIn = cleanupDb.blockedStatement();

      writer.commit();
      Cleaner.Tally t = cleanup.get(30, TimeUnit.SECONDS);
      assertTrue(
          s.planExists(g1),
          "safe cleanup deleted plan "
              + g1
              + " while a write of it was"
              + " in flight: "
              + X
              + " now points at a deleted plan ("
              + t
              + ")");
      assertTrue(
          blockedIn != null && blockedIn.contains("FOR UPDATE"),
          "cleanup must wait for the in-flight write on the plan row, not race it: " + blockedIn);
      assertEquals(1, t.keptReferenced(), t.toString());
      assertEquals(
          1,
          s.count(
              "SELECT count(*) FROM audit_log WHERE action ="
                  + " 'cleanup_keep_referenced' AND generation = "
                  + g1));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSafeWriteWaitsForAnInFlightCleanupAndSkipsThePlanItDeleted() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Stack s = new Stack(List.of(X, Y), false);
        Connection cleanup = s.db.connect()) {
      long g1 = s.publish(Map.of(X, List.of("198.51.100.1")));
      s.publish(Map.of(Y, List.of("192.0.2.2")));
      List<PlanEntry> entries = new PlanStore(s.pool).load(g1).orElseThrow().entries();
      ZoneIndex zones;
      try (Connection c = s.db.connect()) {
        zones = ZoneIndex.load(c);
      }

      // Cleanup deleted the unreferenced plan g1, as Cleaner does (lock, then delete in a new
      // statement), and has not committed yet.
      cleanup.setAutoCommit(false);
      assertEquals(List.of(g1), PlanLocks.lockForCleanup(cleanup, List.of(g1)));
      assertEquals(List.of(g1), PlanDeletes.deleteUnreferenced(cleanup, List.of(g1)));

      // A delayed safe enactor now writes plan g1 to X.
      Backends writerDb = new Backends(s.db);
      RrsetWriter writer = new RrsetWriter("az-a", writerDb, new Faults(), 1000);
      Future<RrsetWriter.Result> write = pool.submit(() -> writer.write(Mode.SAFE, entries, zones));
      Await.until(
          "the write blocks on a lock or finishes",
          () -> writerDb.blockedOnALock() || write.isDone());
      String blockedIn = writerDb.blockedStatement();

      cleanup.commit();
      RrsetWriter.Result r = write.get(30, TimeUnit.SECONDS);
      assertFalse(s.planExists(g1));
      assertNull(
          EnactorDbTest.rdata(s, X, "A"),
          X
              + " was written with plan "
              + g1
              + ", which cleanup had deleted: it points at a deleted plan ("
              + r.tally()
              + ")");
      assertTrue(
          blockedIn != null && blockedIn.contains("FOR KEY SHARE"),
          "the write must wait for the in-flight cleanup on the plan row, not race it: "
              + blockedIn);
      assertEquals(1, r.tally().stale(), r.tally().toString());
      assertEquals(1, s.audited("az-a", "stale_skip", X));
      assertTrue(EnactorDbTest.auditDetail(s, "stale_skip", X).contains("deleted"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void legacyCleanupDoesNotWaitAndDeletesAPlanBeingWrittenAsIn2025() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Stack s = new Stack(List.of(X, Y), false);
        Connection writer = s.db.connect()) {
      long g1 = s.publish(Map.of(X, List.of("198.51.100.1")));
      s.publish(Map.of(Y, List.of("192.0.2.2")));
      List<PlanEntry> entries = new PlanStore(s.pool).load(g1).orElseThrow().entries();

      // A delayed legacy enactor writes plan g1 to X (no plan lock) and has not committed yet.
      writer.setAutoCommit(false);
      new RrsetStore()
          .write(
              writer,
              Mode.LEGACY,
              EnactorDbTest.writes(Mode.LEGACY, entries.toArray(PlanEntry[]::new)),
              ZoneIndex.load(writer));

      Backends cleanupDb = new Backends(s.db);
      Cleaner cleaner = new Cleaner("az-b", cleanupDb, new PlanStore(cleanupDb));
      Future<Cleaner.Tally> cleanup = pool.submit(() -> cleaner.cleanup(Mode.LEGACY, 1));
      Cleaner.Tally t = cleanup.get(30, TimeUnit.SECONDS);
      assertFalse(cleanupDb.blockedOnALock());
      assertEquals(1, t.deleted(), "legacy deletes the old plan without waiting: " + t);
      writer.commit();
      assertFalse(s.planExists(g1));
      assertEquals(
          "{198.51.100.1}",
          EnactorDbTest.rdata(s, X, "A"),
          X + " now points at a deleted plan: the 2025 state legacy must still reach");
    } finally {
      pool.shutdownNow();
    }
  }
}
