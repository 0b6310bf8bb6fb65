package dnsplane.enactor.rules;

import java.util.Objects;

/** PlanAddress is one address a plan publishes for an endpoint, with its weight and zone. */
public record PlanAddress(String address, int weight, String az) {
  public PlanAddress {
    Objects.requireNonNull(address, "address");
  }

  /** True for an IPv6 address (published as AAAA), false for IPv4 (published as A). */
  public boolean isV6() {
    return address.indexOf(':') >= 0;
  }
}
