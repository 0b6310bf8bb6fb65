package dnsplane.planner.plan;

import java.util.List;
import java.util.Objects;

/**
 * PlanEntry is what one plan says about one endpoint: the TTL and the addresses to publish, and
 * whether they were published because every target was unhealthy (fail open).
 */
public record PlanEntry(String endpoint, int ttl, boolean failOpen, List<PlannedAddress> addresses) {

  public PlanEntry {
    Objects.requireNonNull(endpoint, "endpoint");
    addresses = List.copyOf(addresses);
  }
}
