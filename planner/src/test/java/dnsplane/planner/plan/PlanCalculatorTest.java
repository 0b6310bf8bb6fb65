package dnsplane.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.FailOpenScope;
import dnsplane.planner.endpoint.HealthCheck;
import dnsplane.planner.endpoint.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table and property tests of the PlanCalculator invariants: pure, the clock is an argument. */
class PlanCalculatorTest {

  private static final String EP = "dynamodb.us-east-1.aws.test.";
  private static final Instant NOW = Instant.parse("2025-10-20T07:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(10);

  private static VelocityPolicy policy(double share) {
    return new VelocityPolicy(share, WINDOW);
  }

  /** "192.0.2.1+" is a healthy target, "192.0.2.1-" an unhealthy one; health changed a second ago. */
  private static Endpoint endpoint(String... targets) {
    List<Target> ts = new ArrayList<>();
    for (String t : targets) {
      String address = t.substring(0, t.length() - 1);
      ts.add(new Target(address, 100, "az-a", HealthCheck.REPORTED, t.endsWith("+"), NOW.minusSeconds(1)));
    }
    return new Endpoint(EP, "aws.test.", 60, true, ts);
  }

  private static List<PlannedAddress> planned(String... addresses) {
    return Stream.of(addresses).map(a -> new PlannedAddress(a, 100, "az-a")).toList();
  }

  private static Map<String, PlanEntry> previous(Set<AddressFamily> failOpen, String... addresses) {
    return Map.of(EP, PlanEntry.live(EP, 60, planned(addresses), failOpen, List.of()));
  }

  private static Map<String, PlanEntry> previous(String... addresses) {
    return previous(Set.of(), addresses);
  }

  private static PlanDraft calculate(Endpoint e, Map<String, PlanEntry> previous, double share) {
    return PlanCalculator.calculate(List.of(e), previous, List.of(), policy(share), NOW);
  }

  private static List<String> published(PlanDraft d) {
    return d.entries().get(0).addresses().stream().map(PlannedAddress::address).toList();
  }

  private static List<String> held(PlanDraft d) {
    return d.entries().get(0).held().stream().map(PlannedAddress::address).toList();
  }

  record Case(
      String name, Endpoint endpoint, Map<String, PlanEntry> previous, double share,
      List<String> expected, Set<AddressFamily> failOpen, List<String> held, boolean changed) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final Set<AddressFamily> NONE = Set.of();
  private static final Set<AddressFamily> V4 = Set.of(AddressFamily.A);

  static Stream<Case> cases() {
    return Stream.of(
        new Case("first plan publishes the healthy targets",
            endpoint("192.0.2.1+", "192.0.2.2+", "192.0.2.3-"), Map.of(), 0.5,
            List.of("192.0.2.1", "192.0.2.2"), NONE, List.of(), true),
        new Case("allUnhealthyFailsOpen: every target published",
            endpoint("192.0.2.1-", "192.0.2.2-"), previous("192.0.2.1"), 0.5,
            List.of("192.0.2.1", "192.0.2.2"), V4, List.of(), true),
        new Case("allUnhealthyFailsOpen on the first plan too",
            endpoint("192.0.2.1-"), Map.of(), 0.5, List.of("192.0.2.1"), V4, List.of(), true),
        new Case("two published, one unhealthy: 50% of 2 is 1, allowed",
            endpoint("192.0.2.1+", "192.0.2.2-"), previous("192.0.2.1", "192.0.2.2"), 0.5,
            List.of("192.0.2.1"), NONE, List.of(), true),
        new Case("4 published, 3 unhealthy, 50% → remove 2, hold 1",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-", "192.0.2.4-"),
            previous("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"), 0.5,
            List.of("192.0.2.1", "192.0.2.4"), NONE, List.of("192.0.2.4"), true),
        new Case("floor rounding: 3 published, 2 unhealthy, 50% of 3 → 1",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-"),
            previous("192.0.2.1", "192.0.2.2", "192.0.2.3"), 0.5,
            List.of("192.0.2.1", "192.0.2.3"), NONE, List.of("192.0.2.3"), true),
        new Case("at least one removal so a lone dead address can be left",
            endpoint("192.0.2.1-", "192.0.2.2+"), previous("192.0.2.1"), 0.5,
            List.of("192.0.2.2"), NONE, List.of(), true),
        new Case("share 1 disables the limit",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-", "192.0.2.4-"),
            previous("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"), 1.0,
            List.of("192.0.2.1"), NONE, List.of(), true),
        new Case("leaving fail open is not limited",
            endpoint("192.0.2.1+", "192.0.2.2-", "192.0.2.3-", "192.0.2.4-"),
            previous(V4, "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"), 0.5,
            List.of("192.0.2.1"), NONE, List.of(), true),
        new Case("targets an operator removed are not limited",
            endpoint("192.0.2.1+"), previous("192.0.2.1", "192.0.2.2", "192.0.2.3"), 0.5,
            List.of("192.0.2.1"), NONE, List.of(), true),
        new Case("recovered target comes back at once",
            endpoint("192.0.2.1+", "192.0.2.2+"), previous("192.0.2.1"), 0.5,
            List.of("192.0.2.1", "192.0.2.2"), NONE, List.of(), true),
        new Case("unchangedHealthWritesNoPlan",
            endpoint("192.0.2.1+", "192.0.2.2-"), previous("192.0.2.1"), 0.5,
            List.of("192.0.2.1"), NONE, List.of(), false),
        new Case("unchangedHealthWritesNoPlan while failing open",
            endpoint("192.0.2.1-", "192.0.2.2-"), previous(V4, "192.0.2.1", "192.0.2.2"), 0.5,
            List.of("192.0.2.1", "192.0.2.2"), V4, List.of(), false),
        new Case("dual stack, every IPv4 unhealthy: IPv4 fails open, IPv6 as usual",
            endpoint("192.0.2.1-", "192.0.2.2-", "2001:db8::1+", "2001:db8::2-"),
            previous("192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2"), 0.5,
            List.of("192.0.2.1", "192.0.2.2", "2001:db8::1"), V4, List.of(), true),
        new Case("dual stack, every IPv6 unhealthy: IPv6 fails open, IPv4 as usual",
            endpoint("192.0.2.1+", "192.0.2.2-", "2001:db8::1-", "2001:db8::2-"),
            previous("192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2"), 0.5,
            List.of("192.0.2.1", "2001:db8::1", "2001:db8::2"), Set.of(AddressFamily.AAAA), List.of(), true),
        new Case("a family with no targets left is configuration: not published, not failing open",
            endpoint("192.0.2.1+"), previous("192.0.2.1", "2001:db8::1"), 0.5,
            List.of("192.0.2.1"), NONE, List.of(), true));
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

  /**
   * A planner's world in miniature: targets whose health changes, the previous plan and the removal
   * history, fed back into the calculator as PlanWriter does.
   */
  private static final class World {
    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final double share;
    private FailOpenScope scope = FailOpenScope.FAMILY;
    private Map<String, PlanEntry> previous = Map.of();
    private final List<HealthRemoval> history = new ArrayList<>();
    private Instant now = NOW;

    World(double share, String... addresses) {
      this.share = share;
      for (String a : addresses) {
        targets.put(a, new Target(a, 100, "az-a", HealthCheck.REPORTED, true, now));
      }
    }

    void fail(String address) {
      targets.put(address, new Target(address, 100, "az-a", HealthCheck.REPORTED, false, now));
    }

    void recover(String address) {
      targets.put(address, new Target(address, 100, "az-a", HealthCheck.REPORTED, true, now));
    }

    PlanEntry entry() {
      return previous.get(EP);
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    PlanDraft plan() {
      Endpoint e = new Endpoint(EP, "aws.test.", 60, true, new ArrayList<>(targets.values())).withFailOpenScope(scope);
      PlanDraft d = PlanCalculator.calculate(List.of(e), previous, history, new VelocityPolicy(share, WINDOW), now);
      previous = Map.of(EP, d.entries().get(0));
      history.addAll(d.removals());
      return d;
    }

    List<String> published() {
      return previous.get(EP).addresses().stream().map(PlannedAddress::address).toList();
    }

    List<String> held() {
      return previous.get(EP).held().stream().map(PlannedAddress::address).toList();
    }

    /** Health removals within the window ending now. */
    long removedWithinWindow() {
      return history.stream().filter(r -> r.at().isAfter(now.minus(WINDOW))).count();
    }
  }

  private static String[] addresses(String prefix, int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = prefix + (i + 1);
    }
    return out;
  }

  @Test
  void nineFailuresOneAtATimeRemoveAtMostFourWithinTheWindow() {
    World w = new World(0.5, addresses("192.0.2.", 9));
    w.plan();
    for (int i = 1; i <= 8; i++) {
      w.advance(Duration.ofSeconds(5));
      w.fail("192.0.2." + i);
      PlanDraft d = w.plan();
      assertTrue(w.removedWithinWindow() <= 4, "after failure " + i + ": " + w.removedWithinWindow() + " removed");
      assertEquals(i > 4, d.nextRelease().isPresent(), "a follow-up is asked for exactly while something is held");
    }
    assertEquals(List.of("192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8", "192.0.2.9"), w.published());
    assertEquals(List.of("192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8"), w.held());
    // The window allows the next removal when the first removal (5 s after the start) ages out.
    assertEquals(Optional.of(NOW.plusSeconds(5).plus(WINDOW)), w.plan().nextRelease());
  }

  @Test
  void reevaluatingWithinTheWindowReleasesNothing() {
    World w = new World(0.5, addresses("192.0.2.", 4));
    w.plan();
    for (String a : List.of("192.0.2.1", "192.0.2.2", "192.0.2.3")) {
      w.fail(a);
      w.plan();
    }
    assertEquals(List.of("192.0.2.3"), w.held());
    // Heartbeats and forced plans just re-evaluate: until the window moves, nothing changes.
    for (int i = 0; i < 20; i++) {
      w.advance(Duration.ofSeconds(29));
      PlanDraft d = w.plan();
      assertFalse(d.changed(), "re-evaluation " + i);
      assertEquals(List.of(), d.removals());
      assertEquals(0, d.newlyHeld(), "a hold already counted is not counted again");
    }
    assertEquals(List.of("192.0.2.3", "192.0.2.4"), w.published());
  }

  @Test
  void heldRemovalsAreReleasedAsTheWindowSlides() {
    World w = new World(0.5, addresses("192.0.2.", 9));
    w.plan();
    for (int i = 1; i <= 8; i++) {
      w.advance(Duration.ofSeconds(1));
      w.fail("192.0.2." + i);
      w.plan();
    }
    List<Integer> sizes = new ArrayList<>();
    for (int step = 0; step < 50 && !w.held().isEmpty(); step++) {
      Optional<Instant> next = w.plan().nextRelease();
      assertTrue(next.isPresent(), "something is held, so a follow-up is due");
      assertTrue(next.get().isAfter(w.now), "the follow-up is in the future");
      w.now = next.get();
      w.plan();
      sizes.add(w.published().size());
      assertTrue(w.removedWithinWindow() <= 4, "at " + w.now + ": " + w.removedWithinWindow() + " within the window");
    }
    assertEquals(List.of("192.0.2.9"), w.published(), "the endpoint drains to its healthy target");
    assertEquals(List.of(), w.held());
    assertTrue(sizes.size() >= 4, "drained one follow-up at a time: " + sizes);
  }

  @Test
  void eachAddressFamilyHasItsOwnBudget() {
    World w = new World(0.5, "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4",
        "2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4");
    w.plan();
    for (String a : List.of("192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2", "2001:db8::3", "192.0.2.3")) {
      w.fail(a);
      w.plan();
    }
    assertEquals(List.of("192.0.2.3", "192.0.2.4", "2001:db8::3", "2001:db8::4"), w.published());
    assertEquals(List.of("192.0.2.3", "2001:db8::3"), w.held());
  }

  @Test
  void removalsOlderThanTheWindowDoNotCount() {
    Endpoint e = endpoint("192.0.2.1+", "192.0.2.2+", "192.0.2.3-", "192.0.2.4+");
    Map<String, PlanEntry> prev = previous("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4");
    List<HealthRemoval> old = List.of(
        new HealthRemoval(EP, "192.0.2.5", NOW.minus(WINDOW)), new HealthRemoval(EP, "192.0.2.6", NOW.minus(WINDOW)));
    PlanDraft d = PlanCalculator.calculate(List.of(e), prev, old, policy(0.5), NOW);
    assertEquals(List.of("192.0.2.1", "192.0.2.2", "192.0.2.4"), published(d));
    List<HealthRemoval> recent = Stream.of("192.0.2.5", "192.0.2.6", "192.0.2.7")
        .map(a -> new HealthRemoval(EP, a, NOW.minusSeconds(60))).toList();
    PlanDraft limited = PlanCalculator.calculate(List.of(e), prev, recent, policy(0.5), NOW);
    assertEquals(List.of("192.0.2.3"), held(limited), "three of seven went within the window: 50% of 7 is 3, no more");
  }

  @Test
  void operatorRemovalsAreNeitherLimitedNorRecorded() {
    PlanDraft d = calculate(endpoint("192.0.2.1+", "192.0.2.2-"),
        previous("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"), 0.5);
    assertEquals(List.of("192.0.2.1"), published(d));
    assertEquals(List.of(new HealthRemoval(EP, "192.0.2.2", NOW)), d.removals(), "only the health removal");
  }

  @Test
  void aDeletedEndpointGetsADeletionEntryUntilItIsRevived() {
    Endpoint deleted = new Endpoint(EP, "aws.test.", 30, true, List.of(), true);
    PlanDraft d = PlanCalculator.calculate(List.of(deleted), previous("192.0.2.1"), List.of(), policy(0.5), NOW);
    assertEquals(List.of(PlanEntry.deletion(EP, 30)), d.entries());
    assertTrue(d.changed());
    assertEquals(List.of(), d.removals(), "deletion is configuration, not health");
    PlanDraft again = PlanCalculator.calculate(
        List.of(deleted), Map.of(EP, d.entries().get(0)), List.of(), policy(0.5), NOW);
    assertFalse(again.changed(), "the deletion entry stays in every later plan");
    PlanDraft revived = PlanCalculator.calculate(
        List.of(endpoint("192.0.2.7+")), Map.of(EP, d.entries().get(0)), List.of(), policy(0.5), NOW);
    assertEquals(List.of("192.0.2.7"), published(revived));
    assertFalse(revived.entries().get(0).deleted());
  }

  @Test
  void aDeletionEntryPublishesNothing() {
    assertThrows(IllegalArgumentException.class,
        () -> new PlanEntry(EP, 60, planned("192.0.2.1"), Set.of(), List.of(), true));
    assertThrows(IllegalArgumentException.class,
        () -> PlanEntry.live(EP, 60, planned("192.0.2.1"), Set.of(), planned("192.0.2.2")), "held must be published");
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
        history.add(new HealthRemoval(EP, "192.0.2." + (1 + random.nextInt(8)), NOW.minusSeconds(random.nextInt(900))));
      }
      Endpoint e = endpoint(targets);
      double share = 0.05 + random.nextDouble() * 0.95;
      PlanDraft d = PlanCalculator.calculate(List.of(e), prev, history, policy(share), NOW);
      for (AddressFamily f : AddressFamily.values()) {
        boolean configured = e.targets().stream().anyMatch(t -> AddressFamily.of(t.address()) == f);
        boolean published = d.entries().get(0).addresses().stream().anyMatch(a -> AddressFamily.of(a.address()) == f);
        assertEquals(configured, published, "round " + round + ", family " + f + ": " + List.of(targets));
      }
    }
  }

