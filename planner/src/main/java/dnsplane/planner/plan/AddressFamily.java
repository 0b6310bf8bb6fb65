package dnsplane.planner.plan;

import dnsplane.planner.endpoint.Addresses;

/** AddressFamily is the record type an address is published as: IPv4 as A, IPv6 as AAAA. */
public enum AddressFamily {
  A,
  AAAA;

  /** The family of a canonical address. */
  public static AddressFamily of(String canonicalAddress) {
    return Addresses.isV6(canonicalAddress) ? AAAA : A;
  }
}
