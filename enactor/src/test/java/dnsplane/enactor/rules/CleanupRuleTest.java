package dnsplane.enactor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CleanupRuleTest {

  record Case(Mode mode, List<Long> plans, int keep, Set<Long> referenced, List<Long> deletable) {}

  @Test
  void decisionTable() {
    List<Case> cases =
        List.of(
            new Case(Mode.SAFE, List.of(1L, 2L, 3L, 4L, 5L), 3, Set.of(), List.of(1L, 2L)),
            new Case(Mode.SAFE, List.of(1L, 2L, 3L, 4L, 5L), 3, Set.of(2L, 5L), List.of(1L)),
            new Case(Mode.LEGACY, List.of(1L, 2L, 3L, 4L, 5L), 3, Set.of(2L, 5L), List.of(1L, 2L)),
            new Case(Mode.SAFE, List.of(5L, 3L, 4L), 3, Set.of(), List.of()),
            new Case(Mode.LEGACY, List.of(9L, 7L, 8L), 1, Set.of(7L), List.of(7L, 8L)),
            new Case(Mode.SAFE, List.of(), 1, Set.of(), List.of()));
    for (Case c : cases) {
      assertEquals(
          c.deletable(),
          CleanupRule.deletablePlans(c.mode(), c.plans(), c.keep(), c.referenced()),
          c.toString());
    }
  }

  @Test
  void cleanupKeepsReferencedPlan() {
    List<Long> plans = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    for (long ref = 1; ref <= 8; ref++) {
      for (int keep = 1; keep <= 3; keep++) {
        assertFalse(CleanupRule.deletablePlans(Mode.SAFE, plans, keep, Set.of(ref)).contains(ref));
      }
    }
    assertTrue(
        CleanupRule.deletablePlans(Mode.LEGACY, plans, 1, Set.of(2L)).contains(2L),
        "legacy deletes a referenced plan: that is the 2025 bug");
  }

  @Test
  void keepMustBePositive() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CleanupRule.deletablePlans(Mode.SAFE, List.of(1L), 0, Set.of()));
  }

  @Test
  void legacyClearsEndpointsPointingAtDeletedPlansSafeNever() {
    Map<String, Long> applied = Map.of("a.aws.test.", 2L, "b.aws.test.", 6L);
    assertEquals(
        List.of("a.aws.test."),
        CleanupRule.endpointsToClear(Mode.LEGACY, applied, Set.of(4L, 5L, 6L)));
    assertEquals(List.of(), CleanupRule.endpointsToClear(Mode.SAFE, applied, Set.of(4L, 5L, 6L)));
  }

  @Test
  void legacyChecksOnceAtStartAndIsStuckWhileAnEndpointPointsAtADeletedPlan() {
    Set<Long> existing = Set.of(4L, 5L, 6L);
    assertEquals(
        new LegacyRule.Start.Apply(6),
        LegacyRule.start(6L, 5L, Map.of("a.aws.test.", 5L), existing));
    assertEquals(new LegacyRule.Start.Apply(6), LegacyRule.start(6L, null, Map.of(), existing));
    assertInstanceOf(
        LegacyRule.Start.UpToDate.class,
        LegacyRule.start(6L, 6L, Map.of("a.aws.test.", 6L), existing));
    LegacyRule.Start stuck = LegacyRule.start(7L, 6L, Map.of("a.aws.test.", 2L), existing);
    LegacyRule.Start.Stuck s = assertInstanceOf(LegacyRule.Start.Stuck.class, stuck);
    assertEquals(List.of("a.aws.test."), s.endpoints());
    assertTrue(s.reason(Map.of("a.aws.test.", 2L)).contains("deleted plan 2"));
  }
}
