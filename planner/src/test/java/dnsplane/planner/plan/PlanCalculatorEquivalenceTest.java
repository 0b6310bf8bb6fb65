package dnsplane.planner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.FailOpenScope;
import dnsplane.planner.endpoint.HealthCheck;
import dnsplane.planner.endpoint.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The loop-based {@link PlanCalculator} makes exactly the drafts the stream-based original ({@link
 * ReferencePlanCalculator}) made, over random endpoints (both families, any health, both fail-open
 * scopes, deletions), random previous plans (held addresses, failed-open families, deletions) and
 * random health removals inside and outside the window, for strict and unlimited policies.
 */
class PlanCalculatorEquivalenceTest {

  private static final Instant NOW = Instant.parse("2025-10-20T07:00:00Z");
  private static final Duration WINDOW = Duration.ofMinutes(10);
  private static final String[] V4 = {"192.0.2.1", "192.0.2.2", "192.0.2.10", "198.51.100.7"};
  private static final String[] V6 = {"2001:db8::1", "2001:db8::2", "2001:db8:1::"};

  @Test
  void randomWorldsGiveTheReferenceDraftPlanAfterPlan() {
    Random random = new Random(20251020);
    for (int world = 0; world < 300; world++) {
      VelocityPolicy policy =
          new VelocityPolicy(List.of(0.1, 0.34, 0.5, 1.0).get(random.nextInt(4)), WINDOW);
      Map<String, PlanEntry> previous = Map.of();
      List<HealthRemoval> removals = new ArrayList<>();
      // A few plans in a row, each from the previous draft: held and failed-open entries arise.
      for (int plan = 0; plan < 4; plan++) {
        List<Endpoint> endpoints = endpoints(random);
        if (random.nextInt(4) == 0) {
          previous = scrambled(random, previous);
        }
        PlanDraft expected =
            ReferencePlanCalculator.calculate(endpoints, previous, removals, policy, NOW);
        PlanDraft actual = PlanCalculator.calculate(endpoints, previous, removals, policy, NOW);
        assertEquals(expected, actual, "world " + world + ", plan " + plan);
        // The previous entries in an order of their own change nothing but the speed: the
        // endpoints' order, a shuffled one, or only some of them.
        List<PlanEntry> hint = new ArrayList<>(previous.values());
        hint.sort(java.util.Comparator.comparing(PlanEntry::endpoint));
        if (random.nextInt(3) == 0) {
          java.util.Collections.shuffle(hint, random);
        }
        if (!hint.isEmpty() && random.nextBoolean()) {
          hint.remove(random.nextInt(hint.size()));
        }
        assertEquals(
            expected,
            PlanCalculator.calculate(endpoints, previous, hint, removals, policy, NOW),
            "world " + world + ", plan " + plan + ", previous in order " + hint);
        previous = new HashMap<>();
        for (PlanEntry e : actual.entries()) {
          previous.put(e.endpoint(), e);
        }
        removals.addAll(actual.removals());
        if (random.nextBoolean()) {
          removals.add(
              new HealthRemoval(
                  "ep" + random.nextInt(6) + ".aws.test.",
                  random.nextBoolean() ? V4[random.nextInt(V4.length)] : V6[random.nextInt(3)],
                  NOW.minus(Duration.ofMinutes(random.nextInt(20)))));
        }
      }
    }
  }

  private static List<Endpoint> endpoints(Random random) {
    List<Endpoint> out = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String name = "ep" + i + ".aws.test.";
      if (random.nextInt(8) == 0) {
        out.add(new Endpoint(name, "aws.test.", 60, true, List.of(), true));
        continue;
      }
      List<Target> targets = new ArrayList<>();
      for (String a : V4) {
        if (random.nextInt(3) > 0) {
          targets.add(target(random, a));
        }
      }
      for (String a : V6) {
        if (random.nextInt(3) == 0) {
          targets.add(target(random, a));
        }
      }
      FailOpenScope scope = random.nextInt(4) == 0 ? FailOpenScope.ENDPOINT : FailOpenScope.FAMILY;
      out.add(new Endpoint(name, "aws.test.", 30 + i, true, targets, false, scope));
    }
    return out;
  }

  private static Target target(Random random, String address) {
    return new Target(
        address,
        random.nextInt(3) * 50,
        random.nextBoolean() ? "az-a" : "az-b",
        HealthCheck.REPORTED,
        random.nextInt(3) > 0,
        NOW.minus(Duration.ofMinutes(random.nextInt(30))));
  }

  /** Entries a previous plan could hold that this calculation did not make (another planner's). */
  private static Map<String, PlanEntry> scrambled(Random random, Map<String, PlanEntry> previous) {
    Map<String, PlanEntry> out = new HashMap<>(previous);
    String name = "ep" + random.nextInt(6) + ".aws.test.";
    switch (random.nextInt(3)) {
      case 0 -> out.put(name, PlanEntry.deletion(name, 60));
      case 1 -> out.remove(name);
      default -> {
        List<PlannedAddress> all = new ArrayList<>();
        for (String a : V4) {
          all.add(new PlannedAddress(a, 100, "az-a"));
        }
        Set<AddressFamily> failOpen =
            random.nextBoolean()
                ? EnumSet.of(AddressFamily.A)
                : EnumSet.noneOf(AddressFamily.class);
        out.put(name, PlanEntry.live(name, 60, all, failOpen, all.subList(0, random.nextInt(3))));
      }
    }
    return out;
  }
}
