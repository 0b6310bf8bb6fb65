package dnsplane.enactor.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dnsplane.db.rrset.ZoneIndex;
import dnsplane.db.testing.Await;
import dnsplane.db.testing.RequiresPostgres;
import dnsplane.enactor.rules.Mode;
import dnsplane.enactor.rules.PlanEntry;
import dnsplane.enactor.store.PlanStore;
import dnsplane.enactor.store.RrsetStore;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Operator repair on the real database. A safe enactor's repair is an ordinary safe write (the
 * compare-and-set and every rule); a legacy enactor's repair stays 2025's unconditional write.
 */
@RequiresPostgres
class RepairTest {

  static final String Y = "dynamodb.us-east-1.aws.test.";

  record Raced(ApplyReport report, String a, long newer) {}

  /**
   * Repair reads the newest plan (g2) and is held back just before its rrset write (the test holds
   * the change-log counter lock every rrset statement takes first); meanwhile the planner publishes
   * g3 and another enactor writes it; then repair goes on.
   */
  static Raced repairRacingANewerPlan(Mode mode) throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Stack s = new Stack(List.of(Y), false);
        Connection gate = s.db.connect()) {
      s.publish(Map.of(Y, List.of("192.0.2.1")));
      EnactorDbTest.enactor(s, "az-b", Mode.SAFE, 3).applyOnce();
      s.publish(Map.of(Y, List.of("192.0.2.2")));
      Backends repairDb = new Backends(s.db);
      Enactor a =
          new Enactor(
              new EnactorSettings("az-a", mode, 3, 1000, 5),
              repairDb,
              new Faults(),
              new EnactorMetrics(),
              null);

      gate.setAutoCommit(false);
      try (Statement st = gate.createStatement()) {
        st.execute("SELECT 1 FROM change_log_counter FOR UPDATE");
      }
      Future<ApplyReport> repair = pool.submit(() -> a.repair(Y));
      Await.until("repair blocks on its write", repairDb::blockedOnALock);

      long g3 = s.publish(Map.of(Y, List.of("192.0.2.3")));
      List<PlanEntry> newer = new PlanStore(s.pool).load(g3).orElseThrow().entries();
      new RrsetStore()
          .write(
              gate,
              Mode.SAFE,
              EnactorDbTest.writes(Mode.SAFE, newer.toArray(PlanEntry[]::new)),
              ZoneIndex.load(gate));
      gate.commit();
      ApplyReport r = repair.get(30, TimeUnit.SECONDS);
      return new Raced(r, EnactorDbTest.rdata(s, Y, "A"), g3);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void safeRepairThatLostTheRaceToANewerPlanDoesNotRollItBack() throws Exception {
    Raced r = repairRacingANewerPlan(Mode.SAFE);
    assertEquals(
        "{192.0.2.3}",
        r.a(),
        "the stale repair rolled "
            + Y
            + " back from plan "
            + r.newer()
            + " to the plan it had read ("
            + r.report().writes()
            + ")");
    assertEquals(1, r.report().writes().stale(), r.report().writes().toString());
    assertEquals(0, r.report().writes().written());
  }

  @Test
  void legacyRepairStillWritesUnconditionallyAsIn2025() throws Exception {
    Raced r = repairRacingANewerPlan(Mode.LEGACY);
    assertEquals("{192.0.2.2}", r.a(), "legacy repair overwrites whatever the rrset holds");
    assertEquals(1, r.report().writes().written());
  }

  @Test
  void safeRepairRefusesAnEmptyEntryWhereLegacyRepairWritesIt() throws Exception {
    try (Stack s = new Stack(List.of(Y), false)) {
      s.publish(Map.of(Y, List.of("192.0.2.1")));
      Enactor safe = EnactorDbTest.enactor(s, "az-a", Mode.SAFE, 3);
      safe.applyOnce();
      s.publish(Map.of(Y, List.of()));
      ApplyReport r = safe.repair(Y);
      assertEquals(
          "{192.0.2.1}",
          EnactorDbTest.rdata(s, Y, "A"),
          "safe repair emptied " + Y + " (" + r.writes() + ")");
      assertEquals(1, r.writes().rejectedEmpty());
      assertEquals(1, s.audited("az-a", "empty_rejected", Y));

      ApplyReport l = EnactorDbTest.enactor(s, "az-b", Mode.LEGACY, 3).repair(Y);
      assertEquals(1, l.writes().written());
      assertEquals("{}", EnactorDbTest.rdata(s, Y, "A"), "legacy repair is unconditional");
    }
  }
}
