package dnsplane.enactor.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;

class WriteRuleTest {

  static PlanEntry entry(long g, String... addresses) {
    return new PlanEntry(g, "dynamodb.us-east-1.aws.test.", 60,
        java.util.Arrays.stream(addresses).map(a -> new PlanAddress(a, 100, "az-a")).toList(),
        false);
  }

  record Case(Mode mode, RrsetState current, PlanEntry offered, Class<?> expected) {}

  @Test
  void decisionTable() {
    PlanEntry five = entry(5, "192.0.2.10");
    PlanEntry empty = entry(5);
    List<Case> cases = List.of(
        new Case(Mode.SAFE, RrsetState.ABSENT, five, WriteDecision.Write.class),
        new Case(Mode.SAFE, new RrsetState(4L, 1), five, WriteDecision.Write.class),
        new Case(Mode.SAFE, new RrsetState(5L, 1), five, WriteDecision.Unchanged.class),
        new Case(Mode.SAFE, new RrsetState(6L, 1), five, WriteDecision.SkipStale.class),
        new Case(Mode.SAFE, new RrsetState(4L, 1), empty, WriteDecision.RejectEmpty.class),
        new Case(Mode.SAFE, RrsetState.ABSENT, empty, WriteDecision.RejectEmpty.class),
        new Case(Mode.LEGACY, new RrsetState(6L, 1), five, WriteDecision.Write.class),
        new Case(Mode.LEGACY, new RrsetState(5L, 1), five, WriteDecision.Write.class),
        new Case(Mode.LEGACY, new RrsetState(4L, 1), empty, WriteDecision.Write.class));
    for (Case c : cases) {
      assertInstanceOf(c.expected(), WriteRule.decide(c.mode(), c.current(), c.offered()),
          c.toString());
    }
  }

  @Test
  void stalePlanNeverOverwritesNewer() {
    for (long held = 1; held <= 20; held++) {
      for (long offered = 1; offered < held; offered++) {
        WriteDecision d = WriteRule.decide(Mode.SAFE, new RrsetState(held, 2),
            entry(offered, "192.0.2.1", "2001:db8::1"));
        WriteDecision.SkipStale skip = assertInstanceOf(WriteDecision.SkipStale.class, d);
        assertEquals(held, skip.currentGeneration());
      }
    }
  }

  @Test
  void emptyAddressSetIsRejected() {
    for (RrsetState s : List.of(RrsetState.ABSENT, new RrsetState(1L, 3), new RrsetState(9L, 0))) {
      assertInstanceOf(WriteDecision.RejectEmpty.class, WriteRule.decide(Mode.SAFE, s, entry(5)));
    }
  }

  @Test
  void applyingSamePlanTwiceChangesNothing() {
    PlanEntry e = entry(7, "192.0.2.1");
    WriteDecision first = WriteRule.decide(Mode.SAFE, RrsetState.ABSENT, e);
    assertInstanceOf(WriteDecision.Write.class, first);
    RrsetState after = new RrsetState(7L, 1);
    assertEquals(new WriteDecision.Unchanged(e), WriteRule.decide(Mode.SAFE, after, e));
  }

  @Test
  void entrySplitsAddressesIntoAAndAaaaAndMarksTheGeneration() {
    PlanEntry e = entry(12, "192.0.2.1", "2001:db8::1", "198.51.100.7");
    assertEquals(List.of("192.0.2.1", "198.51.100.7"), e.v4());
    assertEquals(List.of("2001:db8::1"), e.v6());
    assertEquals("_plan.dynamodb.us-east-1.aws.test.", e.markerName());
    assertEquals("\"12\"", e.markerRdata());
  }
}
