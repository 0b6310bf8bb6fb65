package dnsplane.planner.plan;

import static dnsplane.planner.plan.PlanFixtures.EP;
import static dnsplane.planner.plan.PlanFixtures.NOW;
import static dnsplane.planner.plan.PlanFixtures.calculate;
import static dnsplane.planner.plan.PlanFixtures.endpoint;
import static dnsplane.planner.plan.PlanFixtures.held;
import static dnsplane.planner.plan.PlanFixtures.planned;
import static dnsplane.planner.plan.PlanFixtures.policy;
import static dnsplane.planner.plan.PlanFixtures.previous;
import static dnsplane.planner.plan.PlanFixtures.published;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.planner.endpoint.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table and property tests of the PlanCalculator invariants: pure, the clock is an argument. */
class PlanCalculatorTest {

  record Case(
      String name,
      Endpoint endpoint,
      Map<String, PlanEntry> previous,
      double share,
      List<String> expected,
      Set<AddressFamily> failOpen,
      List<String> held,
      boolean changed) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final Set<AddressFamily> NONE = Set.of();
  private static final Set<AddressFamily> V4 = Set.of(AddressFamily.A);

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "first plan publishes the healthy targets",
            endpoint("192.0.2.1+", "192.0.2.2+", "192.0.2.3-"),
            Map.of(),
            0.5,
            List.of("192.0.2.1", "192.0.2.2"),
            NONE,
            List.of(),
            true),
        new Case(
            "allUnhealthyFailsOpen: every target published",
            endpoint("192.0.2.1-", "192.0.2.2-"),
            previous("192.0.2.1"),
            0.5,
            List.of("192.0.2.1", "192.0.2.2"),
            V4,
            List.of(),
            true),
        new Case(
            "allUnhealthyFailsOpen on the first plan too",
            endpoint("192.0.2.1-"),
            Map.of(),
            0.5,
            List.of("192.0.2.1"),
            V4,
            List.of(),
            true),
        new Case(
            "two published, one unhealthy: 50% of 2 is 1, allowed",
            endpoint("192.0.2.1+", "192.0.2.2-"),
            previous("192.0.2.1", "192.0.2.2"),
            0.5,
            List.of("192.0.2.1"),
            NONE,
            List.of(),
            true),
        new Case(
            "4 published, 3 unhealthy, 50% → remove 2, hold 1",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-", "192.0.2.4-"),
            previous("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"),
            0.5,
            List.of("192.0.2.1", "192.0.2.4"),
            NONE,
            List.of("192.0.2.4"),
            true),
        new Case(
            "floor rounding: 3 published, 2 unhealthy, 50% of 3 → 1",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-"),
            previous("192.0.2.1", "192.0.2.2", "192.0.2.3"),
            0.5,
            List.of("192.0.2.1", "192.0.2.3"),
            NONE,
            List.of("192.0.2.3"),
            true),
        new Case(
            "at least one removal so a lone dead address can be left",
            endpoint("192.0.2.1-", "192.0.2.2+"),
            previous("192.0.2.1"),
            0.5,
            List.of("192.0.2.2"),
            NONE,
            List.of(),
            true),
        new Case(
            "share 1 disables the limit",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-", "192.0.2.4-"),
            previous("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"),
            1.0,
            List.of("192.0.2.1"),
            NONE,
            List.of(),
            true),
        new Case(
            "leaving fail open is not limited",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-", "192.0.2.4-"),
            previous(V4, "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"),
            0.5,
            List.of("192.0.2.1"),
            NONE,
            List.of(),
            true),
        new Case(
            "targets an operator removed are not limited",
            endpoint("192.0.2.1+"),
            previous("192.0.2.1", "192.0.2.2", "192.0.2.3"),
            0.5,
            List.of("192.0.2.1"),
            NONE,
            List.of(),
            true),
        new Case(
            "recovered target comes back at once",
            endpoint("192.0.2.1+", "192.0.2.2+"),
            previous("192.0.2.1"),
            0.5,
            List.of("192.0.2.1", "192.0.2.2"),
            NONE,
            List.of(),
            true),
        new Case(
            "unchangedHealthWritesNoPlan",
            endpoint("192.0.2.1+", "192.0.2.2-"),
            previous("192.0.2.1"),
            0.5,
            List.of("192.0.2.1"),
            NONE,
            List.of(),
            false),
        new Case(
            "unchangedHealthWritesNoPlan while failing open",
            endpoint("192.0.2.1-", "192.0.2.2-"),
            previous(V4, "192.0.2.1", "192.0.2.2"),
            0.5,
            List.of("192.0.2.1", "192.0.2.2"),
            V4,
            List.of(),
            false),
        new Case(
            "dual stack, every IPv4 unhealthy: IPv4 fails open, IPv6 as usual",
            endpoint("192.0.2.1-", "192.0.2.2-", "2001:db8::1+", "2001:db8::2-"),
            previous("192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2"),
            0.5,
            List.of("192.0.2.1", "192.0.2.2", "2001:db8::1"),
            V4,
            List.of(),
            true),
        new Case(
            "dual stack, every IPv6 unhealthy: IPv6 fails open, IPv4 as usual",
            endpoint("192.0.2.1+", "192.0.2.2-", "2001:db8::1-", "2001:db8::2-"),
            previous("192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2"),
            0.5,
            List.of("192.0.2.1", "2001:db8::1", "2001:db8::2"),
            Set.of(AddressFamily.AAAA),
            List.of(),
            true),
        new Case(
            "a family with no targets left is configuration: not published, not failing open",
            endpoint("192.0.2.1+"),
            previous("192.0.2.1", "2001:db8::1"),
            0.5,
            List.of("192.0.2.1"),
            NONE,
            List.of(),
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void table(Case c) {
    PlanDraft d = calculate(c.endpoint(), c.previous(), c.share());
    assertEquals(c.expected(), published(d), "published addresses");
    assertEquals(c.failOpen(), d.entries().get(0).failOpenFamilies(), "families failing open");
    assertEquals(!c.failOpen().isEmpty(), d.entries().get(0).failOpen(), "fail open");
    assertEquals(c.failOpen().isEmpty() ? List.of() : List.of(EP), d.failOpenEndpoints());
    assertEquals(c.held(), held(d), "held");
    assertEquals(c.changed(), d.changed(), "changed");
  }

  @Test
  void dualStackWithEveryIpv4UnhealthyFailsOpenForIpv4() {
    PlanDraft d = calculate(endpoint("192.0.2.1-", "192.0.2.2-", "2001:db8::1+"), Map.of(), 0.5);
    assertEquals(List.of("192.0.2.1", "192.0.2.2", "2001:db8::1"), published(d));
    assertEquals(Set.of(AddressFamily.A), d.entries().get(0).failOpenFamilies());
    assertTrue(d.entries().get(0).failOpen());
    assertEquals(List.of(), d.removals(), "failing open removes nothing");
  }

  @Test
  void aDeletedEndpointGetsADeletionEntryUntilItIsRevived() {
    Endpoint deleted = new Endpoint(EP, "aws.test.", 30, true, List.of(), true);
    PlanDraft d =
        PlanCalculator.calculate(
            List.of(deleted), previous("192.0.2.1"), List.of(), policy(0.5), NOW);
    assertEquals(List.of(PlanEntry.deletion(EP, 30)), d.entries());
    assertTrue(d.changed());
    assertEquals(List.of(), d.removals(), "deletion is configuration, not health");
    PlanDraft again =
        PlanCalculator.calculate(
            List.of(deleted), Map.of(EP, d.entries().get(0)), List.of(), policy(0.5), NOW);
    assertFalse(again.changed(), "the deletion entry stays in every later plan");
    PlanDraft revived =
        PlanCalculator.calculate(
            List.of(endpoint("192.0.2.7+")),
            Map.of(EP, d.entries().get(0)),
            List.of(),
            policy(0.5),
            NOW);
    assertEquals(List.of("192.0.2.7"), published(revived));
    assertFalse(revived.entries().get(0).deleted());
  }

  @Test
  void aDeletionEntryPublishesNothing() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new PlanEntry(EP, 60, planned("192.0.2.1"), Set.of(), List.of(), true));
    assertThrows(
        IllegalArgumentException.class,
        () -> PlanEntry.live(EP, 60, planned("192.0.2.1"), Set.of(), planned("192.0.2.2")),
        "held must be published");
  }

  @Test
  void noFamilyWithTargetsIsEverEmpty() {
    Random random = new Random(42);
    for (int round = 0; round < 2000; round++) {
      int n = 1 + random.nextInt(6);
      String[] targets = new String[n];
      for (int i = 0; i < n; i++) {
        String address = random.nextBoolean() ? "192.0.2." + (i + 1) : "2001:db8::" + (i + 1);
        targets[i] = address + (random.nextBoolean() ? "+" : "-");
      }
      Map<String, PlanEntry> prev = new HashMap<>();
      if (random.nextBoolean()) {
        prev = previous(random.nextBoolean() ? V4 : NONE, "192.0.2." + (1 + random.nextInt(8)));
      }
      List<HealthRemoval> history = new ArrayList<>();
      for (int i = random.nextInt(4); i > 0; i--) {
        history.add(
            new HealthRemoval(
                EP, "192.0.2." + (1 + random.nextInt(8)), NOW.minusSeconds(random.nextInt(900))));
      }
      Endpoint e = endpoint(targets);
      double share = 0.05 + random.nextDouble() * 0.95;
      PlanDraft d = PlanCalculator.calculate(List.of(e), prev, history, policy(share), NOW);
      for (AddressFamily f : AddressFamily.values()) {
        boolean configured = e.targets().stream().anyMatch(t -> AddressFamily.of(t.address()) == f);
        boolean published =
            d.entries().get(0).addresses().stream()
                .anyMatch(a -> AddressFamily.of(a.address()) == f);
        assertEquals(
            configured, published, "round " + round + ", family " + f + ": " + List.of(targets));
      }
    }
  }

  @Test
  void everyEndpointIsCoveredInNameOrder() {
    Endpoint a =
        new Endpoint("a.aws.test.", "aws.test.", 30, true, endpoint("192.0.2.1+").targets());
    Endpoint b =
        new Endpoint("b.aws.test.", "aws.test.", 30, false, endpoint("2001:db8::1-").targets());
    PlanDraft d = PlanCalculator.calculate(List.of(a, b), Map.of(), List.of(), policy(0.5), NOW);
    assertEquals(
        List.of("a.aws.test.", "b.aws.test."),
        d.entries().stream().map(PlanEntry::endpoint).toList());
    assertEquals(EnumSet.of(AddressFamily.AAAA), d.entries().get(1).failOpenFamilies());
    assertEquals(30, d.entries().get(0).ttl());
  }

  @Test
  void endpointGoneFromTheTableIsAChange() {
    PlanDraft d =
        PlanCalculator.calculate(List.of(), previous("192.0.2.1"), List.of(), policy(0.5), NOW);
    assertTrue(d.changed());
    assertTrue(d.entries().isEmpty());
  }

  @Test
  void rejectsAnInvalidPolicy() {
    assertThrows(IllegalArgumentException.class, () -> policy(0));
    assertThrows(IllegalArgumentException.class, () -> policy(1.5));
    assertThrows(IllegalArgumentException.class, () -> new VelocityPolicy(0.5, Duration.ZERO));
  }
}
