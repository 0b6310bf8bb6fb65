package dnsplane.db.endpoint;

import java.util.List;

/**
 * EndpointDefinition is what an operator's PUT stores for one endpoint: the zone that serves it,
 * its TTL, guard and fail-open scope, and its targets.
 */
public record EndpointDefinition(
    String name,
    long zoneId,
    int ttl,
    boolean guarded,
    String failOpenScope,
    List<Target> targets) {

  public EndpointDefinition {
    targets = List.copyOf(targets);
  }

  /** One target: {@code healthSource} "report", "tcp" or "http"; {@code checkAddress} or null. */
  public record Target(
      String address, int weight, String az, String healthSource, String checkAddress) {}
}
