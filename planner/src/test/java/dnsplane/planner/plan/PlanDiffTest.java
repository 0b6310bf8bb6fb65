package dnsplane.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanDiffTest {

  private static PlanEntry entry(String endpoint, String... addresses) {
    return PlanEntry.live(
        endpoint,
        60,
        java.util.Arrays.stream(addresses).map(a -> new PlannedAddress(a, 100, "az-a")).toList(),
        java.util.Set.of(),
        List.of());
  }

  @Test
  void perEndpointAddedAndRemoved() {
    Plan from =
        new Plan(
            1,
            Instant.EPOCH,
            "",
            List.of(
                entry("a.aws.test.", "192.0.2.1", "192.0.2.2"),
                entry("b.aws.test.", "192.0.2.9"),
                entry("gone.aws.test.", "192.0.2.7")));
    Plan to =
        new Plan(
            3,
            Instant.EPOCH,
            "",
            List.of(
                entry("a.aws.test.", "192.0.2.2", "192.0.2.3"),
                entry("b.aws.test.", "192.0.2.9"),
                PlanEntry.deletion("gone.aws.test.", 60),
                entry("new.aws.test.", "2001:db8::1")));
    PlanDiff d = PlanDiff.between(from, to);
    assertEquals(1, d.from());
    assertEquals(3, d.to());
    assertEquals(
        List.of(
            new PlanDiff.EndpointDiff("a.aws.test.", List.of("192.0.2.3"), List.of("192.0.2.1")),
            new PlanDiff.EndpointDiff("gone.aws.test.", List.of(), List.of("192.0.2.7")),
            new PlanDiff.EndpointDiff("new.aws.test.", List.of("2001:db8::1"), List.of())),
        d.endpoints());
  }
}
