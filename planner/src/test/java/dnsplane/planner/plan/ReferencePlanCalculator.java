package dnsplane.planner.plan;

import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.FailOpenScope;
import dnsplane.planner.endpoint.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ReferencePlanCalculator is {@link PlanCalculator} as it was before it was rewritten for speed
 * (streams and sets per endpoint): the oracle {@link PlanCalculatorEquivalenceTest} holds the
 * rewrite to. Do not change it to follow PlanCalculator; a change of the rules belongs in both.
 */
final class ReferencePlanCalculator {

  private ReferencePlanCalculator() {}

  /**
   * @param endpoints every endpoint, deleted ones included, ordered by name, targets by address
   * @param previous the previous plan's entries by endpoint (empty when there is none)
   * @param removals health removals within the velocity window (older ones are ignored)
   * @param now the time the plan is made, by the database's clock
   */
  static PlanDraft calculate(
      List<Endpoint> endpoints,
      Map<String, PlanEntry> previous,
      List<HealthRemoval> removals,
      VelocityPolicy policy,
      Instant now) {
    Map<String, List<HealthRemoval>> removalsByEndpoint = new HashMap<>();
    removals.forEach(
        r -> removalsByEndpoint.computeIfAbsent(r.endpoint(), k -> new ArrayList<>()).add(r));
    List<PlanEntry> entries = new ArrayList<>(endpoints.size());
    List<String> failOpen = new ArrayList<>();
    List<HealthRemoval> removed = new ArrayList<>();
    int newlyHeld = 0;
    Instant nextRelease = null;
    for (Endpoint e : endpoints) {
      if (e.deleted()) {
        entries.add(PlanEntry.deletion(e.name(), e.ttl()));
        continue;
      }
      PlanEntry before = previous.get(e.name());
      if (before != null && before.deleted()) {
        before = null;
      }
      Set<String> publish = new HashSet<>();
      Set<String> held = new HashSet<>();
      Set<AddressFamily> failedOpen = EnumSet.noneOf(AddressFamily.class);
      // The naive pre-fix rule (scope ENDPOINT) asks whether the whole endpoint is unhealthy.
      boolean endpointUnhealthy = e.targets().stream().noneMatch(Target::healthy);
      for (AddressFamily family : AddressFamily.values()) {
        List<Target> targets =
            e.targets().stream().filter(t -> AddressFamily.of(t.address()) == family).toList();
        if (targets.isEmpty()) {
          continue;
        }
        boolean failsOpen =
            e.failOpenScope() == FailOpenScope.ENDPOINT
                ? endpointUnhealthy
                : targets.stream().noneMatch(Target::healthy);
        if (failsOpen) {
          failedOpen.add(family);
          targets.forEach(t -> publish.add(t.address()));
          continue;
        }
        targets.stream().filter(Target::healthy).forEach(t -> publish.add(t.address()));
        if (before == null || before.failOpenFamilies().contains(family)) {
          continue;
        }
        VelocityLimit.Decision d =
            VelocityLimit.decide(
                targets,
                published(before, family),
                familyRemovals(removalsByEndpoint, e.name(), family),
                policy,
                now);
        d.remove().forEach(t -> removed.add(new HealthRemoval(e.name(), t.address(), now)));
        for (Target t : d.hold()) {
          publish.add(t.address());
          held.add(t.address());
          newlyHeld += wasHeld(before, t.address()) ? 0 : 1;
        }
        if (d.nextRelease() != null
            && (nextRelease == null || d.nextRelease().isBefore(nextRelease))) {
          nextRelease = d.nextRelease();
        }
      }
      if (!failedOpen.isEmpty()) {
        failOpen.add(e.name());
      }
      entries.add(
          PlanEntry.live(
              e.name(),
              e.ttl(),
              addresses(e.targets(), publish),
              failedOpen,
              addresses(e.targets(), held)));
    }
    boolean changed = !sameAs(entries, previous);
    java.util.BitSet unchanged = new java.util.BitSet();
    for (int i = 0; i < entries.size(); i++) {
      unchanged.set(i, entries.get(i).equals(previous.get(entries.get(i).endpoint())));
    }
    return new PlanDraft(
        entries,
        changed,
        failOpen,
        removed,
        newlyHeld,
        Optional.ofNullable(nextRelease),
        unchanged);
  }

  private static Set<String> published(PlanEntry entry, AddressFamily family) {
    Set<String> out = new HashSet<>();
    entry.addresses().stream()
        .map(PlannedAddress::address)
        .filter(a -> AddressFamily.of(a) == family)
        .forEach(out::add);
    return out;
  }

  private static List<HealthRemoval> familyRemovals(
      Map<String, List<HealthRemoval>> byEndpoint, String endpoint, AddressFamily family) {
    return byEndpoint.getOrDefault(endpoint, List.of()).stream()
        .filter(r -> r.family() == family)
        .toList();
  }

  private static boolean wasHeld(PlanEntry before, String address) {
    return before.held().stream().anyMatch(a -> a.address().equals(address));
  }

  /** The targets whose address is in {@code chosen}, in target (address) order. */
  private static List<PlannedAddress> addresses(List<Target> targets, Set<String> chosen) {
    return targets.stream()
        .filter(t -> chosen.contains(t.address()))
        .map(t -> new PlannedAddress(t.address(), t.weight(), t.az()))
        .toList();
  }

  private static boolean sameAs(List<PlanEntry> entries, Map<String, PlanEntry> previous) {
    if (entries.size() != previous.size()) {
      return false;
    }
    for (PlanEntry entry : entries) {
      if (!entry.equals(previous.get(entry.endpoint()))) {
        return false;
      }
    }
    return true;
  }
}
