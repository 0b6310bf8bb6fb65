package dnsplane.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.HealthCheck;
import dnsplane.planner.endpoint.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of the PlanCalculator invariants. */
class PlanCalculatorTest {

  private static final String EP = "dynamodb.us-east-1.aws.test.";

  /** "192.0.2.1+" is a healthy target, "192.0.2.1-" an unhealthy one. */
  private static Endpoint endpoint(String... targets) {
    List<Target> ts = new ArrayList<>();
    for (String t : targets) {
      String address = t.substring(0, t.length() - 1);
      ts.add(new Target(address, 100, "az-a", HealthCheck.REPORTED, t.endsWith("+"), Instant.EPOCH));
    }
    return new Endpoint(EP, "aws.test.", 60, true, ts);
  }

  private static Map<String, PlanEntry> previous(boolean failOpen, String... addresses) {
    List<PlannedAddress> list = new ArrayList<>();
    for (String a : addresses) {
      list.add(new PlannedAddress(a, 100, "az-a"));
    }
    return Map.of(EP, new PlanEntry(EP, 60, failOpen, list));
  }

  private static List<String> published(PlanDraft d) {
    return d.entries().get(0).addresses().stream().map(PlannedAddress::address).toList();
  }

  record Case(
      String name, Endpoint endpoint, Map<String, PlanEntry> previous, double share,
      List<String> expected, boolean failOpen, int deferred, boolean changed) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("first plan publishes the healthy targets",
            endpoint("192.0.2.1+", "192.0.2.2+", "192.0.2.3-"), Map.of(), 0.5,
            List.of("192.0.2.1", "192.0.2.2"), false, 0, true),
        new Case("allUnhealthyFailsOpen: every target published",
            endpoint("192.0.2.1-", "192.0.2.2-"), previous(false, "192.0.2.1"), 0.5,
            List.of("192.0.2.1", "192.0.2.2"), true, 0, true),
        new Case("allUnhealthyFailsOpen on the first plan too",
            endpoint("192.0.2.1-"), Map.of(), 0.5, List.of("192.0.2.1"), true, 0, true),
        new Case("two published, one unhealthy: 50% of 2 is 1, allowed",
            endpoint("192.0.2.1+", "192.0.2.2-"), previous(false, "192.0.2.1", "192.0.2.2"), 0.5,
            List.of("192.0.2.1"), false, 0, true),
        new Case("velocityLimitDefersRemovals: 4 published, 3 unhealthy, 50% → remove 2, defer 1",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-", "192.0.2.4-"),
            previous(false, "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"), 0.5,
            List.of("192.0.2.1", "192.0.2.4"), false, 1, true),
        new Case("floor rounding: 3 published, 2 unhealthy, 50% of 3 → 1",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-"),
            previous(false, "192.0.2.1", "192.0.2.2", "192.0.2.3"), 0.5,
            List.of("192.0.2.1", "192.0.2.3"), false, 1, true),
        new Case("at least one removal per plan so a lone dead address can be left",
            endpoint("192.0.2.1-", "192.0.2.2+"), previous(false, "192.0.2.1"), 0.5,
            List.of("192.0.2.2"), false, 0, true),
        new Case("share 1 disables the limit",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-", "192.0.2.4-"),
            previous(false, "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"), 1.0,
            List.of("192.0.2.1"), false, 0, true),
        new Case("leaving fail open is not limited",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-", "192.0.2.4-"),
            previous(true, "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"), 0.5,
            List.of("192.0.2.1"), false, 0, true),
        new Case("targets an operator removed are not limited",
            endpoint("192.0.2.1+"), previous(false, "192.0.2.1", "192.0.2.2", "192.0.2.3"), 0.5,
            List.of("192.0.2.1"), false, 0, true),
        new Case("recovered target comes back at once",
            endpoint("192.0.2.1+", "192.0.2.2+"), previous(false, "192.0.2.1"), 0.5,
            List.of("192.0.2.1", "192.0.2.2"), false, 0, true),
        new Case("unchangedHealthWritesNoPlan",
            endpoint("192.0.2.1+", "192.0.2.2-"), previous(false, "192.0.2.1"), 0.5,
            List.of("192.0.2.1"), false, 0, false),
        new Case("unchangedHealthWritesNoPlan while failing open",
            endpoint("192.0.2.1-", "192.0.2.2-"), previous(true, "192.0.2.1", "192.0.2.2"), 0.5,
            List.of("192.0.2.1", "192.0.2.2"), true, 0, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void table(Case c) {
    PlanDraft d = PlanCalculator.calculate(List.of(c.endpoint()), c.previous(), c.share());
    assertEquals(c.expected(), published(d), "published addresses");
    assertEquals(c.failOpen(), d.entries().get(0).failOpen(), "fail open");
    assertEquals(c.failOpen() ? List.of(EP) : List.of(), d.failOpenEndpoints());
    assertEquals(c.deferred(), d.deferredRemovals(), "deferred removals");
    assertEquals(c.changed(), d.changed(), "changed");
  }

  @Test
  void velocityLimitDefersRemovalsUntilLaterPlans() {
    Endpoint e = endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-", "192.0.2.4-", "192.0.2.5-", "192.0.2.6-");
    Map<String, PlanEntry> prev =
        previous(false, "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5", "192.0.2.6");
    List<Integer> sizes = new ArrayList<>();
    for (int step = 0; step < 10; step++) {
      PlanDraft d = PlanCalculator.calculate(List.of(e), prev, 0.5);
      if (!d.changed()) {
        break;
      }
      sizes.add(d.entries().get(0).addresses().size());
      prev = Map.of(EP, d.entries().get(0));
    }
    // 6 → remove 3 → 3 → remove 1 → 2 → remove 1 → 1: never more than half in one plan.
    assertEquals(List.of(3, 2, 1), sizes);
  }

  @Test
  void planNeverEmpty() {
    Random random = new Random(42);
    for (int round = 0; round < 2000; round++) {
      int n = 1 + random.nextInt(6);
      String[] targets = new String[n];
      for (int i = 0; i < n; i++) {
        targets[i] = "192.0.2." + (i + 1) + (random.nextBoolean() ? "+" : "-");
      }
      Map<String, PlanEntry> prev = new HashMap<>();
      if (random.nextBoolean()) {
        prev = previous(random.nextBoolean(), "192.0.2." + (1 + random.nextInt(8)));
      }
      double share = 0.05 + random.nextDouble() * 0.95;
      PlanDraft d = PlanCalculator.calculate(List.of(endpoint(targets)), prev, share);
      assertFalse(d.entries().get(0).addresses().isEmpty(), "round " + round);
    }
  }

  @Test
  void everyEndpointIsCoveredInNameOrder() {
    Endpoint a = new Endpoint("a.aws.test.", "aws.test.", 30, true, endpoint("192.0.2.1+").targets());
    Endpoint b = new Endpoint("b.aws.test.", "aws.test.", 30, false, endpoint("2001:db8::1-").targets());
    PlanDraft d = PlanCalculator.calculate(List.of(a, b), Map.of(), 0.5);
    assertEquals(List.of("a.aws.test.", "b.aws.test."), d.entries().stream().map(PlanEntry::endpoint).toList());
    assertTrue(d.entries().get(1).failOpen());
    assertEquals(30, d.entries().get(0).ttl());
  }

  @Test
  void endpointDeletedIsAChange() {
    PlanDraft d = PlanCalculator.calculate(List.of(), previous(false, "192.0.2.1"), 0.5);
    assertTrue(d.changed());
    assertTrue(d.entries().isEmpty());
  }

  @Test
  void rejectsAnInvalidShare() {
    assertThrows(IllegalArgumentException.class, () -> PlanCalculator.calculate(List.of(), Map.of(), 0));
    assertThrows(IllegalArgumentException.class, () -> PlanCalculator.calculate(List.of(), Map.of(), 1.5));
  }
}
