package dnsplane.planner.plan;

import dnsplane.planner.endpoint.EndpointSpec;
import dnsplane.planner.endpoint.Target;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * VelocityLimit decides, for one endpoint and one address family, which unhealthy addresses the
 * previous plan published may be removed now and which stay published ("held") because the window
 * has no room for them. PURE.
 *
 * <p>The baseline approximates "published and healthy at the start of the window" from what is
 * known without plan history: the addresses removed within the window, plus the addresses still
 * published whose target is healthy or turned unhealthy within the window. An address held since
 * before the window started does not count: it was not healthy then. The oldest failures go first
 * (then the lowest address), so held removals are released in the order the targets failed.
 */
final class VelocityLimit {

  /** The outcome; {@code nextRelease} is when the window can next allow a removal, or null. */
  record Decision(List<Target> remove, List<Target> hold, Instant nextRelease) {}

  private static final Comparator<Target> FAILED_FIRST =
      Comparator.comparing(Target::healthChangedAt)
          .thenComparing(Target::address, EndpointSpec::compareAddresses);

  private VelocityLimit() {}

  /**
   * @param targets the endpoint's configured targets of one family
   * @param published the addresses of that family the previous plan published
   * @param removals health removals of this endpoint and family (any age; older than the window are
   *     ignored)
   */
  static Decision decide(
      List<Target> targets,
      Set<String> published,
      List<HealthRemoval> removals,
      VelocityPolicy policy,
      Instant now) {
    List<Target> unhealthy =
        targets.stream()
            .filter(t -> !t.healthy() && published.contains(t.address()))
            .sorted(FAILED_FIRST)
            .toList();
    if (unhealthy.isEmpty() || policy.unlimited()) {
      return new Decision(unhealthy, List.of(), null);
    }
    Instant windowStart = now.minus(policy.window());
    List<HealthRemoval> recent =
        removals.stream().filter(r -> r.at().isAfter(windowStart)).toList();
    Set<String> baseline = new HashSet<>();
    recent.forEach(r -> baseline.add(r.address()));
    for (Target t : targets) {
      if (published.contains(t.address())
          && (t.healthy() || !t.healthChangedAt().isBefore(windowStart))) {
        baseline.add(t.address());
      }
    }
    int room = Math.max(0, policy.allowedRemovals(baseline.size()) - recent.size());
    List<Target> remove = unhealthy.subList(0, Math.min(room, unhealthy.size()));
    List<Target> hold = unhealthy.subList(remove.size(), unhealthy.size());
    if (hold.isEmpty()) {
      return new Decision(remove, hold, null);
    }
    // Something is held, so the window is full (room was smaller than the demand): the next
    // removal can be allowed once the oldest removal in it ages out.
    Instant oldest =
        Stream.concat(
                recent.stream().map(HealthRemoval::at),
                remove.isEmpty() ? Stream.empty() : Stream.of(now))
            .min(Comparator.naturalOrder())
            .orElse(now);
    return new Decision(remove, hold, oldest.plus(policy.window()));
  }
}
