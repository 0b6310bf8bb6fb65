package dnsplane.enactor.rules;

import java.util.List;
import java.util.Objects;

/**
 * PlanEntry is what plan {@code generation} says one endpoint must publish: its addresses and TTL.
 * The addresses may be empty: a buggy planner could write that, and the safe enactor must refuse it.
 */
public record PlanEntry(
    long generation, String endpoint, int ttl, List<PlanAddress> addresses, boolean failOpen) {

  public PlanEntry {
    Objects.requireNonNull(endpoint, "endpoint");
    addresses = List.copyOf(addresses);
  }

  /** The IPv4 addresses (the A rrset), in plan order. */
  public List<String> v4() {
    return addresses.stream().filter(a -> !a.isV6()).map(PlanAddress::address).toList();
  }

  /** The IPv6 addresses (the AAAA rrset), in plan order. */
  public List<String> v6() {
    return addresses.stream().filter(PlanAddress::isV6).map(PlanAddress::address).toList();
  }

  /** The name of the TXT rrset that publishes the applied generation. */
  public String markerName() {
    return markerName(endpoint);
  }

  /** {@code _plan.<endpoint>}. */
  public static String markerName(String endpoint) {
    return "_plan." + endpoint;
  }

  /** The TXT rdata in presentation format: the generation in quotes, e.g. {@code "12"}. */
  public String markerRdata() {
    return "\"" + generation + "\"";
  }
}
