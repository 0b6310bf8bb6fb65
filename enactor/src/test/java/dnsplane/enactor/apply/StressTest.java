package dnsplane.enactor.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.db.testing.RequiresPostgres;
import dnsplane.enactor.rules.Mode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The randomized stress run, bounded for the build (longer: StressRun's main). */
@RequiresPostgres
class StressTest {

  @Test
  void safeHasZeroEmptyAnswersAndZeroRegressions() throws Exception {
    StressRun.Result r = StressRun.run(Mode.SAFE, 7, 300, Duration.ofSeconds(25));
    System.out.println(r);
    assertTrue(r.plans() >= 100, "too few plans to mean anything: " + r);
    assertTrue(r.answers() > 100, "the checkers barely ran: " + r);
    assertEquals(0, r.empty(), r.toString());
    assertEquals(0, r.regressions(), r.toString());
  }

  @Test
  void legacyIsCaughtByTheChecker() throws Exception {
    StressRun.Result r = StressRun.run(Mode.LEGACY, 7, 300, Duration.ofSeconds(20));
    System.out.println(r);
    assertTrue(r.empty() > 0, "legacy never served an empty answer: " + r);
  }
}
