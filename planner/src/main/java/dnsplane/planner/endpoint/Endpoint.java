package dnsplane.planner.endpoint;

import java.util.List;
import java.util.Objects;

/**
 * Endpoint is a managed DNS name (canonical, inside {@code zone}) whose A/AAAA rrsets come from
 * plans, with its TTL, guard flag, fail-open scope and targets (ordered by address). A deleted
 * endpoint keeps its row (so that plans can unpublish it) but has no targets.
 */
public record Endpoint(
    String name,
    String zone,
    int ttl,
    boolean guarded,
    List<Target> targets,
    boolean deleted,
    FailOpenScope failOpenScope) {

  public Endpoint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(failOpenScope, "failOpenScope");
    targets = List.copyOf(targets);
  }

  /** An endpoint failing open per family (the default scope). */
  public Endpoint(
      String name, String zone, int ttl, boolean guarded, List<Target> targets, boolean deleted) {
    this(name, zone, ttl, guarded, targets, deleted, FailOpenScope.FAMILY);
  }

  /** A live endpoint failing open per family (the default scope). */
  public Endpoint(String name, String zone, int ttl, boolean guarded, List<Target> targets) {
    this(name, zone, ttl, guarded, targets, false);
  }

  /** A copy with another fail-open scope. */
  public Endpoint withFailOpenScope(FailOpenScope scope) {
    return new Endpoint(name, zone, ttl, guarded, targets, deleted, scope);
  }
}
