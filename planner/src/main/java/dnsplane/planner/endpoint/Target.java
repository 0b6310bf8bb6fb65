package dnsplane.planner.endpoint;

import java.time.Instant;
import java.util.Objects;

/**
 * Target is one address an endpoint may publish, with its weight, availability zone, health source
 * and current health. {@code address} is canonical (see {@link Addresses}).
 */
public record Target(
    String address,
    int weight,
    String az,
    HealthCheck check,
    boolean healthy,
    Instant healthChangedAt) {

  public Target {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(az, "az");
    Objects.requireNonNull(check, "check");
  }

  /** A copy with another health, for tests and table cases. */
  public Target withHealthy(boolean value) {
    return new Target(address, weight, az, check, value, healthChangedAt);
  }
}
