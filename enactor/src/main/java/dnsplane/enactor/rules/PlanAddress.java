package dnsplane.enactor.rules;

import java.util.Objects;
import java.util.Optional;

/**
 * PlanAddress is one address a plan publishes for an endpoint, with its weight and zone, exactly as
 * the plan spells it. It is parsed once, strictly ({@link IpAddress}): a plan written by a buggy
 * planner may hold text that is no address at all, and the safe enactor must refuse such an entry
 * rather than guess.
 */
public final class PlanAddress {

  private final String address;
  private final int weight;
  private final String az;
  private final IpAddress parsed;
  private final String problem;

  public PlanAddress(String address, int weight, String az) {
    this.address = Objects.requireNonNull(address, "address");
    this.weight = weight;
    this.az = az;
    IpAddress ok = null;
    String why = null;
    try {
      ok = IpAddress.parse(address);
    } catch (IllegalArgumentException e) {
      why = e.getMessage();
    }
    this.parsed = ok;
    this.problem = why;
  }

  /** The address as the plan spells it. */
  public String address() {
    return address;
  }

  public int weight() {
    return weight;
  }

  public String az() {
    return az;
  }

  /** The parsed address; empty when the text is not a valid address. */
  public Optional<IpAddress> parsed() {
    return Optional.ofNullable(parsed);
  }

  /** Why the text is not a valid address; null when it is one. */
  public String problem() {
    return problem;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlanAddress p
        && address.equals(p.address)
        && weight == p.weight
        && Objects.equals(az, p.az);
  }

  @Override
  public int hashCode() {
    return Objects.hash(address, weight, az);
  }

  @Override
  public String toString() {
    return "PlanAddress[address=" + address + ", weight=" + weight + ", az=" + az + "]";
  }
}
