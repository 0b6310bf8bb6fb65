package dnsplane.enactor.rules;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * PlanEntry is what plan {@code generation} says one endpoint must publish: its addresses and TTL,
 * or, for a {@code deleted} endpoint, nothing at all (A, AAAA and the {@code _plan} marker are then
 * unpublished). The addresses may be empty or malformed: a buggy planner could write that, and the
 * safe enactor must refuse it.
 */
public record PlanEntry(
    long generation,
    String endpoint,
    int ttl,
    List<PlanAddress> addresses,
    boolean failOpen,
    boolean deleted) {

  public PlanEntry {
    Objects.requireNonNull(endpoint, "endpoint");
    addresses = List.copyOf(addresses);
    if (deleted && !addresses.isEmpty()) {
      // The schema refuses it too (plan_entry_deleted_publishes_nothing).
      throw new IllegalArgumentException("deletion entry for " + endpoint + " has addresses");
    }
  }

  /** An entry that publishes {@code addresses} (not a deletion). */
  public PlanEntry(
      long generation, String endpoint, int ttl, List<PlanAddress> addresses, boolean failOpen) {
    this(generation, endpoint, ttl, addresses, failOpen, false);
  }

  /** The canonical IPv4 addresses (the A rrset), in plan order, each once; no malformed one. */
  public List<String> v4() {
    return canonical(AddressFamily.V4);
  }

  /** The canonical IPv6 addresses (the AAAA rrset), in plan order, each once; no malformed one. */
  public List<String> v6() {
    return canonical(AddressFamily.V6);
  }

  /** The canonical addresses of {@code family}, in plan order, each once. */
  public List<String> canonical(AddressFamily family) {
    Set<String> out = new LinkedHashSet<>();
    for (PlanAddress a : addresses) {
      a.parsed().filter(p -> p.family() == family).ifPresent(p -> out.add(p.canonical()));
    }
    return List.copyOf(out);
  }

  /** The families this entry publishes at least one valid address of. */
  public Set<AddressFamily> families() {
    Set<AddressFamily> out = EnumSet.noneOf(AddressFamily.class);
    for (PlanAddress a : addresses) {
      a.parsed().ifPresent(p -> out.add(p.family()));
    }
    return out;
  }

  /** The addresses that do not parse, in plan order. */
  public List<PlanAddress> malformed() {
    return addresses.stream().filter(a -> a.parsed().isEmpty()).toList();
  }

  /**
   * The name of the TXT rrset that publishes the generation of the plan that last changed the
   * endpoint's addresses (see {@link EntryRdata}).
   */
  public String markerName() {
    return markerName(endpoint);
  }

  /** {@code _plan.<endpoint>}. */
  public static String markerName(String endpoint) {
    return "_plan." + endpoint;
  }

  /** This entry's generation as marker rdata, e.g. {@code "12"}. */
  public String markerRdata() {
    return markerRdata(generation);
  }

  /** Marker TXT rdata in presentation format: the generation in quotes, e.g. {@code "12"}. */
  public static String markerRdata(long generation) {
    return "\"" + generation + "\"";
  }

  /** The generation in marker rdata ({@code "12"}, quotes optional); null when it is not one. */
  public static Long parseMarker(String rdata) {
    if (rdata == null) {
      return null;
    }
    String t = rdata.strip();
    if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      return null;
    }
    return Long.parseLong(t);
  }
}
