package dnsplane.planner.endpoint;

import java.util.List;
import java.util.Objects;

/**
 * Endpoint is a managed DNS name (canonical, inside {@code zone}) whose A/AAAA rrsets come from
 * plans, with its TTL, guard flag and targets (ordered by address). A deleted endpoint keeps its
 * row (so that plans can unpublish it) but has no targets.
 */
public record Endpoint(String name, String zone, int ttl, boolean guarded, List<Target> targets, boolean deleted) {

  public Endpoint {
    Objects.requireNonNull(name, "name");
    targets = List.copyOf(targets);
  }

  /** A live endpoint. */
  public Endpoint(String name, String zone, int ttl, boolean guarded, List<Target> targets) {
    this(name, zone, ttl, guarded, targets, false);
  }
}
