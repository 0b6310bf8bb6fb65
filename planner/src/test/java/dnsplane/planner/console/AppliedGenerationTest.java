package dnsplane.planner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** What the console shows as an enactor's applied generation for one endpoint. */
class AppliedGenerationTest {

  @Test
  void itsOwnWriteWhenNothingNewerHappened() {
    assertEquals(5L, ConsoleService.appliedGeneration(5L, 5L, 5L));
    assertEquals(5L, ConsoleService.appliedGeneration(5L, null, null));
  }

  @Test
  void anUnchangedEntryCountsOnceTheEnactorWentThroughItsPlan() {
    // az-b wrote 12 first; az-c went through plan 12 and found the rrsets holding it.
    assertEquals(12L, ConsoleService.appliedGeneration(null, 12L, 12L));
    assertEquals(12L, ConsoleService.appliedGeneration(3L, 12L, 14L));
  }

  @Test
  void aDelayedEnactorLagsUntilItGetsThere() {
    // az-a still works on plan 4 while the rrsets already hold 12.
    assertEquals(3L, ConsoleService.appliedGeneration(3L, 12L, 4L));
    assertNull(ConsoleService.appliedGeneration(null, 12L, 4L));
    assertNull(ConsoleService.appliedGeneration(null, 12L, null));
  }

  @Test
  void aLegacyStaleWriteShowsAsTheOldPlan() {
    // az-a's late write of plan 5, after az-b's 12: the rrsets hold 5, az-a's last plan is 5.
    assertEquals(5L, ConsoleService.appliedGeneration(5L, 5L, 5L));
    // az-b, which had written 12, has gone through 12: it shows 12, not the 5 the rrsets hold.
    assertEquals(12L, ConsoleService.appliedGeneration(12L, 5L, 12L));
  }
}
