package dnsplane.planner.endpoint;

import java.util.List;
import java.util.Objects;

/**
 * Endpoint is a managed DNS name (canonical, inside {@code zone}) whose A/AAAA rrsets come from
 * plans, with its TTL, guard flag and targets (ordered by address).
 */
public record Endpoint(String name, String zone, int ttl, boolean guarded, List<Target> targets) {

  public Endpoint {
    Objects.requireNonNull(name, "name");
    targets = List.copyOf(targets);
  }
}
