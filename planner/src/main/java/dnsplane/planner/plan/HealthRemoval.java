package dnsplane.planner.plan;

import java.time.Instant;
import java.util.Objects;

/**
 * HealthRemoval is one address that health (not an operator) removed from an endpoint's published
 * set, and when: a row of {@code velocity_removal}. The velocity limit counts them over a window.
 */
public record HealthRemoval(String endpoint, String address, Instant at) {

  public HealthRemoval {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(at, "at");
  }

  public AddressFamily family() {
    return AddressFamily.of(address);
  }
}
