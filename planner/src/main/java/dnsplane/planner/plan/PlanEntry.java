package dnsplane.planner.plan;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * PlanEntry is what one plan says about one endpoint, one row of {@code plan_entry}:
 *
 * <ul>
 *   <li>{@code addresses}: what to publish, A and AAAA together;
 *   <li>{@code failOpenFamilies}: the families whose targets were all unhealthy and are published
 *       anyway (fail open);
 *   <li>{@code held}: unhealthy addresses still published because the velocity limit held their
 *       removal back (a subset of {@code addresses});
 *   <li>{@code deleted}: the endpoint was deleted; the entry publishes nothing, on purpose.
 * </ul>
 */
public record PlanEntry(
    String endpoint,
    int ttl,
    List<PlannedAddress> addresses,
    Set<AddressFamily> failOpenFamilies,
    List<PlannedAddress> held,
    boolean deleted) {

  public PlanEntry {
    Objects.requireNonNull(endpoint, "endpoint");
    addresses = List.copyOf(addresses);
    failOpenFamilies =
        Collections.unmodifiableSet(
            failOpenFamilies.isEmpty()
                ? EnumSet.noneOf(AddressFamily.class)
                : EnumSet.copyOf(failOpenFamilies));
    held = List.copyOf(held);
    if (deleted && !(addresses.isEmpty() && held.isEmpty() && failOpenFamilies.isEmpty())) {
      throw new IllegalArgumentException(
          "the deletion entry of " + endpoint + " must publish nothing");
    }
    // Most entries hold nothing back: no set to build for them (a plan makes 100,000s of entries).
    if (!held.isEmpty() && !new HashSet<>(addresses).containsAll(held)) {
      throw new IllegalArgumentException(
          "held addresses of " + endpoint + " must be published: " + held);
    }
  }

  /** An endpoint's entry as health and the velocity limit leave it. */
  public static PlanEntry live(
      String endpoint,
      int ttl,
      List<PlannedAddress> addresses,
      Set<AddressFamily> failOpenFamilies,
      List<PlannedAddress> held) {
    return new PlanEntry(endpoint, ttl, addresses, failOpenFamilies, held, false);
  }

  /** The entry of a deleted endpoint: publish nothing, so enactors unpublish it. */
  public static PlanEntry deletion(String endpoint, int ttl) {
    return new PlanEntry(endpoint, ttl, List.of(), Set.of(), List.of(), true);
  }

  /** True when any family failed open ({@code plan_entry.fail_open}). */
  public boolean failOpen() {
    return !failOpenFamilies.isEmpty();
  }
}
