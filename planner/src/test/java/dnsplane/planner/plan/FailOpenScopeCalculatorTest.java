package dnsplane.planner.plan;

import static dnsplane.planner.plan.PlanFixtures.EP;
import static dnsplane.planner.plan.PlanFixtures.NOW;
import static dnsplane.planner.plan.PlanFixtures.WINDOW;
import static dnsplane.planner.plan.PlanFixtures.calculate;
import static dnsplane.planner.plan.PlanFixtures.endpoint;
import static dnsplane.planner.plan.PlanFixtures.policy;
import static dnsplane.planner.plan.PlanFixtures.previous;
import static dnsplane.planner.plan.PlanFixtures.published;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.FailOpenScope;
import dnsplane.planner.endpoint.Target;
import dnsplane.planner.plan.PlanFixtures.World;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fail-open scope: "family" (the default) and "endpoint" (the pre-fix rule, kept for the demo). */
class FailOpenScopeCalculatorTest {

  /**
   * The outage-demo family schedule: a dual-stack endpoint loses both IPv4 targets, one report at a
   * time.
   */
  private static World dualStack(FailOpenScope scope) {
    World w = new World(0.5, "192.0.2.1", "192.0.2.2", "2001:db8::1");
    w.scope = scope;
    w.plan();
    w.advance(Duration.ofSeconds(2));
    w.fail("192.0.2.1");
    w.plan();
    assertEquals(
        List.of("192.0.2.2", "2001:db8::1"),
        w.published(),
        "the first IPv4 failure is an ordinary removal");
    w.advance(Duration.ofSeconds(2));
    w.fail("192.0.2.2");
    return w;
  }

  @Test
  void familyScopeFailsOpenForIpv4WhileIpv6IsHealthy() {
    World w = dualStack(FailOpenScope.FAMILY);
    PlanDraft d = w.plan();
    assertEquals(
        List.of("192.0.2.1", "192.0.2.2", "2001:db8::1"),
        w.published(),
        "every IPv4 address, published anyway");
    assertEquals(EnumSet.of(AddressFamily.A), w.entry().failOpenFamilies());
    assertEquals(List.of(EP), d.failOpenEndpoints());
    assertEquals(List.of(), w.held());
    assertEquals(List.of(), d.removals(), "failing open removes nothing");
    // However long it lasts: the window moving on releases nothing, the family stays published.
    w.advance(WINDOW.plusSeconds(1));
    assertFalse(w.plan().changed());
    assertEquals(List.of("192.0.2.1", "192.0.2.2", "2001:db8::1"), w.published());
  }

  @Test
  void endpointScopeEmptiesIpv4WhileIpv6IsHealthyOnceTheVelocityWindowAllows() {
    World w = dualStack(FailOpenScope.ENDPOINT);
    PlanDraft d = w.plan();
    // IPv6 is healthy, so the naive rule does not fail open. Only the velocity limit (one IPv4
    // removal per window: 50% of 2) keeps the last IPv4 address for now.
    assertEquals(List.of("192.0.2.2", "2001:db8::1"), w.published());
    assertEquals(List.of("192.0.2.2"), w.held());
    assertEquals(Set.of(), w.entry().failOpenFamilies());
    assertEquals(List.of(), d.failOpenEndpoints());
    Instant release =
        d.nextRelease()
            .orElseThrow(() -> new AssertionError("a held removal asks for a follow-up"));
    w.now = release;
    PlanDraft after = w.plan();
    assertTrue(after.changed());
    assertEquals(List.of("2001:db8::1"), w.published(), "A is empty: IPv4-only clients get NODATA");
    assertEquals(Set.of(), w.entry().failOpenFamilies());
    assertEquals(List.of(new HealthRemoval(EP, "192.0.2.2", release)), after.removals());
  }

  @Test
  void endpointScopeWithoutAVelocityLimitEmptiesIpv4AtOnce() {
    Endpoint e =
        endpoint("192.0.2.1-", "192.0.2.2-", "2001:db8::1+")
            .withFailOpenScope(FailOpenScope.ENDPOINT);
    PlanDraft d = calculate(e, previous("192.0.2.1", "192.0.2.2", "2001:db8::1"), 1.0);
    assertEquals(List.of("2001:db8::1"), published(d));
    assertEquals(Set.of(), d.entries().get(0).failOpenFamilies());
    PlanDraft family =
        calculate(
            e.withFailOpenScope(FailOpenScope.FAMILY),
            previous("192.0.2.1", "192.0.2.2", "2001:db8::1"),
            1.0);
    assertEquals(
        List.of("192.0.2.1", "192.0.2.2", "2001:db8::1"),
        published(family),
        "the same health, scope family");
    assertEquals(Set.of(AddressFamily.A), family.entries().get(0).failOpenFamilies());
  }

  @Test
  void endpointScopeFailsOpenInEveryFamilyWhenEveryTargetIsUnhealthy() {
    World w = dualStack(FailOpenScope.ENDPOINT);
    w.plan();
    w.fail("2001:db8::1");
    PlanDraft d = w.plan();
    assertEquals(List.of("192.0.2.1", "192.0.2.2", "2001:db8::1"), w.published());
    assertEquals(EnumSet.of(AddressFamily.A, AddressFamily.AAAA), w.entry().failOpenFamilies());
    assertEquals(List.of(EP), d.failOpenEndpoints());
    assertEquals(List.of(), w.held());
    // IPv6 recovers: the endpoint no longer fails open, and leaving fail open is not rate-limited,
    // so the naive rule drops every IPv4 address at once.
    w.recover("2001:db8::1");
    w.plan();
    assertEquals(List.of("2001:db8::1"), w.published());
    assertEquals(Set.of(), w.entry().failOpenFamilies());
  }

  @Test
  void endpointScopeNeverEmptiesTheEndpointButMayEmptyAFamily() {
    Random random = new Random(11);
    int familiesEmptied = 0;
    for (int round = 0; round < 2000; round++) {
      int n = 1 + random.nextInt(6);
      String[] targets = new String[n];
      for (int i = 0; i < n; i++) {
        String address = random.nextBoolean() ? "192.0.2." + (i + 1) : "2001:db8::" + (i + 1);
        targets[i] = address + (random.nextBoolean() ? "+" : "-");
      }
      Endpoint e = endpoint(targets).withFailOpenScope(FailOpenScope.ENDPOINT);
      PlanDraft d = PlanCalculator.calculate(List.of(e), Map.of(), List.of(), policy(0.5), NOW);
      PlanEntry entry = d.entries().get(0);
      assertFalse(entry.addresses().isEmpty(), "round " + round + ": " + List.of(targets));
      boolean allUnhealthy = e.targets().stream().noneMatch(Target::healthy);
      for (AddressFamily f : AddressFamily.values()) {
        boolean configured = e.targets().stream().anyMatch(t -> AddressFamily.of(t.address()) == f);
        boolean published =
            entry.addresses().stream().anyMatch(a -> AddressFamily.of(a.address()) == f);
        boolean healthy =
            e.targets().stream().anyMatch(t -> t.healthy() && AddressFamily.of(t.address()) == f);
        assertEquals(
            configured && (healthy || allUnhealthy), published, "round " + round + ", family " + f);
        assertEquals(
            configured && allUnhealthy,
            entry.failOpenFamilies().contains(f),
            "round " + round + ", family " + f);
        familiesEmptied += configured && !published ? 1 : 0;
      }
    }
    assertTrue(
        familiesEmptied > 100, "the naive rule must be seen emptying a family: " + familiesEmptied);
  }
}
