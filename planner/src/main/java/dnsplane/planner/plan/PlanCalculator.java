package dnsplane.planner.plan;

import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.FailOpenScope;
import dnsplane.planner.endpoint.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * PlanCalculator turns endpoints, their targets' health, the previous plan and the recent health
 * removals into the next plan draft. PURE: no I/O, no clock ({@code now} is an argument).
 *
 * <p>Per endpoint and per address family (A for IPv4 targets, AAAA for IPv6), in this order:
 *
 * <ol>
 *   <li>A family without targets publishes nothing: only configuration removes a family.
 *   <li>A family with no healthy target fails open: all its targets are published. Health never
 *       empties a family, because clients of that family alone would get an empty answer (NODATA),
 *       which is worse than a possibly dead address. This is per family: IPv6 being healthy does
 *       not help an IPv4-only client. An endpoint whose {@link FailOpenScope} is {@code ENDPOINT}
 *       (for reproducing the pre-fix behaviour only) fails open only when every one of its targets
 *       is unhealthy, and then in every family; otherwise a family without a healthy target goes on
 *       to the next rule like any other, and may be emptied.
 *   <li>Otherwise the healthy targets are published, and unhealthy addresses the previous plan
 *       published are removed within the velocity limit ({@link VelocityLimit}): the rest stay
 *       published and are listed as held.
 *   <li>No limit applies when the previous entry failed open for that family (those addresses were
 *       not healthy) nor to targets an operator removed (configuration, not health: they are simply
 *       no longer targets).
 * </ol>
 *
 * A deleted endpoint gets a deletion entry, which publishes nothing.
 */
public final class PlanCalculator {

  private static final AddressFamily[] FAMILIES = AddressFamily.values();

  private PlanCalculator() {}

  /**
   * @param endpoints every endpoint, deleted ones included, ordered by name, targets by address
   * @param previous the previous plan's entries by endpoint (empty when there is none)
   * @param removals health removals within the velocity window (older ones are ignored)
   * @param now the time the plan is made, by the database's clock
   */
  public static PlanDraft calculate(
      List<Endpoint> endpoints,
      Map<String, PlanEntry> previous,
      List<HealthRemoval> removals,
      VelocityPolicy policy,
      Instant now) {
    return calculate(endpoints, previous, List.of(), removals, policy, now);
  }

  /**
   * As {@link #calculate(List, Map, List, VelocityPolicy, Instant)}, with {@code previousInOrder}:
   * the values of {@code previous} (or some of them) in the order the endpoints come in, as the
   * previous plan of the same endpoints lists them. An endpoint's previous entry is then found
   * where the one before it was found, and looked up in {@code previous} only when it is not there:
   * 100,000 hash lookups cost more than the rest of the calculation. Any order is correct; only the
   * speed depends on it.
   */
  public static PlanDraft calculate(
      List<Endpoint> endpoints,
      Map<String, PlanEntry> previous,
      List<PlanEntry> previousInOrder,
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
    BitSet unchanged = new BitSet(endpoints.size());
    int cursor = 0;
    for (Endpoint e : endpoints) {
      PlanEntry prior = null;
      if (cursor < previousInOrder.size()
          && previousInOrder.get(cursor).endpoint().equals(e.name())) {
        prior = previousInOrder.get(cursor++);
      } else {
        prior = previous.get(e.name());
      }
      if (e.deleted()) {
        add(entries, unchanged, PlanEntry.deletion(e.name(), e.ttl()), prior);
        continue;
      }
      PlanEntry before = prior != null && prior.deleted() ? null : prior;
      List<Target> all = e.targets();
      // Plain loops over the few targets of an endpoint, not streams: a plan runs this for every
      // endpoint, and the streams' allocations made most of a 100,000-endpoint plan's time.
      boolean[] publish = new boolean[all.size()];
      Set<String> held = null;
      Set<AddressFamily> failedOpen = EnumSet.noneOf(AddressFamily.class);
      // The naive pre-fix rule (scope ENDPOINT) asks whether the whole endpoint is unhealthy.
      boolean endpointUnhealthy = true;
      for (Target t : all) {
        if (t.healthy()) {
          endpointUnhealthy = false;
          break;
        }
      }
      for (AddressFamily family : FAMILIES) {
        int count = 0;
        int healthy = 0;
        for (Target t : all) {
          if (AddressFamily.of(t.address()) == family) {
            count++;
            healthy += t.healthy() ? 1 : 0;
          }
        }
        if (count == 0) {
          continue;
        }
        boolean failsOpen =
            e.failOpenScope() == FailOpenScope.ENDPOINT ? endpointUnhealthy : healthy == 0;
        for (int i = 0; i < all.size(); i++) {
          Target t = all.get(i);
          if (AddressFamily.of(t.address()) == family && (failsOpen || t.healthy())) {
            publish[i] = true;
          }
        }
        if (failsOpen) {
          failedOpen.add(family);
          continue;
        }
        if (before == null || before.failOpenFamilies().contains(family) || healthy == count) {
          // No previous entry to limit against, or nothing unhealthy to remove: the velocity
          // limit would neither remove nor hold anything.
          continue;
        }
        List<Target> targets = new ArrayList<>(count);
        for (Target t : all) {
          if (AddressFamily.of(t.address()) == family) {
            targets.add(t);
          }
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
          publish[all.indexOf(t)] = true;
          if (held == null) {
            held = new HashSet<>();
          }
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
      List<PlannedAddress> published = new ArrayList<>(all.size());
      for (int i = 0; i < all.size(); i++) {
        if (publish[i]) {
          Target t = all.get(i);
          published.add(new PlannedAddress(t.address(), t.weight(), t.az()));
        }
      }
      add(
          entries,
          unchanged,
          PlanEntry.live(
              e.name(),
              e.ttl(),
              published,
              failedOpen,
              held == null ? List.of() : addresses(all, held)),
          prior);
    }
    // Endpoints are unique, so every entry equal to the previous one for its endpoint, and as many
    // entries as before, is the previous plan exactly.
    boolean changed =
        entries.size() != previous.size() || unchanged.cardinality() != entries.size();
    return new PlanDraft(
        entries,
        changed,
        failOpen,
        removed,
        newlyHeld,
        Optional.ofNullable(nextRelease),
        unchanged);
  }

  /** Appends {@code entry}, marking it unchanged when it equals {@code prior}. */
  private static void add(
      List<PlanEntry> entries, BitSet unchanged, PlanEntry entry, PlanEntry prior) {
    if (entry.equals(prior)) {
      unchanged.set(entries.size());
    }
    entries.add(entry);
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
}