  @Test
  void withinAnyWindowAtMostTheShareIsRemovedHoweverFailuresArrive() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      int n = 2 + random.nextInt(12);
      World w = new World(0.5, addresses("198.51.100.", n));
      w.plan();
      List<String> healthy = new ArrayList<>(List.of(addresses("198.51.100.", n)));
      for (int step = 0; step < 40; step++) {
        w.advance(Duration.ofSeconds(random.nextInt(240)));
        // Failures only, never the last healthy target: one or several per plan, or none (a heartbeat).
        for (int k = random.nextInt(3); k > 0 && healthy.size() > 1; k--) {
          w.fail(healthy.remove(random.nextInt(healthy.size())));
        }
        w.plan();
        long allowed = Math.max(1, n / 2);
        assertTrue(w.removedWithinWindow() <= allowed,
            "round " + round + " step " + step + ": " + w.removedWithinWindow() + " of " + n + " within the window");
        assertEquals(w.published().size() - healthy.size(), w.held().size(), "every unhealthy address published is held");
      }
    }
  }

  // ---- fail-open scope: "family" (the default) and "endpoint" (the pre-fix rule, for the demo) -----

  /** The outage-demo family schedule: a dual-stack endpoint loses both IPv4 targets, one report at a time. */
  private static World dualStack(FailOpenScope scope) {
    World w = new World(0.5, "192.0.2.1", "192.0.2.2", "2001:db8::1");
    w.scope = scope;
    w.plan();
    w.advance(Duration.ofSeconds(2));
    w.fail("192.0.2.1");
    w.plan();
    assertEquals(List.of("192.0.2.2", "2001:db8::1"), w.published(), "the first IPv4 failure is an ordinary removal");
    w.advance(Duration.ofSeconds(2));
    w.fail("192.0.2.2");
    return w;
  }

  @Test
  void familyScopeFailsOpenForIpv4WhileIpv6IsHealthy() {
    World w = dualStack(FailOpenScope.FAMILY);
    PlanDraft d = w.plan();
    assertEquals(List.of("192.0.2.1", "192.0.2.2", "2001:db8::1"), w.published(), "every IPv4 address, published anyway");
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
    Instant release = d.nextRelease().orElseThrow(() -> new AssertionError("a held removal asks for a follow-up"));
    w.now = release;
    PlanDraft after = w.plan();
    assertTrue(after.changed());
    assertEquals(List.of("2001:db8::1"), w.published(), "A is empty: IPv4-only clients get NODATA");
    assertEquals(Set.of(), w.entry().failOpenFamilies());
    assertEquals(List.of(new HealthRemoval(EP, "192.0.2.2", release)), after.removals());
  }

  @Test
  void endpointScopeWithoutAVelocityLimitEmptiesIpv4AtOnce() {
    Endpoint e = endpoint("192.0.2.1-", "192.0.2.2-", "2001:db8::1+").withFailOpenScope(FailOpenScope.ENDPOINT);
    PlanDraft d = calculate(e, previous("192.0.2.1", "192.0.2.2", "2001:db8::1"), 1.0);
    assertEquals(List.of("2001:db8::1"), published(d));
    assertEquals(Set.of(), d.entries().get(0).failOpenFamilies());
    PlanDraft family = calculate(e.withFailOpenScope(FailOpenScope.FAMILY),
        previous("192.0.2.1", "192.0.2.2", "2001:db8::1"), 1.0);
    assertEquals(List.of("192.0.2.1", "192.0.2.2", "2001:db8::1"), published(family), "the same health, scope family");
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
        boolean published = entry.addresses().stream().anyMatch(a -> AddressFamily.of(a.address()) == f);
        boolean healthy = e.targets().stream().anyMatch(t -> t.healthy() && AddressFamily.of(t.address()) == f);
        assertEquals(configured && (healthy || allUnhealthy), published, "round " + round + ", family " + f);
        assertEquals(configured && allUnhealthy, entry.failOpenFamilies().contains(f), "round " + round + ", family " + f);
        familiesEmptied += configured && !published ? 1 : 0;
      }
    }
    assertTrue(familiesEmptied > 100, "the naive rule must be seen emptying a family: " + familiesEmptied);
  }

  @Test
  void everyEndpointIsCoveredInNameOrder() {
    Endpoint a = new Endpoint("a.aws.test.", "aws.test.", 30, true, endpoint("192.0.2.1+").targets());
    Endpoint b = new Endpoint("b.aws.test.", "aws.test.", 30, false, endpoint("2001:db8::1-").targets());
    PlanDraft d = PlanCalculator.calculate(List.of(a, b), Map.of(), List.of(), policy(0.5), NOW);
    assertEquals(List.of("a.aws.test.", "b.aws.test."), d.entries().stream().map(PlanEntry::endpoint).toList());
    assertEquals(EnumSet.of(AddressFamily.AAAA), d.entries().get(1).failOpenFamilies());
    assertEquals(30, d.entries().get(0).ttl());
  }

  @Test
  void endpointGoneFromTheTableIsAChange() {
    PlanDraft d = PlanCalculator.calculate(List.of(), previous("192.0.2.1"), List.of(), policy(0.5), NOW);
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
