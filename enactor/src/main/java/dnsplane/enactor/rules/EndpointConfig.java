package dnsplane.enactor.rules;

import java.util.EnumSet;
import java.util.Set;

/**
 * EndpointConfig is what the operator configured for an endpoint, read from tables endpoint and
 * target in the enactor's own write transaction, never from the plan: whether the endpoint is
 * deleted, and which address families it has targets of (healthy or not). It is the independent
 * witness the safe enactor checks a plan entry against, so that a buggy planner cannot drop a
 * family or delete a live endpoint.
 */
public record EndpointConfig(boolean deleted, Set<AddressFamily> targetFamilies) {

  /** No endpoint row, or one with no target: nothing to protect. */
  public static final EndpointConfig NONE = new EndpointConfig(false, Set.of());

  public EndpointConfig {
    targetFamilies =
        targetFamilies.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(targetFamilies));
  }

  /** A live endpoint with targets of {@code families}. */
  public static EndpointConfig live(AddressFamily... families) {
    return new EndpointConfig(false, Set.of(families));
  }

  /** Whether the endpoint is live and has at least one target. */
  public boolean hasTargets() {
    return !deleted && !targetFamilies.isEmpty();
  }
}
