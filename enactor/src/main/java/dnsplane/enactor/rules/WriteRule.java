package dnsplane.enactor.rules;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * WriteRule decides whether an enactor may write a plan entry over an endpoint's current rrsets,
 * given what the operator configured for the endpoint (read from tables endpoint and target, not
 * from the plan). The SQL compare-and-set enforces the generation order again at write time (a lost
 * race is normal). Safe mode checks the entry's content first, then its generation:
 *
 * <pre>
 *  mode   | offered entry           | endpoint (configured)        | decision
 *  -------+-------------------------+------------------------------+---------------------------
 *  safe   | an address is malformed | any                          | RejectInvalid
 *  safe   | deletion                | live, with targets           | RejectEmptyFamily
 *  safe   | deletion                | deleted, or without targets  | by generation ↓
 *  safe   | no address              | any                          | RejectEmpty
 *  safe   | lacks family F          | live, with targets of F      | RejectEmptyFamily
 *  safe   | otherwise               | any                          | by generation ↓
 *  legacy | anything                | any                          | Write (unconditional, 2025)
 *
 *  by generation (current = what the rrsets hold):
 *    current null (never written) or current &lt; offered  → Write
 *    current == offered                                    → Unchanged
 *    current &gt; offered                                  → SkipStale
 * </pre>
 *
 * <p>A family whose targets the operator removed is not protected: the entry leaves it empty and
 * the write is a tombstone (rdata {@code {}}) that keeps the generation. A deleted endpoint is not
 * protected either: its deletion entry unpublishes it, as the database guard also allows.
 */
public final class WriteRule {

  private WriteRule() {}

  public static WriteDecision decide(
      Mode mode, RrsetState current, PlanEntry offered, EndpointConfig configured) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(offered, "offered");
    Objects.requireNonNull(configured, "configured");
    Long held = current.appliedGeneration();
    if (mode == Mode.LEGACY) {
      return new WriteDecision.Write(offered, held);
    }
    if (!offered.malformed().isEmpty()) {
      return new WriteDecision.RejectInvalid(offered, held, offered.malformed());
    }
    if (offered.deleted()) {
      if (configured.hasTargets()) {
        return new WriteDecision.RejectEmptyFamily(offered, held, configured.targetFamilies());
      }
      return byGeneration(offered, held);
    }
    if (offered.addresses().isEmpty()) {
      return new WriteDecision.RejectEmpty(offered, held);
    }
    Set<AddressFamily> missing = missingFamilies(offered, configured);
    if (!missing.isEmpty()) {
      return new WriteDecision.RejectEmptyFamily(offered, held, missing);
    }
    return byGeneration(offered, held);
  }

  /** The families a live endpoint has targets of that the entry would leave without an address. */
  static Set<AddressFamily> missingFamilies(PlanEntry offered, EndpointConfig configured) {
    Set<AddressFamily> missing = EnumSet.noneOf(AddressFamily.class);
    if (configured.deleted()) {
      return missing;
    }
    missing.addAll(configured.targetFamilies());
    missing.removeAll(offered.families());
    return missing;
  }

  private static WriteDecision byGeneration(PlanEntry offered, Long held) {
    if (held == null || held < offered.generation()) {
      return new WriteDecision.Write(offered, held);
    }
    if (held == offered.generation()) {
      return new WriteDecision.Unchanged(offered);
    }
    return new WriteDecision.SkipStale(offered, held);
  }
}
