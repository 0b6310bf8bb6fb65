package dnsplane.planner.plan;

import static dnsplane.planner.plan.PlanFixtures.EP;
import static dnsplane.planner.plan.PlanFixtures.NOW;
import static dnsplane.planner.plan.PlanFixtures.WINDOW;
import static dnsplane.planner.plan.PlanFixtures.addresses;
import static dnsplane.planner.plan.PlanFixtures.calculate;
import static dnsplane.planner.plan.PlanFixtures.endpoint;
import static dnsplane.planner.plan.PlanFixtures.held;
import static dnsplane.planner.plan.PlanFixtures.policy;
import static dnsplane.planner.plan.PlanFixtures.previous;
import static dnsplane.planner.plan.PlanFixtures.published;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.plan.PlanFixtures.World;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The velocity limit over a sliding window, per endpoint and family, fed back as PlanWriter does.
 */
class VelocityWindowTest {

  @Test
  void nineFailuresOneAtATimeRemoveAtMostFourWithinTheWindow() {
    World w = new World(0.5, addresses("192.0.2.", 9));
    w.plan();
    for (int i = 1; i <= 8; i++) {
      w.advance(Duration.ofSeconds(5));
      w.fail("192.0.2." + i);
      PlanDraft d = w.plan();
      assertTrue(
          w.removedWithinWindow() <= 4,
          "after failure " + i + ": " + w.removedWithinWindow() + " removed");
      assertEquals(
          i > 4,
          d.nextRelease().isPresent(),
          "a follow-up is asked for exactly while something is held");
    }
    assertEquals(
        List.of("192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8", "192.0.2.9"), w.published());
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
      assertTrue(
          w.removedWithinWindow() <= 4,
          "at " + w.now + ": " + w.removedWithinWindow() + " within the window");
    }
    assertEquals(List.of("192.0.2.9"), w.published(), "the endpoint drains to its healthy target");
    assertEquals(List.of(), w.held());
    assertTrue(sizes.size() >= 4, "drained one follow-up at a time: " + sizes);
  }

  @Test
  void eachAddressFamilyHasItsOwnBudget() {
    World w =
        new World(
            0.5,
            "192.0.2.1",
            "192.0.2.2",
            "192.0.2.3",
            "192.0.2.4",
            "2001:db8::1",
            "2001:db8::2",
            "2001:db8::3",
            "2001:db8::4");
    w.plan();
    for (String a :
        List.of(
            "192.0.2.1", "192.0.2.2", "2001:db8::1", "2001:db8::2", "2001:db8::3", "192.0.2.3")) {
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
    List<HealthRemoval> old =
        List.of(
            new HealthRemoval(EP, "192.0.2.5", NOW.minus(WINDOW)),
            new HealthRemoval(EP, "192.0.2.6", NOW.minus(WINDOW)));
    PlanDraft d = PlanCalculator.calculate(List.of(e), prev, old, policy(0.5), NOW);
    assertEquals(List.of("192.0.2.1", "192.0.2.2", "192.0.2.4"), published(d));
    List<HealthRemoval> recent =
        Stream.of("192.0.2.5", "192.0.2.6", "192.0.2.7")
            .map(a -> new HealthRemoval(EP, a, NOW.minusSeconds(60)))
            .toList();
    PlanDraft limited = PlanCalculator.calculate(List.of(e), prev, recent, policy(0.5), NOW);
    assertEquals(
        List.of("192.0.2.3"),
        held(limited),
        "three of seven went within the window: 50% of 7 is 3, no more");
  }

  @Test
  void operatorRemovalsAreNeitherLimitedNorRecorded() {
    PlanDraft d =
        calculate(
            endpoint("192.0.2.1+", "192.0.2.2-"),
            previous("192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5"),
            0.5);
    assertEquals(List.of("192.0.2.1"), published(d));
    assertEquals(
        List.of(new HealthRemoval(EP, "192.0.2.2", NOW)), d.removals(), "only the health removal");
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
        // Failures only, never the last healthy target: one or several per plan, or none (a
        // heartbeat).
        for (int k = random.nextInt(3); k > 0 && healthy.size() > 1; k--) {
          w.fail(healthy.remove(random.nextInt(healthy.size())));
        }
        w.plan();
        long allowed = Math.max(1, n / 2);
        assertTrue(
            w.removedWithinWindow() <= allowed,
            "round "
                + round
                + " step "
                + step
                + ": "
                + w.removedWithinWindow()
                + " of "
                + n
                + " within the window");
        assertEquals(
            w.published().size() - healthy.size(),
            w.held().size(),
            "every unhealthy address published is held");
      }
    }
  }
}
