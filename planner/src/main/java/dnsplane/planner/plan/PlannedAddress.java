package dnsplane.planner.plan;

/**
 * PlannedAddress is one address of one endpoint in a plan, exactly the JSON element stored in
 * {@code plan_entry.addresses}: {@code {"address":"192.0.2.10","weight":100,"az":"az-a"}}.
 */
public record PlannedAddress(String address, int weight, String az) {}
