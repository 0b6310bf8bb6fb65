package dnsplane.enactor.interleave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.enactor.rules.Mode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Interleavings of the real SQL, statement by statement, on separate PostgreSQL connections (see
 * {@link Scenario}): safe mode never breaks an invariant in any of them, and the same harness finds
 * the 2025 failure in legacy mode, so it is able to see one. The full-size run (10,000
 * interleavings) is {@code deploy/bench/interleavings.sh}; this one runs a smaller count ({@code
 * -Ddnsplane.interleavings=N} to change it).
 */
@RequiresPostgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InterleavingTest {

  private static final int COUNT = Integer.getInteger("dnsplane.interleavings", 150);
  private static final long SEED = Long.getLong("dnsplane.interleavings.seed", 20251020L);

  private Scenario scenario;

  @BeforeAll
  void database() throws Exception {
    scenario = new Scenario();
  }

  @AfterAll
  void close() throws Exception {
    scenario.close();
  }

  @Test
  void safeModeKeepsEveryInvariantInEveryInterleaving() throws Exception {
    List<String> broken = new ArrayList<>();
    long steps = 0;
    for (int i = 0; i < COUNT; i++) {
      Scheduler.Run run = scenario.run(SEED + i, Mode.SAFE);
      steps += run.steps();
      if (run.violated() || !run.failures().isEmpty()) {
        broken.add(
            "seed "
                + run.seed()
                + ": "
                + run.violation()
                + " "
                + run.failures()
                + scenario.diagnose()
                + "\n  schedule:\n  "
                + String.join("\n  ", run.schedule()));
      }
    }
    System.out.printf(
        "interleavings (safe): %d runs from seed %d, %d statements scheduled,"
            + " %d broke an invariant%n",
        COUNT, SEED, steps, broken.size());
    assertEquals(List.of(), broken);
  }

  /**
   * Safe cleanup's lock-then-recheck needs READ COMMITTED (a new snapshot per statement). A
   * connection that an earlier user left at REPEATABLE READ (PlanStore.load reads a plan in one
   * snapshot) once made cleanup delete a plan a write had just committed, whenever the pool did not
   * reset it. The protocol must not depend on the pool.
   */
  @Test
  void safeModeHoldsWhenThePoolHandsConnectionsBackAsTheyWereLeft() throws Exception {
    List<String> broken = new ArrayList<>();
    try (Scenario plainPool = new Scenario(false)) {
      for (int i = 0; i < COUNT / 2; i++) {
        Scheduler.Run run = plainPool.run(SEED + i, Mode.SAFE);
        if (run.violated()) {
          broken.add("seed " + run.seed() + ": " + run.violation());
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void theSameHarnessFindsAnEmptyFamilyOrARegressionInLegacyMode() throws Exception {
    Scheduler.Run found = null;
    int tried = 0;
    while (found == null && tried < 300) {
      Scheduler.Run run = scenario.runForSymptoms(SEED + tried++, Mode.LEGACY);
      if (run.violated()) {
        found = run;
      }
    }
    assertTrue(
        found != null, "no legacy interleaving of " + tried + " emptied a family or went back");
    System.out.printf(
        "interleavings (legacy): seed %d broke an invariant after %d tries: %s%n"
            + "  schedule:%n  %s%n",
        found.seed(), tried, found.violation(), String.join("\n  ", found.schedule()));
  }
}
