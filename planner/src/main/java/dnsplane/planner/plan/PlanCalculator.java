package dnsplane.planner.plan;

import dnsplane.planner.endpoint.Endpoint;
import dnsplane.planner.endpoint.Target;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PlanCalculator turns endpoints, their targets' health and the previous plan into the next plan
 * draft. PURE: no I/O, no clock.
 *
 * <p>Per endpoint, in this order:
 *
 * <ol>
 *   <li>No healthy target: fail open, publish every target ({@code failOpen = true}). A plan never
 *       holds an empty address set, because an empty answer is worse than a possibly dead one.
 *   <li>Otherwise publish the healthy targets, subject to the velocity limit: of the addresses
 *       the previous plan published (and that are still configured targets), at most
 *       {@code max(1, floor(share × published))} may be dropped for being unhealthy in one plan.
 *       Floor, so 50% of 3 is 1; 50% of 2 is 1, so with two targets one may go. The minimum of one
 *       guarantees progress: an endpoint publishing a single dead address next to a new healthy
 *       one can still move off it. Deferred removals are the first to go in a later plan; the
 *       excess is kept in target (address) order, so the choice is deterministic.
 *   <li>The limit does not apply when the previous entry failed open (those addresses were never
 *       healthy) nor to targets an operator removed from the endpoint (intent, not flapping).
 * </ol>
 */
public final class PlanCalculator {

  private PlanCalculator() {}

  /**
   * @param endpoints every endpoint, ordered by name, targets ordered by address
   * @param previous the previous plan's entries by endpoint (empty when there is none)
   * @param maxRemovalShare the velocity limit, in (0, 1]; 1 means no limit
   */
  public static PlanDraft calculate(
      List<Endpoint> endpoints, Map<String, PlanEntry> previous, double maxRemovalShare) {
    if (!(maxRemovalShare > 0 && maxRemovalShare <= 1)) {
      throw new IllegalArgumentException("velocity limit must be in (0, 1], got " + maxRemovalShare);
    }
    List<PlanEntry> entries = new ArrayList<>(endpoints.size());
    List<String> failOpen = new ArrayList<>();
    int deferred = 0;
    for (Endpoint e : endpoints) {
      List<Target> healthy = e.targets().stream().filter(Target::healthy).toList();
      if (healthy.isEmpty()) {
        failOpen.add(e.name());
        entries.add(new PlanEntry(e.name(), e.ttl(), true, addresses(e.targets())));
        continue;
      }
      PlanEntry before = previous.get(e.name());
      Set<String> keep = new HashSet<>();
      if (before != null && !before.failOpen()) {
        Set<String> published = new HashSet<>();
        before.addresses().forEach(a -> published.add(a.address()));
        List<Target> stillPublished =
            e.targets().stream().filter(t -> published.contains(t.address())).toList();
        List<Target> dropping = stillPublished.stream().filter(t -> !t.healthy()).toList();
        int allowed = Math.max(1, (int) Math.floor(maxRemovalShare * stillPublished.size()));
        for (int i = allowed; i < dropping.size(); i++) {
          keep.add(dropping.get(i).address());
        }
        deferred += keep.size();
      }
      List<Target> publish =
          e.targets().stream().filter(t -> t.healthy() || keep.contains(t.address())).toList();
      entries.add(new PlanEntry(e.name(), e.ttl(), false, addresses(publish)));
    }
    boolean changed = !sameAs(entries, previous);
    return new PlanDraft(entries, changed, failOpen, deferred);
  }

  private static List<PlannedAddress> addresses(List<Target> targets) {
    return targets.stream().map(t -> new PlannedAddress(t.address(), t.weight(), t.az())).toList();
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
